"""Reflection journal, tab "New reflection": prompts saved as a draft as I type, action items."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from core.growth import actions, journal, journal_rules
from core.growth.journal_views import DraftState, EntryView, MeetingChoice
from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import TandemError
from core.kernel.i18n import format_datetime, t
from core.kernel.store import Store
from ui.actions import act, flash
from ui.growth.journal_entries import action_items, share
from ui.widgets import form_key, form_sent

ENTRY = "journal_entry_id"  # the draft being written (None: not started)
NEW = "journal_new"  # the new-reflection form: its submission key makes one draft, one entry
DRAFT, ACTION = "journal_draft", "journal_action"  # where their messages show
FAILED = "journal_failed"  # the last save of the draft was refused
WIDGETS = {f: f"journal_{f}" for f in journal_rules.TEXT_FIELDS} | {
    "usefulness": "journal_usefulness",
    "wellbeing": "journal_wellbeing",
    "meeting_id": "journal_meeting",
}
SCALE = [1, 2, 3, 4, 5]
Save = Callable[[sessionmaker[Session], Viewer], DraftState]


def current_values() -> dict[str, object]:
    ss = st.session_state
    return {name: ss.get(key) for name, key in WIDGETS.items() if key in ss}


def resume(draft: EntryView | None) -> None:
    """First visit in this session: the form shows my draft, if any."""
    ss = st.session_state
    ss[ENTRY] = draft.id if draft else None
    if draft:
        for name in journal_rules.TEXT_FIELDS:
            ss[WIDGETS[name]] = draft.answers.get(name, "")
        ss[WIDGETS["usefulness"]] = draft.usefulness
        ss[WIDGETS["wellbeing"]] = draft.wellbeing
        ss[WIDGETS["meeting_id"]] = draft.meeting_id
        ss["journal_resumed"] = draft.created_at


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


# --------------------------------------------------------------------------- rendering


def prompts(meetings: list[MeetingChoice]) -> dict[int, MeetingChoice]:
    """The meeting, the prompts (the main ones, then "Go deeper") and the two scales."""
    ss = st.session_state
    by_id = {m.id: m for m in meetings}
    if ss.get(WIDGETS["meeting_id"]) not in by_id:
        ss.pop(WIDGETS["meeting_id"], None)
    # Labels computed here, in this run's language: a format_func may be called elsewhere.
    labels: dict[int | None, str] = {
        m.id: t("{date} with {peers}", date=format_datetime(m.scheduled_at, "short"), peers=m.peers)
        for m in meetings
    }
    labels[None] = t("Free-standing (not about one meeting)")
    st.selectbox(
        t("After which meeting?"),
        [*by_id, None],
        format_func=labels.__getitem__,
        key=WIDGETS["meeting_id"],
        on_change=autosave,
        args=("meeting_id",),
    )

    def prompt_area(prompt: journal_rules.Prompt) -> None:
        key = WIDGETS[prompt.field]
        st.text_area(t(prompt.label), key=key, height=68, on_change=autosave, args=(prompt.field,))

    for prompt in journal_rules.PROMPTS:
        if prompt.main:
            prompt_area(prompt)
    with st.expander(t("Go deeper: a situation or challenge")):
        for prompt in journal_rules.PROMPTS:
            if not prompt.main:
                prompt_area(prompt)
    for column, (name, label) in zip(st.columns(2), journal_rules.SCALES.items(), strict=True):
        column.radio(
            t(label),
            SCALE,
            index=None,
            horizontal=True,
            key=WIDGETS[name],
            on_change=autosave,
            args=(name,),
        )
    return by_id


def draft_status() -> None:
    ss = st.session_state
    flash(DRAFT)
    if ss.get(FAILED):
        st.button(
            t("Keep what I typed as a new draft"), key="journal_keep", on_click=keep_as_new_draft
        )
    elif ss.get("journal_saved_at"):
        st.caption(
            ":material/cloud_done: "
            + t("Draft saved at {time} (UTC).", time=ss["journal_saved_at"].strftime("%H:%M"))
        )
    elif ss.get("journal_resumed"):
        st.caption(
            ":material/history: "
            + t(
                "Draft resumed: you started it on {date}.",
                date=format_datetime(ss["journal_resumed"], "short"),
            )
        )
    else:
        st.caption(t("Each answer is saved as a draft when you leave the field."))


def new_action_item(store: Store, viewer: Viewer, chosen: MeetingChoice | None) -> None:
    ss = st.session_state
    st.markdown("**" + t("Action items") + "**")
    if ss.get(ENTRY):
        try:
            draft = journal.get_entry(store.sf, viewer, ss[ENTRY])
        except TandemError:
            draft = None
        if draft and draft.actions:
            action_items(draft.actions, "new", viewer)
    names = dict(actions.owner_choices(store.sf, viewer, chosen.match_id if chosen else None))
    names[viewer.person_id] = t("Me")
    cols = st.columns([5, 3, 3, 2], vertical_alignment="bottom")
    cols[0].text_input(
        t("Action item"),
        key="journal_action_title",
        max_chars=actions.MAX_TITLE,
        placeholder=t("e.g. Send the slides before Friday"),
    )
    cols[1].selectbox(
        t("Owner"), list(names), format_func=names.__getitem__, key="journal_action_owner"
    )
    ss.setdefault("journal_action_due", None)  # no due date unless picked
    cols[2].date_input(
        t("Due date"), min_value=clock.today(), key="journal_action_due", format="YYYY-MM-DD"
    )
    cols[3].button(t("Add"), key="journal_action_add", on_click=add_action)
    flash(ACTION)


def new_reflection(store: Store, viewer: Viewer, meetings: list[MeetingChoice]) -> None:
    """The tab: what was just saved, the prompts, the draft's state, its action items."""
    ss = st.session_state
    # Kept until the person acts (shares it or begins the next reflection), not drawn once:
    # a second rerun right after the save (a field's blur, a component) would take it away.
    done = ss.get(DONE)
    if done:
        st.success(t("Reflection saved. It is private: share it if you want your peer to read it."))
        st.button(
            t("Share it with my peer"),
            key="journal_share_now",
            on_click=share_done,
            args=(done,),
        )
    flash(NEW)
    form_key(NEW)  # drawn with the form, sent with it
    form_key("journal_action")
    by_id = prompts(meetings)
    draft_status()
    new_action_item(store, viewer, by_id.get(ss.get(WIDGETS["meeting_id"])))  # type: ignore[arg-type]
    left, right = st.columns([1, 1])
    left.button(
        t("Save the reflection"),
        key="journal_finalise",
        type="primary",
        on_click=finalise,
        help=t("Saves it as final. It stays private unless you share it."),
    )
    if ss.get(ENTRY):
        right.button(t("Discard the draft"), key="journal_discard", on_click=discard)
