"""Translation and locale formatting, in pure Python so ``core`` can phrase messages.

Catalogues are standard gettext ``.po`` files read with Babel: the English text is
the message id, and ``core/locales/<lang>/*.po`` hold the translations (one file
per area of the product, all merged). ``t()`` translates into the language of the
current request, which the UI sets once per run with :func:`set_language`.

Mark strings with ``t("…")``, plurals with ``tn("…", "…", n)``, and strings kept
in tables for later translation with ``N_("…")``; ``tests/unit/test_i18n.py``
extracts every marked string and fails when French lacks one.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _format_decimal
from babel.numbers import format_percent as _format_percent
from babel.support import Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("tandem_lang", default="en")
# The UI registers where the language of the current request lives (Streamlit runs a
# page's script in a context of its own, so a context variable alone does not reach it).
_provider: Callable[[], str | None] | None = None


def set_language_provider(provider: Callable[[], str | None] | None) -> None:
    global _provider
    _provider = provider


def normalise_language(code: str | None) -> str:
    """'fr-FR', 'fr_CA', 'FR' → 'fr'; anything unknown → English."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-")[0].strip().lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def set_language(code: str | None) -> str:
    lang = normalise_language(code)
    _current.set(lang)
    return lang


_spoken: contextvars.ContextVar[str | None] = contextvars.ContextVar("tandem_spoken", default=None)


@contextlib.contextmanager
def speaking(code: str | None) -> Iterator[str]:
    """Within the block, ``t``/``tn`` and the formats speak ``code`` — whatever the page's
    language — e.g. to word an e-mail in its recipient's language."""
    token = _spoken.set(normalise_language(code))
    try:
        yield _spoken.get() or DEFAULT_LANGUAGE
    finally:
        _spoken.reset(token)


def get_language() -> str:
    spoken = _spoken.get()
    if spoken:
        return spoken
    if _provider is not None:
        lang = _provider()
        if lang:
            return lang
    return _current.get()


def _complete(message: Message) -> bool:
    """A translation to use: not fuzzy, and every form (plurals) written."""
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(message.id) and not message.fuzzy and all(strings)


@cache
def _catalogue(lang: str) -> Catalog:
    """Every ``.po`` file of ``lang`` merged into one Babel catalogue (complete messages only).

    The first file's header gives the plural rule (``Plural-Forms``; every file of a
    language declares the same one, a test checks); a language without files (English,
    the source language) gets Babel's rule for its locale.
    """
    files = sorted((LOCALES_DIR / lang).glob("*.po"))
    merged = Catalog(locale=lang)
    for n, po in enumerate(files):
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        if n == 0:
            merged = cat
            for message in list(merged):
                if message.id and not _complete(message):
                    del merged[message.id]
            continue
        for message in cat:
            if _complete(message):
                merged[message.id] = message
    return merged


@cache
def _translations(lang: str) -> Translations:
    """``lang``'s catalogue compiled as gettext reads it: messages and the plural rule."""
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(lang))
    compiled.seek(0)
    return Translations(compiled)


def translations(lang: str) -> dict[str | tuple[str, ...], Any]:
    """Every translated message of ``lang`` (tests check the catalogue with it)."""
    found: dict[str | tuple[str, ...], Any] = {}
    for m in _catalogue(lang):
        if m.id:
            key = m.id if isinstance(m.id, str) else tuple(m.id)
            found[key] = m.string if isinstance(m.string, str) else tuple(m.string or ())
    return found


def plural_forms(lang: str) -> str:
    """The catalogue's plural rule of ``lang``, as a ``Plural-Forms`` header writes it."""
    return _catalogue(lang).plural_forms


# French elides "de", "que", "le", "la" before a vowel or a mute h: "d’Élodie", not "de Élodie".
# A catalogue cannot write it for a name it does not know, so filling a placeholder does it.
_ELIDING = {"de": "d’", "que": "qu’", "le": "l’", "la": "l’", "jusque": "jusqu’"}
_BEFORE_PLACEHOLDER = re.compile(r"\b(de|que|le|la|jusque|De|Que|Le|La) \{(\w+)\}")
_VOWEL = re.compile(r"[aeiouàâäæéèêëîïôöœùûüh]", re.IGNORECASE)  # y: "de Yann"


def elide(word: str, value: str) -> str:
    """``word`` + " " + ``value``, elided as French writes it when ``value`` opens with a
    vowel or an h (taken as mute: names and programme titles)."""
    if value[:1] and _VOWEL.match(value[:1]):
        short = _ELIDING[word.lower()]
        return (short[0].upper() + short[1:] if word[0].isupper() else short) + value
    return f"{word} {value}"


def fill(text: str, lang: str, values: dict[str, Any]) -> str:
    """``text`` with its ``{placeholders}`` filled, elided where ``lang`` elides."""
    if lang == "fr" and "{" in text:
        text = _BEFORE_PLACEHOLDER.sub(
            lambda m: (
                elide(m[1], str(values[m[2]])).replace("{", "{{").replace("}", "}}")
                if m[2] in values
                else m[0]
            ),
            text,
        )
    return text.format(**values)


def t(message: str, lang: str | None = None, /, **kwargs: Any) -> str:
    """Translate ``message`` (its English text) and fill ``{placeholders}`` from kwargs."""
    lang = lang or get_language()
    text = message if lang == DEFAULT_LANGUAGE else _translations(lang).gettext(message)
    return fill(text, lang, kwargs) if kwargs else text


def tn(singular: str, plural: str, n: int, lang: str | None = None, /, **kwargs: Any) -> str:
    """Plural-aware translation; ``{n}`` is available in the text, written for the locale.

    Which form ``n`` takes is the catalogue's plural rule: French says "0 minute",
    English "0 minutes".
    """
    lang = lang or get_language()
    # {n} written as the reader counts: "6,636 people", "6 636 personnes".
    shown = format_number(n, lang=lang)
    return fill(_translations(lang).ngettext(singular, plural, n), lang, {"n": shown, **kwargs})


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction without translating it now."""
    return message


# --------------------------------------------------------------------------- formatting


def _locale(lang: str | None) -> Locale:
    return Locale.parse(lang or get_language())


def format_date(value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.date()
    return _format_date(value, format=fmt, locale=_locale(None))


def format_datetime(value: dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "—"
    return _format_datetime(value, format=fmt, locale=_locale(None))


def format_number(value: float | int, digits: int = 0, lang: str | None = None) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return _format_decimal(value, format=pattern, locale=_locale(lang))


def format_percent(value: float) -> str:
    """0.7 → '70%' in English, '70 %' in French."""
    return _format_percent(value, locale=_locale(None))
