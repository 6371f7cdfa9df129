"""Single sign-on (OpenID Connect): the rules behind Streamlit's ``st.login`` / ``st.user``.

The identity provider proves who someone is; Tandem decides what they may do. A person
is matched to their Tandem account by **verified** e-mail only (``email_verified`` must
be the JSON ``true``, never the string ``"false"`` or a missing claim), compared without
case; roles stay in Tandem. A session is then opened as the password sign-in opens one
(revocable with :func:`core.accounts.auth.sign_out`) and audited as ``login_sso``.

Local passwords can be turned off (Setting ``passwords_enabled``) only once SSO is
configured and the admin doing it has signed in via SSO themself, so nobody is locked
out; ``python -m tandem create-admin`` turns them back on (recovery).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.auth import PASSWORDS_SETTING, SignedIn, passwords_enabled, viewer_of
from core.kernel import audit, clock
from core.kernel.access import ADMIN, Viewer, require_role
from core.kernel.errors import NotAllowed
from core.kernel.i18n import t
from core.kernel.tx import reading
from db.models import Account, AuditLog, Person, Setting

MAX_EMAIL_CHARS = 254


class SsoRefused(NotAllowed):
    """The provider signed someone in whom Tandem does not let in (message translated)."""


class SsoSignedOut(SsoRefused):
    """The provider's sign-in predates a Tandem sign-out: the identity (Streamlit's cookie,
    perhaps copied to another device) must be dropped and the person sign in again."""


LATEST_IAT = 32_503_680_000  # the year 3000: any later "issued at" is not a real time


def issued_at(claims: Mapping[str, Any]) -> dt.datetime:
    """When the provider signed the person in (the ID token's ``iat``, required by OpenID
    Connect), naive UTC like :func:`core.kernel.clock.now`; refused when absent or absurd."""
    iat = claims.get("iat")
    if (
        isinstance(iat, bool)
        or not isinstance(iat, int | float)
        or not math.isfinite(iat)
        or not 0 <= iat < LATEST_IAT
    ):
        raise SsoRefused(
            t("Your sign-in provider did not say when it signed you in, so Tandem cannot use it.")
        )
    return dt.datetime.fromtimestamp(iat, dt.UTC).replace(tzinfo=None)


def signed_out_since(issued: dt.datetime, revoked_before: dt.datetime | None) -> bool:
    """Whether the person signed out of Tandem after the provider signed them in. ``iat`` has
    whole seconds: a sign-in in the very second of a sign-out still counts as after it."""
    return revoked_before is not None and issued < revoked_before.replace(microsecond=0)


def verified_email(claims: Mapping[str, Any]) -> str:
    """The claims' e-mail, lower-cased, when the provider says it is verified; else refused."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip() or len(email) > MAX_EMAIL_CHARS:
        raise SsoRefused(t("Your sign-in provider did not give an e-mail address."))
    # bool only: "false", "true", 1 are refused. Entra ID sends no email_verified; its
    # optional claim xms_edov ("e-mail domain owner verified") says the same thing.
    if claims.get("email_verified") is not True and claims.get("xms_edov") is not True:
        raise SsoRefused(
            t(
                "Your sign-in provider has not verified your e-mail address, so Tandem cannot use it."
            )
        )
    return email.strip().lower()


def sign_in_sso(sf: sessionmaker[Session], claims: Mapping[str, Any]) -> SignedIn:
    """The Tandem session of the person the provider vouched for; raises :class:`SsoRefused`."""
    email = verified_email(claims)
    issued = issued_at(claims)
    now = clock.now()
    refusal: str | None = None
    refused: type[SsoRefused] = SsoRefused
    with sf.begin() as s:
        rows = s.execute(
            select(Account, Person)
            .join(Person, Person.id == Account.person_id)
            .where(func.lower(Person.email) == email)
        ).all()
        if len(rows) != 1:  # none, or (e-mails differing only by case) ambiguous
            audit.record(s, "login_sso_refused", actor_username=email[:60], reason="unknown")
            refusal = t(
                "No Tandem account uses the e-mail address {email}. Ask your "
                "programme coordinator to add you with this address.",
                email=email,
            )
        else:
            account, person = rows[0]
            if not (account.is_active and person.is_active):
                audit.record(
                    s, "login_sso_refused", actor_username=account.username, reason="deactivated"
                )
                refusal = t("This account is deactivated. Ask an admin if this is a mistake.")
            elif signed_out_since(issued, account.sessions_revoked_before):
                audit.record(
                    s, "login_sso_refused", actor_username=account.username, reason="signed_out"
                )
                refusal = t(
                    "You have signed out of Tandem since your provider signed you in. Sign in again."
                )
                refused = SsoSignedOut
            else:
                account.last_login_at = now
                audit.record(
                    s, "login_sso", actor_account_id=account.id, actor_username=account.username
                )
                return SignedIn(viewer_of(account, person), person.email, now)
    raise refused(refusal)  # after the commit: the refusal stays in the audit log


# --------------------------------------------------------------------------- passwords off


__all__ = ["PASSWORDS_SETTING", "passwords_enabled"]  # read from here too


def passwords_on(sf: sessionmaker[Session]) -> bool:
    """Whether the password form is shown: asked on every sign-in page, without the lock."""
    with reading(sf) as s:
        return passwords_enabled(s)


def has_signed_in_via_sso(s: Session, account_id: int) -> bool:
    return (
        s.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(AuditLog.action == "login_sso", AuditLog.actor_account_id == account_id)
        )
        or 0
    ) > 0


def set_passwords_enabled(
    sf: sessionmaker[Session], viewer: Viewer | None, enabled: bool, *, sso_configured: bool
) -> None:
    """Turn local passwords on or off; off only when SSO works for this very admin."""
    admin = require_role(viewer, ADMIN)
    with sf.begin() as s:
        if not enabled:
            if not sso_configured:
                raise NotAllowed(t("Single sign-on is not configured: passwords must stay on."))
            if not has_signed_in_via_sso(s, admin.account_id):
                raise NotAllowed(
                    t(
                        "Sign in once with single sign-on yourself before turning "
                        "passwords off, so that nobody is locked out."
                    )
                )
        _write(s, enabled)
        audit.record(
            s,
            "passwords_enabled" if enabled else "passwords_disabled",
            actor_account_id=admin.account_id,
            actor_username=admin.username,
        )


def _write(s: Session, enabled: bool) -> None:
    row = s.get(Setting, PASSWORDS_SETTING)
    if row is None:
        s.add(Setting(key=PASSWORDS_SETTING, value="1" if enabled else "0"))
    else:
        row.value = "1" if enabled else "0"


def enable_passwords(s: Session) -> None:
    """Recovery (create-admin on the server): local passwords on again."""
    _write(s, True)
