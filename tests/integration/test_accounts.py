"""What an admin does to accounts, and the audit log that records it."""

import datetime as dt

import pytest

from core.accounts import accounts, auth, invitations
from core.kernel import audit, clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from tests.builders import PASSWORD, make_user


@pytest.fixture
def admin(sf):
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    return make_user(sf, "root", ["admin"])


def test_an_admin_creates_an_account_that_can_sign_in(sf, admin):
    new = accounts.NewAccount("Zoe@Example.com", "Zoé Petit", "zoe", "a-good-password")
    row = accounts.create_account(sf, admin, new, roles=["participant", "coordinator"])
    assert row.email == "zoe@example.com" and row.roles == ("coordinator", "participant")
    signed = auth.sign_in(sf, "zoe", "a-good-password")
    assert signed and signed.viewer.has("coordinator")


def test_the_same_create_form_sent_twice_creates_one_account(sf, admin):
    """A double click on "Create": the second send reads the first one's account instead of
    refusing a username that it took itself."""
    from sqlalchemy import func, select

    from db.models import Account

    new = accounts.NewAccount("zoe@example.com", "Zoé Petit", "zoe", "a-good-password")
    first = accounts.create_account(sf, admin, new, roles=["participant"], key="form-one-1")
    again = accounts.create_account(sf, admin, new, roles=["participant"], key="form-one-1")
    assert again == first
    with sf() as s:
        assert (
            s.scalar(select(func.count()).select_from(Account).where(Account.username == "zoe"))
            == 1
        )
    with pytest.raises(Conflict, match="already taken"):  # another form: a new account refused
        accounts.create_account(sf, admin, new, roles=["participant"], key="form-two-2")


def test_a_taken_username_or_email_is_refused_with_a_reason(sf, admin):
    make_user(sf, "zoe", ["participant"], email="zoe@example.com")
    with pytest.raises(Conflict, match="already taken"):
        new = accounts.NewAccount("z2@example.com", "Z", "zoe", "a-good-password")
        accounts.create_account(sf, admin, new, roles=["participant"])
    with pytest.raises(Conflict, match="already has an account"):
        new = accounts.NewAccount("zoe@example.com", "Z", "zoe2", "a-good-password")
        accounts.create_account(sf, admin, new, roles=["participant"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "not a valid e-mail"),
        ("username", "A B", "username has 2 to 60"),
        ("full_name", "", "cannot be empty"),
        ("full_name", "x" * 50_000, "too long"),
        ("password", "short", "too short"),
    ],
)
def test_bad_input_gets_a_precise_message(sf, admin, field, value, message):
    data = {
        "email": "ok@example.com",
        "full_name": "Ok",
        "username": "okuser",
        "password": "a-good-password",
    }
    data[field] = value
    with pytest.raises(InvalidInput, match=message):
        accounts.create_account(sf, admin, accounts.NewAccount(**data), roles=["participant"])


def test_only_admins_manage_accounts(sf, admin):
    coord = make_user(sf, "coord", ["coordinator"])
    with pytest.raises(NotAllowed):
        accounts.list_accounts(sf, coord)
    with pytest.raises(NotAllowed):
        accounts.set_roles(sf, coord, coord.account_id, ["admin"])


def test_roles_change_and_an_admin_cannot_demote_themself(sf, admin):
    bob = make_user(sf, "bob", ["participant"])
    accounts.set_roles(sf, admin, bob.account_id, ["coordinator"])
    assert auth.sign_in(sf, "bob", PASSWORD).viewer.roles == frozenset({"coordinator"})
    with pytest.raises(NotAllowed, match="own admin role"):
        accounts.set_roles(sf, admin, admin.account_id, ["participant"])


def test_a_reset_password_works_and_ends_open_sessions(sf, admin):
    bob = make_user(sf, "bob", ["participant"])
    session = auth.sign_in(sf, "bob", PASSWORD)
    clock.set_now(dt.datetime(2026, 11, 27, 10))
    reset = accounts.reset_password(sf, admin, bob.account_id)
    assert auth.resume_session(sf, "bob", session.at) is None
    assert auth.sign_in(sf, "bob", PASSWORD) is None  # the old password stopped at once
    clock.set_now(dt.datetime(2026, 11, 27, 11))
    invitations.accept_reset(sf, reset.link, "bobs-new-password", "bobs-new-password")
    assert auth.sign_in(sf, "bob", "bobs-new-password") is not None


def test_every_account_action_and_sign_in_is_in_the_audit_log(sf, admin):
    bob = make_user(sf, "bob", ["participant"])
    auth.sign_in(sf, "bob", "wrong-password-1")
    auth.sign_in(sf, "bob", PASSWORD)
    accounts.set_roles(sf, admin, bob.account_id, ["participant", "coordinator"])
    accounts.reset_password(sf, admin, bob.account_id)
    accounts.set_active(sf, admin, bob.account_id, False)
    auth.sign_out(sf, "root")
    log = audit.read_log(sf, admin)
    assert [line.action for line in reversed(log.lines)] == [
        "login_failed",
        "login",
        "roles_changed",
        "password_reset",
        "account_deactivated",
        "logout",
    ]
    only_bob = audit.read_log(sf, admin, actor="bob", actions=["roles_changed"])
    assert only_bob.total == 1 and only_bob.lines[0].detail["after"] == [
        "coordinator",
        "participant",
    ]


def test_the_audit_log_is_for_admins_only(sf, admin):
    coord = make_user(sf, "coord", ["coordinator"])
    with pytest.raises(NotAllowed):
        audit.read_log(sf, coord)


def test_a_new_account_is_checked_the_same_way_whichever_way_it_comes_in():
    new = accounts.NewAccount("  Ann.Lee@Example.ORG ", "  Ann Lee ", "ann", "pw").checked()
    assert new == accounts.NewAccount("ann.lee@example.org", "Ann Lee", "ann", "pw")
    with pytest.raises(InvalidInput):
        accounts.NewAccount("not an address", "Ann Lee", "ann").checked()
