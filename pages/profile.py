"""My profile: language and password."""

import streamlit as st

from core.accounts import accounts
from core.kernel.errors import TandemError
from core.kernel.i18n import LANGUAGES, t
from ui import auth, locale
from ui.page import guard

store, viewer = guard("profile")
st.title(t("My profile"))
st.write(t("Signed in as {name} ({username}).", name=viewer.name, username=viewer.username))

st.subheader(t("Language"))


def _language_changed() -> None:
    # A callback runs before the next run draws anything: the whole page follows at once.
    choice = st.session_state["profile_language"]
    try:
        accounts.set_language(store.sf, viewer, choice)
    except TandemError as e:
        st.session_state["profile_language_error"] = str(e)
    else:
        locale.apply(choice)


if "profile_language" not in st.session_state:
    st.session_state["profile_language"] = viewer.language if viewer.language in LANGUAGES else "en"
st.radio(
    t("Language"),
    list(LANGUAGES),
    format_func=LANGUAGES.get,
    horizontal=True,
    key="profile_language",
    label_visibility="collapsed",
    on_change=_language_changed,
)
if error := st.session_state.pop("profile_language_error", None):
    st.error(error)

st.subheader(t("Change my password"))
st.caption(t("Changing your password signs you out everywhere else."))
with st.form("password_form", clear_on_submit=False):
    current = st.text_input(t("Current password"), type="password", key="pw_current")
    new = st.text_input(
        t("New password"),
        type="password",
        key="pw_new",
        help=t("At least 10 characters, at most 72 bytes."),
    )
    repeat = st.text_input(t("Repeat the new password"), type="password", key="pw_repeat")
    submitted = st.form_submit_button(t("Change password"))
if submitted:
    try:
        revoked_at = accounts.change_password(store.sf, viewer, current, new, repeat)
    except TandemError as e:
        st.error(str(e))
    else:
        auth.refresh_after_password_change(revoked_at)
        st.success(t("Password changed. Your other sessions are signed out."))
