"""The language of this run: the account's, else the one picked before sign-in, else the browser's."""

from __future__ import annotations

import streamlit as st

from core.i18n import LANGUAGES, normalise_language, set_language

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


def apply(lang: str | None = None) -> str:
    """Set the language for this run (and remember it for the session)."""
    if lang:
        st.session_state[KEY] = normalise_language(lang)
    return set_language(current())


def picker(key: str = "lang_picker") -> None:
    """A language switch for the sign-in page (before an account says otherwise)."""
    codes = list(LANGUAGES)
    choice = st.segmented_control(
        " ",
        codes,
        format_func=LANGUAGES.get,
        default=current(),
        key=key,
        label_visibility="collapsed",
    )
    if choice and choice != current():
        apply(choice)
        st.rerun()
