"""Skills (coordinators): the shared skill list and each programme's own, by category."""

import pandas as pd
import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import t, tn
from core.programmes import skills
from ui.actions import act, flash
from ui.page import guard
from ui.programmes import Sessions

store, viewer = guard("coord_skills")
st.title(t("Skills"))
st.caption(
    t(
        "Participants pick the skills they offer and want from these lists. The shared list serves every programme; a programme can add its own."
    )
)

scopes = skills.skill_scopes(store.sf, viewer)
SHARED = 0  # the shared list's key in the picker (a None option would read as "no choice")
by_scope = {sc.programme_id or SHARED: sc for sc in scopes}
picked_scope = st.selectbox(
    t("List"),
    list(by_scope),
    format_func=lambda i: t("Shared by every programme") if i == SHARED else by_scope[i].name,
    key="skills_scope",
)
scope_id = by_scope[picked_scope].programme_id
rows = skills.list_skills(store.sf, viewer, scope_id)
known_categories = skills.categories(store.sf, viewer)


def _label(skill_id: int) -> str:
    row = by_id[skill_id]
    return f"{row.name} ({row.category})" if row.category else row.name


by_id = {r.skill_id: r for r in rows}
if not rows:
    st.info(t("This list has no skills yet."))
else:
    grouped: dict[str, list[skills.SkillRow]] = {}
    for row in rows:
        grouped.setdefault(row.category or t("No category"), []).append(row)
    for category, members in grouped.items():
        st.header(category)
        st.dataframe(
            pd.DataFrame(
                {
                    t("Skill"): [r.name for r in members],
                    t("Offered by"): [r.offered for r in members],
                    t("Wanted by"): [r.wanted for r in members],
                }
            ),
            hide_index=True,
            width="stretch",
        )

st.divider()
add_col, edit_col = st.columns(2, gap="large")
with add_col, st.form("skill_add", clear_on_submit=False):
    st.markdown("**" + t("Add a skill") + "**")
    new_name = st.text_input(t("Skill"), key="skill_new_name")
    new_category = st.text_input(
        t("Category"),
        key="skill_new_category",
        help=t("Existing categories: {names}", names=", ".join(known_categories) or "—"),
    )

    def add(sf: Sessions, viewer: Viewer) -> None:
        added = skills.add_skill(sf, viewer, new_name, new_category, scope_id)
        st.toast(t("“{name}” added.", name=added.name))

    if st.form_submit_button(t("Add")) and act(
        "skill-add", add, clear=("skill_new_name", "skill_new_category")
    ):
        st.rerun()
    flash("skill-add")

if rows:
    with edit_col, st.form("skill_edit", clear_on_submit=False):
        st.markdown("**" + t("Rename or change the category") + "**")
        picked = st.selectbox(t("Skill"), list(by_id), format_func=_label, key="skill_edit_pick")
        renamed = st.text_input(
            t("New name"), key="skill_edit_name", help=t("Leave empty to keep the name.")
        )
        recategorised = st.text_input(
            t("New category"), key="skill_edit_category", help=t("Leave empty to keep it.")
        )

        def edit(sf: Sessions, viewer: Viewer) -> None:
            if renamed.strip():
                skills.rename_skill(sf, viewer, picked, renamed)
            if recategorised.strip():
                skills.set_category(sf, viewer, picked, recategorised)
            st.toast(t("Saved."))

        if st.form_submit_button(t("Save")) and act(
            "skill-edit", edit, clear=("skill_edit_name", "skill_edit_category")
        ):
            st.rerun()
        flash("skill-edit")

    merge_col, delete_col = st.columns(2, gap="large")
    with merge_col, st.form("skill_merge", clear_on_submit=False):
        st.markdown("**" + t("Merge two skills") + "**")
        st.caption(
            t(
                "Everyone who offers or wants the first skill gets the second one instead; the first name keeps pointing to it."
            )
        )
        targets = dict(by_id)
        if scope_id is not None:  # a programme's skill can also merge into a shared one
            targets.update({r.skill_id: r for r in skills.list_skills(store.sf, viewer, None)})
        source = st.selectbox(t("Merge"), list(by_id), format_func=_label, key="skill_merge_source")
        target = st.selectbox(
            t("Into"),
            list(targets),
            index=min(1, len(targets) - 1),  # not the same skill as "Merge" by default
            format_func=lambda i: targets[i].name,
            key="skill_merge_target",
        )

        def merge(sf: Sessions, viewer: Viewer) -> None:
            moved = skills.merge_skills(sf, viewer, source, target)
            st.toast(
                tn(
                    "Merged: {n} enrolment skill moved.",
                    "Merged: {n} enrolment skills moved.",
                    moved,
                )
            )

        if st.form_submit_button(t("Merge")) and act("skill-merge", merge):
            st.rerun()
        flash("skill-merge")

    unused = [r.skill_id for r in rows if r.uses == 0]
    with delete_col, st.form("skill_delete", clear_on_submit=False):
        st.markdown("**" + t("Delete an unused skill") + "**")
        if not unused:
            st.caption(t("Every skill of this list is in use: merge instead of deleting."))
        doomed = st.selectbox(
            t("Skill"),
            unused,
            format_func=_label,
            key="skill_delete_pick",
            placeholder=t("No unused skill"),
        )
        if st.form_submit_button(t("Delete"), disabled=not unused) and act(
            "skill-delete", skills.delete_skill, doomed
        ):
            st.toast(t("Deleted."))
            st.rerun()
        flash("skill-delete")
