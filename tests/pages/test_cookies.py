"""Cookies that do not verify are ignored quietly, through the real router (AppTest).

AppTest cannot seed ``st.context.cookies`` or ``st.context.ip_address`` (they come
from the browser's connection), so ``client`` stands in for that connection: the
cookies and the address it holds are what Streamlit hands the app.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time
from collections.abc import Iterator

import jwt
import pytest
from sqlalchemy import select
from streamlit.runtime import context as st_context
from streamlit.testing.v1 import AppTest

from core.accounts import accounts, auth
from core.kernel import config
from db.models import LoginThrottle
from tests.pages.conftest import ROOT

KEY = "Qm7vR2xK9pL4wN8tZ3cF6hJ1dS5gB0yAeU"
OTHER_KEY = "Zp4nW8qL2xR6vK9mT3jC7hF1dG5sB0yNeA"
DAY = 86400


class _Client:
    """What the browser's connection gives Streamlit: cookies and an address."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self.headers: list[tuple[str, str]] = []
        self.remote_ip: str | None = None


@pytest.fixture
def client(demo_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Client]:
    fake = _Client()
    monkeypatch.setenv("TANDEM_COOKIE_KEY", KEY)
    monkeypatch.setattr(st_context, "_get_client_context", lambda: fake)
    yield fake


def _token(username: object = "hugo", *, key: str = KEY, exp_date: object = None, **extra) -> str:
    if exp_date is None:
        exp_date = time.time() + config.COOKIE_EXPIRY_DAYS * DAY - 60
    return jwt.encode({"username": username, "exp_date": exp_date, **extra}, key, algorithm="HS256")


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _alg_none(username: str = "admin") -> str:
    header = _b64({"alg": "none", "typ": "JWT"})
    payload = _b64({"username": username, "exp_date": time.time() + DAY})
    return f"{header}.{payload}."


def _tampered() -> str:
    header, _payload, signature = _token("hugo").split(".")
    return ".".join([header, _b64({"username": "admin", "exp_date": time.time() + DAY}), signature])


def _run(client: _Client, cookie: str | None) -> AppTest:
    if cookie is not None:
        client.cookies[config.COOKIE_NAME] = cookie
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    at.session_state["tandem_lang"] = "en"
    at.run()
    return at


def _signed_out_quietly(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == []
    assert not at.session_state["authentication_status"]
    assert "Sign in" in {b.label for b in at.button}


def test_a_valid_cookie_signs_in_which_shows_the_forgeries_below_are_real_tests(client):
    at = _run(client, _token("hugo"))
    assert not at.exception
    assert at.session_state["authentication_status"] is True
    assert at.session_state["username"] == "hugo"


FORGED = {
    "alg none": lambda: _alg_none("admin"),
    "alg none, no dot": lambda: _alg_none("admin")[:-1],
    "wrong key": lambda: _token("admin", key=OTHER_KEY),
    "expired": lambda: _token("hugo", exp_date=time.time() - 60),
    "expired by its exp claim": lambda: _token("hugo", exp=int(time.time()) - 60),
    "beyond any cookie we issue": lambda: _token("hugo", exp_date=time.time() + 400 * DAY),
    "tampered payload": _tampered,
    "garbage": lambda: "not-a-token",
    "three dots of garbage": lambda: "a.b.c",
    "empty": lambda: "",
    "exp_date not a number": lambda: _token("hugo", exp_date="tomorrow"),
    "exp_date infinite": lambda: _token("hugo", exp_date=float("inf")),
    "username not text": lambda: _token(12345),
    "no username": lambda: jwt.encode({"exp_date": time.time() + DAY}, KEY, algorithm="HS256"),
    "unknown account": lambda: _token("nobody-at-all"),
    "huge": lambda: "x" * 100_000,
}


@pytest.mark.parametrize("variant", list(FORGED))
def test_a_cookie_that_does_not_verify_just_shows_the_sign_in_form(client, variant):
    _signed_out_quietly(_run(client, FORGED[variant]()))


def test_a_valid_cookie_for_a_deactivated_account_just_shows_the_sign_in_form(client, demo_store):
    (hugo,) = [r for r in accounts.list_accounts(demo_store.sf, _admin(demo_store), "hugo").rows]
    accounts.set_active(demo_store.sf, _admin(demo_store), hugo.account_id, False)
    _signed_out_quietly(_run(client, _token("hugo")))


def test_a_cookie_issued_before_a_password_reset_just_shows_the_sign_in_form(client, demo_store):
    (hugo,) = [r for r in accounts.list_accounts(demo_store.sf, _admin(demo_store), "hugo").rows]
    accounts.reset_password(demo_store.sf, _admin(demo_store), hugo.account_id)
    _signed_out_quietly(_run(client, _token("hugo")))


def _admin(store) -> object:  # type: ignore[no-untyped-def]
    with store.sf.begin() as s:
        found = auth._load(s, "admin")
        assert found
        return auth.viewer_of(*found)


def test_failed_sign_ins_are_counted_per_client_address(client, demo_store):
    client.remote_ip = "203.0.113.9"
    at = _run(client, None)
    by_label = {ti.label: ti for ti in at.text_input}
    by_label["Username"].input("hugo")
    by_label["Password"].input("not-the-password")
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert [e.value for e in at.error] == ["Username or password is incorrect."]
    with demo_store.sf.begin() as s:
        sources = set(
            s.scalars(select(LoginThrottle.source).where(LoginThrottle.username == "hugo"))
        )
    assert sources == {"203.0.113.9", auth.ALL_SOURCES}


def test_a_cookie_older_than_a_logout_is_ignored_even_with_a_valid_signature(client, demo_store):
    issued = dt.datetime.now(dt.UTC).timestamp() + config.COOKIE_EXPIRY_DAYS * DAY - 3600
    token = _token("hugo", exp_date=issued)
    auth.sign_out(demo_store.sf, "hugo")
    _signed_out_quietly(_run(client, token))
