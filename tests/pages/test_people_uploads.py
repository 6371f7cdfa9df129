"""The People page's uploader: every format it reads is offered, a hostile file is one
clear sentence (in the reader's language), an .ods previews like any other file."""

from __future__ import annotations

from tests.pages.conftest import texts
from tests.spreadsheet_files import inline, real_ods, xlsx

GOOD = [
    ["email", "name", "department"],
    ["lea.martin@tandem.example", "Léa Martin", "Finance"],
    ["omar.haddad@tandem.example", "Omar Haddad", "Ventes"],
]
BOMB = xlsx('<row r="1">' + inline("A1", "email") + inline("AAAAAAA1", "x") + "</row>")


def test_the_uploader_offers_every_format_the_reader_reads(open_app):
    at = open_app("admin", page="pages/coord_people.py")
    uploader = at.file_uploader(key="people_file")
    assert sorted(uploader.allowed_type) == [".csv", ".ods", ".txt", ".xls", ".xlsx"]


def test_a_column_bomb_is_one_sentence_and_nothing_to_import(open_app):
    at = open_app("admin", page="pages/coord_people.py")
    at.file_uploader(key="people_file").set_value(("people.xlsx", BOMB, "application/zip")).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "“people.xlsx” reaches column AAAAAAA: at most 256 columns (A to IV) are read. Delete the columns to the right of the list."
    ]
    assert not [b for b in at.button if b.key == "people_import"]


def test_a_coordinator_reading_french_gets_the_refusal_in_french():
    # Through the parser the page calls: AppTest cannot rerun this page in French (its
    # selectbox check compares the English label with the French options).
    from core.kernel.i18n import set_language
    from core.people import validation

    set_language("fr")
    try:
        pv = validation.parse(BOMB, "people.xlsx")
    finally:
        set_language("en")
    assert [i.message for i in pv.issues] == [
        "« people.xlsx » va jusqu’à la colonne AAAAAAA : au plus 256 colonnes (de A à IV) sont lues. Supprimez les colonnes à droite de la liste."
    ]


def test_an_ods_file_previews_its_people(open_app):
    at = open_app("admin", page="pages/coord_people.py")
    data = real_ods(GOOD)
    mime = "application/vnd.oasis.opendocument.spreadsheet"
    at.file_uploader(key="people_file").set_value(("people.ods", data, mime)).run()
    assert not at.exception and not at.error
    assert "Lines read: 2 — new: 2, changed: 0, unchanged: 0, with errors: 0." in texts(at)
    assert at.dataframe[-1].value["Name"].tolist() == ["Léa Martin", "Omar Haddad"]
