"""Tandem's router: sign-in, then only the pages the viewer's roles allow."""

import logging

import streamlit as st

from core.accounts.setup import create_first_admin, has_admin
from core.kernel.access import ROLES
from core.kernel.config import demo_mode
from core.kernel.errors import TandemError
from core.kernel.i18n import t
from demo.company import DEMO_LOGINS, DEMO_PASSWORD
from ui import auth, locale, nav, sidebar, sso
from ui.actions import act, flash
from ui.page import ROUTED_KEY
from ui.store import get_store

st.set_page_config(page_title="Tandem", page_icon=":material/diversity_3:", layout="wide")
st.session_state[ROUTED_KEY] = True
locale.apply()
try:
    store = get_store()  # a missing or wrong encryption key stops here, said plainly
    auth.build(store)
except TandemError as e:  # a cookie key anyone could know: refuse to serve at all
    logging.getLogger("tandem").error("Tandem cannot start: %s", e)
    st.error(str(e))
    st.stop()
viewer = auth.resolve_viewer(store) or sso.resolve(store)


def sign_in_page() -> None:
    """Sign-in form, language switch, and the demo logins when demo mode is on."""
    locale.picker()
    st.title(t("Welcome to Tandem"))
    st.caption(t("Peer mentoring at work: pair up, set goals, meet, reflect, give feedback."))
    if st.session_state.pop("tandem_signed_out_elsewhere", False):
        st.info(
            t("You were signed out: this account signed out or changed its password elsewhere.")
        )
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.header(t("Sign in"))  # h2, then the password form's own heading (h3)
        sso.sign_in_button()
        if sso.passwords_on(store):
            auth.login_form(store)
        if not demo_mode() and not has_admin(store.sf):
            st.info(t("Tandem has no admin yet."))
            st.page_link(
                st.Page(setup_page, title=t("Set up Tandem"), url_path="setup"),
                label=t("Set up Tandem"),
                icon=":material/key:",
            )
    with right:
        if demo_mode():
            st.header(t("Demo logins"))
            st.write(
                t("Every demo account uses the password {password}.", password=f"`{DEMO_PASSWORD}`")
            )
            st.table(
                {
                    t("Username"): [u for u, _ in DEMO_LOGINS],
                    t("Role"): [t(ROLES[r]) for _, r in DEMO_LOGINS],
                }
            )


def setup_page() -> None:
    """Create the first admin with the one-time code printed in the server log."""
    locale.picker(key="lang_picker_setup")
    st.title(t("Set up Tandem"))
    st.write(
        t(
            "No admin exists yet. Enter the one-time code printed in the server's log to create the first admin."
        )
    )
    with st.form("setup_form"):
        code = st.text_input(t("Set-up code"), key="setup_code")
        name = st.text_input(t("Full name"), key="setup_name")
        email = st.text_input(t("E-mail"), key="setup_email")
        username = st.text_input(t("Username"), key="setup_username")
        password = st.text_input(t("Password"), type="password", key="setup_password")
        created = st.form_submit_button(t("Create the admin")) and act(
            "setup",
            lambda sf, _nobody: create_first_admin(
                sf, code=code, email=email, full_name=name, username=username, password=password
            ),
            done=t("The admin account is ready. Sign in with it."),
        )
        flash("setup")
        if created:
            st.page_link(nav.sign_in_page_ref(), label=t("Sign in"), icon=":material/login:")


if viewer is None:
    setup = setup_page if not demo_mode() and not has_admin(store.sf) else None
    st.navigation(nav.signed_out_pages(sign_in_page, setup), position="hidden").run()
else:
    locale.apply(viewer.language)
    with st.sidebar:
        # The navigation, above the rest: drawn into it once the run knows the pages.
        menu = st.container(gap=None, key="tandem_nav")
        st.caption(t("Signed in as {name}", name=viewer.name))
        if sso.is_sso_session():
            sso.sign_out_button(store)
        else:
            auth.logout_button(store)
    if auth.current_viewer() is None:  # just signed out
        st.navigation(nav.signed_out_pages(sign_in_page, None), position="hidden").run()
    else:
        sections = nav.signed_in_pages(viewer)
        current = st.navigation(sections, position="hidden")  # drawn by sidebar.draw instead
        with menu:
            sidebar.draw(sections)
        current.run()
