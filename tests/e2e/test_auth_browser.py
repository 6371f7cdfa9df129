"""Sign-in in a real browser: the cookie, logout that revokes, other tabs signed out."""

import base64
import json
import time

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import screenshot, sign_in, wait_idle

pytestmark = pytest.mark.browser


def _auth_cookie(ctx):
    return next((c for c in ctx.cookies() if c["name"] == "tandem_auth"), None)


def test_signing_in_through_the_real_page_shows_home(app_url, new_context):
    page = new_context().new_page()
    sign_in(page, app_url, "hugo")
    page.get_by_text("Camille Martin").first.wait_for()
    assert page.get_by_role("heading", name="Hello, Hugo").is_visible()
    screenshot(page, "home-hugo")


def test_reload_keeps_the_session_through_the_cookie(app_url, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, app_url, "hugo")
    assert _auth_cookie(ctx) is not None
    page.reload()
    wait_idle(page)
    page.get_by_role("button", name="Sign out").wait_for()


def test_a_cookie_replayed_after_logout_does_not_sign_in(app_url, new_context):
    ctx = new_context()
    page = ctx.new_page()
    sign_in(page, app_url, "hugo")
    stolen = _auth_cookie(ctx)
    assert stolen is not None
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for()
    wait_idle(page)

    attacker = new_context()
    attacker.add_cookies([stolen])
    other = attacker.new_page()
    other.goto(app_url)
    wait_idle(other)
    other.get_by_role("button", name="Sign in").wait_for()
    assert other.get_by_role("button", name="Sign out").count() == 0
    screenshot(other, "replayed-cookie-refused")


def test_logging_out_in_one_tab_signs_out_the_other_tabs(app_url, new_context):
    ctx = new_context()
    first = ctx.new_page()
    sign_in(first, app_url, "hugo")
    second = ctx.new_page()
    second.goto(app_url)
    wait_idle(second)
    second.get_by_role("button", name="Sign out").wait_for()  # signed in by the cookie

    first.get_by_role("button", name="Sign out").click()
    first.get_by_role("button", name="Sign in").wait_for()

    try:  # its next click; the cookie component may rerun it first, signing it out already
        second.get_by_role("link", name="My profile").click(timeout=5_000)
    except PlaywrightError:
        pass
    second.get_by_role("button", name="Sign in").wait_for()
    wait_idle(second)
    assert second.get_by_role("button", name="Sign out").count() == 0


def test_a_signed_in_address_shows_the_sign_in_form_then_its_page(app_url, new_context):
    page = new_context().new_page()
    page.goto(app_url + "/profile")
    wait_idle(page)
    page.get_by_role("button", name="Sign in").wait_for()
    assert page.get_by_text("Page not found").count() == 0
    # Through the one sign-in helper, from this address: it checks the typed values and
    # clicks "Continue" when the cookie component's rerun is late (CI of ca9a693 waited 30 s
    # for the page here, signing in by hand without that fallback).
    sign_in(page, app_url + "/profile", "hugo")
    page.get_by_role("heading", name="My profile").wait_for(timeout=30_000)


def _alg_none_cookie(username: str = "admin") -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    header = part({"alg": "none", "typ": "JWT"})
    return f"{header}.{part({'username': username, 'exp_date': time.time() + 86400})}."


def test_a_forged_alg_none_cookie_shows_the_sign_in_form_without_an_error(app_url, new_context):
    ctx = new_context()
    ctx.add_cookies([{"name": "tandem_auth", "value": _alg_none_cookie(), "url": app_url}])
    page = ctx.new_page()
    page.goto(app_url)
    page.get_by_role("button", name="Sign in").wait_for()
    wait_idle(page)
    assert page.get_by_text("This app has encountered an error").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("button", name="Sign out").count() == 0
    # The forged cookie is deleted (by the cookie component, in the page itself).
    page.wait_for_function("() => !document.cookie.includes('tandem_auth=')", timeout=30_000)
    screenshot(page, "forged-cookie-ignored")
