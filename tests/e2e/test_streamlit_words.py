"""Streamlit's own words in the reader's language (ui.streamlit_words): what it writes under
a field being typed in, and what a screen reader says of a help button, are French for a
French reader and stay English for an English one."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import by_key, open_signed_in, sign_in, wait_idle

pytestmark = pytest.mark.browser

CASES = {
    "camille": ("Appuyez sur", "Aide : ", ("Press", "Help for")),
    "hugo": ("Press", "Help for ", ("Appuyez", "Aide")),
}


@pytest.mark.parametrize("username", list(CASES))
def test_a_fields_instructions_and_help_labels_are_in_the_readers_language(
    app_url, new_context, username
):
    said, helps, unsaid = CASES[username]
    page = new_context().new_page()
    sign_in(page, app_url, username)  # camille reads French, hugo English
    open_signed_in(page, app_url, "journal")
    field = by_key(page, "journal_discussed", "textarea")
    field.wait_for()
    wait_idle(page)
    field.click()
    field.press_sequentially("We spoke")
    instructions = page.get_by_test_id("InputInstructions").filter(has_text=said)
    instructions.first.wait_for()
    text = " ".join(page.get_by_test_id("InputInstructions").all_inner_texts())
    assert not any(word in text for word in unsaid), text
    open_signed_in(page, app_url, "enrol")  # its skills have help buttons
    helped = page.locator('[data-testid="stTooltipHoverTarget"] button[aria-label]')
    helped.first.wait_for()
    wait_idle(page)
    page.wait_for_function(  # the script rewrites each label as Streamlit draws it
        """(start) => [...document.querySelectorAll(
            '[data-testid="stTooltipHoverTarget"] button[aria-label]')]
            .every((b) => b.getAttribute("aria-label").startsWith(start))""",
        arg=helps,
        timeout=10_000,
    )
    labels = [b.get_attribute("aria-label") or "" for b in helped.all()]
    assert labels and all(label.startswith(helps) for label in labels), labels


def test_an_address_no_page_has_is_said_in_the_readers_language(app_url, new_context):
    page = new_context().new_page()
    sign_in(page, app_url, "camille")
    open_signed_in(page, app_url, "nowhere")
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Page introuvable").wait_for()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[role="dialog"]')]
            .every((d) => !d.innerText.includes("Running the app"))""",
        timeout=10_000,
    )
    text = dialog.inner_text()
    assert "voici la page d’accueil." in text, text  # Streamlit names the page, or not
    assert "Page not found" not in text and "requested" not in text, text


def test_a_tables_toolbar_speaks_the_readers_language(app_url, new_context):
    page = new_context().new_page()
    sign_in(page, app_url, "coord")  # reads French
    open_signed_in(page, app_url, "coord_enrolments")
    table = page.get_by_test_id("stDataFrame").first
    table.wait_for()
    wait_idle(page)
    table.hover()
    buttons = page.locator('[data-testid="stElementToolbar"] button[aria-label]')
    buttons.first.wait_for()
    page.wait_for_function(
        """() => [...document.querySelectorAll(
            '[data-testid="stElementToolbar"] button[aria-label]')]
            .some((b) => b.getAttribute("aria-label") === "Plein écran")""",
        timeout=10_000,
    )
    labels = [b.get_attribute("aria-label") for b in buttons.all()]
    assert "Télécharger en CSV" in labels and "Rechercher" in labels, labels
    assert not {"Download as CSV", "Search", "Fullscreen"} & set(labels), labels
