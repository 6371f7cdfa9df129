"""My profile's "E-mail notifications": for each kind, immediately, daily or never."""

from __future__ import annotations

import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import get_language, t
from core.kernel.store import Store
from core.notify import prefs, smtp
from core.notify.message import Delivery
from ui.actions import act, flash

ORDER = (Delivery.IMMEDIATELY, Delivery.DAILY, Delivery.NEVER)


def section(store: Store, viewer: Viewer) -> None:
    st.header(t("E-mail notifications"))
    st.caption(
        t(
            "Tandem e-mails you when something waits for you — never what anybody wrote. Choose, for each kind, to hear at once, in one summary a day, or not at all."
        )
    )
    if not smtp.configured():
        st.info(t("E-mail is not set up on this Tandem yet: your choices are kept for when it is."))
    saved = prefs.my_preferences(store.sf, viewer)
    # Options are the labels in the page's language, under a key per language: Streamlit
    # keeps a choice by its label, so a language change must not carry a label over. The
    # saved choices are set before the widgets on every run (the form saves in its
    # callback), so what is shown is what the database holds.
    lang = get_language()
    labels = {d: t(prefs.DELIVERY_LABELS[d]) for d in ORDER}
    for kind, delivery in saved.items():
        st.session_state[f"notify_{kind}_{lang}"] = labels[delivery]
    with st.form("notify_prefs_form", clear_on_submit=False):
        columns = st.columns(2)
        for i, kind in enumerate(saved):
            columns[i % 2].selectbox(
                t(prefs.LABELS[kind]), list(labels.values()), key=f"notify_{kind}_{lang}"
            )
        st.form_submit_button(
            t("Save my e-mail choices"),
            on_click=_save,
            args=(list(saved), lang, {label: d for d, label in labels.items()}),
        )
    flash("notify_prefs")


def _save(kinds: list[str], lang: str, delivery_of: dict[str, str]) -> None:
    choices = {
        kind: delivery_of.get(st.session_state.get(f"notify_{kind}_{lang}", ""), "")
        for kind in kinds
    }
    act("notify_prefs", prefs.save_preferences, choices, done=t("Your e-mail choices are saved."))
