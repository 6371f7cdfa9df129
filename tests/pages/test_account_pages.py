"""Accounts page (reset link, lifting a lock), the reset link page, and Home's notice (AppTest)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.accounts import accounts, auth, invitations
from core.kernel import clock
from core.kernel.errors import AccountLocked
from core.kernel.paging import PAGE_SIZE
from db.models import Account, Person
from tests.builders import make_account
from tests.pages.conftest import ROOT, texts


def viewer(store, username):
    with store.sf.begin() as s:
        account = s.scalar(select(Account).where(Account.username == username))
        return auth.viewer_of(account, s.get_one(Person, account.person_id))


def _pick(at: AppTest, store, username: str) -> AppTest:
    account_id = viewer(store, username).account_id
    at.selectbox(key="account_pick").set_value(account_id).run()
    return at


def test_the_reset_form_has_no_password_field_and_hands_out_a_link(open_app, demo_store):
    at = _pick(open_app("admin", page="pages/admin_accounts.py", lang="en"), demo_store, "hugo")
    hugo = viewer(demo_store, "hugo").account_id
    assert not [ti for ti in at.text_input if ti.key and ti.key.startswith("reset_pw")]
    at.button(key=f"FormSubmitter:reset_{hugo}-Reset password").click().run()
    assert "Tick the box to confirm the reset." in [e.value for e in at.error]
    assert auth.sign_in(demo_store.sf, "hugo", "tandem-demo") is not None  # nothing happened
    at.checkbox(key=f"reset_confirm_{hugo}").check()
    at.button(key=f"FormSubmitter:reset_{hugo}-Reset password").click().run()
    assert not at.exception and not at.error
    assert "Password reset. Give this link to Hugo" in texts(at)
    (link,) = [c.value for c in at.code]
    assert link.startswith("http://localhost:8501/invite?token=")
    assert auth.sign_in(demo_store.sf, "hugo", "tandem-demo") is None  # stopped at once
    assert invitations.check_invitation(demo_store.sf, link).username == "hugo"


def test_an_admin_sees_a_lock_and_lifts_it(open_app, demo_store):
    for _ in range(5):
        try:
            auth.sign_in(demo_store.sf, "hugo", "wrong-password", "203.0.113.5")
        except AccountLocked:
            pass
    at = _pick(open_app("admin", page="pages/admin_accounts.py", lang="en"), demo_store, "hugo")
    hugo = viewer(demo_store, "hugo").account_id
    assert any("Sign-in is locked until" in w.value for w in at.warning)
    at.button(key=f"unlock_{hugo}").click().run()
    assert not at.exception
    assert not any("Sign-in is locked until" in w.value for w in at.warning)
    assert auth.sign_in(demo_store.sf, "hugo", "tandem-demo", "203.0.113.5") is not None


def _reset_link(store, username: str) -> str:
    row = next(r for r in accounts.list_accounts(store.sf, viewer(store, "admin"), username).rows)
    return accounts.reset_password(store.sf, viewer(store, "admin"), row.account_id).link


def _signed_out_on_invite(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    at.session_state["tandem_lang"] = "en"
    at.query_params["token"] = token
    at.run()
    at.switch_page("pages/invite.py")
    return at.run()


def test_the_person_chooses_a_new_password_with_the_link_while_signed_out(demo_store):
    clock.set_now(dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=5))
    token = invitations.token_from(_reset_link(demo_store, "hugo"))
    clock.set_now(None)
    at = _signed_out_on_invite(token)
    assert not at.exception
    assert "an admin reset your password. Choose a new one for your account hugo" in texts(at)
    assert "invite_username" not in {ti.key for ti in at.text_input}
    at.text_input(key="reset_password").input("hugos-new-password")
    at.text_input(key="reset_repeat").input("hugos-new-password")
    at.button(key="FormSubmitter:reset_form-Save my new password").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Your new password is saved. You can now sign in as hugo." in texts(at)
    assert auth.sign_in(demo_store.sf, "hugo", "hugos-new-password") is not None
    again = _signed_out_on_invite(token)
    assert any("already used" in e.value for e in again.error)


def test_home_says_an_admin_reset_the_password_and_when_until_dismissed(open_app, demo_store):
    clock.set_now(dt.datetime(2026, 11, 27, 9, 30))
    _reset_link(demo_store, "hugo")
    clock.set_now(dt.datetime(2026, 11, 27, 10, 0))
    at = open_app("hugo", lang="en")
    (notice,) = [w.value for w in at.warning if "reset your password" in w.value]
    assert notice.startswith("An admin reset your password on Nov 27, 2026")
    at.button(key="dismiss_reset_notice").click().run()
    assert not at.exception
    assert not [w for w in at.warning if "reset your password" in w.value]
    assert accounts.reset_notice(demo_store.sf, viewer(demo_store, "hugo")) is None


@pytest.mark.parametrize("username", ["camille", "coord"])
def test_without_a_reset_home_says_nothing_about_it(open_app, username):
    at = open_app(username, lang="en")
    assert "reset your password" not in texts(at)


def test_an_admin_creates_an_account_from_the_form_and_it_signs_in(open_app, demo_store):
    at = open_app("admin", page="pages/admin_accounts.py", lang="en")
    at.text_input(key="new_name").set_value("  Zoé Petit ")
    at.text_input(key="new_email").set_value("Zoe.Petit@Example.com")
    at.text_input(key="new_username").set_value("zoepetit")
    at.text_input(key="new_department").set_value(" Sales ")
    at.text_input(key="new_password").set_value("a-good-password")
    at.button(key="FormSubmitter:create_account-Create").click().run()
    assert not at.exception and not at.error
    assert "Account zoepetit created." in [s.value for s in at.success]
    signed = auth.sign_in(demo_store.sf, "zoepetit", "a-good-password")
    assert signed is not None and signed.viewer.has("participant")
    with demo_store.sf.begin() as s:
        person = s.scalar(select(Person).where(Person.email == "zoe.petit@example.com"))
        assert (person.full_name, person.department) == ("Zoé Petit", "Sales")


def test_a_refused_account_form_keeps_what_was_typed_and_a_created_one_is_emptied(open_app):
    at = open_app("admin", page="pages/admin_accounts.py", lang="en")
    at.text_input(key="new_name").set_value("Camille Again")
    at.text_input(key="new_email").set_value("camille.again@example.com")
    at.text_input(key="new_username").set_value("camille")  # taken
    at.text_input(key="new_password").set_value("a-good-password")
    at.button(key="FormSubmitter:create_account-Create").click().run()
    assert not at.exception
    assert any("already taken" in e.value for e in at.error)
    assert at.text_input(key="new_username").value == "camille"
    assert at.text_input(key="new_email").value == "camille.again@example.com"
    at.text_input(key="new_username").set_value("camille2")
    at.button(key="FormSubmitter:create_account-Create").click().run()
    assert "Account camille2 created." in [s.value for s in at.success], [e.value for e in at.error]
    assert at.text_input(key="new_username").value == ""
    assert at.text_input(key="new_password").value == ""


def _usernames(at: AppTest) -> list[str]:
    (table,) = [d.value for d in at.dataframe if "Username" in d.value.columns]
    return table["Username"].tolist()


def test_every_account_can_be_reached_a_page_at_a_time(open_app, demo_store):
    # The page listed the first 200 accounts and no way to the others (3 000 in the company).
    with demo_store.sf.begin() as s:
        for i in range(PAGE_SIZE + 5):
            make_account(s, f"zz_pager_{i:02}", ("participant",), password=None)
        total = s.scalar(select(func.count(Account.id)))
    at = open_app("admin", page="pages/admin_accounts.py", lang="en")
    pages = -(-total // PAGE_SIZE)
    assert at.number_input(key="accounts_page").max == pages
    assert f"{total} accounts match; 1–{PAGE_SIZE} are shown." in texts(at)
    seen = _usernames(at)
    for n in range(2, pages + 1):
        at.number_input(key="accounts_page").set_value(n).run()
        assert not at.exception
        seen += _usernames(at)
    assert len(seen) == len(set(seen)) == total
