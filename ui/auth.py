"""Sign-in with streamlit-authenticator 0.4.2, accounts in the database, holes closed.

The library keeps credentials in a dict and trusts its cookie until it expires.
We hand it an empty dict and wrap two of its internals (pinned version, see
shared/notes/auth-hardening.md):

* ``check_credentials`` → :func:`core.accounts.auth.sign_in` (DB lockout with a window,
  dummy bcrypt for unknown usernames, 72-byte limit); a success puts that one
  user in the dict so the library can finish its login;
* ``get_cookie`` → replaced: :func:`decode_cookie` verifies the cookie itself, so any
  cookie that does not verify (wrong key, ``alg: none``, expired, tampered, garbage)
  or that names an unknown, deactivated or revoked account (logout, password change
  or reset, deactivation) is ignored quietly and deleted: the person is signed out,
  never shown an error.

Every run also re-checks the signed-in session against the database, so a tab
left open is signed out once the account logs out elsewhere. We never call
``st.rerun()`` right after ``login()``/``logout()``: the cookie would be lost.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import jwt
import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from core.accounts import auth as core_auth
from core.kernel import config
from core.kernel.access import Viewer
from core.kernel.errors import TandemError
from core.kernel.i18n import t
from core.kernel.store import Store

ISSUED_KEY = "tandem_issued_at"
VIEWER_KEY = "tandem_viewer"
AUTH_KEY = "tandem_authenticator"


def _configured_cookie_key() -> str | None:
    try:
        return st.secrets.get("cookie_key")  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - no secrets.toml at all: fall back to env / file
        return None


MAX_COOKIE_CHARS = 4096  # a browser sends no longer cookie; ours is about 150


@dataclass(frozen=True)
class CookieClaims:
    username: str
    exp_date: float
    issued_at: dt.datetime


def decode_cookie(raw: object, key: str, now: float) -> CookieClaims | None:
    """What a sign-in cookie says, or ``None`` for anything that does not verify.

    HS256 with our key only (``alg: none`` and every other algorithm are refused), a
    username, and an expiry date that is in the future but not further than a cookie
    we issue: a wrong key, a forged header, a tampered or expired payload and plain
    garbage all come back as ``None``, never as an exception. ``now`` is a Unix time.
    """
    if not isinstance(raw, str) or not raw or len(raw) > MAX_COOKIE_CHARS:
        return None
    try:
        claims = jwt.decode(raw, key, algorithms=["HS256"])
    except jwt.PyJWTError:  # bad signature, wrong or no algorithm, malformed, "exp" past
        return None
    username, exp_date = claims.get("username"), claims.get("exp_date")
    if not isinstance(username, str) or not username.strip():
        return None
    if isinstance(exp_date, bool) or not isinstance(exp_date, int | float):
        return None
    lifetime = config.COOKIE_EXPIRY_DAYS * 86400
    if not math.isfinite(exp_date) or not now < exp_date <= now + lifetime + 60:
        return None
    issued = dt.datetime.fromtimestamp(exp_date - lifetime, dt.UTC).replace(tzinfo=None)
    return CookieClaims(username, float(exp_date), issued)


def _entry(signed: core_auth.SignedIn) -> dict[str, Any]:
    # "password" must be present, or the library treats the user as an OAuth guest.
    return {
        "email": signed.email,
        "name": signed.viewer.name,
        "roles": sorted(signed.viewer.roles),
        "password": "stored-in-the-database",
    }


def build(store: Store) -> stauth.Authenticate:
    """A fresh authenticator for this run, wired to the database."""
    key = config.cookie_key(_configured_cookie_key())
    authenticator = stauth.Authenticate(
        {"usernames": {}},
        config.COOKIE_NAME,
        key,
        config.COOKIE_EXPIRY_DAYS,
        auto_hash=False,
        login_sleep_time=0,  # cookies come from st.context.cookies: no need to wait
    )
    model = authenticator.authentication_controller.authentication_model
    cookie_model = authenticator.cookie_controller.cookie_model
    users: dict[str, Any] = model.credentials["usernames"]

    def check_credentials(username: str, password: str) -> bool:
        try:
            signed = core_auth.sign_in(store.sf, username, password, client_address())
        except TandemError as e:  # locked, or a password over 72 bytes
            raise LoginError(str(e)) from e
        if signed is None:
            return False
        users[signed.viewer.username] = _entry(signed)
        st.session_state[ISSUED_KEY] = signed.at
        return True

    deleted = {"done": False}

    def get_cookie() -> Any:
        if st.session_state.get("logout"):
            return False  # signed out in this tab: the library ignores any cookie
        raw = st.context.cookies.get(config.COOKIE_NAME)
        if not isinstance(raw, str):  # no cookie (AppTest hands a mock)
            return None
        claims = decode_cookie(raw, key, dt.datetime.now(dt.UTC).timestamp())
        signed = None
        if claims is not None:
            signed = core_auth.resume_session(store.sf, claims.username, claims.issued_at)
        if signed is None:  # forged, expired, revoked, or the account is gone
            if not deleted["done"]:  # the component key allows one delete per run
                deleted["done"] = True
                cookie_model.delete_cookie()
            return None
        assert claims is not None
        users[signed.viewer.username] = _entry(signed)
        st.session_state[ISSUED_KEY] = signed.at
        # The stored spelling of the username: the library looks it up as it is.
        return {"username": signed.viewer.username, "exp_date": claims.exp_date}

    model.check_credentials = check_credentials
    cookie_model.get_cookie = get_cookie
    st.session_state[AUTH_KEY] = authenticator
    return authenticator


def authenticator() -> stauth.Authenticate:
    return st.session_state[AUTH_KEY]


def _forget_session() -> None:
    for k in ("name", "username", "authentication_status", "email", "roles"):
        st.session_state[k] = None
    st.session_state["logout"] = True  # the library then ignores any cookie in this tab
    st.session_state.pop(VIEWER_KEY, None)
    st.session_state.pop(ISSUED_KEY, None)


def client_address() -> str | None:
    """The client's address; ``None`` when unknown (localhost, some proxies, AppTest)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else None  # AppTest hands a mock


def resolve_viewer(store: Store) -> Viewer | None:
    """The signed-in viewer of this run, re-checked against the database, or ``None``."""
    try:
        authenticator().login(location="unrendered")  # cookie sign-in, no form
    except LoginError:  # a cookie the library would not take: simply signed out
        _forget_session()
        return None
    st.session_state.pop(VIEWER_KEY, None)
    if not st.session_state.get("authentication_status"):
        return None
    issued = st.session_state.get(ISSUED_KEY)
    username = st.session_state.get("username")
    signed = core_auth.resume_session(store.sf, username, issued) if issued and username else None
    if signed is None:  # logged out in another tab, password changed, deactivated
        _forget_session()
        st.session_state["tandem_signed_out_elsewhere"] = True
        return None
    st.session_state[VIEWER_KEY] = signed.viewer
    return signed.viewer


def current_viewer() -> Viewer | None:
    return st.session_state.get(VIEWER_KEY)


def login_form(store: Store) -> None:
    """Draw the sign-in form; a failure shows one message that reveals nothing."""
    fields = {
        "Form name": t("With your Tandem password"),  # an h3 under the page's "Sign in"
        "Username": t("Username"),
        "Password": t("Password"),
        "Login": t("Sign in"),
    }
    try:
        authenticator().login(location="main", fields=fields, key="login_form")
    except LoginError as e:
        st.error(str(e))
        return
    status = st.session_state.get("authentication_status")
    if status is False:
        st.error(t("Username or password is incorrect."))
    elif status:
        # The cookie component reruns the app by itself a moment later; no st.rerun() here.
        st.success(t("Signed in. Opening Tandem…"))
        st.button(t("Continue"), key="continue_after_login")


def logout_button(store: Store) -> None:
    def on_logout(details: dict[str, Any]) -> None:
        if details.get("username"):
            core_auth.sign_out(store.sf, details["username"])

    authenticator().logout(
        button_name=t("Sign out"), location="sidebar", key="logout_button", callback=on_logout
    )
    if not st.session_state.get("authentication_status"):
        st.session_state.pop(VIEWER_KEY, None)


def refresh_after_password_change(revoked_at: dt.datetime) -> None:
    """Keep this tab signed in after a password change that revoked every other session."""
    st.session_state[ISSUED_KEY] = revoked_at + dt.timedelta(microseconds=1)
    authenticator().cookie_controller.set_cookie()


def new_password_fields(
    label: str, key: str, repeat_label: str, repeat_key: str
) -> tuple[str, str]:
    """A new password and its repetition, inside the caller's form, with the rule as help."""
    password = st.text_input(
        label, type="password", key=key, help=t("At least 10 characters, at most 72 bytes.")
    )
    return password, st.text_input(repeat_label, type="password", key=repeat_key)
