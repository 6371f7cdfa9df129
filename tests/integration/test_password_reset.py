"""An admin's password reset: a one-time link for the person, never a password the admin knows."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from sqlalchemy import select

from core.accounts import accounts, auth, invitations
from core.kernel import audit, clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from db.models import Account, Base, Invitation
from tests.builders import PASSWORD, make_user

T0 = dt.datetime(2026, 11, 27, 9, 0)
NEW = "a-brand-new-password"


@pytest.fixture
def admin(sf):
    clock.set_now(T0)
    return make_user(sf, "root", ["admin"])


@pytest.fixture
def bob(sf, admin):
    return make_user(sf, "bob", ["participant"])


def later(minutes: int) -> None:
    clock.set_now(T0 + dt.timedelta(minutes=minutes))


def test_a_reset_takes_no_password_from_the_admin_and_gives_none_back(sf, admin, bob):
    assert list(inspect.signature(accounts.reset_password).parameters) == [
        "sf",
        "viewer",
        "account_id",
    ]
    reset = accounts.reset_password(sf, admin, bob.account_id)
    assert reset.link.startswith("http://localhost:8501/invite?token=")
    assert (reset.username, reset.name) == ("bob", "Bob")
    assert reset.expires_at == T0 + dt.timedelta(days=invitations.RESET_DAYS)
    assert not any("password" in field for field in reset.__dataclass_fields__)


def test_after_a_reset_the_old_password_and_every_session_stop_at_once(sf, admin, bob):
    session = auth.sign_in(sf, "bob", PASSWORD)
    later(1)
    accounts.reset_password(sf, admin, bob.account_id)
    assert auth.resume_session(sf, "bob", session.at) is None
    assert auth.sign_in(sf, "bob", PASSWORD) is None
    with sf.begin() as s:
        assert s.get_one(Account, bob.account_id).password_hash is None


def test_the_link_sets_the_password_once_and_only_its_hash_is_stored(sf, admin, bob):
    reset = accounts.reset_password(sf, admin, bob.account_id)
    token = invitations.token_from(reset.link)
    with sf.begin() as s:
        dump = "\n".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in s.execute(select(table))
        )
        assert s.scalars(select(Invitation.token_hash)).one() == invitations.digest(token)
    assert token not in dump
    info = invitations.check_invitation(sf, reset.link)
    assert (info.purpose, info.username, info.name) == ("reset", "bob", "Bob")
    later(5)
    assert invitations.accept_reset(sf, reset.link, NEW, NEW) == invitations.Accepted("bob", "Bob")
    later(6)
    assert auth.sign_in(sf, "bob", NEW) is not None
    with pytest.raises(Conflict, match="already used"):
        invitations.accept_reset(sf, reset.link, "yet-another-password", "yet-another-password")
    assert auth.sign_in(sf, "bob", NEW) is not None


def test_a_reset_link_expires_and_a_newer_one_replaces_it(sf, admin, bob):
    first = accounts.reset_password(sf, admin, bob.account_id)
    later(1)
    second = accounts.reset_password(sf, admin, bob.account_id)
    with pytest.raises(InvalidInput, match="replaced by a newer one"):
        invitations.accept_reset(sf, first.link, NEW, NEW)
    clock.set_now(T0 + dt.timedelta(days=invitations.RESET_DAYS, minutes=2))
    with pytest.raises(InvalidInput, match="expired on"):
        invitations.accept_reset(sf, second.link, NEW, NEW)
    assert auth.sign_in(sf, "bob", NEW) is None


def test_a_reset_link_cannot_create_an_account_and_an_invitation_cannot_reset(sf, admin, bob):
    reset = accounts.reset_password(sf, admin, bob.account_id)
    with pytest.raises(InvalidInput, match="invitation link is not valid"):
        invitations.accept_invitation(sf, reset.link, "intruder", NEW, NEW)
    with pytest.raises(InvalidInput, match="invitation link is not valid"):
        invitations.accept_reset(sf, "not-a-token-at-all", NEW, NEW)


def test_a_short_password_or_two_different_ones_change_nothing(sf, admin, bob):
    reset = accounts.reset_password(sf, admin, bob.account_id)
    with pytest.raises(InvalidInput, match="differ"):
        invitations.accept_reset(sf, reset.link, NEW, NEW + "x")
    with pytest.raises(InvalidInput, match="too short"):
        invitations.accept_reset(sf, reset.link, "short", "short")
    later(1)
    invitations.accept_reset(sf, reset.link, NEW, NEW)  # the link still works once


def test_only_admins_reset_and_never_their_own_password_nor_a_deactivated_account(sf, admin, bob):
    coord = make_user(sf, "coord", ["coordinator"])
    with pytest.raises(NotAllowed):
        accounts.reset_password(sf, coord, bob.account_id)
    with pytest.raises(NotAllowed, match="use My profile"):
        accounts.reset_password(sf, admin, admin.account_id)
    accounts.set_active(sf, admin, bob.account_id, False)
    with pytest.raises(InvalidInput, match="reactivate it"):
        accounts.reset_password(sf, admin, bob.account_id)


def test_a_link_for_an_account_deactivated_meanwhile_is_refused(sf, admin, bob):
    reset = accounts.reset_password(sf, admin, bob.account_id)
    accounts.set_active(sf, admin, bob.account_id, False)
    with pytest.raises(NotAllowed, match="deactivated"):
        invitations.accept_reset(sf, reset.link, NEW, NEW)


def test_the_person_sees_that_an_admin_reset_their_password_and_when(sf, admin, bob):
    other = make_user(sf, "eve", ["participant"])
    assert accounts.reset_notice(sf, bob) is None
    later(30)
    reset = accounts.reset_password(sf, admin, bob.account_id)
    later(40)
    invitations.accept_reset(sf, reset.link, NEW, NEW)
    assert accounts.reset_notice(sf, bob) == T0 + dt.timedelta(minutes=30)
    assert accounts.reset_notice(sf, other) is None
    accounts.dismiss_reset_notice(sf, bob)
    assert accounts.reset_notice(sf, bob) is None


def test_the_notice_goes_by_itself_after_30_days(sf, admin, bob):
    accounts.reset_password(sf, admin, bob.account_id)
    clock.set_now(T0 + dt.timedelta(days=29, hours=23))
    assert accounts.reset_notice(sf, bob) == T0
    clock.set_now(T0 + dt.timedelta(days=30, minutes=1))
    assert accounts.reset_notice(sf, bob) is None


def test_the_reset_and_the_use_of_its_link_are_audited(sf, admin, bob):
    reset = accounts.reset_password(sf, admin, bob.account_id)
    later(1)
    invitations.accept_reset(sf, reset.link, NEW, NEW)
    lines = audit.read_log(sf, admin, actions=["password_reset", "password_set_with_link"]).lines
    assert [(line.action, line.actor, line.target) for line in reversed(lines)] == [
        ("password_reset", "root", "bob"),
        ("password_set_with_link", "bob", None),
    ]
    assert {"password_reset", "password_set_with_link", "sign_in_lock_lifted"} <= set(audit.ACTIONS)
