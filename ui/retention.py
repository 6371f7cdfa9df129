"""Page pieces of the retention setting (issue 13): the coordinator's field, the journal's notice."""

from __future__ import annotations

import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import format_date, t, tn
from core.kernel.store import Store
from core.privacy import retention
from db.models import Programme
from ui.actions import act, flash
from ui.programmes import Sessions
from ui.widgets import md_escape


def retention_form(store: Store, viewer: Viewer, programme: Programme, version_key: str) -> None:
    """How long the programme keeps private text; saved on its own (closed programmes too).

    ``version_key``: the session key of the settings form's version, moved along when
    this save changes the programme's version (so the next "Save" is not a false conflict).
    """
    prefix = f"retention_{programme.id}"
    with st.form(f"{prefix}_form", enter_to_submit=False):
        st.markdown("**" + t("Retention of private text") + "**")
        days = st.text_input(
            t("Erase participants' private text this many days after the programme ends"),
            value="" if programme.retention_days is None else str(programme.retention_days),
            placeholder=t("Empty: keep it"),
            key=f"{prefix}_days",
            help=t(
                "Journals, goals, feedback, meeting notes and concerns of this programme are emptied; every count of the dashboard stays. Participants see the date on their journal page."
            ),
        )
        when = retention.erase_on(programme)
        if when is not None:
            st.caption(
                t("Private text of this programme is erased on {date}.", date=format_date(when))
            )
        submitted = st.form_submit_button(t("Save the retention"), key=f"{prefix}_submit")
    where = f"{prefix}-saved"
    if submitted:

        def save(sf: Sessions, viewer: Viewer) -> None:
            saved = retention.set_retention(
                sf, viewer, programme.id, days, expected_version=programme.version
            )
            # The settings form's copy was current: it follows this save (no false conflict).
            if st.session_state.get(version_key) == programme.version:
                st.session_state[version_key] = saved.version

        if act(where, save, done=t("Retention saved.")):
            st.rerun()
    flash(where)


def erase_notice(store: Store, viewer: Viewer) -> None:
    """On the journal page: when my private text will be erased, and a reminder to export it."""
    for plan in retention.my_erase_dates(store.sf, viewer):
        name = md_escape(plan.programme)
        if plan.erased:
            st.caption(
                t(
                    "The private text of “{programme}” was erased on {date}, as the programme's retention says.",
                    programme=name,
                    date=format_date(plan.erase_on),
                )
            )
        elif plan.erase_on is None:
            st.info(
                tn(
                    "Your journal, goals and feedback of “{programme}” will be erased {n} day after the programme ends. Download a copy on the My data page before then.",
                    "Your journal, goals and feedback of “{programme}” will be erased {n} days after the programme ends. Download a copy on the My data page before then.",
                    plan.days,
                    programme=name,
                )
            )
        else:
            st.info(
                t(
                    "Your journal, goals and feedback of “{programme}” will be erased on {date}. Download a copy on the My data page before then.",
                    programme=name,
                    date=format_date(plan.erase_on),
                ),
                icon=":material/event_busy:",
            )
