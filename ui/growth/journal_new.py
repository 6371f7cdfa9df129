"""Reflection journal, tab "New reflection": prompts saved as a draft as I type, action items."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.growth import actions, journal, journal_rules
from core.growth.journal_views import MeetingChoice
from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import TandemError
from core.kernel.i18n import format_datetime, t
from core.kernel.store import Store
from ui.actions import flash
from ui.growth.journal_draft import (
    ACTION,
    DONE,
    DRAFT,
    ENTRY,
    FAILED,
    NEW,
    WIDGETS,
    add_action,
    autosave,
    discard,
    finalise,
    keep_as_new_draft,
    share_done,
)
from ui.growth.journal_entries import action_items
from ui.widgets import form_key
from ui.zone import MEETING_TIME, local_time, viewer_zone

SCALE = [1, 2, 3, 4, 5]


def prompts(meetings: list[MeetingChoice], zone: dt.tzinfo) -> dict[int, MeetingChoice]:
    """The meeting (its time in the viewer's ``zone``, as every page shows one), the prompts
    (the main ones, then "Go deeper") and the two scales."""
    ss = st.session_state
    by_id = {m.id: m for m in meetings}
    chosen = ss.get(WIDGETS["meeting_id"])
    if chosen is not None and chosen not in by_id:  # gone since: my latest meeting
        ss[WIDGETS["meeting_id"]] = next(iter(by_id), None)
    # Labels computed here, in this run's language: a format_func may be called elsewhere.
    labels: dict[int | None, str] = {
        m.id: t(
            "{date} with {peers}",
            date=local_time(m.scheduled_at, zone, MEETING_TIME),
            peers=m.peers,
        )
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
    by_id = prompts(meetings, viewer_zone(store, viewer))
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
