"""The language of this run: the account's, else the one picked before sign-in, else the browser's."""

from __future__ import annotations

import json

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.kernel.i18n import LANGUAGES, normalise_language, set_language, set_language_provider
from ui import streamlit_words

KEY = "tandem_lang"


def browser_language() -> str:
    try:
        return normalise_language(st.context.locale)
    except Exception:  # noqa: BLE001 - no browser (AppTest): English
        return "en"


def current() -> str:
    if KEY not in st.session_state:
        st.session_state[KEY] = browser_language()
    return st.session_state[KEY]


def _session_language() -> str | None:
    if get_script_run_ctx(suppress_warning=True) is None:  # not inside a Streamlit run
        return None
    return st.session_state.get(KEY)


set_language_provider(_session_language)


def apply(lang: str | None = None) -> str:
    """Set the language for this run (and remember it for the session)."""
    if lang:
        st.session_state[KEY] = normalise_language(lang)
    return set_language(current())


# The browser page's language (<html lang>), which Streamlit leaves "en": screen readers
# choose their voice by it (WCAG 3.1.1). Our own constant code; LANG is a JSON string.
_LANG_SCRIPT = """<script>document.documentElement.lang = LANG;</script>"""


def mark_document() -> None:
    """Say the language of this run on the browser page (an element that shows nothing), and
    have Streamlit's own words said in it (ui.streamlit_words)."""
    st.html(_LANG_SCRIPT.replace("LANG", json.dumps(current())), unsafe_allow_javascript=True)
    streamlit_words.install()


def picker(key: str = "lang_picker") -> None:
    """A language switch for the sign-in page (before an account says otherwise), which also
    says the page's language to the browser (beside it: no gap of its own)."""
    with st.container(gap=None):
        mark_document()
        choice = st.segmented_control(
            " ",
            list(LANGUAGES),
            format_func=LANGUAGES.get,
            default=current(),
            key=key,
            label_visibility="collapsed",
        )
    if choice and choice != current():
        apply(choice)
        st.rerun()
