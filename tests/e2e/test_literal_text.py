"""Private text is shown literally in a real browser (issue 8 §6): no automatic links, no
HTML, no Markdown, line breaks kept.

Before, a journal answer went through Markdown after escaping, and Streamlit still
turned ``https://evil.example`` and ``a@b.example`` into clickable links.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    BUTTON,
    add_goal,
    by_key,
    open_expander,
    open_signed_in,
    screenshot,
    sign_in,
    wait_idle,
)

pytestmark = pytest.mark.browser

LINES = (
    "See https://evil.example or write to a@b.example",
    "<b>x</b> **x** [x](javascript:alert(1))",
)
HOSTILE = "\n".join(LINES)


def test_a_journal_entry_shows_addresses_html_and_markdown_literally_with_no_link(
    app_url, new_context
):
    page = new_context().new_page()
    sign_in(page, app_url, "hugo")
    open_signed_in(page, app_url, "journal")
    by_key(page, "journal_discussed", "textarea").wait_for()
    wait_idle(page)
    discard = by_key(page, "journal_discard", BUTTON)
    if discard.count():  # a draft from the demo: start a fresh reflection
        discard.click()
        wait_idle(page)
        page.wait_for_function(
            "() => [...document.querySelectorAll('.st-key-journal_discussed textarea')]"
            ".every(t => t.value === '')"
        )
    discussed = by_key(page, "journal_discussed", "textarea")
    discussed.fill(HOSTILE)
    assert discussed.input_value() == HOSTILE
    discussed.press("Tab")  # leaving the field saves the draft
    wait_idle(page)
    page.get_by_text("Draft saved").wait_for()
    assert discussed.input_value() == HOSTILE
    by_key(page, "journal_finalise", BUTTON).click()
    wait_idle(page)
    page.get_by_text("Reflection saved").wait_for()

    page.get_by_role("tab").nth(1).click()  # my reflections, newest first
    wait_idle(page)
    newest = page.locator("[data-testid='stExpander']:visible").first
    text = newest.get_by_text("evil.example", exact=False).first
    open_expander(page, newest, text)
    screenshot(page, "literal-text-journal")
    assert newest.locator("a").count() == 0  # no link of any kind
    answer = newest.locator("[data-testid='stText']").first
    assert answer.inner_text() == HOSTILE  # every character, both lines
    # Plain text: nothing inside was turned into an element (bold, emphasis, code, image).
    assert answer.locator("a, b, strong, em, code, img, script").count() == 0
    assert page.locator("a[href^='javascript:'], a[href^='mailto:']").count() == 0


def test_a_goal_title_and_step_in_markdown_lines_show_addresses_without_links(app_url, new_context):
    """Titles sit inside Markdown (a heading, a checkbox label): escaped and never linked."""
    title = "Read https://evil.example and ask a@b.example :material/home:"
    step = "Visit www.evil.example **now**"
    page = new_context().new_page()
    sign_in(page, app_url, "hugo")
    open_signed_in(page, app_url, "goals")
    # Found by a part the invisible word joiners (inside addresses) leave whole.
    card = add_goal(page, title, (step,), shows="evil.example")
    screenshot(page, "literal-text-goal")
    shown = card.inner_text().replace("\u2060", "")  # the invisible word joiners
    assert title in shown and step in shown
    # No link but Streamlit's own "#…" heading anchor; no bold made of the title's asterisks.
    assert card.locator("a:not([href^='#'])").count() == 0
    assert card.locator("[data-testid='stCheckbox'] strong, :is(h2, h3) strong").count() == 0
