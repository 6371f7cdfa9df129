"""My peer, first tab: who my peers are, why we were matched, the programme."""

from __future__ import annotations

import streamlit as st

from core.kernel.i18n import t
from core.relationship.peer_view import MatchView, theme_label
from ui.widgets import md_escape, plain


def render(view: MatchView) -> None:
    for peer in view.peers:
        with st.container(border=True, key=f"peer_card_{peer.person_id}"):
            st.markdown(f"## {md_escape(peer.name)}")
            st.caption(
                " · ".join(md_escape(x) for x in (peer.department, peer.level, peer.location) if x)
            )
            if peer.offered:
                st.markdown(
                    t("**Can help with:** {skills}", skills=md_escape(", ".join(peer.offered)))
                )
            if peer.wanted:
                st.markdown(
                    t("**Wants to grow in:** {skills}", skills=md_escape(", ".join(peer.wanted)))
                )
            if peer.themes:
                st.markdown(
                    t(
                        "**Goals around:** {themes}",
                        themes=md_escape(", ".join(theme_label(x) for x in peer.themes)),
                    )
                )
    if view.reasons:
        st.header(t("Why you were matched"))
        for reason in view.reasons:
            st.markdown(f"- {md_escape(reason.text)}")
    st.header(t("The programme"))
    if view.guidelines:
        st.markdown("**" + t("Guidelines") + "**")
        plain(view.guidelines)
    if view.suggested_topics:
        st.markdown("**" + t("Suggested topics") + "**")
        for topic in view.suggested_topics:
            st.markdown(f"- {md_escape(topic)}")
    if view.support_contact:
        st.markdown(t("**Support contact:** {contact}", contact=md_escape(view.support_contact)))
