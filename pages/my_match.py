"""My match: the proposed pair or circle, why we were matched, accept or decline."""

import streamlit as st

from core.kernel.i18n import N_, t
from core.matching import proposals
from ui.actions import act, flash
from ui.page import guard
from ui.widgets import md_escape, plain

store, viewer = guard("my_match")
st.title(t("Match proposal"))

# An answer refused (the proposal was withdrawn or declined meanwhile) is said here, at the
# top: the proposal it was about may no longer be listed.
ANSWER = "my-match-answer"
flash(ANSWER)

mine = proposals.my_proposals(store.sf, viewer)
if not mine:
    st.info(
        t(
            "You are not matched yet. When the coordinator publishes the matches, your proposal appears here."
        )
    )
    st.stop()

Answer, State = proposals.MemberResponse, proposals.MatchStatus
ROLE_LINES = {
    "mentor": N_("Your mentor: **{name}**"),
    "mentee": N_("Your mentee: **{name}**"),
    "buddy": N_("Your buddy: **{name}**"),
    "new_hire": N_("The new colleague you welcome: **{name}**"),
}
RESPONSES = {
    Answer.PENDING: t("waiting for your answer"),
    Answer.ACCEPTED: t("you accepted"),
    Answer.DECLINED: t("you declined"),
}
for prop in mine:
    with st.container(border=True, key=f"proposal_{prop.match_id}"):
        peers = ", ".join(
            f"{p.name} ({p.department})" if p.department else p.name for p in prop.peers
        )
        st.header(md_escape(peers))
        st.caption(
            f"{md_escape(prop.programme)} · {RESPONSES.get(prop.my_response, prop.my_response)}"
        )
        # Where help goes one way, who is whose mentor.
        for peer in prop.peers:
            if peer.role in ROLE_LINES:
                st.markdown(t(ROLE_LINES[peer.role], name=md_escape(peer.name)))
        st.markdown("**" + t("Why we matched you") + "**")
        for reason in prop.reasons or (t("Matched by the coordinator."),):
            st.markdown(f"- {md_escape(reason)}")
        waiting = [p.name for p in prop.peers if p.response == Answer.PENDING]
        if prop.status == State.PUBLISHED and prop.my_response == Answer.ACCEPTED and waiting:
            st.info(t("Waiting for {names} to answer.", names=", ".join(waiting)))
        if prop.status == State.ACTIVE:
            st.success(t("Everyone accepted: your peer mentoring has started."))
            st.page_link(
                "pages/my_peer.py", label=t("Go to My peer"), icon=":material/diversity_3:"
            )
        if prop.status == State.PUBLISHED and prop.my_response == Answer.PENDING:
            a, d = st.columns(2)
            a.button(
                t("Accept"),
                type="primary",
                key=f"accept_{prop.match_id}",
                width="stretch",
                on_click=act,
                args=(ANSWER, proposals.respond, prop.match_id, True),
            )
            d.button(
                t("Decline"),
                key=f"decline_{prop.match_id}",
                width="stretch",
                on_click=act,
                args=(ANSWER, proposals.respond, prop.match_id, False),
            )
            st.caption(
                t(
                    "Declining is no-fault: you go back to the pool and the coordinator can match you again."
                )
            )
        if prop.guidelines:
            with st.expander(t("Programme guidelines")):
                plain(prop.guidelines)
