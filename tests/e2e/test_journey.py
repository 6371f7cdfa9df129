"""The participant journey in a real browser: a goal with steps, a reflection with an
action item after a meeting, shared with the peer; the peer sees it, not a private one.

Camille reads Tandem in French (her account's language), Hugo in English: widgets are
found by their keys (Streamlit's ``st-key-…`` classes), so the test holds in both.
"""

from __future__ import annotations

import re

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

GOAL = "Lead the Q3 retro myself"
STEPS = ("Watch Hugo run one", "Run one with Hugo watching")
REFLECTION = "We rehearsed my <b>opening</b>: **slower** is better"
ACTION = "Send Camille the SQL cheat sheet"
PRIVATE_DEMO_TEXT = "The budget slide of my review deck"  # camille's private demo entry


def _open(page, url: str, path: str) -> None:  # type: ignore[no-untyped-def]
    open_signed_in(page, url, path)


def test_camille_sets_a_goal_reflects_and_shares_and_hugo_sees_only_the_shared_entry(
    app_url, new_context
):
    camille = new_context().new_page()
    sign_in(camille, app_url, "camille")

    # --- a goal with two steps
    _open(camille, app_url, "goals")
    add_goal(camille, GOAL, tuple(STEPS))
    for step in STEPS:
        camille.get_by_text(step).first.wait_for()
    screenshot(camille, "journey-1-camille-goal")

    # --- a reflection after a meeting, saved as a draft while typing
    _open(camille, app_url, "journal")
    by_key(camille, "journal_discussed", "textarea").wait_for()  # the form is drawn
    wait_idle(camille)
    discard = by_key(camille, "journal_discard", BUTTON)
    if discard.count():  # the demo left her a draft: start a fresh reflection
        discard.click()
        wait_idle(camille)
        camille.wait_for_function(
            "() => [...document.querySelectorAll('.st-key-journal_went_well textarea')]"
            ".every(t => t.value === '')"
        )
    meeting = by_key(camille, "journal_meeting", "input")
    assert "Hugo Bernard" in meeting.input_value()  # the pair's latest meeting is chosen
    discussed = by_key(camille, "journal_discussed", "textarea")
    discussed.fill(REFLECTION)
    assert discussed.input_value() == REFLECTION
    discussed.press("Tab")  # leaving the field saves the draft
    wait_idle(camille)
    camille.get_by_text(re.compile("Brouillon enregistré|Draft saved")).wait_for()
    screenshot(camille, "journey-2-camille-draft")

    # --- an action item for Hugo
    item = by_key(camille, "journal_action_title", "input")
    item.fill(ACTION)
    item.press("Tab")  # commit the title (a rerun) before opening the list
    wait_idle(camille)
    by_key(camille, "journal_action_owner", "input").click()
    camille.get_by_role("option", name="Hugo Bernard").click()
    wait_idle(camille)
    assert item.input_value() == ACTION
    assert by_key(camille, "journal_action_owner", "input").input_value() == "Hugo Bernard"
    by_key(camille, "journal_action_add", BUTTON).click()
    wait_idle(camille)
    camille.get_by_text(ACTION).first.wait_for()

    # --- save it, then share it
    assert discussed.input_value() == REFLECTION
    by_key(camille, "journal_finalise", BUTTON).click()
    wait_idle(camille)
    share = by_key(camille, "journal_share_now", BUTTON)
    share.wait_for()
    share.click()
    wait_idle(camille)
    camille.get_by_role("tab").nth(1).click()  # my reflections
    newest = camille.locator("[data-testid='stExpander']:visible").first
    open_expander(camille, newest, newest.get_by_text(REFLECTION))
    newest.get_by_text(re.compile("(Qui peut la lire|Who can read it).*Hugo Bernard")).wait_for()
    newest.get_by_text(ACTION).wait_for()
    screenshot(camille, "journey-3-camille-shared")

    # --- Hugo, in another browser: the shared entry and his action item, not the private one
    hugo = new_context().new_page()
    sign_in(hugo, app_url, "hugo")
    hugo.get_by_text(ACTION).first.wait_for()  # on Home, until done
    screenshot(hugo, "journey-4-hugo-home")
    _open(hugo, app_url, "journal")
    hugo.get_by_role("tab", name=re.compile("Shared with me")).click()
    newest = hugo.locator("[data-testid='stExpander']:visible").first  # newest first
    assert "Camille Martin" in newest.locator("summary").inner_text()
    # Shown literally, not as HTML or Markdown.
    open_expander(hugo, newest, newest.get_by_text(REFLECTION))
    newest.get_by_text(ACTION).wait_for()  # his own item, shown in the shared entry
    html = hugo.content()
    assert PRIVATE_DEMO_TEXT not in html
    assert "The opening story worked" not in html  # camille's demo draft
    screenshot(hugo, "journey-5-hugo-shared")
