"""Accept an invitation or use a password-reset link (signed out): choose a password, then sign in."""

import streamlit as st

from core.accounts import invitations
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from ui import auth, locale, nav
from ui.page import ensure_router
from ui.store import get_store
from ui.widgets import md_escape

ensure_router()
store = get_store()
locale.picker(key="lang_picker_invite")
st.title(t("Accept your invitation"))

token = invitations.token_from(st.query_params.get("token", ""))
done = st.session_state.get("invite_done")  # the username just created in this tab
if done and not token:
    if st.session_state.get("invite_done_reset"):
        st.success(
            t("Your new password is saved. You can now sign in as {username}.", username=done)
        )
    else:
        st.success(t("Your account {username} is ready. You can now sign in.", username=done))
    st.page_link(nav.sign_in_page_ref(), label=t("Go to the sign-in page"), icon=":material/login:")
    st.stop()
st.session_state.pop("invite_done", None)
st.session_state.pop("invite_done_reset", None)

if not token:
    st.write(t("Open the personal link from your invitation, or paste it here."))
    pasted = st.text_input(t("Invitation link"), key="invite_pasted")
    token = invitations.token_from(pasted)
    if not token:
        st.stop()

try:
    info = invitations.check_invitation(store.sf, token)
except TandemError as e:
    st.error(str(e))
    st.page_link(nav.sign_in_page_ref(), label=t("Go to the sign-in page"), icon=":material/login:")
    st.stop()

if info.purpose == invitations.RESET:
    st.write(
        t(
            "{name}, an admin reset your password. Choose a new one for your account {username}.",
            name=md_escape(info.name),
            username=md_escape(info.username or ""),
        )
    )
    st.caption(t("This link is valid until {date}.", date=format_date(info.expires_at)))
    with st.form("reset_form", clear_on_submit=False):
        password, repeat = auth.new_password_fields(
            t("New password"), "reset_password", t("Repeat the password"), "reset_repeat"
        )
        submitted = st.form_submit_button(t("Save my new password"))
    if submitted:
        try:
            accepted = invitations.accept_reset(store.sf, token, password, repeat)
        except TandemError as e:
            st.error(str(e))
        else:
            st.session_state["invite_done"] = accepted.username
            st.session_state["invite_done_reset"] = True
            st.query_params.clear()  # the used link leaves the address bar
            st.rerun()
    st.stop()

st.write(t("Welcome, {name}! Choose how you will sign in to Tandem.", name=info.name))
st.caption(t("This invitation is valid until {date}.", date=format_date(info.expires_at)))
with st.form("invite_form", clear_on_submit=False):
    username = st.text_input(
        t("Username"),
        key="invite_username",
        help=t("2 to 60 characters: lowercase letters, digits, and . _ @ -"),
    )
    password, repeat = auth.new_password_fields(
        t("Password"), "invite_password", t("Repeat the password"), "invite_repeat"
    )
    submitted = st.form_submit_button(t("Create my account"))
if submitted:
    try:
        accepted = invitations.accept_invitation(store.sf, token, username, password, repeat)
    except TandemError as e:
        st.error(str(e))
    else:
        st.session_state["invite_done"] = accepted.username
        st.query_params.clear()  # the used link leaves the address bar
        st.rerun()
