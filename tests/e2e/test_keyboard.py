"""The reflection form and the feedback form can be completed with the keyboard alone.

After signing in (which may click), these tests never click: they move with Tab,
Shift+Tab and the arrow keys, choose with Space and send with Enter, as a person who
cannot use a mouse does.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import open_signed_in, sign_in, wait_idle

pytestmark = pytest.mark.browser

FOCUSED_IN = """(sel) => {
  const a = document.activeElement;
  return !!(a && a.closest(sel) && (a.matches('textarea, input, button, [role="tab"]')));
}"""
CHECKED = """(sel) => [...document.querySelectorAll(sel + ' input[type=radio]')]
  .findIndex((i) => i.checked)"""
FOCUSED_TAB = "() => (document.activeElement || {}).getAttribute?.('role') === 'tab'"
TABS = 200  # more than every focusable element of a page, sidebar included


def tab_to(page, selector: str, back: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Press Tab (Shift+Tab when ``back``) until the focus is inside ``selector``."""
    for _ in range(TABS):
        if page.evaluate(FOCUSED_IN, selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


def to_tab(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Reach the page's tab list, then walk it with the arrow keys to the tab ``name``."""
    tab_to(page, '[role="tablist"]')
    chosen = page.get_by_role("tab", name=name, exact=True, selected=True)
    for _ in range(20):
        active = page.evaluate("() => document.activeElement.textContent")
        if name == active.strip():
            page.keyboard.press("Enter")
            wait_idle(page)
            try:  # the rerun the choice starts may land after the page looked idle
                chosen.wait_for(timeout=5000)
                return
            except PlaywrightTimeout:  # a rerun landing meanwhile redrew the tabs: again
                tab_to(page, '[role="tablist"]')
                continue
        page.keyboard.press("ArrowRight")
    raise AssertionError(f"tab {name!r} not reached")


def test_a_reflection_is_written_rated_and_saved_with_the_keyboard_alone(app_url, new_context):
    page = new_context().new_page()
    sign_in(page, app_url, "hugo")
    open_signed_in(page, app_url, "journal")
    wait_idle(page)
    mine = page.get_by_role("tab", name="My reflections").inner_text()

    tab_to(page, ".st-key-journal_discussed")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("We rehearsed the quarterly review, typed without a mouse.")
    assert "without a mouse" in page.locator(".st-key-journal_discussed textarea").input_value()
    page.keyboard.press("Tab")  # leaving the field saves the draft
    wait_idle(page)

    tab_to(page, ".st-key-journal_usefulness")
    page.keyboard.press("ArrowRight")  # in a radio group, the arrows choose
    wait_idle(page)
    radios = page.locator(".st-key-journal_usefulness input[type=radio]")
    chosen = [i for i in range(radios.count()) if radios.nth(i).is_checked()]
    assert chosen, "the usefulness scale answers to the arrow keys"

    tab_to(page, ".st-key-journal_finalise")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_text("Reflection saved").wait_for()
    after = page.get_by_role("tab", name="My reflections").inner_text()
    assert after != mine  # one more reflection in my list


def test_kudos_are_chosen_written_and_sent_with_the_keyboard_alone(app_url, new_context):
    page = new_context().new_page()
    sign_in(page, app_url, "hugo")
    open_signed_in(page, app_url, "feedback")
    wait_idle(page)

    to_tab(page, "Give feedback or kudos")
    tab_to(page, ".st-key-give_kind")
    kudos = page.locator(".st-key-give_kudos textarea")
    for _ in range(2):  # the form's kinds, Kudos last
        before = page.evaluate(CHECKED, ".st-key-give_kind")
        page.keyboard.press("ArrowRight")
        # The next press only once this one is taken (else a quick second press wraps round).
        page.wait_for_function(f"(b) => ({CHECKED})('.st-key-give_kind') !== b", arg=before)
        wait_idle(page)
    kudos.wait_for()
    tab_to(page, ".st-key-give_kudos")
    page.keyboard.type("Thanks for the calm feedback, sent by keyboard.")
    assert "sent by keyboard" in page.locator(".st-key-give_kudos textarea").input_value()
    tab_to(page, ".st-key-give_submit")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_text("Sent to").wait_for()

    to_tab(page, "Given")
    page.get_by_text("sent by keyboard").first.wait_for()
