"""Sign-in, lockout with a window, no username enumeration, revocation (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from core.accounts import accounts, auth
from core.kernel import audit, clock
from core.kernel.errors import AccountLocked, InvalidInput, NotAllowed
from db.models import Account, AuditLog, LoginThrottle
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
        assert (
            s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "login"))
            == 1
        )


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
    revoked_at = accounts.change_password(
        sf, alice, PASSWORD, "a-new-password-42", "a-new-password-42"
    )
    assert auth.resume_session(sf, "alice", other_tab.at) is None
    assert auth.resume_session(sf, "alice", revoked_at + dt.timedelta(microseconds=1)) is not None
    assert auth.sign_in(sf, "alice", PASSWORD) is None
    assert auth.sign_in(sf, "alice", "a-new-password-42") is not None


def test_a_wrong_current_password_changes_nothing(sf, alice):
    with pytest.raises(InvalidInput, match="current password is incorrect"):
        accounts.change_password(
            sf, alice, "not-it-at-all", "a-new-password-42", "a-new-password-42"
        )
    assert auth.sign_in(sf, "alice", PASSWORD) is not None


def test_an_unknown_account_has_no_session(sf):
    assert auth.resume_session(sf, "nobody", T0) is None


# --------------------------------------------------------------------------- per address


HOME, STRANGER = "10.0.0.7", "203.0.113.66"


def _fail_from(sf, username, source, times):
    for _ in range(times):
        try:
            assert auth.sign_in(sf, username, "wrong-password-123", source) is None
        except AccountLocked:
            pass  # the attempt that locks says so at once; later ones are refused


def test_five_failures_lock_one_address_not_the_others(sf, alice):
    _fail(sf, "alice", 4)  # no address known: one "unknown" address
    with pytest.raises(AccountLocked):
        auth.sign_in(sf, "alice", "wrong-password-123")
    with pytest.raises(AccountLocked):
        auth.sign_in(sf, "alice", PASSWORD)
    assert auth.sign_in(sf, "alice", PASSWORD, STRANGER) is not None
    with sf.begin() as s:
        rows = {(r.username, r.source): r.failures for r in s.scalars(select(LoginThrottle))}
    assert rows[("alice", auth.UNKNOWN_SOURCE)] == 6  # five failures, one refused attempt


def test_a_stranger_cannot_keep_the_owner_out_of_their_account(sf, alice):
    assert auth.sign_in(sf, "alice", PASSWORD, HOME) is not None  # her usual address
    for n in range(40):  # 200 guesses from 40 addresses: far beyond every limit
        _fail_from(sf, "alice", f"198.51.100.{n}", 5)
    with pytest.raises(AccountLocked):  # a new address is locked out by the global limit …
        auth.sign_in(sf, "alice", PASSWORD, "192.0.2.1")
    assert auth.sign_in(sf, "alice", PASSWORD, HOME) is not None  # … her own is not
    _fail_from(sf, "alice", HOME, 4)  # her own typos still count where she is
    assert auth.sign_in(sf, "alice", PASSWORD, HOME) is not None


def test_guesses_from_many_addresses_are_checked_at_most_the_global_limit(sf, alice, monkeypatch):
    checked = []
    real = auth.bcrypt.checkpw
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, h: checked.append(1) or real(pw, h))
    for n in range(20):
        _fail_from(sf, "alice", f"198.51.100.{n}", 5)
    assert len(checked) == auth.ALL_ADDRESSES.failures  # 100 guesses, 30 checked
    clock.set_now(T0 + auth.ALL_ADDRESSES.window + dt.timedelta(seconds=1))
    assert auth.sign_in(sf, "alice", PASSWORD, "192.0.2.1") is not None


def test_unknown_usernames_are_throttled_the_same_way_and_the_messages_match(sf, alice):
    messages = {}
    for name in ("alice", "ghost"):
        for n in range(6):
            _fail_from(sf, name, f"198.51.100.{n}", 5)
        with pytest.raises(AccountLocked) as e:
            auth.sign_in(sf, name, "whatever-password", "192.0.2.1")
        messages[name] = str(e.value)
    assert messages["alice"] == messages["ghost"]
    assert "Try again in 60 minutes." in messages["ghost"]


def test_an_admin_lifts_a_lock_from_every_address(sf, alice):
    admin = make_user(sf, "root", ["admin"])
    _fail_from(sf, "alice", STRANGER, 5)
    _fail_from(sf, "alice", None, 5)
    (row,) = [r for r in accounts.list_accounts(sf, admin, "alice").rows]
    assert row.locked_until == T0 + dt.timedelta(minutes=15)
    assert accounts.lift_lock(sf, admin, alice.account_id) == 2
    assert accounts.list_accounts(sf, admin, "alice").rows[0].locked_until is None
    assert auth.sign_in(sf, "alice", PASSWORD) is not None
    assert auth.sign_in(sf, "alice", PASSWORD, STRANGER) is not None
    log = audit.read_log(sf, admin, actions=["sign_in_lock_lifted"])
    assert [(line.actor, line.target) for line in log.lines] == [("root", "alice")]


def test_only_an_admin_lifts_a_lock(sf, alice):
    coord = make_user(sf, "coord", ["coordinator"])
    with pytest.raises(NotAllowed):
        accounts.lift_lock(sf, coord, alice.account_id)


def test_a_locked_attempt_runs_no_bcrypt_at_all(sf, alice, monkeypatch):
    _fail_from(sf, "alice", None, 5)
    checked = []
    real = auth.bcrypt.checkpw
    monkeypatch.setattr(auth.bcrypt, "checkpw", lambda pw, h: checked.append(1) or real(pw, h))
    for _ in range(10):
        with pytest.raises(AccountLocked):
            auth.sign_in(sf, "alice", PASSWORD)
    assert checked == []


def test_a_username_longer_than_any_column_is_refused_like_any_wrong_pair(sf, alice):
    assert auth.sign_in(sf, "x" * 5000, "whatever-password", "1" * 500) is None
    with sf.begin() as s:
        (row,) = s.scalars(select(LoginThrottle).where(LoginThrottle.source != "*")).all()
    assert len(row.username) <= 120 and len(row.source) == 64
    assert not row.username.startswith("x" * 120)  # capped, not merely cut at the column


def test_a_username_with_control_characters_is_refused_like_any_wrong_pair(sf, alice):
    # A NUL byte once reached PostgreSQL (psycopg refuses it): now it is one more wrong pair.
    assert auth.sign_in(sf, "alice\x00\x1b[2J", "whatever-password") is None
    with sf.begin() as s:
        names = s.scalars(select(LoginThrottle.username)).all()
    assert names and all("\x00" not in n and "\x1b" not in n for n in names)


def test_a_password_changed_during_the_check_does_not_sign_in_with_the_old_one(
    sf, alice, monkeypatch
):
    real = auth._check
    newer = auth.hash_password("another-password-1")

    def change_meanwhile(password, hashed):
        with sf.begin() as s:  # the password changes while bcrypt runs
            s.execute(update(Account).values(password_hash=newer))
        return real(password, hashed)

    monkeypatch.setattr(auth, "_check", change_meanwhile)
    assert auth.sign_in(sf, "alice", PASSWORD) is None
