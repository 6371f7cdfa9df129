"""My peer, third tab: our meetings — the rhythm, planning, recording, each meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.i18n import format_date, t
from core.relationship import ics, meeting_rules, meetings, schedule
from core.relationship.meetings import MeetingView
from ui import actions
from ui.my_peer import meeting_card
from ui.my_peer.common import Shown, run, say, show
from ui.widgets import form_key, form_sent

KIND_CODES = list(meetings.KINDS)


def _plan(shown: Shown) -> None:
    ss, form = st.session_state, f"meeting_plan_{shown.match_id}"

    def plan(sf: Any, viewer: Viewer) -> list[MeetingView]:
        return schedule.plan_meetings(
            sf,
            viewer,
            shown.match_id,
            shown.to_utc(ss["plan_date"], ss["plan_time"]),
            count=int(ss.get("plan_count", 1)),
            duration_minutes=int(ss.get("plan_minutes", shown.overview.default_minutes)),
            kind=ss.get("plan_kind", "regular"),
            place=ss.get("plan_place", ""),
            agenda=ss.get("plan_agenda", ""),
            key=form_key(form),
        )

    where = shown.where("meetings")
    clear = ("plan_date", "plan_time", "plan_count", "plan_place", "plan_agenda")
    made = run(where, plan, clear=clear)
    if made is not None:
        form_sent(form)
        say(where, t("Planned: {when}.", when=", ".join(shown.when(m.scheduled_at) for m in made)))


def _record(shown: Shown) -> None:
    ss, form = st.session_state, f"meeting_held_{shown.match_id}"

    def record(sf: Any, viewer: Viewer) -> MeetingView:
        return schedule.record_held_meeting(
            sf,
            viewer,
            shown.match_id,
            shown.to_utc(ss["held_date"], ss["held_time"]),
            duration_minutes=int(ss.get("held_minutes", shown.overview.default_minutes)),
            kind=ss.get("held_kind", "regular"),
            notes=ss.get("held_notes", ""),
            key=form_key(form),
        )

    if actions.act(
        shown.where("meetings"),
        record,
        done=t("Meeting recorded as held."),
        clear=("held_date", "held_time", "held_notes"),
    ):
        form_sent(form)


def _time_and_length(b: Any, c: Any, shown: Shown, form: str) -> None:
    """The time and length columns of the plan and held forms (keys ``<form>_time``, ``_minutes``)."""
    b.time_input(t("Time"), value=dt.time(10, 0), step=900, key=f"{form}_time")
    c.number_input(
        t("Length (minutes)"),
        min_value=schedule.MIN_DURATION,
        max_value=schedule.MAX_DURATION,
        step=15,
        value=shown.overview.default_minutes,
        key=f"{form}_minutes",
    )


def _plan_form(shown: Shown) -> None:
    overview = shown.overview
    with st.expander(t("Plan the next meeting"), expanded=not overview.upcoming):
        form_key(f"meeting_plan_{shown.match_id}")  # drawn with the form, sent with it
        with st.form("plan_form", border=False):
            a, b, c = st.columns(3)
            a.date_input(
                t("Date"),
                value=overview.suggested,
                min_value=clock.today(),
                key="plan_date",
                help=t("Suggested from your rhythm: the last meeting plus the cadence."),
            )
            _time_and_length(b, c, shown, "plan")
            d, e = st.columns(2)
            d.selectbox(
                t("Kind"),
                KIND_CODES,
                format_func=lambda k: t(meetings.KINDS[k]),
                key="plan_kind",
                help=t(
                    "A rehearsal is for practising a presentation or a difficult conversation; "
                    "a feedback review goes over feedback you gave or received."
                ),
            )
            e.number_input(
                t("How many (a series on your rhythm)"),
                min_value=1,
                max_value=schedule.MAX_SERIES,
                value=1,
                key="plan_count",
            )
            st.text_input(t("Place or link"), key="plan_place")
            st.text_area(t("Agenda"), key="plan_agenda")
            st.form_submit_button(
                t("Plan"), key="plan_submit", type="primary", on_click=_plan, args=(shown,)
            )


def _held_form(shown: Shown) -> None:
    with st.expander(t("Record a meeting that already took place")):
        form_key(f"meeting_held_{shown.match_id}")  # drawn with the form, sent with it
        with st.form("held_form", border=False):
            a, b, c = st.columns(3)
            a.date_input(
                t("Date"),
                value=clock.today(),
                max_value=clock.today(),
                key="held_date",
            )
            _time_and_length(b, c, shown, "held")
            st.selectbox(
                t("Kind"), KIND_CODES, format_func=lambda k: t(meetings.KINDS[k]), key="held_kind"
            )
            st.text_area(t("Shared notes"), key="held_notes")
            st.form_submit_button(
                t("Record as held"), key="held_submit", on_click=_record, args=(shown,)
            )


def render(shown: Shown) -> None:
    overview = shown.overview
    show(shown.where("meetings"))
    st.markdown(
        t(
            "**Rhythm:** every {cadence} days · **Last meeting held:** {last} · **Pair health:** {health}",
            cadence=overview.cadence_days,
            last=format_date(overview.last_held),
            health=t(meeting_rules.HEALTH[overview.health]),
        )
    )
    st.caption(t("Times are shown in your time zone ({tz}).", tz=str(shown.tz)))

    if overview.can_plan and shown.view.is_live:  # live and not paused
        _plan_form(shown)
    _held_form(shown)

    if overview.upcoming:
        st.download_button(
            t("Download all upcoming meetings (.ics)"),
            data=ics.ics_bytes(overview.upcoming, overview.peer_names),
            file_name=f"tandem-meetings-{shown.match_id}.ics",
            mime="text/calendar",
            key="ics_series",
            on_click="ignore",
        )
    upcoming_ids = {m.meeting_id for m in overview.upcoming}
    if not overview.meetings:
        st.info(t("No meeting yet. Plan your first one: the first two weeks set the tone."))
    for m in overview.upcoming:
        meeting_card.render(shown, m, expanded=m.meeting_id == overview.upcoming[0].meeting_id)
    past = [m for m in reversed(overview.meetings) if m.meeting_id not in upcoming_ids]
    if past:
        st.markdown("## " + t("Past meetings"))
        for m in past:
            meeting_card.render(shown, m, expanded=False)
