"""Lists of people in the order a reader expects: case and accents aside (db.folding).

Ordering by the stored full name put "Élodie" after "Zoé" and "de Villiers" after every
capital (SQLite compares bytes; PostgreSQL too under the C collation).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from core.accounts import accounts
from core.people import importer, roster
from db.folding import fold, sort_name
from db.models import Person
from tests.builders import make_account, make_person, make_user

NAMES = ("Zoé Martin", "Élodie Durand", "de Villiers Anne", "Ana Lima", "éric Blanc", "Bo Chen")
EXPECTED = ["Ana Lima", "Bo Chen", "de Villiers Anne", "Élodie Durand", "éric Blanc", "Zoé Martin"]
HEADER = "email,name,department,level,manager email,location,hire date,leave date,language"


def _csv(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode("utf-8")


def _listed(sf, coord) -> list[str]:
    rows = roster.list_people(sf, coord, "", status="all", limit=100).rows
    return [r.name for r in rows if r.name in NAMES]


def test_the_people_list_orders_names_without_case_or_accents(sf):
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        for name in NAMES:
            make_person(s, name)
    assert _listed(sf, coord) == EXPECTED


def test_imported_and_renamed_people_keep_their_sort_name(sf):
    coord = make_user(sf, "coord", ("coordinator",))
    lines = [f"p{i}@example.com,{name},Sales,L3,,,,," for i, name in enumerate(NAMES)]
    importer.apply(sf, coord, importer.preview(sf, coord, _csv(*lines), "p.csv"))
    assert _listed(sf, coord) == EXPECTED
    # A second file renames Zoé to Åsa: a Core UPDATE, which the model's validator never sees.
    lines[0] = "p0@example.com,Åsa Berg,Sales,L3,,,,,"
    importer.apply(sf, coord, importer.preview(sf, coord, _csv(*lines), "p.csv"))
    with sf.begin() as s:
        for full, key in s.execute(select(Person.full_name, Person.sort_name)):
            assert key == sort_name(full)
    with sf.begin() as s:  # and a rename through the ORM
        s.scalars(select(Person).where(Person.email == "p1@example.com")).one().full_name = "Ève"
    with sf.begin() as s:
        assert s.scalar(select(Person.sort_name).where(Person.email == "p1@example.com")) == "eve"


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_folding_drops_case_and_accents_only(text):
    folded = fold(text)
    assert fold(folded) == folded  # a fixed point
    assert fold(text.upper()) == fold(text.lower()) or not text.isascii()
    assert fold("É" + text) == fold("e" + text)


def test_every_character_folds_to_a_fixed_point():
    # A compatibility form can be a capital ("ℌ" is "H"): folding twice must change nothing.
    chars = (chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    assert [hex(ord(c)) for c in chars if fold(fold(c)) != fold(c)] == []


def test_a_search_finds_a_name_whatever_its_case_and_accents_and_typed_text_is_literal(sf):
    # lower() lowers ASCII letters only on SQLite: "Élodie" was not found by "élodie".
    admin = make_user(sf, "ada", ("admin",))
    with sf.begin() as s:
        for name in NAMES:
            make_person(s, name)
        make_account(
            s,
            "elodie",
            person=s.scalars(select(Person).where(Person.full_name == "Élodie Durand")).one(),
        )
        make_person(s, "Fifty Percent", email="50%off@example.com")
    for typed in ("élodie", "ELODIE", "Élodie", " lodie d"):
        assert [r.name for r in roster.list_people(sf, admin, typed).rows] == ["Élodie Durand"]
        assert [r.name for r in accounts.list_accounts(sf, admin, typed).rows] == ["Élodie Durand"]
    for typed in ("50%", "%"):  # the percent sign typed, not a wildcard
        assert [r.name for r in roster.list_people(sf, admin, typed).rows] == ["Fifty Percent"]
    assert roster.list_people(sf, admin, "_").total == 0
