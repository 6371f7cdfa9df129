"""Who a notification goes to: an active person with an address, in their language and zone."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.notify.message import Attachment, Kind, Outgoing
from db.models import Account, Person

DEFAULT_ZONE = "UTC"
Row = TypeVar("Row", bound=Sequence[Any])


@dataclass(frozen=True)
class Recipient:
    person_id: int
    email: str
    name: str
    language: str  # the account's choice, else the person's
    zone: str


def recipients(s: Session, person_ids: Iterable[int]) -> dict[int, Recipient]:
    """The active, not erased people among ``person_ids`` (one query per 900)."""
    ids = sorted(set(person_ids))
    out: dict[int, Recipient] = {}
    for i in range(0, len(ids), 900):
        rows = s.execute(
            select(
                Person.id,
                Person.email,
                Person.full_name,
                Person.language,
                Person.time_zone,
                Account.language,
            )
            .outerjoin(Account, Account.person_id == Person.id)
            .where(
                Person.id.in_(ids[i : i + 900]),
                Person.is_active.is_(True),
                Person.erased_at.is_(None),
            )
        )
        for pid, email, name, person_lang, zone, account_lang in rows:
            if email:
                out[pid] = Recipient(
                    pid, email, name, account_lang or person_lang or "en", zone or DEFAULT_ZONE
                )
    return out


def addressed(s: Session, rows: Sequence[Row], person: int = 1) -> Iterator[tuple[Row, Recipient]]:
    """Each row with its recipient (the person id at index ``person``), leaving out the
    rows whose person receives nothing (inactive, erased, no address)."""
    who = recipients(s, [row[person] for row in rows])
    for row in rows:
        if row[person] in who:
            yield row, who[row[person]]


def outgoing(
    who: Recipient,
    kind: Kind,
    event: str,
    subject: str,
    body: str,
    path: str,
    attachments: tuple[Attachment, ...] = (),
) -> Outgoing:
    """One item for ``who``; its key is the kind, the event and the person (unique for ever)."""
    return Outgoing(
        key=f"{kind}:{event}:person:{who.person_id}",
        kind=kind,
        person_id=who.person_id,
        to_address=who.email,
        locale=who.language,
        subject=subject,
        body=body,
        path=path,
        attachments=attachments,
    )
