"""Re-pairing in a real browser: the coordinator publishes, Hugo declines, the coordinator
matches the waiting pool again and publishes just that, Hugo accepts his new proposal.

Before publishing, the coordinator removes one suggestion (without Hugo): its two people
wait, like late enrolments, so the waiting pool has someone Hugo has not declined.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import BUTTON, by_key, open_signed_in, screenshot, sign_in, wait_idle

pytestmark = pytest.mark.browser


def _publish(page) -> None:  # type: ignore[no-untyped-def]
    by_key(page, "publish_confirm", "label").click()
    wait_idle(page)
    by_key(page, "publish_button", BUTTON).click()
    wait_idle(page)
    page.get_by_text(re.compile(r"^\d+ match(es)? published\.$")).wait_for()


def test_a_declined_participant_is_re_paired_from_the_waiting_pool_and_accepts(
    app_url, new_context
):
    coord = new_context().new_page()
    sign_in(coord, app_url, "admin")
    open_signed_in(coord, app_url, "coord_matching")
    by_key(coord, "run_matching", BUTTON).click()
    wait_idle(coord)
    by_key(coord, "publish_confirm").wait_for()

    # One suggestion without Hugo stays unpublished: its two people wait.
    coord.get_by_role("tab", name="Remove a suggestion").click()
    wait_idle(coord)
    options = coord.get_by_role("option").filter(has_not_text="Hugo Bernard")
    for _ in range(3):  # a rerun may close the list as it opens: open it again
        by_key(coord, "remove_pick", "input").click()
        try:
            options.first.wait_for(timeout=5_000)
            break
        except PlaywrightError:
            wait_idle(coord)
    options.first.click()
    wait_idle(coord)
    assert "Hugo Bernard" not in by_key(coord, "remove_pick").inner_text()
    coord.locator(".stForm").filter(has=by_key(coord, "remove_pick")).locator(
        "[data-testid='stFormSubmitButton'] button"
    ).click()
    wait_idle(coord)
    coord.get_by_text("Removed: these people are back in the pool.").wait_for()
    _publish(coord)
    coord.get_by_text("Published proposals", exact=True).wait_for()  # what was published, at once
    screenshot(coord, "repairing-1-published")

    # Hugo declines his proposal.
    hugo = new_context().new_page()
    sign_in(hugo, app_url, "hugo")
    open_signed_in(hugo, app_url, "my_match")
    decline = hugo.locator("[class*='st-key-decline_'] button").first
    decline.wait_for()
    declined_peer = hugo.locator("[class*='st-key-proposal_']").filter(has=decline)
    peer_name = declined_peer.locator("h2").first.inner_text().split(" (")[0]
    decline.click()
    wait_idle(hugo)
    hugo.locator("[class*='st-key-decline_']").first.wait_for(state="detached")

    # The coordinator sees the decline and re-pairs the waiting pool only.
    open_signed_in(coord, app_url, "coord_matching")
    coord.get_by_text(re.compile("Hugo Bernard: declined")).first.wait_for(state="attached")
    coord.get_by_text(re.compile("4 people waiting to be matched")).wait_for()
    by_key(coord, "run_matching", BUTTON).click()
    wait_idle(coord)
    by_key(coord, "publish_confirm").wait_for()
    screenshot(coord, "repairing-2-new-suggestions")
    _publish(coord)
    screenshot(coord, "repairing-3-republished")

    # Hugo accepts the new proposal, with someone else than the peer he declined.
    open_signed_in(hugo, app_url, "my_match")
    accept = hugo.locator("[class*='st-key-accept_'] button").first
    accept.wait_for()
    proposal = hugo.locator("[class*='st-key-proposal_']").filter(has=accept)
    assert peer_name not in proposal.locator("h2").first.inner_text()
    accept.click()
    wait_idle(hugo)
    hugo.get_by_text("you accepted").first.wait_for()
    screenshot(hugo, "repairing-4-hugo-accepted")
