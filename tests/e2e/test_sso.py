"""Single sign-on end to end: Streamlit's st.login against a real local OpenID provider
(oidc-provider-mock), a Tandem server with its own secrets.toml pointing to it."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import CHROMIUM, ROOT, _free_port, _wait_healthy, start_streamlit, wait_idle

USERS = [
    {"sub": "coord-sub", "email": "COORD@tandem.example", "email_verified": True},
    {"sub": "stranger-sub", "email": "stranger@elsewhere.example", "email_verified": True},
    {"sub": "camille-sub", "email": "camille.martin@tandem.example", "email_verified": True},
    {"sub": "unverified-sub", "email": "admin@tandem.example", "email_verified": False},
]
SIGN_OUT = re.compile("^(Sign out|Se déconnecter)$")


def _wait_provider(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, "oidc-provider-mock exited"
        try:
            with urllib.request.urlopen(url + "/.well-known/openid-configuration", timeout=2):
                return
        except OSError:
            time.sleep(0.2)  # polling the provider's start, not waiting for the page
    raise RuntimeError("oidc-provider-mock did not start")


@pytest.fixture(scope="module")
def sso_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A mock OpenID provider and a Tandem server (demo data) configured to use it."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}")
    tmp = tmp_path_factory.mktemp("sso")
    idp_port, app_port = _free_port(), _free_port()
    idp = f"http://127.0.0.1:{idp_port}"
    app = f"http://127.0.0.1:{app_port}"
    log = open(tmp / "server.log", "w")
    claims = [arg for user in USERS for arg in ("--user-claims", json.dumps(user))]
    provider = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "--port", str(idp_port), *claims],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    secrets = tmp / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "{app}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-that-is-long-enough-0123456789"\n'
        'client_id = "tandem"\nclient_secret = "tandem-secret"\n'
        f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n'
        'provider_name = "Mock IdP"\n'
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'tandem.db'}",
        "TANDEM_DEMO": "1",
        "TANDEM_STATE_DIR": str(tmp / "state"),
        "TANDEM_BCRYPT_ROUNDS": "4",
    }
    subprocess.run(
        [sys.executable, "-m", "tandem", "seed-demo"], cwd=ROOT, env=env, check=True, stdout=log
    )
    with sqlite3.connect(tmp / "tandem.db") as db:  # camille has left the company
        db.execute("UPDATE person SET is_active = 0 WHERE email = 'camille.martin@tandem.example'")
    server = start_streamlit(app_port, env, log, "--secrets.files", str(secrets))
    try:
        _wait_provider(idp, provider)
        _wait_healthy(app, server)
        yield app
    finally:
        server.terminate()
        provider.terminate()
        server.wait(timeout=20)
        provider.wait(timeout=20)
        log.close()


def _sso_sign_in(page, url: str, sub: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    wait_idle(page)
    start = page.get_by_role("button", name="Sign in with Mock IdP")
    start.click()
    choice = page.get_by_role("button", name=sub, exact=True)  # the provider's login form
    try:
        choice.wait_for(timeout=20_000)
    except PlaywrightError:
        # A click right after the page loaded can be dropped (the cookie component's late
        # rerun redraws the button): the app's page is still there. Click once more, as a
        # person would (CI of 2026-12-05 waited 30 s for a provider page never asked for).
        if start.count():
            start.click()
        choice.wait_for(timeout=60_000)
    choice.click()
    page.wait_for_url(re.compile(re.escape(url) + r"/?$"), timeout=60_000)
    wait_idle(page)


def test_the_first_sso_sign_in_links_the_account_and_sign_out_ends_both(sso_url, new_context):
    page = new_context().new_page()
    _sso_sign_in(page, sso_url, "coord-sub")
    page.get_by_role("button", name=SIGN_OUT).wait_for(timeout=60_000)
    page.get_by_role("heading", name="Programmes").first.wait_for(timeout=30_000)
    page.get_by_role("button", name=SIGN_OUT).click()
    page.get_by_role("button", name=SIGN_OUT).wait_for(state="detached", timeout=60_000)
    page.wait_for_load_state()
    # Streamlit sends the browser to the provider's end-session page (the mock's asks
    # for a click); the Streamlit identity cookie is already gone, the Tandem session revoked.
    page.goto(sso_url)
    wait_idle(page)
    page.get_by_role("button", name="Sign in with Mock IdP").wait_for(timeout=20_000)
    assert page.get_by_role("button", name=SIGN_OUT).count() == 0


def test_signing_out_on_one_device_ends_a_copy_of_the_identity_cookie_on_another(
    sso_url, new_context
):
    first = new_context()
    page = first.new_page()
    _sso_sign_in(page, sso_url, "coord-sub")
    page.get_by_role("button", name=SIGN_OUT).wait_for(timeout=60_000)
    other = new_context()
    other.add_cookies(first.cookies())  # the same identity on a second device (or stolen)
    copy = other.new_page()
    copy.goto(sso_url)
    wait_idle(copy)
    copy.get_by_role("button", name=SIGN_OUT).wait_for(timeout=60_000)  # signed in there too
    copy.close()  # no page open there: nothing of that visit's session is left to revoke
    page.get_by_role("button", name=SIGN_OUT).click()
    page.get_by_role("button", name=SIGN_OUT).wait_for(state="detached", timeout=60_000)
    assert "_streamlit_user" in {c["name"] for c in other.cookies()}
    # A new visit there: Streamlit still holds the copied identity cookie, older than the
    # sign-out, so Tandem drops it (st.logout, which leads to the provider's end-session page).
    later = other.new_page()
    later.goto(sso_url, wait_until="commit")
    later.wait_for_url(re.compile(r"/oauth2/end_session"), timeout=60_000)
    assert "_streamlit_user" not in {c["name"] for c in other.cookies()}
    later.goto(sso_url)
    wait_idle(later)
    later.get_by_role("button", name="Sign in with Mock IdP").wait_for(timeout=60_000)
    assert later.get_by_role("button", name=SIGN_OUT).count() == 0


def test_an_unknown_email_gets_a_clear_message(sso_url, new_context):
    page = new_context().new_page()
    _sso_sign_in(page, sso_url, "stranger-sub")
    page.get_by_text(
        "No Tandem account uses the e-mail address stranger@elsewhere.example"
    ).wait_for(timeout=60_000)
    assert page.get_by_role("button", name=SIGN_OUT).count() == 0
    page.get_by_role("button", name="Sign out of Mock IdP").click()
    page.get_by_role("button", name="Sign out of Mock IdP").wait_for(
        state="detached", timeout=60_000
    )
    page.goto(sso_url)
    wait_idle(page)
    page.get_by_role("button", name="Sign in with Mock IdP").wait_for(timeout=60_000)


def test_a_deactivated_person_is_refused(sso_url, new_context):
    page = new_context().new_page()
    _sso_sign_in(page, sso_url, "camille-sub")
    page.get_by_text("This account is deactivated").wait_for(timeout=60_000)
    assert page.get_by_role("button", name=SIGN_OUT).count() == 0


def test_an_unverified_email_is_refused(sso_url, new_context):
    page = new_context().new_page()
    _sso_sign_in(page, sso_url, "unverified-sub")
    page.get_by_text("has not verified your e-mail address").wait_for(timeout=60_000)
    assert page.get_by_role("button", name=SIGN_OUT).count() == 0
