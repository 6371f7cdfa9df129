"""The outbox: every notification queued once (unique key), then sent once, with retries.

- ``enqueue`` stores new items only: the key is unique in the database, and the insert
  skips a key already there (``ON CONFLICT DO NOTHING``), so a second run — or a run on
  another server at the same moment — queues nothing twice.
- ``deliver`` claims what is due (one UPDATE from pending to sending with the run's token:
  two runs never claim the same row), sends it, and records the outcome. A temporary SMTP
  failure puts the row back with a back-off (5 min, 10, 20 … up to 12 h; failed after 8
  tries); a permanent one (5xx, address refused) marks it failed at once. A claim is a
  30-minute lease: a run that died mid-way leaves rows another run takes up later.
- Each person's "daily" items go out together once a day, in one digest, after 07:00 UTC.
- Once sent, failed or skipped, a row keeps its subject and outcome but not its body or
  attachment: the outbox is not an archive of what was said.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import partial
from typing import NamedTuple

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock
from core.notify import compose, prefs, smtp
from core.notify.message import Delivery, Kind, Outgoing
from db.models import Notification

PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"
MAX_ATTEMPTS = 8
FIRST_BACKOFF = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=12)
LEASE = dt.timedelta(minutes=30)
DIGEST_HOUR = 7  # UTC
BATCH = 500

Collect = Callable[[Session, dt.datetime], Iterable[Outgoing]]
Build = Callable[[smtp.SmtpSettings], EmailMessage]


@dataclass
class RunReport:
    queued: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    waiting_for_smtp: bool = False
    errors: list[str] = field(default_factory=list)

    def failed_with(self, reason: str, retried: int, failed: int) -> None:
        self.retried, self.failed = self.retried + retried, self.failed + failed
        self.errors.append(reason)

    def summary(self) -> str:
        text = (
            f"queued {self.queued}, sent {self.sent}, to retry {self.retried}, "
            f"failed {self.failed}, not wanted {self.skipped}"
        )
        if self.waiting_for_smtp:
            text += " — SMTP is not configured: notifications wait in the outbox"
        return text


def _insert(s: Session):  # type: ignore[no-untyped-def]
    return pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert


class Queued(NamedTuple):
    added: int  # new keys stored
    skipped: int  # of them, kinds their person chose never to receive


def enqueue(s: Session, items: Iterable[Outgoing], now: dt.datetime | None = None) -> Queued:
    """Queue the items whose key is new, each with its person's choice."""
    now = now or clock.now()
    fresh: dict[str, Outgoing] = {}
    for item in items:
        fresh.setdefault(item.key, item)
    keys = list(fresh)
    for i in range(0, len(keys), 900):
        known = s.scalars(select(Notification.key).where(Notification.key.in_(keys[i : i + 900])))
        for key in known:
            fresh.pop(key, None)
    if not fresh:
        return Queued(0, 0)
    by_kind: dict[Kind, list[int]] = defaultdict(list)
    for item in fresh.values():
        by_kind[item.kind].append(item.person_id)
    wanted = {kind: prefs.deliveries(s, ids, kind) for kind, ids in by_kind.items()}
    rows = []
    for item in fresh.values():
        delivery = wanted[item.kind][item.person_id]
        attachment = item.attachments[0] if item.attachments else None
        rows.append(
            {
                "key": item.key,
                "kind": str(item.kind),
                "person_id": item.person_id,
                "to_address": item.to_address,
                "locale": item.locale,
                "subject": item.subject[:300],
                "body": "" if delivery == Delivery.NEVER else item.body,
                "path": item.path[:300],
                "attachment_name": attachment.filename if attachment else None,
                "attachment_type": attachment.mimetype if attachment else None,
                "attachment": attachment.content
                if attachment and delivery != Delivery.NEVER
                else None,
                "delivery": str(delivery),
                "status": SKIPPED if delivery == Delivery.NEVER else PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    insert = _insert(s)
    statuses: list[str] = []
    for i in range(0, len(rows), BATCH):
        statuses += s.scalars(  # the rows inserted (rowcount is not reliable here)
            insert(Notification)
            .values(rows[i : i + BATCH])
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(Notification.status)
        ).all()
    return Queued(len(statuses), statuses.count(SKIPPED))


def forget(s: Session, person_id: int) -> None:
    """Erasure: a person's notifications go."""
    for row in s.scalars(select(Notification).where(Notification.person_id == person_id)):
        s.delete(row)


# --------------------------------------------------------------------------- delivering


def _claimable(now: dt.datetime):  # type: ignore[no-untyped-def]
    return and_(
        Notification.next_attempt_at <= now,
        or_(Notification.status == PENDING, Notification.status == SENDING),  # SENDING: lease over
    )


def _claim(sf: sessionmaker[Session], now: dt.datetime, *where) -> list[Notification]:  # type: ignore[no-untyped-def]
    """Claim up to BATCH due rows meeting ``where`` for this run; the rows it got."""
    token = uuid.uuid4().hex
    with sf.begin() as s:
        ids = list(
            s.scalars(
                select(Notification.id)
                .where(_claimable(now), *where)
                .order_by(Notification.id)
                .limit(BATCH)
            )
        )
        if not ids:
            return []
        s.execute(
            update(Notification)
            .where(Notification.id.in_(ids), _claimable(now))
            .values(status=SENDING, claim=token, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
    with sf.begin() as s:
        return list(
            s.scalars(
                select(Notification)
                .where(Notification.claim == token, Notification.status == SENDING)
                .order_by(Notification.id)
            )
        )


def _done(sf: sessionmaker[Session], ids: Sequence[int], now: dt.datetime) -> None:
    with sf.begin() as s:
        s.execute(
            update(Notification)
            .where(Notification.id.in_(list(ids)))
            .values(status=SENT, sent_at=now, body="", attachment=None, claim=None, last_error=None)
            .execution_options(synchronize_session=False)
        )


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th temporary failure."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _failed(
    sf: sessionmaker[Session], ids: Sequence[int], now: dt.datetime, failure: smtp.SendFailed
) -> tuple[int, int]:
    """Record a failure on these rows; (to retry, failed for good)."""
    retried = failed = 0
    with sf.begin() as s:
        for row in s.scalars(select(Notification).where(Notification.id.in_(list(ids)))):
            row.attempts += 1
            row.last_error, row.claim = failure.reason, None
            if failure.temporary and row.attempts < MAX_ATTEMPTS:
                row.status, row.next_attempt_at = PENDING, now + backoff(row.attempts)
                retried += 1
            else:
                row.status, row.body, row.attachment = FAILED, "", None
                failed += 1
    return retried, failed


def _batches(rows: list[Notification]) -> Iterator[tuple[list[int], Build]]:
    """(row ids, message builder) per message: one per immediate row, one digest a person."""
    digests: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        if row.delivery == Delivery.DAILY:
            digests[row.person_id].append(row)
        else:
            yield [row.id], partial(compose.single, row)
    for group in digests.values():
        yield [r.id for r in group], partial(compose.digest, group)


def deliver(
    sf: sessionmaker[Session], now: dt.datetime | None = None, report: RunReport | None = None
) -> RunReport:
    """Send what is due now; never raises on SMTP trouble (the report says what happened)."""
    now = now or clock.now()
    report = report or RunReport()
    config = smtp.settings()
    if config is None:
        report.waiting_for_smtp = True
        return report
    digest_time = dt.datetime.combine(now.date(), dt.time(DIGEST_HOUR))
    while True:
        rows = _claim(sf, now, Notification.delivery == Delivery.IMMEDIATELY)
        if now >= digest_time:
            rows += _claim(
                sf,
                now,
                Notification.delivery == Delivery.DAILY,
                Notification.created_at < digest_time,
            )
        if not rows:
            return report
        batches = list(_batches(rows))
        try:
            with smtp.connection(config) as client:
                for ids, build in batches:
                    try:
                        smtp.send_one(client, build(config))
                    except smtp.SendFailed as e:
                        report.failed_with(e.reason, *_failed(sf, ids, now, e))
                        continue
                    _done(sf, ids, now)
                    report.sent += len(ids)
        except smtp.SendFailed as e:  # no connection (nothing was sent): all wait and retry
            report.failed_with(
                e.reason, *_failed(sf, [i for ids, _ in batches for i in ids], now, e)
            )
            return report


def run(
    sf: sessionmaker[Session], collect: Collect | None, now: dt.datetime | None = None
) -> RunReport:
    """One scheduler run: queue what the sources find (in one transaction), then send."""
    now = now or clock.now()
    report = RunReport()
    if collect is not None:
        with sf.begin() as s:
            report.queued, report.skipped = enqueue(s, collect(s, now), now)
    return deliver(sf, now, report)
