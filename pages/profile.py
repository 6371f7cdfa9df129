"""My profile: language, time zone, e-mail notifications and password."""

from typing import Any

import streamlit as st

from core.accounts import accounts
from core.kernel import zones
from core.kernel.access import Viewer
from core.kernel.i18n import LANGUAGES, t
from ui import auth, locale, notify_prefs
from ui.actions import act, flash
from ui.page import guard
from ui.widgets import reseed, seed

store, viewer = guard("profile")
st.title(t("My profile"))
st.write(t("Signed in as {name} ({username}).", name=viewer.name, username=viewer.username))

st.header(t("Language"))


def _language_changed() -> None:
    # A callback runs before the next run draws anything: the whole page follows at once.
    choice = st.session_state["profile_language"]
    if act("profile_language", accounts.set_language, choice):
        locale.apply(choice)


if not reseed(["profile_language"]):
    seed({"profile_language": viewer.language if viewer.language in LANGUAGES else "en"})
st.radio(
    t("Language"),
    list(LANGUAGES),
    format_func=LANGUAGES.get,
    horizontal=True,
    key="profile_language",
    label_visibility="collapsed",
    on_change=_language_changed,
)
flash("profile_language")

st.header(t("Time zone"))
browser = st.context.timezone or "UTC"
saved = accounts.my_time_zone(store.sf, viewer)
ZONES = sorted(zones.known_zones())  # IANA names: the same in every language


def _zone_changed() -> None:
    act(
        "profile_zone",
        accounts.set_time_zone,
        st.session_state["profile_zone"],
        done=t("Time zone saved: meetings show in it."),
    )


if st.session_state.get("profile_zone") not in ZONES:
    st.session_state["profile_zone"] = saved or (browser if browser in ZONES else "UTC")
st.selectbox(
    t("Time zone"),
    ZONES,
    key="profile_zone",
    label_visibility="collapsed",
    on_change=_zone_changed,
    help=t("Meetings are shown and entered in this zone; a peer in another zone sees both times."),
)
if saved:
    st.button(
        t("Follow my browser's zone ({zone})", zone=browser),
        key="profile_zone_browser",
        on_click=act,
        args=("profile_zone", accounts.set_time_zone, ""),
        kwargs={"done": t("Time zone saved: meetings show in it."), "clear": ("profile_zone",)},
    )
else:
    st.caption(t("Following your browser's zone."))
flash("profile_zone")

notify_prefs.section(store, viewer)

st.header(t("Change my password"))
st.caption(t("Changing your password signs you out everywhere else."))
with st.form("password_form", clear_on_submit=False):
    current = st.text_input(t("Current password"), type="password", key="pw_current")
    new, repeat = auth.new_password_fields(
        t("New password"), "pw_new", t("Repeat the new password"), "pw_repeat"
    )
    submitted = st.form_submit_button(t("Change password"))


def _change_password(sf: Any, viewer: Viewer, *typed: str) -> None:
    # The sessions revoked, this one is re-issued (its cookie is newer than the revocation).
    auth.refresh_after_password_change(accounts.change_password(sf, viewer, *typed))


if submitted:
    done = t("Password changed. Your other sessions are signed out.")
    act("password", _change_password, current, new, repeat, done=done)
flash("password")
