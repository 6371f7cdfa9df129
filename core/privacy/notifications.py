"""Erasure, e-mail part: my notifications and choices go; a notification still waiting for
somebody else that names me goes too (the next run queues it again, without my name, if
what it announces still holds). Sent ones keep no body (core.notify.outbox)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlalchemy.orm import Session

from core.notify import outbox, prefs
from db.models import Notification, Person


def forget(s: Session, person_id: int, now: dt.datetime) -> None:
    outbox.forget(s, person_id)
    prefs.forget(s, person_id)
    name = s.get_one(Person, person_id).full_name
    if name:
        s.execute(
            delete(Notification)
            .where(Notification.status == outbox.PENDING, Notification.body.contains(name))
            .execution_options(synchronize_session=False)
        )
