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


@pytest.mark.parametrize(
    ("lang", "expected"), [("fr", "0 collègue"), ("en", "0 colleagues"), ("fr", "2 collègues")]
)
def test_zero_is_singular_in_french_and_plural_in_english(lang, expected):
    assert i18n.tn("{n} colleague", "{n} colleagues", int(expected[0]), lang) == expected


def test_the_plural_rule_comes_from_the_catalogue_header(tmp_path, monkeypatch):
    """A language with three forms (Polish) picks them by its Plural-Forms, not by a rule in code."""
    (tmp_path / "pl").mkdir()
    (tmp_path / "pl" / "demo.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: pl\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && '
        '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "{n} step"\nmsgid_plural "{n} steps"\n'
        'msgstr[0] "{n} krok"\nmsgstr[1] "{n} kroki"\nmsgstr[2] "{n} kroków"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    i18n._catalogue.cache_clear()
    i18n._translations.cache_clear()
    try:
        forms = [i18n.tn("{n} step", "{n} steps", n, "pl") for n in (1, 3, 5, 22, 0)]
    finally:
        i18n._catalogue.cache_clear()
        i18n._translations.cache_clear()
    assert forms == ["1 krok", "3 kroki", "5 kroków", "22 kroki", "0 kroków"]


def test_every_catalogue_file_of_a_language_declares_the_same_plural_rule():
    from babel.messages.pofile import read_po

    rules = set()
    for po in sorted((i18n.LOCALES_DIR / "fr").glob("*.po")):
        with po.open("rb") as fh:
            rules.add(read_po(fh, locale="fr").plural_forms)
    assert rules == {i18n.plural_forms("fr")} == {"nplurals=2; plural=(n > 1);"}


# ----------------------------------------------------------------- French plurals and elision

# A count written before a plural noun in a message without plural forms is right only where
# the count can never be one: a minimum of several, a range from one, more than a maximum, or
# an invariant word.
NEVER_ONE = re.compile(r"(au moins|entre 1 et|tous les|trop long :) \{(n|count|min)\}")
INVARIANT = {"mois", "pts", "fois"}
COUNT_THEN_PLURAL = re.compile(r"\{(n|count)\} ([\w’']+?s)\b")


def _used_french_singulars():
    fr = i18n.translations("fr")
    for message in extract():
        if isinstance(message, str) and isinstance(fr.get(message), str):
            yield message, fr[message]


def test_french_never_writes_a_plural_in_brackets():
    used = set(extract())
    found = [
        (m, s)
        for m, found in i18n.translations("fr").items()
        if m in used
        for s in (found if isinstance(found, tuple) else (found,))
        if s and re.search(r"\((s|e|es|x)\)", s)
    ]
    assert found == []


def test_a_french_count_before_a_plural_noun_takes_the_catalogues_plural_forms():
    found = [
        (m, s)
        for m, s in _used_french_singulars()
        for count in COUNT_THEN_PLURAL.finditer(NEVER_ONE.sub("", s))
        if count[2] not in INVARIANT
    ]
    assert found == [], "use tn() for these"


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("En attente de la réponse de {names}.", {"names": "Élodie"}, "de la réponse d’Élodie."),
        ("Participants de {name}", {"name": "Hugo"}, "Participants d’Hugo"),
        ("Participants de {name}", {"name": "Camille"}, "Participants de Camille"),
        ("Participants de {name}", {"name": "Yann"}, "Participants de Yann"),
        ("De {a} à {b}", {"a": "Inès", "b": "Léa"}, "D’Inès à Léa"),
        ("Plus tôt que {when}", {"when": "avril"}, "Plus tôt qu’avril"),
        ("Prévu le {date}", {"date": "8 déc. 2026"}, "Prévu le 8 déc. 2026"),
        ("Texte de {x}", {"x": "{y} à {z}"}, "Texte de {y} à {z}"),
        ("index de {x}", {"x": ""}, "index de "),
    ],
)
def test_french_elides_before_a_value_that_opens_with_a_vowel(text, values, expected):
    assert expected in i18n.fill(text, "fr", values)


def test_english_is_never_elided_and_the_catalogue_elides_names_it_cannot_know():
    assert i18n.fill("Waiting for {names}", "en", {"names": "Élodie"}) == "Waiting for Élodie"
    assert "d’Élodie Petit" in i18n.t("Waiting for {names} to answer.", "fr", names="Élodie Petit")
    assert "de Camille" in i18n.t("Waiting for {names} to answer.", "fr", names="Camille")
    assert "les 3 suggestions" in i18n.tn(
        "I have reviewed the suggestion", "I have reviewed the {n} suggestions", 3, "fr"
    )
    assert "la suggestion" in i18n.tn(
        "I have reviewed the suggestion", "I have reviewed the {n} suggestions", 1, "fr"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "6,636 matches published."), ("fr", "6\u202f636 propositions publiées.")],
)
def test_a_count_is_written_as_the_reader_counts(lang, expected):
    assert i18n.tn("{n} match published.", "{n} matches published.", 6636, lang) == expected
