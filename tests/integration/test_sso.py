"""Single sign-on rules: matching by verified e-mail, hostile claims, passwords off (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from sqlalchemy import select

from core.accounts import accounts, auth, setup, sso
from core.kernel import clock
from core.kernel.errors import NotAllowed
from db.models import AuditLog, Person
from tests.builders import PASSWORD, make_user

T0 = dt.datetime(2026, 12, 5, 9, 0, 0)


@pytest.fixture
def alice(sf):
    clock.set_now(T0)
    viewer = make_user(sf, "alice", ["coordinator"])
    with sf.begin() as s:
        s.get_one(Person, viewer.person_id).email = "Alice.Martin@Example.com"
    return viewer


def _iat(at: dt.datetime) -> int:
    return int(at.replace(tzinfo=dt.UTC).timestamp())


def _claims(email="alice.martin@example.com", verified=True, **more):
    return {"email": email, "email_verified": verified, "sub": "abc", "iat": _iat(T0), **more}


def _actions(sf):
    with sf.begin() as s:
        return [a for (a,) in s.execute(select(AuditLog.action).order_by(AuditLog.id))]


def test_a_verified_email_in_another_case_signs_in_that_person_with_their_tandem_roles(sf, alice):
    signed = sso.sign_in_sso(sf, _claims("ALICE.martin@example.COM", roles=["admin"]))
    assert signed.viewer.account_id == alice.account_id
    assert signed.viewer.roles == frozenset({"coordinator"})  # the provider's claims grant nothing
    assert "login_sso" in _actions(sf)


def test_the_sso_session_is_revoked_by_signing_out_like_a_password_session(sf, alice):
    signed = sso.sign_in_sso(sf, _claims())
    assert auth.resume_session(sf, "alice", signed.at) is not None
    clock.set_now(T0 + dt.timedelta(minutes=5))
    auth.sign_out(sf, "alice")
    assert auth.resume_session(sf, "alice", signed.at) is None


def test_entra_ids_domain_owner_verified_claim_counts_as_a_verified_email(sf, alice):
    claims = _claims(xms_edov=True)
    del claims["email_verified"]  # Entra ID does not send it
    assert sso.sign_in_sso(sf, claims).viewer.account_id == alice.account_id
    for forged in ("true", 1, False, None):
        with pytest.raises(sso.SsoRefused, match="not verified"):
            sso.sign_in_sso(sf, {**claims, "xms_edov": forged})


def test_an_identity_issued_before_a_sign_out_is_refused_and_a_fresh_one_signs_in(sf, alice):
    """Signing out of Tandem on one device ends a copy of the provider's identity cookie on
    another: that identity predates the sign-out; the provider must sign the person in anew."""
    sso.sign_in_sso(sf, _claims())
    clock.set_now(T0 + dt.timedelta(minutes=5, microseconds=300_000))
    auth.sign_out(sf, "alice")
    clock.set_now(T0 + dt.timedelta(minutes=6))
    with pytest.raises(sso.SsoSignedOut, match="signed out of Tandem"):
        sso.sign_in_sso(sf, _claims())  # the old identity, iat = T0
    with pytest.raises(sso.SsoSignedOut):
        sso.sign_in_sso(sf, _claims(iat=_iat(T0 + dt.timedelta(minutes=4, seconds=59))))
    assert _actions(sf)[-1] == "login_sso_refused"
    # iat counts whole seconds: a sign-in in the second of the sign-out counts as after it
    fresh = sso.sign_in_sso(sf, _claims(iat=_iat(T0 + dt.timedelta(minutes=5))))
    assert fresh.viewer.account_id == alice.account_id


def test_a_password_change_or_deactivation_also_ends_older_provider_identities(sf, alice):
    clock.set_now(T0 + dt.timedelta(minutes=1))
    auth.sign_out(sf, "alice")  # what a password change and a deactivation also stamp
    with pytest.raises(sso.SsoSignedOut):
        sso.sign_in_sso(sf, _claims())


@pytest.mark.parametrize(
    "iat",
    [None, "1764925200", True, float("nan"), float("inf"), -1, 10**12, [1764925200]],
)
def test_a_missing_or_absurd_issue_time_is_refused_with_a_message(sf, alice, iat):
    claims = _claims()
    if iat is None:
        del claims["iat"]
    else:
        claims["iat"] = iat
    with pytest.raises(sso.SsoRefused, match="did not say when it signed you in"):
        sso.sign_in_sso(sf, claims)


@pytest.mark.parametrize(
    "claims",
    [
        {"email_verified": True},
        {"email": "", "email_verified": True},
        {"email": ["alice.martin@example.com"], "email_verified": True},
        _claims(verified=False),
        _claims(verified="false"),
        _claims(verified="true"),
        _claims(verified=1),
        {"email": "alice.martin@example.com"},
    ],
)
def test_a_missing_or_unverified_email_is_refused_with_a_message(sf, alice, claims):
    with pytest.raises(sso.SsoRefused) as refused:
        sso.sign_in_sso(sf, claims)
    assert "e-mail" in str(refused.value)
    assert "login_sso" not in _actions(sf)


def test_an_unknown_email_gets_a_message_naming_it_and_is_audited(sf, alice):
    with pytest.raises(
        sso.SsoRefused, match="No Tandem account uses the e-mail address bob@example.com"
    ):
        sso.sign_in_sso(sf, _claims("bob@example.com"))
    assert "login_sso_refused" in _actions(sf)


def test_a_deactivated_account_is_refused(sf, alice):
    admin = make_user(sf, "root", ["admin"])
    accounts.set_active(sf, admin, alice.account_id, False)
    with pytest.raises(sso.SsoRefused, match="deactivated"):
        sso.sign_in_sso(sf, _claims())


def test_a_deactivated_person_is_refused(sf, alice):
    with sf.begin() as s:
        s.get_one(Person, alice.person_id).is_active = False
    with pytest.raises(sso.SsoRefused, match="deactivated"):
        sso.sign_in_sso(sf, _claims())


def test_passwords_cannot_be_turned_off_before_sso_is_configured_and_used_by_that_admin(sf, alice):
    admin = make_user(sf, "root", ["admin"], email="root@example.com")
    with pytest.raises(NotAllowed, match="not configured"):
        sso.set_passwords_enabled(sf, admin, False, sso_configured=False)
    with pytest.raises(NotAllowed, match="Sign in once"):
        sso.set_passwords_enabled(sf, admin, False, sso_configured=True)
    sso.sign_in_sso(sf, _claims())  # someone else's SSO sign-in does not count
    with pytest.raises(NotAllowed, match="Sign in once"):
        sso.set_passwords_enabled(sf, admin, False, sso_configured=True)
    assert auth.sign_in(sf, "alice", PASSWORD) is not None


def test_only_an_admin_turns_passwords_off(sf, alice):
    sso.sign_in_sso(sf, _claims())
    with pytest.raises(NotAllowed):
        sso.set_passwords_enabled(sf, alice, False, sso_configured=True)


def test_with_passwords_off_core_refuses_a_password_sign_in_and_create_admin_turns_them_back_on(
    sf, alice
):
    admin = make_user(sf, "root", ["admin"], email="root@example.com")
    sso.sign_in_sso(sf, _claims("root@example.com"))
    sso.set_passwords_enabled(sf, admin, False, sso_configured=True)
    with pytest.raises(NotAllowed, match="turned off"):
        auth.sign_in(sf, "alice", PASSWORD)
    assert sso.sign_in_sso(sf, _claims()).viewer.username == "alice"  # SSO still works
    setup.create_admin_cli(
        sf,
        email="rescue@example.com",
        full_name="Rescue",
        username="rescue",
        password="a-long-password-123",
    )
    assert auth.sign_in(sf, "rescue", "a-long-password-123") is not None
    assert "passwords_disabled" in _actions(sf)
