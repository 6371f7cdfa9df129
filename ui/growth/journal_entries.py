"""Reflection journal, saved entries: mine (share, edit, delete), my peers', action items."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.growth import actions, journal, journal_rules
from core.growth.actions import ActionView
from core.growth.journal_views import EntryView
from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.i18n import format_date, t
from ui.actions import act, flash
from ui.growth import mirror
from ui.widgets import md_escape, plain

ITEMS = "journal_actions"  # where a refused tick shows: the "Action items" tab


def share(entry_id: int, shared: bool, where: str) -> None:
    act(where, journal.set_shared, entry_id, shared)


def toggle_share(entry_id: int) -> None:
    share(
        entry_id, bool(st.session_state[f"journal_share_{entry_id}"]), f"journal_entry_{entry_id}"
    )


def tick(item_id: int, key: str) -> None:
    act(ITEMS, actions.set_done, item_id, bool(st.session_state[key]))


def save_edit(entry: EntryView) -> None:
    keys = {f: f"journal_edit_{f}_{entry.id}" for f in journal_rules.TEXT_FIELDS}
    values = {f: st.session_state.get(key, "") for f, key in keys.items()}
    where = f"journal_entry_{entry.id}"
    act(where, journal.edit_entry, entry.id, entry.version, values, clear=keys.values())


def delete(entry_id: int) -> None:
    act(f"journal_entry_{entry_id}", journal.delete_entry, entry_id)


# --------------------------------------------------------------------------- rendering


def action_items(items: Sequence[ActionView], where: str, viewer: Viewer) -> None:
    """Each item a checkbox; its owner or its creator ticks it (``where``: part of the key)."""
    today = clock.today()
    for item in items:
        key = f"action_done_{where}_{item.id}"
        due = (
            t("due {date}", date=format_date(item.due_date)) if item.due_date else t("no due date")
        )
        who = t("me") if item.mine else item.owner_name
        late = " · " + t("overdue") if item.overdue(today) else ""
        st.checkbox(
            f"{md_escape(item.title)} — {md_escape(who)} · {due}{late}",
            key=mirror(key, item.done),
            on_change=tick,
            args=(item.id, key),
            disabled=not item.mine and item.created_by_id != viewer.person_id,
        )


def answers(entry: EntryView) -> None:
    for name, text in entry.answered:
        st.markdown(f"**{md_escape(t(journal_rules.LABELS[name]))}**")
        plain(text)
    scores = []
    if entry.usefulness:
        scores.append(t("Meeting usefulness: {n}/5", n=entry.usefulness))
    if entry.wellbeing:
        scores.append(t("How I am doing: {n}/5", n=entry.wellbeing))
    if scores:
        st.caption(" · ".join(scores))


def title(entry: EntryView, with_author: bool) -> str:
    when = (
        t("After the meeting of {date}", date=format_date(entry.meeting_at))
        if entry.meeting_at
        else t("Free-standing reflection of {date}", date=format_date(entry.created_at))
    )
    parts = [entry.author_name, when] if with_author else [when]
    if not with_author:
        parts.append(t("shared") if entry.shared else t("private"))
    return " · ".join(md_escape(p) for p in parts)


def _edit(entry: EntryView) -> None:
    with st.form(f"journal_edit_form_{entry.id}", border=False):
        for prompt in journal_rules.PROMPTS:
            st.text_area(
                t(prompt.label),
                value=entry.answers.get(prompt.field, ""),
                key=f"journal_edit_{prompt.field}_{entry.id}",
                height=68,
            )
        st.form_submit_button(t("Save changes"), on_click=save_edit, args=(entry,))
    if st.checkbox(t("Delete this reflection…"), key=f"journal_delete_ask_{entry.id}"):
        st.button(
            t("Yes, delete it"),
            key=f"journal_delete_{entry.id}",
            type="primary",
            on_click=delete,
            args=(entry.id,),
        )


def my_entry(entry: EntryView, viewer: Viewer) -> None:
    # Keyed: sharing from inside changes the label, and the entry must stay open.
    with st.expander(title(entry, with_author=False), key=f"journal_mine_{entry.id}"):
        flash(f"journal_entry_{entry.id}")
        answers(entry)
        if entry.actions:
            st.markdown("**" + t("Action items") + "**")
            action_items(entry.actions, f"mine{entry.id}", viewer)
        st.toggle(
            t("Shared with my peer"),
            key=mirror(f"journal_share_{entry.id}", entry.shared),
            on_change=toggle_share,
            args=(entry.id,),
        )
        if entry.shared:
            names = ", ".join(entry.shared_with) or t("nobody for now (no live pair or circle)")
            st.caption(t("Who can read it: {names}", names=md_escape(names)))
        else:
            st.caption(t("Private: only you can read it."))
        if st.toggle(t("Edit"), key=f"journal_edit_open_{entry.id}"):
            _edit(entry)


def their_entry(entry: EntryView, viewer: Viewer) -> None:
    with st.expander(title(entry, with_author=True), key=f"journal_theirs_{entry.id}"):
        answers(entry)
        if entry.actions:
            st.markdown("**" + t("Action items for me") + "**")
            action_items(entry.actions, f"theirs{entry.id}", viewer)
