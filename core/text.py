"""Validation of free text: trimmed, bounded, stored exactly as typed.

Text is never interpreted as HTML or Markdown here; the UI shows it as plain text.
"""

from __future__ import annotations

import unicodedata

from core.errors import InvalidInput
from core.i18n import t

MAX_LINE = 200
MAX_TEXT = 20_000


def _strip_controls(value: str, keep_newlines: bool) -> str:
    allowed = {"\n", "\t"} if keep_newlines else set()
    return "".join(
        ch for ch in value if ch in allowed or unicodedata.category(ch) not in {"Cc", "Cs"}
    )


def clean_line(
    value: str | None, field: str, *, max_chars: int = MAX_LINE, required: bool = True
) -> str:
    """A one-line text field: no control characters, trimmed, bounded."""
    text = _strip_controls((value or "").replace("\n", " "), keep_newlines=False).strip()
    if required and not text:
        raise InvalidInput(t("“{field}” cannot be empty.", field=field))
    if len(text) > max_chars:
        raise InvalidInput(
            t(
                "“{field}” is too long: {count} characters, at most {max}.",
                field=field,
                count=len(text),
                max=max_chars,
            )
        )
    return text


def clean_text(
    value: str | None, field: str, *, max_chars: int = MAX_TEXT, required: bool = False
) -> str:
    """A multi-line text field: newlines kept, trimmed, bounded."""
    text = _strip_controls((value or "").replace("\r\n", "\n"), keep_newlines=True).strip()
    if required and not text:
        raise InvalidInput(t("“{field}” cannot be empty.", field=field))
    if len(text) > max_chars:
        raise InvalidInput(
            t(
                "“{field}” is too long: {count} characters, at most {max}.",
                field=field,
                count=len(text),
                max=max_chars,
            )
        )
    return text
