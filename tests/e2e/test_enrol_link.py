"""The enrolment link from a poster or an invitation works for someone signed out."""

import re

import pytest

from tests.e2e.conftest import screenshot, sign_in, wait_idle

pytestmark = pytest.mark.browser


def test_a_signed_out_colleague_follows_the_enrolment_link_signs_in_and_lands_on_it(
    app_url, new_context
):
    page = new_context().new_page()
    page.goto(app_url + "/enrol?programme=2")
    wait_idle(page)
    assert page.get_by_text("Page not found").count() == 0
    user = page.get_by_role("textbox", name="Username")
    try:
        user.wait_for(timeout=90_000)
    finally:
        screenshot(page, "enrol-link-signed-out")
    # The one sign-in helper, from this address (its fallback for the cookie component's
    # late rerun: a hand-made sign-in without it failed the same way elsewhere).
    sign_in(page, app_url + "/enrol?programme=2", "hugo")
    page.get_by_role("heading", name="Join a programme").wait_for(timeout=30_000)
    wait_idle(page)
    assert re.search(r"/enrol\?programme=2$", page.url)
    page.get_by_text("Spring 2027").first.wait_for()
    # The router served it: the sidebar lists titled pages, not raw file names.
    assert page.get_by_role("link", name="coord people").count() == 0
