"""The tabs of one programme (coordinators): its settings, its state, its next cycle."""

from __future__ import annotations

import streamlit as st

from core.kernel.access import Viewer
from core.kernel.errors import Conflict
from core.kernel.i18n import t
from core.programmes import options
from core.programmes import programmes as prog
from db.models import Programme, ProgrammeStatus
from ui.actions import act, flash
from ui.auth import current_viewer
from ui.programmes import Sessions
from ui.programmes.form import programme_form
from ui.retention import retention_form
from ui.store import get_store
from ui.widgets import md_escape

# Where the next cycle's outcome is shown: atop the programme then open (the copy, or this one).
NEXT_CYCLE = "prog-next"


def settings_tab(programme: Programme, choices: prog.EligibilityChoices) -> None:
    """The form over the stored settings; a save that lost a race offers to reload."""
    prefix = f"p{programme.id}"
    version_key = f"{prefix}_version"
    # The version the form's values came from: set whenever the form starts fresh from the database.
    if f"{prefix}_name" not in st.session_state or version_key not in st.session_state:
        st.session_state[version_key] = programme.version
    if programme.status == ProgrammeStatus.CLOSED:
        st.info(
            t(
                "A closed programme can no longer be changed: duplicate it as the next cycle instead."
            )
        )
    submitted = programme_form(prefix, prog.ProgrammeForm.of(programme), t("Save"), choices)
    where = f"{prefix}-settings"
    if submitted is not None:

        def save(sf: Sessions, viewer: Viewer) -> None:
            try:
                saved = prog.update_programme(
                    sf,
                    viewer,
                    programme.id,
                    submitted,
                    expected_version=st.session_state[version_key],
                )
            except Conflict:
                st.session_state[f"{prefix}_conflict"] = True
                raise
            st.session_state[version_key] = saved.version

        if act(where, save, done=t("Programme saved.")):
            st.rerun()
    flash(where)
    if st.session_state.get(f"{prefix}_conflict"):

        def reload_form() -> None:
            for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
                del st.session_state[key]

        st.button(
            t("Load the latest version (discards my changes)"),
            key=f"reload_{programme.id}",
            on_click=reload_form,
        )
    viewer = current_viewer()
    if viewer is not None:
        retention_form(get_store(), viewer, programme, version_key)  # saved on its own


def state_tab(programme: Programme) -> None:
    """The moves allowed from the current state, one button each."""
    st.write(t("Current state: {state}.", state=options.status_label(programme.status)))
    targets = options.allowed_transitions(programme.status)
    if not targets:
        st.caption(t("A closed programme stays closed."))
    version_key = f"p{programme.id}_version"

    def move(sf: Sessions, viewer: Viewer, target: str) -> Programme:
        moved = prog.change_status(
            sf, viewer, programme.id, target, expected_version=programme.version
        )
        if st.session_state.get(version_key) == programme.version:
            st.session_state[version_key] = moved.version
        return moved

    where = f"p{programme.id}-state"
    for target in targets:
        label = t(options.TRANSITION_LABELS.get((programme.status, target), target))
        if st.button(label, key=f"to_{programme.id}_{target}") and act(
            where,
            move,
            target,
            done=lambda moved: t(
                "The programme is now “{state}”.", state=options.status_label(moved.status)
            ),
        ):
            st.rerun()
    flash(where)


def next_cycle_tab(programme: Programme) -> None:
    """Copy this programme as a new draft whose dates follow this cycle."""
    st.write(
        t(
            "Copy this programme's settings, KPIs and skill list into a new draft whose dates follow this cycle."
        )
    )

    def copy_as_draft(sf: Sessions, viewer: Viewer, name: str) -> Programme:
        copy = prog.duplicate_programme(sf, viewer, programme.id, name=name)
        st.session_state["prog_pick_next"] = copy.id
        return copy

    def duplicate() -> None:
        act(
            NEXT_CYCLE,
            copy_as_draft,
            st.session_state[f"dup_name_{programme.id}"],
            done=lambda copy: t(
                "“{name}” created as a draft: check its dates.", name=md_escape(copy.name)
            ),
        )

    with st.form(f"dup_{programme.id}"):
        st.text_input(
            t("Name of the next cycle"),
            value=t("{name} (next cycle)", name=programme.name),
            key=f"dup_name_{programme.id}",
        )
        st.form_submit_button(
            t("Duplicate as a new draft"), key=f"dup_submit_{programme.id}", on_click=duplicate
        )
