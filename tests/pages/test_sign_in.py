"""Sign-in through the real form, role-based navigation, lockout and language (AppTest)."""

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.kernel import clock
from tests.pages.conftest import ROOT, document_language


def _fresh_app(lang=None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    if lang:
        at.session_state["tandem_lang"] = lang
    at.run()
    return at


def _submit(at: AppTest, username: str, password: str) -> AppTest:
    by_label = {ti.label: ti for ti in at.text_input}
    by_label["Username"].input(username)
    by_label["Password"].input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def _page_titles(at: AppTest) -> set[str]:
    return {title.value for title in at.title}


@pytest.mark.parametrize(
    ("username", "heading", "sees_admin"),
    # camille's and coord's accounts are in French: the account language applies at sign-in.
    [
        ("camille", "Mon mentorat entre pairs", False),
        ("coord", "Programmes", False),
        ("admin", "Programmes", True),
    ],
)
def test_each_role_signs_in_through_the_form_and_sees_its_home(
    demo_url, username, heading, sees_admin
):
    at = _fresh_app(lang="en")
    _submit(at, username, "tandem-demo")
    assert at.session_state["authentication_status"] is True
    at.run()  # in a browser the cookie component triggers this run by itself
    assert not at.exception
    assert heading in {h.value for h in at.header}
    if sees_admin:
        at.switch_page("pages/admin_accounts.py")
        at.run()
        assert "Accounts" in _page_titles(at)
        accounts = next(df.value for df in at.dataframe if "E-mail" in df.value.columns)
        assert "admin@tandem.example" in accounts["E-mail"].tolist()
    else:  # the router never registered the page: it does not exist for this role
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page("pages/admin_accounts.py")


@pytest.mark.parametrize("page", ["pages/admin_audit.py", "pages/admin_accounts.py"])
def test_a_participant_cannot_open_an_admin_page(open_app, page):
    at = open_app("hugo")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)


def test_the_page_itself_rechecks_the_role(open_app):
    """Even if the router registered it by mistake, the page refuses a participant."""
    from ui import nav

    at = open_app("hugo")
    # Run the admin page script directly in hugo's session: its guard stops it.
    page = AppTest.from_file(str(Path(nav.PAGES_DIR) / "admin_accounts.py"), default_timeout=30)
    page.session_state["tandem_viewer"] = at.session_state["tandem_viewer"]
    page.run()
    assert "This page is not available to your role." in [e.value for e in page.error]


def test_a_wrong_password_says_so_without_telling_whether_the_user_exists(demo_url):
    at = _submit(_fresh_app("en"), "camille", "wrong-password")
    wrong = [e.value for e in at.error]
    at2 = _submit(_fresh_app("en"), "nobody-at-all", "wrong-password")
    assert wrong == [e.value for e in at2.error] == ["Username or password is incorrect."]


def test_five_failures_lock_the_form_and_the_lock_expires(demo_url):
    start = dt.datetime(2026, 11, 27, 9)
    clock.set_now(start)
    at = _fresh_app("en")
    for _ in range(4):
        _submit(at, "hugo", "wrong-password")
    _submit(at, "hugo", "wrong-password")
    assert any("locked. Try again in 15 minutes." in e.value for e in at.error)
    clock.set_now(start + dt.timedelta(minutes=10))
    _submit(at, "hugo", "tandem-demo")
    assert any("Try again in 5 minutes." in e.value for e in at.error)
    assert not at.session_state["authentication_status"]
    clock.set_now(start + dt.timedelta(minutes=16))
    _submit(at, "hugo", "tandem-demo")
    assert at.session_state["authentication_status"] is True


def test_a_password_over_72_bytes_gets_a_clear_message(demo_url):
    at = _submit(_fresh_app("en"), "hugo", "😀" * 19)  # 76 bytes
    assert any("at most 72 bytes" in e.value for e in at.error)


def test_the_sign_in_page_switches_language(demo_url):
    at = _fresh_app("en")
    assert "Welcome to Tandem" in _page_titles(at)
    assert document_language(at) == {"en"}
    at.segmented_control(key="lang_picker").set_value("fr").run()
    assert "Bienvenue sur Tandem" in _page_titles(at)
    assert {ti.label for ti in at.text_input} >= {"Identifiant", "Mot de passe"}
    assert document_language(at) == {"fr"}  # screen readers read French with a French voice


def test_the_account_language_applies_after_sign_in_and_can_be_changed(open_app):
    at = open_app("camille", page="pages/profile.py")  # camille's account is in French
    assert "Mon profil" in _page_titles(at)
    at.radio(key="profile_language").set_value("en").run()
    assert "My profile" in _page_titles(at)
    at.run()
    assert "My profile" in _page_titles(at)


def test_a_tab_left_open_is_signed_out_after_a_logout_elsewhere(open_app, demo_store):
    """The next run of an open session re-checks it against the database.

    AppTest reruns only the current page after its first run, so the session's next
    run of the router is a new AppTest carrying the same session state. Clicking
    "Sign out" itself is driven in a real browser (tests/e2e/test_auth_browser.py).
    """
    from core.accounts import auth

    at = open_app("hugo")
    issued = at.session_state["tandem_issued_at"]
    clock.set_now(clock.now() + dt.timedelta(seconds=5))
    auth.sign_out(demo_store.sf, "hugo")  # the other tab's logout
    next_run = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    for key, value in {
        "authentication_status": True,
        "username": "hugo",
        "logout": None,
        "tandem_issued_at": issued,
    }.items():
        next_run.session_state[key] = value
    next_run.run()
    assert not next_run.session_state["authentication_status"]
    assert any("signed out" in i.value for i in next_run.info)
    assert {b.label for b in next_run.button} >= {"Sign in"}


def test_changing_the_password_keeps_this_tab_signed_in(open_app):
    at = open_app("hugo", page="pages/profile.py")
    at.text_input(key="pw_current").input("tandem-demo")
    at.text_input(key="pw_new").input("a-brand-new-pass")
    at.text_input(key="pw_repeat").input("a-brand-new-pass")
    at.button[-1].click().run()
    assert any("Password changed" in s.value for s in at.success)
    at.run()
    assert at.session_state["authentication_status"] is True
