"""At a phone's width (390 × 844), the pages a participant fills in right after a meeting
work without scrolling sideways: Home, My peer (with its meetings), the journal, feedback."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_signed_in, screenshot, sign_in, wait_idle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGES = ("home", "my_peer", "journal", "feedback")
WIDEST = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return [document.documentElement.scrollWidth, main ? main.scrollWidth : 0];
}"""
TOO_WIDE = """() => [...document.querySelectorAll('[data-testid="stMain"] *')]
  .filter(e => e.getBoundingClientRect().right > 391 && e.getClientRects().length)
  .slice(0, 5).map(e => (e.getAttribute('data-testid') || e.tagName) + ' ' + Math.round(e.getBoundingClientRect().right))"""


def test_a_participants_pages_fit_a_phone_without_scrolling_sideways(app_url, browser):
    locale = "en-GB"  # the demo's participants read English (their account's language)
    ctx = browser.new_context(locale=locale, viewport=PHONE)
    try:
        page = ctx.new_page()
        sign_in(page, app_url, "hugo")
        for path in PAGES:
            open_signed_in(page, app_url, path)
            for i in range(page.get_by_role("tab").count() or 1):
                if i:  # every tab of the page (the meetings are a tab of My peer)
                    page.get_by_role("tab").nth(i).click()
                    wait_idle(page)
                screenshot(page, f"phone-{locale}-{path}-{i}")
                document, main = page.evaluate(WIDEST)
                assert document <= PHONE["width"], (path, i, page.evaluate(TOO_WIDE))
                assert main <= PHONE["width"], (path, i, page.evaluate(TOO_WIDE))
    finally:
        ctx.close()
