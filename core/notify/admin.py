"""The admin's view of e-mail: is SMTP set up, what the outbox holds, a test message.

Counts and SMTP error sentences only: never a notification's subject or body.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit
from core.kernel.access import ADMIN, Viewer, require_role
from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.kernel.tx import reading
from core.notify import outbox, smtp
from core.notify.compose import link
from db.models import Notification, Person


@dataclass(frozen=True)
class Failure:
    kind: str
    at: dt.datetime
    attempts: int
    error: str


@dataclass(frozen=True)
class MailStatus:
    settings: dict[str, str] | None  # None: SMTP not configured
    counts: dict[str, int]  # status → notifications
    failures: tuple[Failure, ...]  # the latest failed or retried, newest first


def mail_status(sf: sessionmaker[Session], viewer: Viewer) -> MailStatus:
    require_role(viewer, ADMIN)
    config = smtp.settings()
    with reading(sf) as s:
        counts = dict.fromkeys(
            (outbox.PENDING, outbox.SENDING, outbox.SENT, outbox.FAILED, outbox.SKIPPED), 0
        )
        counts |= {
            status: int(n)
            for status, n in s.execute(
                select(Notification.status, func.count()).group_by(Notification.status)
            ).tuples()
        }
        failures = tuple(
            Failure(kind, at, attempts, error or "")
            for kind, at, attempts, error in s.execute(
                select(
                    Notification.kind,
                    Notification.next_attempt_at,
                    Notification.attempts,
                    Notification.last_error,
                )
                .where(Notification.last_error.is_not(None))
                .order_by(Notification.next_attempt_at.desc())
                .limit(10)
            ).tuples()
        )
    return MailStatus(config.described if config else None, counts, failures)


def send_test(sf: sessionmaker[Session], viewer: Viewer) -> str:
    """Send a test message to my own address now; the address, or the SMTP error said."""
    require_role(viewer, ADMIN)
    config = smtp.settings()
    if config is None:
        raise InvalidInput(t("E-mail is not set up: set the SMTP settings first (see the README)."))
    with sf.begin() as s:
        address = s.get_one(Person, viewer.person_id).email
    message = EmailMessage()
    message["From"], message["To"] = config.sender, address
    message["Subject"] = t("Tandem: test message")
    message.set_content(
        t(
            "This message shows that Tandem can send e-mail through {host}. Tandem is at {url}.",
            host=config.host,
            url=link(""),
        )
    )
    try:
        with smtp.connection(config) as client:
            smtp.send_one(client, message)
    except smtp.SendFailed as e:
        raise InvalidInput(t("The test message was not sent: {reason}", reason=e.reason)) from e
    with sf.begin() as s:
        audit.by(s, viewer, "notification_test_sent", target=f"person:{viewer.person_id}")
    return address
