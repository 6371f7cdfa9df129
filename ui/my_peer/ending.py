"""My peer, at the bottom: pause or resume, end the relationship, raise a concern."""

from __future__ import annotations

import streamlit as st

from core.kernel.i18n import t
from core.relationship import concerns, lifecycle
from ui.actions import act, fail
from ui.my_peer.common import TOP, Shown, pending, say, show
from ui.widgets import form_key, form_sent, md_escape


def _pause(shown: Shown) -> None:
    act(
        shown.where("ending"),
        lifecycle.pause_relationship,
        shown.match_id,
        st.session_state.get("pause_reason", ""),
        done=t("The relationship is paused."),
        clear=("pause_reason",),
    )


def _resume(shown: Shown) -> None:
    act(
        shown.where("ending"),
        lifecycle.resume_relationship,
        shown.match_id,
        done=t("Welcome back: the relationship is active again."),
    )


def _end(shown: Shown) -> None:
    where = shown.where("ending")
    if not st.session_state.get("end_sure"):
        fail(where, t("Tick the box to confirm that you want to end the relationship."))
        return
    if act(
        where,
        lifecycle.end_relationship,
        shown.match_id,
        st.session_state.get("end_reason", ""),
        clear=("end_reason", "end_sure", "my_peer_match"),
    ):
        say(TOP, t("The relationship has ended. Thank you."))


def _concern(shown: Shown) -> None:
    form = f"concern_new_{shown.match_id}"
    if act(
        shown.where("ending"),
        concerns.raise_concern,
        shown.match_id,
        st.session_state.get("concern_text", ""),
        key=form_key(form),
        done=t("Sent to the coordinator. They will get back to you."),
        clear=("concern_text",),
    ):
        form_sent(form)


def render(shown: Shown) -> None:
    view, where = shown.view, shown.where("ending")
    with st.expander(t("Pause, end, or raise a concern"), expanded=pending(where)):
        show(where)
        contact = view.support_contact or t("the programme coordinator")
        st.caption(
            t(
                "No fault, no justification needed. Only the words you write here are sent to the "
                "coordinator ({contact}); nothing else you wrote in Tandem is shared.",
                contact=md_escape(contact),
            )
        )
        if view.is_paused:
            st.markdown("## " + t("Take a break"))
            st.button(t("Resume the relationship"), key="resume", on_click=_resume, args=(shown,))
        elif view.is_active:
            st.markdown("## " + t("Take a break"))
            with st.form("pause_form", border=False):
                st.text_area(t("Reason for the coordinator (optional)"), key="pause_reason")
                st.form_submit_button(
                    t("Pause the relationship"), key="pause", on_click=_pause, args=(shown,)
                )
        st.markdown("## " + t("End the relationship"))
        with st.form("end_form", border=False):
            st.text_area(t("Reason for the coordinator (optional)"), key="end_reason")
            st.checkbox(
                t("I want to end this relationship. Planned meetings will be cancelled."),
                key="end_sure",
            )
            st.form_submit_button(
                t("End the relationship"), key="end", on_click=_end, args=(shown,)
            )
        st.markdown("## " + t("Raise a concern"))
        form_key(f"concern_new_{shown.match_id}")  # drawn with the form, sent with it
        with st.form("concern_form", border=False):
            st.text_area(
                t("Your message to the coordinator"),
                key="concern_text",
                help=t("For example a breach of confidentiality, or a behaviour that worries you."),
            )
            st.form_submit_button(
                t("Send to the coordinator"), key="concern_send", on_click=_concern, args=(shown,)
            )
