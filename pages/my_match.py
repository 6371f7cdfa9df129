"""My match: the proposed pair or circle, why we were matched, accept or decline."""

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import t
from core.matching import service as match_service
from ui.page import guard
from ui.widgets import md_escape, plain

store, viewer = guard("my_match")
st.title(t("Match proposal"))

proposals = match_service.my_proposals(store.sf, viewer)
if not proposals:
    st.info(
        t(
            "You are not matched yet. When the coordinator publishes the matches, your proposal appears here."
        )
    )
    st.stop()

RESPONSES = {
    "pending": t("waiting for your answer"),
    "accepted": t("you accepted"),
    "declined": t("you declined"),
}
for prop in proposals:
    with st.container(border=True, key=f"proposal_{prop.match_id}"):
        peers = ", ".join(
            f"{p.name} ({p.department})" if p.department else p.name for p in prop.peers
        )
        st.subheader(md_escape(peers))
        st.caption(
            f"{md_escape(prop.programme)} · {RESPONSES.get(prop.my_response, prop.my_response)}"
        )
        st.markdown("**" + t("Why we matched you") + "**")
        for reason in prop.reasons or (t("Matched by the coordinator."),):
            st.markdown(f"- {md_escape(reason)}")
        waiting = [p.name for p in prop.peers if p.response == "pending"]
        if prop.status == "published" and prop.my_response == "accepted" and waiting:
            st.info(t("Waiting for {names} to answer.", names=", ".join(waiting)))
        if prop.status == "active":
            st.success(t("Everyone accepted: your peer mentoring has started."))
            st.page_link(
                "pages/my_peer.py", label=t("Go to My peer"), icon=":material/diversity_3:"
            )
        if prop.status == "published" and prop.my_response == "pending":
            a, d = st.columns(2)
            if a.button(
                t("Accept"), type="primary", key=f"accept_{prop.match_id}", use_container_width=True
            ):
                try:
                    match_service.respond(store.sf, viewer, prop.match_id, True)
                except TandemError as e:
                    st.error(str(e))
                else:
                    st.rerun()
            if d.button(t("Decline"), key=f"decline_{prop.match_id}", use_container_width=True):
                try:
                    match_service.respond(store.sf, viewer, prop.match_id, False)
                except TandemError as e:
                    st.error(str(e))
                else:
                    st.rerun()
            st.caption(
                t(
                    "Declining is no-fault: you go back to the pool and the coordinator can match you again."
                )
            )
        if prop.guidelines:
            with st.expander(t("Programme guidelines")):
                plain(prop.guidelines)
