"""Small display helpers. User text is always shown as typed, never as Markdown or HTML."""

from __future__ import annotations

import re

import streamlit as st

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def md_escape(text: str) -> str:
    """Escape ``text`` so st.markdown shows it literally (no links, HTML, formatting)."""
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def plain(text: str) -> None:
    """Show user-written text literally, keeping its line breaks."""
    st.markdown(md_escape(text).replace("\n", "  \n"))


def bold_line(label: str, value: str) -> None:
    st.markdown(f"**{md_escape(label)}** {md_escape(value)}")
