"""Sign-in with streamlit-authenticator 0.4.2, accounts in the database, holes closed.

The library keeps credentials in a dict and trusts its cookie until it expires.
We hand it an empty dict and wrap two of its internals (pinned version, see
shared/notes/auth-hardening.md):

* ``check_credentials`` → :func:`core.auth.sign_in` (DB lockout with a window,
  dummy bcrypt for unknown usernames, 72-byte limit); a success puts that one
  user in the dict so the library can finish its login;
* ``get_cookie`` → refuses a cookie issued before the account's revocation time
  (logout, password change, deactivation) and deletes it.

Every run also re-checks the signed-in session against the database, so a tab
left open is signed out once the account logs out elsewhere. We never call
``st.rerun()`` right after ``login()``/``logout()``: the cookie would be lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from core import auth as core_auth
from core import config
from core.access import Viewer
from core.errors import TandemError
from core.i18n import t
from core.store import Store

ISSUED_KEY = "tandem_issued_at"
VIEWER_KEY = "tandem_viewer"
AUTH_KEY = "tandem_authenticator"


def _configured_cookie_key() -> str | None:
    try:
        return st.secrets.get("cookie_key")  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - no secrets.toml at all: fall back to env / file
        return None


def _issued_at(token: dict[str, Any]) -> dt.datetime:
    issued = float(token["exp_date"]) - config.COOKIE_EXPIRY_DAYS * 86400
    return dt.datetime.fromtimestamp(issued, dt.UTC).replace(tzinfo=None)


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
    original_get_cookie = cookie_model.get_cookie

    def check_credentials(username: str, password: str) -> bool:
        try:
            signed = core_auth.sign_in(store.sf, username, password)
        except TandemError as e:  # locked, or a password over 72 bytes
            raise LoginError(str(e)) from e
        if signed is None:
            return False
        users[signed.viewer.username] = _entry(signed)
        st.session_state[ISSUED_KEY] = signed.at
        return True

    deleted = {"done": False}

    def get_cookie() -> Any:
        token = original_get_cookie()
        if not token:
            return token
        signed = core_auth.resume_session(store.sf, str(token["username"]), _issued_at(token))
        if signed is None:
            if not deleted["done"]:  # the component key allows one delete per run
                deleted["done"] = True
                cookie_model.delete_cookie()
            return None
        users[signed.viewer.username] = _entry(signed)
        st.session_state[ISSUED_KEY] = signed.at
        return token

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


def resolve_viewer(store: Store) -> Viewer | None:
    """The signed-in viewer of this run, re-checked against the database, or ``None``."""
    authenticator().login(location="unrendered")  # cookie sign-in, no form
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
        "Form name": t("Sign in"),
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
