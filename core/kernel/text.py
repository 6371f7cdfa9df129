"""Validation of free text: trimmed, bounded, stored exactly as typed; and the guard
that keeps text a spreadsheet would run as a formula inert in exported cells.

Text is never interpreted as HTML or Markdown here; the UI shows it as plain text.
"""

from __future__ import annotations

import hashlib
import unicodedata
from typing import TypeVar, cast

from core.kernel.errors import InvalidInput
from core.kernel.i18n import format_number, t

MAX_LINE = 200
MAX_TEXT = 20_000
# Characters that reorder what follows them on screen (bidirectional embeddings,
# overrides and isolates). In a one-line field (a title, a name) shown among other
# words they can make a line read differently from what was stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The username columns (account, login throttle, audit log) hold 120 characters.
MAX_USERNAME_STORED = 120


_Cell = TypeVar("_Cell")


def neutralise(value: _Cell) -> _Cell:
    """A text cell a spreadsheet would evaluate gets a leading quote; others are kept."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return cast(_Cell, "'" + value)
    return value


def _strip_controls(value: str, keep_newlines: bool) -> str:
    allowed = {"\n", "\t"} if keep_newlines else set()
    return "".join(
        ch for ch in value if ch in allowed or unicodedata.category(ch) not in {"Cc", "Cs"}
    )


def _blank(text: str) -> bool:
    """Nothing a reader could see: spaces, or only invisible format characters (U+200B …)."""
    return all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in text)


def clean_line(
    value: str | None, field: str, *, max_chars: int = MAX_LINE, required: bool = True
) -> str:
    """A one-line text field: no control characters, trimmed, bounded."""
    text = _required(
        _strip_controls((value or "").replace("\n", " "), keep_newlines=False), field, required
    )
    if any(ch in BIDI_CONTROLS for ch in text):
        raise InvalidInput(
            t(
                "“{field}” contains invisible characters that reverse the direction of "
                "the text: remove them.",
                field=field,
            )
        )
    return _bounded(text, field, max_chars)


def clean_text(
    value: str | None, field: str, *, max_chars: int = MAX_TEXT, required: bool = False
) -> str:
    """A multi-line text field: newlines kept, trimmed, bounded."""
    text = _required(
        _strip_controls((value or "").replace("\r\n", "\n"), keep_newlines=True), field, required
    )
    return _bounded(text, field, max_chars)


def _required(text: str, field: str, required: bool) -> str:
    """``text`` trimmed; the form's message if it is required and nothing visible is left."""
    text = text.strip()
    if required and _blank(text):
        raise InvalidInput(t("“{field}” cannot be empty.", field=field))
    return text


def _bounded(text: str, field: str, max_chars: int) -> str:
    """``text`` if it has at most ``max_chars`` characters; otherwise the form's message."""
    if len(text) > max_chars:
        raise InvalidInput(
            t(
                "“{field}” is too long: {count} characters, at most {max}.",
                field=field,
                count=format_number(len(text)),
                max=format_number(max_chars),
            )
        )
    return text


def stored_username(typed: str | None) -> str:
    """A typed username as it may be stored (login throttle, audit log): at most
    :data:`MAX_USERNAME_STORED` characters, no control characters.

    A username that fits is returned as it is. A longer one (or one with control
    characters) names no account, since account usernames are short
    (core.accounts.accounts.validate_username); it becomes its first 80 characters, "…" and
    a digest of the whole, so that each distinct long name keeps its own failure
    count, and none can be mistaken for a real username ("…" is never allowed in
    one). Whether the account exists plays no part: nothing is revealed.
    """
    text = typed or ""
    clean = _strip_controls(text, keep_newlines=False)
    if clean == text and len(text) <= MAX_USERNAME_STORED:
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{clean[:80]}…{digest}"
