"""Builders for test data: short calls instead of long literals."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

from sqlalchemy.orm import Session, sessionmaker

from core.accounts.auth import hash_password
from core.accounts.auth import viewer_of as _viewer_of
from core.kernel import clock
from core.kernel.access import Viewer
from db.models import Account, AccountRole, Enrolment, Match, MatchMember, Person, Programme

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def make_person(s: Session, name: str | None = None, **fields: object) -> Person:
    n = next(_seq)
    now = clock.now()
    person = Person(
        email=fields.pop("email", None) or f"person{n}@example.com",
        full_name=name or f"Person {n}",
        department=fields.pop("department", "Engineering"),
        level=fields.pop("level", "L3"),
        created_at=now,
        updated_at=now,
        **fields,
    )
    s.add(person)
    s.flush()
    return person


def make_account(
    s: Session,
    username: str,
    roles: Iterable[str] = ("participant",),
    password: str | None = PASSWORD,
    person: Person | None = None,
    **person_fields: object,
) -> Account:
    person = person or make_person(s, name=username.capitalize(), **person_fields)
    account = Account(
        person_id=person.id,
        username=username,
        password_hash=hash_password(password) if password else None,
        created_at=clock.now(),
        roles=[AccountRole(role=r) for r in roles],
    )
    s.add(account)
    s.flush()
    return account


def make_participant(sf: sessionmaker[Session], username: str, **fields: object) -> Viewer:
    return make_user(sf, username, ("participant",), **fields)


def make_user(
    sf: sessionmaker[Session], username: str, roles: Iterable[str], **fields: object
) -> Viewer:
    with sf.begin() as s:
        account = make_account(s, username, roles, **fields)
        return _viewer_of(account, s.get_one(Person, account.person_id))


def make_programme(
    s: Session, name: str = "Pilot", status: str = "running", **fields: object
) -> Programme:
    now = clock.now()
    programme = Programme(
        name=name,
        status=status,
        start_date=fields.pop("start_date", now.date() - dt.timedelta(days=30)),
        end_date=fields.pop("end_date", now.date() + dt.timedelta(days=90)),
        created_at=now,
        updated_at=now,
        **fields,
    )
    s.add(programme)
    s.flush()
    return programme


def enrol(s: Session, programme: Programme, person_id: int, **fields: object) -> Enrolment:
    now = clock.now()
    e = Enrolment(
        programme_id=programme.id, person_id=person_id, created_at=now, updated_at=now, **fields
    )
    s.add(e)
    s.flush()
    return e


def make_match(
    s: Session,
    programme: Programme,
    person_ids: Iterable[int],
    status: str = "active",
    started_days_ago: int = 20,
) -> Match:
    when = clock.now() - dt.timedelta(days=started_days_ago)
    match = Match(
        programme_id=programme.id,
        status=status,
        kind="pair",
        created_at=when,
        published_at=when,
        started_at=when if status == "active" else None,
        members=[
            MatchMember(person_id=p, response="accepted" if status == "active" else "pending")
            for p in person_ids
        ],
    )
    s.add(match)
    s.flush()
    return match
