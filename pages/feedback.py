"""Feedback: ask a peer, answer (or decline), read and rate what I received, kudos."""

import streamlit as st

from core.growth import feedback_reads as fb_reads
from core.kernel.i18n import t, tn
from ui.actions import flash
from ui.growth import feedback_lists
from ui.growth.feedback_forms import HERE, ask_form, give_form
from ui.page import guard
from ui.widgets import more_button

store, viewer = guard("feedback")

st.title(t("Feedback"))
st.caption(
    t(
        "Only you and the colleague involved see a request or a piece of feedback. "
        "Coordinators see counts, never the words."
    )
)

peers = fb_reads.my_peers(store.sf, viewer)
peer_names = {p.person_id: p.name for p in peers}
pending = fb_reads.pending(store.sf, viewer)

flash(HERE)
if not peers:
    st.info(
        t(
            "You can exchange feedback once you are matched with a peer. "
            "Feedback you received before stays below."
        )
    )

if pending.total:  # what waits, each part said only when something does
    answer, ack = len(pending.to_answer), len(pending.to_acknowledge)
    waiting = []
    if answer:
        waiting.append(tn("{n} request to answer", "{n} requests to answer", answer))
    if ack:
        waiting.append(
            tn(
                "{n} piece of feedback received to acknowledge",
                "{n} pieces of feedback received to acknowledge",
                ack,
            )
        )
    st.info(t("Waiting for you: {what}.", what=", ".join(waiting)))
# Tab labels stay the same from run to run, so the open tab stays open. Only the tab
# shown runs: a busy person's five lists and two forms are not all drawn on every run.
TAB = "feedback_tab"
tab_ask, tab_answer, tab_received, tab_given, tab_give = st.tabs(
    [
        t("Ask for feedback"),
        t("To answer"),
        t("Received"),
        t("Given"),
        t("Give feedback or kudos"),
    ],
    key=TAB,
    on_change="rerun",
)

# The lists PAGE_SIZE items at a time, more on asking: a busy person's page draws as much as
# a new one's. What is asked of me and still open (requests to answer) is all shown.
LIMIT = "feedback_limit"
limit = st.session_state.setdefault(LIMIT, fb_reads.PAGE_SIZE)


def more(has_more: bool, key: str) -> None:
    more_button(has_more, LIMIT, fb_reads.PAGE_SIZE, key, t("Show more"))


with tab_ask:
    if tab_ask.open:
        st.write(
            t(
                "Ask your peer about something concrete: a presentation, a meeting, a negotiation. "
                "Say what you would like them to look at."
            )
        )
        if peers:
            ask_form(peer_names)
        mine = fb_reads.my_requests(store.sf, viewer, limit)
        feedback_lists.my_requests(mine.items)
        more(mine.has_more, "feedback_more_requests")

with tab_answer:
    if tab_answer.open:
        feedback_lists.to_answer(pending.to_answer)
        settled = fb_reads.settled_requests(store.sf, viewer, limit)
        feedback_lists.settled(settled.items)
        more(settled.has_more, "feedback_more_settled")

with tab_received:
    if tab_received.open:
        received = fb_reads.received_page(store.sf, viewer, limit)
        feedback_lists.received(received.items)
        more(received.has_more, "feedback_more_received")

with tab_given:
    if tab_given.open:
        given = fb_reads.given_page(store.sf, viewer, limit)
        feedback_lists.given(given.items)
        more(given.has_more, "feedback_more_given")

with tab_give:
    if tab_give.open:
        if peers:
            give_form(peer_names)
