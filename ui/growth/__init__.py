"""Parts of the growth pages (goals, journal, feedback): one module per section or tab."""

from __future__ import annotations

import streamlit as st


def mirror(key: str, stored: object) -> str:
    """Make a checkbox or toggle show what is stored (also after a failed save or another tab)."""
    st.session_state[key] = stored
    return key
