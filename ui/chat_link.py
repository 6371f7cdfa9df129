"""Admin: the company's chat deep link, offered beside each colleague in the expert directory."""

from __future__ import annotations

import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import t
from core.kernel.store import Store
from core.people import directory
from ui.actions import act, flash

WHERE = "chat_link"


def chat_link_settings(store: Store, viewer: Viewer) -> None:
    """One field: the https template with {email}; empty removes the chat link."""
    with st.expander(t("Chat link in the expert directory")):
        st.caption(
            t(
                "Colleagues found in the directory can be written to by e-mail. To offer a chat too, give your chat's link to a person, with {email} where their e-mail goes — e.g. https://teams.microsoft.com/l/chat/0/0?users={email}. Leave empty for no chat link."
            )
        )
        with st.form("chat_link_form"):
            text = st.text_input(
                t("Chat link"),
                value=directory.current_chat_template(store.sf, viewer),
                max_chars=directory.MAX_CHAT_TEMPLATE,
                key="chat_link_template",
            )
            if st.form_submit_button(t("Save the chat link")):
                act(WHERE, directory.set_chat_template, text, done=t("Chat link saved."))
        flash(WHERE)
