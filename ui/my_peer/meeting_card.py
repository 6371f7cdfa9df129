"""My peer, meetings tab: one meeting — mark it, move it, its calendar file, the shared text."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.i18n import t
from core.relationship import ics, meetings, notes, schedule
from core.relationship.meetings import MeetingView
from ui.actions import act
from ui.my_peer.common import Shown, run, say, show, sync_form
from ui.widgets import md_escape, plain


def _where(meeting_id: int) -> str:
    return f"my_peer_meeting_{meeting_id}"


def _mark(shown: Shown, meeting_id: int, status: str, version: int) -> None:
    if act(_where(meeting_id), schedule.set_status, meeting_id, status, version):
        say(
            shown.where("meetings"),
            t("Meeting marked “{status}”.", status=t(meetings.STATUSES[status])),
        )


def _move(shown: Shown, meeting_id: int, version: int) -> None:
    ss = st.session_state

    def move(sf: Any, viewer: Viewer) -> MeetingView:
        when = shown.to_utc(ss[f"move_date_{meeting_id}"], ss[f"move_time_{meeting_id}"])
        return schedule.move_meeting(sf, viewer, meeting_id, when, version)

    new = run(_where(meeting_id), move)
    if new is not None:
        say(shown.where("meetings"), t("Moved to {when}.", when=shown.when(new.scheduled_at)))


def _save_text(meeting_id: int) -> None:
    ss = st.session_state
    base_key, conflict_key = f"meeting_base_{meeting_id}", f"meeting_conflict_{meeting_id}"
    base = ss.get(base_key, (0, "", ""))

    def save(sf: Any, viewer: Viewer) -> None:
        try:
            saved = notes.save_shared_text(
                sf,
                viewer,
                meeting_id,
                agenda=ss.get(f"agenda_{meeting_id}", ""),
                notes=ss.get(f"notes_{meeting_id}", ""),
                seen_version=base[0],
            )
        except notes.EditConflict as e:
            # Keep my text in the form; the next save goes on top of theirs, knowingly.
            ss[base_key] = (e.theirs.version, e.theirs.agenda, e.theirs.notes)
            ss[conflict_key] = True
            raise
        ss[base_key] = (saved.version, saved.agenda, saved.notes)
        ss.pop(conflict_key, None)

    act(_where(meeting_id), save, done=t("Agenda and notes saved."))


def _actions(shown: Shown, m: MeetingView) -> None:
    """Held, missed, cancel, move and the calendar file of a planned meeting."""
    started = m.scheduled_at <= clock.now()
    with st.container(horizontal=True):
        if started:
            st.button(
                t("Held"),
                key=f"held_{m.meeting_id}",
                on_click=_mark,
                args=(shown, m.meeting_id, meetings.MeetingStatus.HELD, m.version),
            )
            st.button(
                t("Missed"),
                key=f"missed_{m.meeting_id}",
                on_click=_mark,
                args=(shown, m.meeting_id, meetings.MeetingStatus.MISSED, m.version),
            )
        st.button(
            t("Cancel"),
            key=f"cancel_{m.meeting_id}",
            on_click=_mark,
            args=(shown, m.meeting_id, meetings.MeetingStatus.CANCELLED, m.version),
        )
        if shown.overview.can_plan:
            with st.popover(t("Move")), st.form(f"move_form_{m.meeting_id}", border=False):
                local = shown.local(m.scheduled_at)
                st.date_input(
                    t("Move to"),
                    value=max(local.date(), clock.today()),
                    min_value=clock.today(),
                    key=f"move_date_{m.meeting_id}",
                )
                st.time_input(
                    t("At"), value=local.time(), step=900, key=f"move_time_{m.meeting_id}"
                )
                st.form_submit_button(
                    t("Move"),
                    key=f"move_{m.meeting_id}",
                    on_click=_move,
                    args=(shown, m.meeting_id, m.version),
                )
        st.download_button(
            t("Calendar (.ics)"),
            data=ics.ics_bytes([m], shown.overview.peer_names),
            file_name=f"tandem-meeting-{m.meeting_id}.ics",
            mime="text/calendar",
            key=f"ics_{m.meeting_id}",
            on_click="ignore",
            icon=":material/calendar_add_on:",
        )


def render(shown: Shown, m: MeetingView, expanded: bool) -> None:
    label = t(
        "{when} · {kind} · {status}",
        when=shown.when(m.scheduled_at),
        kind=t(meetings.KINDS.get(m.kind, m.kind)),
        status=t(meetings.STATUSES.get(m.status, m.status)),
    )
    with st.expander(label, expanded=expanded):
        show(_where(m.meeting_id))
        st.caption(
            t("{minutes} minutes", minutes=m.duration_minutes)
            + (f" · {md_escape(m.place)}" if m.place else "")
        )
        is_open = shown.view.is_live
        if m.is_planned and is_open:
            _actions(shown, m)
        sync_form(  # the saved text, unless I am typing over an older version
            f"meeting_base_{m.meeting_id}",
            (f"agenda_{m.meeting_id}", f"notes_{m.meeting_id}"),
            m.version,
            (m.agenda, m.notes),
        )
        with st.form(f"meeting_text_form_{m.meeting_id}", border=False):
            st.text_area(t("Agenda"), key=f"agenda_{m.meeting_id}", disabled=not is_open)
            st.text_area(t("Shared notes"), key=f"notes_{m.meeting_id}", disabled=not is_open)
            st.caption(
                t("Your peer sees and edits these. Your private reflections go in your journal.")
            )
            st.form_submit_button(
                t("Save agenda and notes"),
                key=f"save_text_{m.meeting_id}",
                on_click=_save_text,
                args=(m.meeting_id,),
                disabled=not is_open,
            )
        if st.session_state.get(f"meeting_conflict_{m.meeting_id}"):
            st.markdown("**" + t("Saved by your peer — agenda") + "**")
            plain(m.agenda or "—")
            st.markdown("**" + t("Saved by your peer — notes") + "**")
            plain(m.notes or "—")
