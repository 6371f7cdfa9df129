"""Small display helpers. User text is always shown as typed, never as Markdown or HTML.

- :func:`plain` shows a block of text a person wrote (a journal answer, a comment,
  feedback, an agenda …) literally: no Markdown, no HTML, no automatic links to
  web or e-mail addresses, line breaks kept. It is ``st.text``, which Streamlit
  renders as text and nothing else.
- :func:`md_escape` is for a short piece of user text inside a Markdown line (a
  title in a heading, a name in a caption). Escaping alone is not enough there:
  Streamlit's Markdown still turns ``https://…``, ``www.…`` and ``a@b.example``
  into links and ``:material/…:`` into icons after the escapes are resolved, so
  an invisible word joiner (U+2060) is put where those patterns would start.
- :func:`form_key` / :func:`form_sent`: the submission key of a create form
  (core/kernel/submissions.py), so the same form sent twice creates one thing.
- :func:`seed` / :func:`reseed`: widgets given values read from the database (a draft
  resumed), sent to the browser again on every run until the person changes them.
- :func:`pick`: a selectbox over rows by id, each shown by a caption of its row.
- :func:`on_click`: a download's contents built only when its button is clicked.
- :func:`opened`: whether a lazy expander is open, before it is drawn (to read its data).
- :func:`draw_chart`: every chart Tandem draws (``st.altair_chart``), checked against the
  Vega-Lite schema only where ``config.check_charts`` asks (the tests).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from core.insights.chart_parts import unchecked
from core.insights.chart_table import summary
from core.kernel.config import check_charts
from core.kernel.i18n import format_number, get_language, speaking, t, tn
from core.kernel.paging import Page

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
# Where Markdown would start a link or a directive: after a colon ("https:", ":material"),
# before an at sign (e-mail addresses), between "www" and its dot.
_LINK_START = re.compile(r"(?<=:)|(?=@)|(?<=www)(?=\\\.)", re.IGNORECASE)
WORD_JOINER = "\u2060"

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


def md_escape(text: str) -> str:
    """Escape ``text`` so st.markdown shows it literally (no links, HTML, formatting)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text or "")
    return _LINK_START.sub(WORD_JOINER, escaped)


def plain(text: str) -> None:
    """Show user-written text literally, keeping its line breaks, with no automatic links."""
    st.text(text or "", width="stretch")


def bold_line(label: str, value: str) -> None:
    st.markdown(f"**{md_escape(label)}** {md_escape(value)}")


def more_button(has_more: bool, limit_key: str, step: int, key: str, label: str) -> None:
    """Under a list read a page at a time: while more wait, a button asking for ``step``
    more items (how many are asked for is kept in ``limit_key``, one page when unset).
    Counted in the button's callback: the run it starts draws the longer list."""
    if has_more:
        st.button(label, key=key, on_click=_ask_more, args=(limit_key, step))


def _ask_more(limit_key: str, step: int) -> None:
    st.session_state[limit_key] = st.session_state.get(limit_key, step) + step


Shown = Callable[[int, str, str, str], str]  # (total, and formatted: n, first, last) → caption


def people_shown(total: int, n: str, first: str, last: str) -> str:
    return tn(
        "{n} person matches; {first}–{last} are shown.",
        "{n} people match; {first}–{last} are shown.",
        total,
        n=n,
        first=first,
        last=last,
    )


def pager(key: str, found: Page[Any], size: int, caption: Shown = people_shown) -> bool:
    """A list read a page at a time (core.kernel.paging): when ``found`` is one page of
    several, which rows are shown (``caption``: of people, unless told) and a Page field
    under ``key`` (kept within the pages, so a filter that shrank the list shows its last
    page). False when one page holds everything."""
    if found.pages <= 1:
        return False
    st.session_state[key] = found.page
    first = (found.page - 1) * size + 1
    last = first + len(found.rows) - 1
    st.caption(
        caption(found.total, format_number(found.total), format_number(first), format_number(last))
    )
    st.number_input(t("Page"), min_value=1, max_value=found.pages, step=1, key=key)
    return True


def form_key(form: str) -> str:
    """The submission key of the create form ``form``: drawn once, kept until it is sent."""
    name = f"_submission_{form}"
    if name not in st.session_state:
        st.session_state[name] = secrets.token_urlsafe(16)
    return str(st.session_state[name])


def form_sent(form: str) -> None:
    """The form went through: the next one it draws gets a new key."""
    st.session_state.pop(f"_submission_{form}", None)


# Table columns wide enough for a date or a time in either language (pixels): Streamlit's
# "small" and its own guess from the first rows cut "16 nov. 2026" and "12/7/26, 2:35 AM".
DATE_WIDTH = 100
TIME_WIDTH = 135

SEEDED = "_seeded"  # widget key → the value read from the database and given to it


def seed(values: Mapping[str, object]) -> None:
    """Give the widgets ``values`` read from the database (a draft resumed, a saved choice).

    Setting a widget's key once is not enough: when another run starts before the browser
    drew the one that set it (the sign-in cookie's late rerun on a fresh load), the browser
    draws the widget's default, and its next run sends that back as if the person had
    emptied the field: a resumed reflection lost its text this way (seen in Chromium,
    2026-12-06). :func:`reseed` sends each value again on every run until it is changed.
    Not for a widget inside a form: what is typed there reaches the server only when the
    form is sent, so sending the value again would wipe it at any other run."""
    ss = st.session_state
    seeded = ss.setdefault(SEEDED, {})
    for key, value in values.items():
        ss[key] = seeded[key] = value


def reseed(keys: Iterable[str]) -> bool:
    """Before drawing the widgets ``keys``: send again each seeded value the person has
    not changed. False when one of them has no value in this session (never seeded, or
    dropped by Streamlit because a run drew another page): seed them again."""
    ss = st.session_state
    keys = list(keys)
    if any(key not in ss for key in keys):
        return False
    seeded = ss.get(SEEDED, {})
    for key in keys:
        value = seeded.get(key)
        if value not in (None, "") and ss[key] == value:
            ss[key] = value  # set in this run: the browser is told the value again
    return True


def pick(label: str, rows: Mapping[K, R], caption: Callable[[R], str], **kwargs: Any) -> K:
    """A selectbox over the ids of ``rows``, each shown as ``caption(row)``: the chosen id.
    ``kwargs`` go to ``st.selectbox`` (``key``, ``on_change`` …)."""
    return st.selectbox(label, list(rows), format_func=lambda i: caption(rows[i]), **kwargs)


def choose_many(
    label: str,
    options: Sequence[K],
    *,
    where: Any = st,
    placeholder: str | None = None,
    **kwargs: Any,
) -> list[K]:
    """``where.multiselect`` (``st`` or a column) in the viewer's language: its placeholder
    translated ("Choose…" unless given), and without the bulk "Select all" / "Select n
    matches" entries Streamlit writes in English only (a form that needs "everybody" offers
    it as its own choice). ``kwargs`` go to ``multiselect`` (``key``, ``format_func`` …)."""
    return where.multiselect(
        label,
        options,
        placeholder=t("Choose…") if placeholder is None else placeholder,
        select_all=False,
        **kwargs,
    )


def opened(key: str) -> bool:
    """Whether the lazy expander keyed ``key`` (``on_change="rerun"``) is open, read before
    it is drawn: a page reads what the expander shows only when it will be shown."""
    return bool(st.session_state.get(key))


def draw_chart(chart: Any, **kwargs: Any) -> None:
    """``st.altair_chart(chart, **kwargs)``, without the schema check of the whole chart
    Streamlit's serialisation runs (most of the drawing time) unless ``check_charts()``."""
    st.altair_chart(chart if check_charts() else unchecked(chart), **kwargs)


def figures_as_text(title: str, table: pd.DataFrame | None, key: str) -> None:
    """A chart's text alternative: a one-line summary, and its figures in a table (first
    column what a figure is about, last column the figure as the chart shows it)."""
    if table is None or table.empty:
        return
    st.caption(summary(title, table))
    with st.expander(table_label(title)):
        st.dataframe(table, hide_index=True, width="stretch", key=key)


def table_label(title: str, lang: str | None = None) -> str:
    """The label of a chart's table of figures (a question's own full stop dropped: not
    "…start well.: the figures")."""
    return t("{title}: the figures as a table", lang, title=title.rstrip(" ."))


def on_click(build: Callable[..., R], *args: Any) -> Callable[[], R]:
    """A download button's contents, built when it is clicked instead of on every run of
    the page. Streamlit builds them in a thread of its own, outside the page's session:
    they are worded in the page's language of now."""
    lang = get_language()

    def contents() -> R:
        with speaking(lang):
            return build(*args)

    return contents
