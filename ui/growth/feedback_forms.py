"""Feedback page, the two forms: ask a peer for feedback, give feedback or kudos unasked."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.growth import feedback as fb
from core.kernel import clock
from core.kernel.i18n import t
from ui.actions import act
from ui.widgets import form_key, form_sent, md_escape

HERE = "feedback"  # every message of the page shows under its title


def give_forms() -> dict[str, str]:
    """Translated label → kind (labels as options: a format_func is translated outside the run)."""
    return {t(label): kind for kind, label in fb.KINDS.items()}


def field_inputs(prefix: str, kind: str) -> None:
    """The text areas of the fields ``kind`` uses, keyed ``{prefix}_{field}``."""
    for name in fb.KIND_FIELDS[kind]:
        required = name in fb.REQUIRED[kind]
        label = t(fb.FIELDS[name]) + (" *" if required else "")
        st.text_area(label, key=f"{prefix}_{name}", height=90)


def _ask(peer_names: dict[int, str]) -> None:
    state = st.session_state
    giver = state.get("ask_giver")
    if act(
        HERE,
        fb.ask_feedback,
        giver_id=giver,
        topic=state.get("ask_topic", ""),
        context=state.get("ask_context", ""),
        wished_by=state.get("ask_wished"),
        key=form_key("feedback_ask"),
        done=t("Request sent to {name}.", name=md_escape(peer_names.get(giver, ""))),
        clear=("ask_topic", "ask_context", "ask_wished"),
    ):
        form_sent("feedback_ask")


def _give(peer_names: dict[int, str]) -> None:
    state = st.session_state
    to = state.get("give_to")
    kind = give_forms().get(state.get("give_kind"), fb.STRUCTURED)
    done = t("Sent to {name}.", name=md_escape(peer_names.get(to, "")))
    clear = ("give_kudos", *(f"give_{name}" for name in fb.FIELDS))
    key = form_key("feedback_give")
    if kind == fb.KUDOS:
        sent = act(
            HERE, fb.send_kudos, to, state.get("give_kudos", ""), key=key, done=done, clear=clear
        )
    else:
        values = {name: state.get(f"give_{name}", "") for name in fb.KIND_FIELDS[kind]}
        sent = act(HERE, fb.give_feedback, to, kind, key=key, done=done, clear=clear, **values)
    if sent:
        form_sent("feedback_give")


def ask_form(peer_names: dict[int, str]) -> None:
    """Whom to ask, about what, by when."""
    form_key("feedback_ask")  # drawn with the form, sent with it
    with st.form("ask_form"):
        st.selectbox(
            t("Whom to ask"),
            list(peer_names),
            format_func=peer_names.get,
            key="ask_giver",
        )
        st.text_input(
            t("Topic") + " *",
            key="ask_topic",
            max_chars=fb.MAX_TOPIC,
            placeholder=t("e.g. my presentation at the quarterly review"),
        )
        st.text_area(
            t("Context"),
            key="ask_context",
            height=90,
            placeholder=t("What would you like your peer to pay attention to?"),
        )
        st.date_input(
            t("Wished by"),
            value=clock.today() + dt.timedelta(days=7),
            min_value=clock.today(),
            key="ask_wished",
            format="YYYY-MM-DD",
        )
        st.form_submit_button(
            t("Send the request"), on_click=_ask, args=(peer_names,), key="ask_submit"
        )


def give_form(peer_names: dict[int, str]) -> None:
    """To whom, in which form, and the words."""
    st.write(
        t(
            "Tell your peer what you noticed, without waiting to be asked — "
            "or just say thank you with kudos."
        )
    )
    st.selectbox(t("To"), list(peer_names), format_func=peer_names.get, key="give_to")
    forms = give_forms()
    give_kind = forms[st.radio(t("Form"), list(forms), horizontal=True, key="give_kind")]
    form_key("feedback_give")  # drawn with the form, sent with it
    with st.form("give_form"):
        if give_kind == fb.KUDOS:
            st.text_area(
                t("Kudos") + " *",
                key="give_kudos",
                max_chars=fb.MAX_KUDOS,
                height=90,
                placeholder=t("e.g. Thanks for your calm during yesterday's incident."),
            )
        else:
            field_inputs("give", give_kind)
        st.form_submit_button(t("Send"), on_click=_give, args=(peer_names,), key="give_submit")
