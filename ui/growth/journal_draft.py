"""Reflection journal, the new reflection's draft: the form's state and the callbacks that save it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from core.growth import actions, journal, journal_rules
from core.growth.journal_views import DraftState, EntryView, MeetingChoice
from core.kernel.access import Viewer
from ui.actions import act
from ui.growth.journal_entries import share
from ui.widgets import form_key, form_sent, reseed, seed

ENTRY = "journal_entry_id"  # the draft being written (None: not started)
NEW = "journal_new"  # the new-reflection form: its submission key makes one draft, one entry
DRAFT, ACTION = "journal_draft", "journal_action"  # where their messages show
FAILED = "journal_failed"  # the last save of the draft was refused
WIDGETS = {f: f"journal_{f}" for f in journal_rules.TEXT_FIELDS} | {
    "usefulness": "journal_usefulness",
    "wellbeing": "journal_wellbeing",
    "meeting_id": "journal_meeting",
}
Save = Callable[[sessionmaker[Session], Viewer], DraftState]


def current_values() -> dict[str, object]:
    ss = st.session_state
    return {name: ss.get(key) for name, key in WIDGETS.items() if key in ss}


def resume(sf: sessionmaker[Session], viewer: Viewer, meetings: list[MeetingChoice]) -> None:
    """The form shows my draft, if any: read when this session has no value for the
    form (a first visit, or back from another page, which Streamlit dropped them for),
    and sent to the browser again on every run until changed (ui.widgets.seed)."""
    ss = st.session_state
    if ENTRY in ss and reseed(WIDGETS.values()):
        return
    draft = journal.current_draft(sf, viewer)
    ss[ENTRY] = draft.id if draft else None
    if draft is None:  # a new reflection: about my latest meeting, if any
        latest = meetings[0].id if meetings else None
        seed(
            {WIDGETS[name]: "" for name in journal_rules.TEXT_FIELDS} | _numbers(None, None, latest)
        )
        return
    seed(
        {WIDGETS[name]: draft.answers.get(name, "") for name in journal_rules.TEXT_FIELDS}
        | _numbers(draft.usefulness, draft.wellbeing, draft.meeting_id)
    )
    ss["journal_resumed"] = draft.created_at


def _numbers(
    usefulness: int | None, wellbeing: int | None, meeting: int | None
) -> dict[str, object]:
    return {
        WIDGETS["usefulness"]: usefulness,
        WIDGETS["wellbeing"]: wellbeing,
        WIDGETS["meeting_id"]: meeting,
    }


def clear_form() -> None:
    """Empty the prompts for the next reflection (values set: popping would not clear them)."""
    ss = st.session_state
    for name in journal_rules.TEXT_FIELDS:
        ss[WIDGETS[name]] = ""
    ss[WIDGETS["usefulness"]] = ss[WIDGETS["wellbeing"]] = None
    for key in ("journal_saved_at", FAILED, "journal_resumed"):
        ss.pop(key, None)
    ss[ENTRY] = None
    form_sent(NEW)


def _into_draft(save: Save) -> None:
    """Save into the draft; remember which draft and when, or that it was refused."""

    def saving(sf: sessionmaker[Session], viewer: Viewer) -> None:
        state = save(sf, viewer)
        st.session_state[ENTRY] = state.entry_id
        st.session_state["journal_saved_at"] = state.saved_at

    st.session_state[FAILED] = not act(DRAFT, saving)


DONE = "journal_done"  # the reflection just saved: offered for sharing until the next action


def share_done(entry_id: int) -> None:
    st.session_state.pop(DONE, None)
    share(entry_id, True, NEW)


def autosave(name: str) -> None:
    """Runs when a field loses focus: keep the answer server-side at once (a new reflection
    begun: the one saved before is no longer offered for sharing)."""
    st.session_state.pop(DONE, None)
    entry_id, value = st.session_state.get(ENTRY), st.session_state.get(WIDGETS[name])
    _into_draft(
        lambda sf, viewer: journal.save_draft(sf, viewer, entry_id, name, value, key=form_key(NEW))
    )


def keep_as_new_draft() -> None:
    """After a failed save: start a new draft holding everything typed so far."""
    form_sent(NEW)  # a new draft is a new form: the old key names the draft that failed
    values = current_values()
    _into_draft(
        lambda sf, viewer: journal.save_draft_values(sf, viewer, None, values, key=form_key(NEW))
    )


def finalise() -> None:
    saved: list[EntryView] = []

    def final(sf: sessionmaker[Session], viewer: Viewer) -> None:
        entry_id, values = st.session_state.get(ENTRY), current_values()
        saved.append(journal.finalise(sf, viewer, entry_id, values, key=form_key(NEW)))

    if act(DRAFT, final):
        clear_form()
        st.session_state[DONE] = saved[0].id
    else:
        st.session_state[FAILED] = True


def discard() -> None:
    if act(DRAFT, journal.delete_entry, st.session_state.get(ENTRY)):  # none yet: nothing to do
        clear_form()
    else:
        st.session_state[FAILED] = True


def add_action() -> None:
    ss = st.session_state

    def note(sf: sessionmaker[Session], viewer: Viewer) -> None:
        if ss.get(ENTRY) is None:  # the item needs the draft it belongs to
            draft = journal.save_draft_values(sf, viewer, None, current_values(), key=form_key(NEW))
            ss[ENTRY] = draft.entry_id
        actions.add_action(
            sf,
            viewer,
            title=ss.get("journal_action_title", ""),
            owner_id=ss.get("journal_action_owner") or viewer.person_id,
            due_date=ss.get("journal_action_due"),
            journal_entry_id=ss[ENTRY],
            key=form_key("journal_action"),
        )

    if act(ACTION, note):
        form_sent("journal_action")
        ss["journal_action_title"] = ""
        ss["journal_action_due"] = None
