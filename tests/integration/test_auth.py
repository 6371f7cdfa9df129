"""Sign-in, lockout with a window, no username enumeration, revocation (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from core import accounts, auth, clock
from core.errors import AccountLocked, InvalidInput
from db.models import AuditLog, LoginThrottle
from tests.builders import PASSWORD, make_user

T0 = dt.datetime(2026, 11, 27, 9, 0, 0)


@pytest.fixture
def alice(sf):
    clock.set_now(T0)
    return make_user(sf, "alice", ["participant"])


def _fail(sf, username, times):
    for _ in range(times):
        assert auth.sign_in(sf, username, "wrong-password-123") is None


def test_the_right_password_signs_in_and_is_audited(sf, alice):
    signed = auth.sign_in(sf, "  Alice ", PASSWORD)
    assert signed is not None and signed.viewer.username == "alice"
    with sf.begin() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "login")) == 1


def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(sf, alice):
    assert auth.sign_in(sf, "alice", "not-the-password") is None
    assert auth.sign_in(sf, "nobody", "not-the-password") is None
    with sf.begin() as s:
        counted = dict(s.execute(select(LoginThrottle.username, LoginThrottle.failures)).all())
    assert counted == {"alice": 1, "nobody": 1}


def test_an_unknown_username_costs_one_bcrypt_check_like_a_known_one(sf, alice, monkeypatch):
    calls = []
    real = auth.bcrypt.checkpw
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, h: calls.append(h) or real(pw, h))
    auth.sign_in(sf, "nobody", "whatever-password")
    auth.sign_in(sf, "alice", "whatever-password")
    assert len(calls) == 2
    # The dummy hash has the same cost as real hashes (same "$2b$NN$" prefix).
    assert calls[0][:7] == calls[1][:7]


def test_five_failures_lock_the_account_for_a_window_then_it_unlocks_by_itself(sf, alice):
    _fail(sf, "alice", 4)
    with pytest.raises(AccountLocked, match="15 minutes"):
        auth.sign_in(sf, "alice", "wrong-password-123")
    clock.set_now(T0 + dt.timedelta(minutes=7))
    with pytest.raises(AccountLocked, match="8 minutes"):
        auth.sign_in(sf, "alice", PASSWORD)  # even the right password waits
    clock.set_now(T0 + dt.timedelta(minutes=15, seconds=1))
    assert auth.sign_in(sf, "alice", PASSWORD) is not None


def test_unknown_usernames_lock_too_so_the_lock_reveals_nothing(sf, alice):
    _fail(sf, "ghost", 4)
    with pytest.raises(AccountLocked) as ghost:
        auth.sign_in(sf, "ghost", "wrong-password-123")
    _fail(sf, "alice", 4)
    with pytest.raises(AccountLocked) as real:
        auth.sign_in(sf, "alice", "wrong-password-123")
    assert str(ghost.value) == str(real.value)


def test_a_success_resets_the_failure_count(sf, alice):
    _fail(sf, "alice", 4)
    assert auth.sign_in(sf, "alice", PASSWORD) is not None
    _fail(sf, "alice", 4)
    assert auth.sign_in(sf, "alice", PASSWORD) is not None


def test_a_password_over_72_bytes_gets_a_clear_message(sf, alice):
    with pytest.raises(InvalidInput, match="at most 72 bytes"):
        auth.sign_in(sf, "alice", "é" * 37)  # 37 characters, 74 bytes
    with pytest.raises(InvalidInput, match="at most 72 bytes"):
        auth.hash_password("a" * 73)


def test_deactivated_accounts_cannot_sign_in(sf, alice):
    admin = make_user(sf, "root", ["admin"])
    accounts.set_active(sf, admin, alice.account_id, False)
    assert auth.sign_in(sf, "alice", PASSWORD) is None


def test_the_revocation_rule():
    t = dt.datetime(2026, 1, 1, 12)
    assert not auth.is_revoked(t, None)
    assert auth.is_revoked(t, t)
    assert auth.is_revoked(t - dt.timedelta(seconds=1), t)
    assert not auth.is_revoked(t + dt.timedelta(microseconds=1), t)


def test_logging_out_voids_every_session_issued_before(sf, alice):
    signed = auth.sign_in(sf, "alice", PASSWORD)
    assert auth.resume_session(sf, "alice", signed.at) is not None
    clock.set_now(T0 + dt.timedelta(minutes=1))
    auth.sign_out(sf, "alice")
    assert auth.resume_session(sf, "alice", signed.at) is None  # a copied cookie, another tab
    clock.set_now(T0 + dt.timedelta(minutes=2))
    again = auth.sign_in(sf, "alice", PASSWORD)
    assert auth.resume_session(sf, "alice", again.at) is not None


def test_changing_the_password_signs_out_other_sessions(sf, alice):
    other_tab = auth.sign_in(sf, "alice", PASSWORD)
    clock.set_now(T0 + dt.timedelta(minutes=1))
    revoked_at = accounts.change_password(sf, alice, PASSWORD, "a-new-password-42", "a-new-password-42")
    assert auth.resume_session(sf, "alice", other_tab.at) is None
    assert auth.resume_session(sf, "alice", revoked_at + dt.timedelta(microseconds=1)) is not None
    assert auth.sign_in(sf, "alice", PASSWORD) is None
    assert auth.sign_in(sf, "alice", "a-new-password-42") is not None


def test_a_wrong_current_password_changes_nothing(sf, alice):
    with pytest.raises(InvalidInput, match="current password is incorrect"):
        accounts.change_password(sf, alice, "not-it-at-all", "a-new-password-42", "a-new-password-42")
    assert auth.sign_in(sf, "alice", PASSWORD) is not None


def test_an_unknown_account_has_no_session(sf):
    assert auth.resume_session(sf, "nobody", T0) is None
