"""Uploading people files in a real browser: a column bomb is refused in one sentence,
a real .ods previews its people; coord reads Tandem in French, admin in English.
The screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, sign_in, wait_idle
from tests.spreadsheet_files import inline, real_ods, xlsx

pytestmark = pytest.mark.browser

GOOD = [
    ["email", "name", "department", "hire date"],
    ["lea.martin@tandem.example", "Léa Martin", "Finance", "2021-04-01"],
    ["omar.haddad@tandem.example", "Omar Haddad", "Ventes", "2019-10-14"],
]
BOMB = xlsx('<row r="1">' + inline("A1", "email") + inline("AAAAAAA1", "x") + "</row>")
TEXTS = {
    "coord": {
        "tab": "Importer un fichier",
        "refused": "« people.xlsx » va jusqu’à la colonne AAAAAAA : au plus 256 colonnes (de A à IV) sont lues.",
        "read": re.compile(r"Lignes lues\s*:\s*2"),
    },
    "admin": {
        "tab": "Import a file",
        "refused": "“people.xlsx” reaches column AAAAAAA: at most 256 columns (A to IV) are read.",
        "read": re.compile(r"Lines read: 2 — new: 2"),
    },
}


@pytest.mark.parametrize("username", ["coord", "admin"])
def test_a_hostile_file_is_refused_and_an_ods_file_previews(
    app_url, new_context, tmp_path, username
):
    words = TEXTS[username]
    bomb, good = tmp_path / "people.xlsx", tmp_path / "people.ods"
    bomb.write_bytes(BOMB)
    good.write_bytes(real_ods(GOOD))
    page = new_context().new_page()
    sign_in(page, app_url, username)
    # Through the navigation, as a person would (the same session: no page load that must
    # sign in again from the cookie, which the first browser test of a run lost twice).
    page.get_by_role("link", name=re.compile("^(People|Personnes)$")).first.click()
    wait_idle(page)
    page.get_by_role("tab", name=words["tab"]).click()
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')

    upload.set_input_files(str(bomb))
    error = page.get_by_text(words["refused"])
    error.wait_for(timeout=30_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, f"people-upload-refused-{username}")

    upload.set_input_files(str(good))
    page.get_by_text(words["read"]).wait_for(timeout=30_000)
    wait_idle(page)
    assert page.get_by_text(words["refused"]).count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, f"people-upload-ods-{username}")


@pytest.mark.parametrize(
    ("username", "said", "unsaid"),
    [
        ("coord", ("Téléverser", "10 Mo par fichier"), ("Upload", "per file")),
        ("admin", ("Upload", "10MB per file"), ("Téléverser",)),
    ],
)
def test_the_upload_zone_speaks_the_readers_language_refusals_included(
    app_url, new_context, tmp_path, username, said, unsaid
):
    """Streamlit writes its upload zone's words in English: the French reader gets them in
    French, its refusal of a file too large before upload included."""
    page = new_context().new_page()
    sign_in(page, app_url, username)
    page.get_by_role("link", name=re.compile("^(People|Personnes)$")).first.click()
    wait_idle(page)
    page.get_by_role("tab", name=TEXTS[username]["tab"]).click()
    zone = page.get_by_test_id("stFileUploader")
    zone.get_by_text(said[0], exact=True).wait_for()
    text = zone.inner_text()
    assert all(w in text for w in said), text
    assert not any(w in text for w in unsaid), text
    if username == "coord":
        big = tmp_path / "people.csv"
        big.write_bytes(b"email,name\n" + b"x" * (11 * 1024 * 1024))
        zone.locator('input[type="file"]').set_input_files(str(big))
        zone.get_by_text("Ce fichier est trop volumineux : 10 Mo au plus.").first.wait_for()
        text = zone.inner_text()
        assert "Erreur : Ce fichier est trop volumineux" in text, text
        assert "File must be" not in text and "Error" not in text, text
        remove = zone.get_by_role("button", name="Retirer people.csv")
        assert remove.count() == 1  # what a screen reader says of it
        zone.get_by_test_id("stFileChip").hover()  # the refusal, as a sighted person reads it
        tip = page.get_by_role("tooltip").filter(has_text="trop volumineux")
        tip.wait_for()
        assert "File must be" not in tip.inner_text()
        screenshot(page, "people-upload-too-large-fr")
