"""Every string a user reads has a French translation with the same placeholders."""

import re

import pytest

from core.kernel import i18n
from scripts.i18n import extract, missing

PLACEHOLDER = re.compile(r"\{(\w+)")


def test_every_marked_string_has_a_french_translation():
    todo = missing("fr")
    assert not todo, "French lacks:\n" + "\n".join(f"{w[0]}: {m!r}" for m, w in todo.items())


def test_french_translations_keep_the_same_placeholders():
    fr = i18n.translations("fr")
    for message in extract():
        ids = message if isinstance(message, tuple) else (message,)
        found = fr.get(message)
        strings = found if isinstance(found, tuple | list) else (found,)
        wanted = set().union(*(PLACEHOLDER.findall(m) for m in ids))
        for s in strings:
            if s:
                assert set(PLACEHOLDER.findall(s)) <= wanted | {"n"}, (message, s)
                assert wanted - {"n"} <= set(PLACEHOLDER.findall(s)) | {"n"}, (message, s)


def test_t_translates_into_the_current_language_and_fills_placeholders():
    i18n.set_language("fr")
    try:
        assert i18n.t("Hello, {name}", name="Hugo") == "Bonjour, Hugo"
    finally:
        i18n.set_language("en")
    assert i18n.t("Hello, {name}", name="Hugo") == "Hello, Hugo"


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [("en", 1, "minute."), ("en", 3, "minutes."), ("fr", 1, "minute."), ("fr", 2, "minutes.")],
)
def test_plurals_follow_the_language_rules(lang, n, expected):
    text = i18n.tn(
        "Too many failed sign-ins: this account is locked. Try again in {n} minute.",
        "Too many failed sign-ins: this account is locked. Try again in {n} minutes.",
        n,
        lang,
    )
    assert text.endswith(f"{n} {expected}")


def test_browser_languages_are_normalised_and_unknown_ones_fall_back_to_english():
    assert i18n.normalise_language("fr-CA") == "fr"
    assert i18n.normalise_language("FR_fr") == "fr"
    assert i18n.normalise_language("de-DE") == "en"
    assert i18n.normalise_language(None) == "en"


def test_dates_and_numbers_are_formatted_for_the_locale():
    import datetime as dt

    i18n.set_language("fr")
    try:
        assert i18n.format_date(dt.date(2026, 11, 3)) == "3 nov. 2026"
        assert i18n.format_percent(0.7).replace("\u202f", " ").replace("\xa0", " ") == "70 %"
    finally:
        i18n.set_language("en")
    assert i18n.format_date(dt.date(2026, 11, 3)) == "Nov 3, 2026"
    assert i18n.format_percent(0.7) == "70%"


def test_no_literal_is_translated_inside_an_f_string():
    """Babel's extractor cannot see t("…") inside an f-string, so French would lack it."""
    import pathlib

    from scripts.i18n import source_files

    pattern = re.compile(r"""f(["'])[^\n]*?\{t\(\s*["']""")
    offenders = [
        f"{path.name}:{n}"
        for path in source_files()
        for n, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders
