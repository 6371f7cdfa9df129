"""Every multiple choice speaks the viewer's language: Streamlit writes its bulk entries
("Select all", "Select 3 matches") in English only, so Tandem's lists offer none, and
their placeholder is translated (ui.widgets.choose_many)."""

import pytest

from core.kernel.i18n import t

PLACEHOLDERS = ("Choose…", "Everyone", "All")  # Streamlit's own: "Choose options"


@pytest.mark.parametrize(
    ("username", "page", "lang", "at_least"),
    [
        ("camille", "pages/enrol.py", "fr", 2),  # goal themes, availability
        ("admin", "pages/admin_accounts.py", "en", 2),  # roles, a new account's roles
        ("admin", "pages/admin_audit.py", "en", 1),  # actions
        ("coord", "pages/coord_enrolments.py", "fr", 1),  # departments
        ("coord", "pages/coord_programmes.py", "fr", 4),  # objectives, who can join
    ],
)
def test_no_multiple_choice_offers_an_english_bulk_entry(open_app, username, page, lang, at_least):
    at = open_app(username, page)  # camille and coord read French, admin English
    lists = at.multiselect
    assert len(lists) >= at_least
    for widget in lists:
        assert widget.proto.select_all == 0, widget.label
        assert widget.proto.placeholder in {t(x, lang) for x in PLACEHOLDERS}, widget.label
