"""Reflection journal: a two-minute reflection after a meeting, saved as I type."""

import streamlit as st

from core.growth import actions, journal
from core.kernel.i18n import t
from ui.actions import flash
from ui.growth.journal_draft import resume
from ui.growth.journal_entries import ITEMS, action_items, my_entry, their_entry
from ui.growth.journal_new import new_reflection
from ui.page import guard
from ui.retention import erase_notice
from ui.widgets import more_button

store, viewer = guard("journal")
ss = st.session_state

st.title(t("Reflection journal"))
st.caption(
    t(
        "Two minutes after a meeting: what happened, what you learned, what comes next. "
        "Private unless you share an entry with your peer."
    )
)
erase_notice(store, viewer)  # retention: the erase date and a reminder to export

meetings = journal.meeting_choices(store.sf, viewer)
resume(store.sf, viewer, meetings)  # my draft, if any
limit = ss.setdefault("journal_limit", journal.PAGE_SIZE)
mine = journal.my_entries(store.sf, viewer, limit=limit)
theirs = journal.peer_entries(store.sf, viewer, limit=limit)
items = actions.my_actions(store.sf, viewer)
open_items = sum(1 for i in items if not i.done)


def older(has_more: bool, key: str) -> None:
    """Under a tab's reflections (one count for both tabs): a page more of each."""
    more_button(has_more, "journal_limit", journal.PAGE_SIZE, key, t("Show older reflections"))


tab_new, tab_mine, tab_theirs, tab_actions = st.tabs(
    [
        t("New reflection"),
        t("My reflections ({n})", n=mine.total),
        t("Shared with me ({n})", n=theirs.total),
        t("Action items ({n} open)", n=open_items),
    ]
)
with tab_new:
    new_reflection(store, viewer, meetings)

with tab_mine:
    if not mine.entries:
        st.info(t("No reflection yet. Your saved reflections appear here."))
    for entry in mine.entries:
        my_entry(entry, viewer)
    older(mine.has_more, "journal_more")

with tab_theirs:
    if not theirs.entries:
        st.info(
            t("Nothing shared with you yet. When your peer shares a reflection, it appears here.")
        )
    for entry in theirs.entries:
        their_entry(entry, viewer)
    older(theirs.has_more, "journal_more_theirs")

with tab_actions:
    flash(ITEMS)
    if not items:
        st.info(t("No action item yet. Add them when you write a reflection."))
    action_items(items, "all", viewer)
