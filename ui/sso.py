"""Single sign-on through Streamlit's own ``st.login`` / ``st.user`` / ``st.logout``.

Streamlit keeps the provider's identity in its own cookie; Tandem matches it once per
browser session to an account (:func:`core.accounts.sso.sign_in_sso`), then re-checks
that Tandem session on every run like a password session (revocable server-side).
Configuration: the ``[auth]`` section of ``.streamlit/secrets.toml`` (docs/SSO.md).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.accounts import auth as core_auth
from core.accounts import sso as core_sso
from core.kernel.access import Viewer
from core.kernel.i18n import t
from core.kernel.store import Store
from ui.actions import act, flash

REQUIRED = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
SESSION_KEY = "tandem_sso_session"  # (username, issued_at) of the Tandem session SSO opened
REFUSED_KEY = "tandem_sso_refused"
VIEWER_KEY = "tandem_viewer"  # the same key as ui.auth: current_viewer() reads it


def _section() -> Any:
    try:
        return st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets.toml at all: SSO is simply off
        return None


def configured() -> bool:
    section = _section()
    return bool(section) and all(section.get(k) for k in REQUIRED)


def provider_name() -> str:
    section = _section()
    name = section.get("provider_name") if section else None
    return str(name) if name else t("single sign-on")


def _user_logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001 - AppTest or no [auth]: nobody signed in via SSO
        return False


def resolve(store: Store) -> Viewer | None:
    """The viewer of a Tandem session opened via SSO, re-checked against the database."""
    kept = st.session_state.get(SESSION_KEY)
    if kept:
        signed = core_auth.resume_session(store.sf, kept[0], kept[1])
        if signed is None:  # signed out elsewhere, deactivated: end the provider's cookie too
            st.session_state.pop(SESSION_KEY, None)
            st.session_state.pop(VIEWER_KEY, None)
            st.logout()
            return None
        st.session_state[VIEWER_KEY] = signed.viewer
        return signed.viewer
    if not (configured() and _user_logged_in()):
        return None
    try:
        signed = core_sso.sign_in_sso(store.sf, st.user.to_dict())
    except core_sso.SsoSignedOut:  # an identity older than a sign-out: drop it, start over
        st.session_state.pop(REFUSED_KEY, None)
        st.logout()
        return None
    except core_sso.SsoRefused as e:
        st.session_state[REFUSED_KEY] = str(e)
        return None
    st.session_state.pop(REFUSED_KEY, None)
    st.session_state[SESSION_KEY] = (signed.viewer.username, signed.at)
    st.session_state[VIEWER_KEY] = signed.viewer
    return signed.viewer


def is_sso_session() -> bool:
    return bool(st.session_state.get(SESSION_KEY))


def sign_in_button() -> None:
    """'Sign in with <provider>', or, after a refusal, the reason and a way out."""
    if not configured():
        return
    refused = st.session_state.get(REFUSED_KEY)
    if refused and _user_logged_in():
        st.error(refused)
        if st.button(t("Sign out of {provider}", provider=provider_name()), key="sso_out"):
            st.session_state.pop(REFUSED_KEY, None)
            st.logout()
        return
    if st.button(
        t("Sign in with {provider}", provider=provider_name()),
        key="sso_in",
        icon=":material/login:",
        type="primary",
    ):
        st.login()


def sign_out_button(store: Store) -> None:
    """End the Tandem session (revoked server-side) and the provider's cookie."""
    if st.sidebar.button(t("Sign out"), key="sso_logout_button"):
        kept = st.session_state.pop(SESSION_KEY, None)
        st.session_state.pop(VIEWER_KEY, None)
        if kept:
            core_auth.sign_out(store.sf, kept[0])
        st.logout()


def passwords_on(store: Store) -> bool:
    """Whether the password form is shown (an admin may turn local passwords off)."""
    return core_sso.passwords_on(store.sf)


def passwords_setting(store: Store) -> None:
    """The admin's switch for local passwords (Accounts page); core refuses a lock-out."""
    with st.expander(t("Single sign-on")):
        _passwords_switch(store)


def _passwords_switch(store: Store) -> None:
    on = passwords_on(store)
    if not configured():
        st.caption(t("Single sign-on is not configured (see docs/SSO.md)."))
    else:
        st.caption(t("Sign-in with {provider} is on.", provider=provider_name()))
    st.write(t("Local passwords: {state}", state=t("on") if on else t("off")))
    st.button(
        t("Turn local passwords off") if on else t("Turn local passwords on"),
        key="passwords_toggle",
        on_click=act,
        args=("passwords_toggle", core_sso.set_passwords_enabled, not on),
        kwargs={"sso_configured": configured()},
    )
    flash("passwords_toggle")
