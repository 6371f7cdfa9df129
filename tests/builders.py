"""Builders for test data: short calls instead of long literals."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.auth import hash_password
from core.accounts.auth import viewer_of as _viewer_of
from core.kernel import clock
from core.kernel.access import Viewer
from core.matching.rows import SuggestionRow, suggestion_rows
from db.models import (
    Account,
    AccountRole,
    Enrolment,
    EnrolmentSkill,
    Match,
    MatchMember,
    Meeting,
    Person,
    Programme,
    Skill,
)

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


def viewer_named(sf: sessionmaker[Session], username: str) -> Viewer:
    """The viewer of the existing account ``username`` (a demo login, say)."""
    with sf() as s:
        account = s.scalar(select(Account).where(Account.username == username))
        assert account is not None, username
        return _viewer_of(account, s.get_one(Person, account.person_id))


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


def make_listed(
    s: Session, programme: Programme, name: str, department: str, offered: Iterable[Skill]
) -> Person:
    """Someone listed in the directory, enrolled in ``programme`` and offering ``offered``."""
    person = make_person(s, name, department=department, is_active=True, directory_opt_in=True)
    enrol(s, programme, person.id).skills = [
        EnrolmentSkill(skill_id=k.id, kind="offered") for k in offered
    ]
    return person


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


def make_meeting(
    s: Session, match_id: int, at: dt.datetime, status: str = "planned", **fields: object
) -> Meeting:
    """A meeting of ``match_id`` at ``at`` (30 minutes unless told), written now (unless
    ``created_at``/``updated_at`` say otherwise)."""
    meeting = Meeting(
        match_id=match_id,
        scheduled_at=at,
        status=status,
        **{"duration_minutes": 30, **clock.stamps(), **fields},
    )
    s.add(meeting)
    s.flush()
    return meeting


# --------------------------------------------------------------------------- groups and pools


@dataclass(frozen=True)
class Group:
    """A pair or a circle: its members (signed-in viewers), the match and its programme."""

    members: tuple[Viewer, ...]
    match_id: int
    programme_id: int

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.members)


def make_skill(
    s: Session, name: str, category: str = "Technical", programme: Programme | None = None
) -> Skill:
    """A skill of the shared list (or of ``programme``'s own list)."""
    skill = Skill(name=name, category=category, programme_id=programme.id if programme else None)
    s.add(skill)
    s.flush()
    return skill


def _group(
    sf: sessionmaker[Session],
    names: Iterable[str],
    status: str,
    started_days_ago: int,
    programme_fields: dict[str, object],
) -> Group:
    members = tuple(make_participant(sf, n) for n in names)
    with sf.begin() as s:
        programme = make_programme(s, **programme_fields)  # type: ignore[arg-type]
        for m in members:
            enrol(s, programme, m.person_id)
        match = make_match(
            s,
            programme,
            [m.person_id for m in members],
            status=status,
            started_days_ago=started_days_ago,
        )
        if len(members) > 2:
            match.kind = "circle"
        return Group(members, match.id, programme.id)


def make_pair(
    sf: sessionmaker[Session],
    a: str = "camille",
    b: str = "hugo",
    *,
    status: str = "active",
    started_days_ago: int = 20,
    **programme_fields: object,
) -> Group:
    """Two enrolled participants in one match of a new running programme."""
    return _group(sf, (a, b), status, started_days_ago, programme_fields)


def make_circle(
    sf: sessionmaker[Session],
    names: Iterable[str] = ("ann", "bob", "cyd"),
    *,
    status: str = "active",
    started_days_ago: int = 20,
    **programme_fields: object,
) -> Group:
    """A circle (3-6 enrolled participants) in one match of a new running programme."""
    return _group(sf, tuple(names), status, started_days_ago, programme_fields)


POOL_DEPARTMENTS = ("Sales", "Engineering", "Finance", "People")


def make_pool(
    sf: sessionmaker[Session],
    n: int,
    *,
    status: str = "enrolment",
    skills: Iterable[str] = ("SQL", "Public speaking"),
    departments: Iterable[str] = POOL_DEPARTMENTS,
    prefix: str = "p",
    **programme_fields: object,
) -> tuple[int, dict[str, int]]:
    """A programme with ``n`` enrolled people to match: (programme id, username → person id).

    Person i works in department i mod len(departments); with two skills, even people
    offer the first and want the second, odd people the other way round, so every
    person has complementary partners in other departments.
    """
    depts = tuple(departments)
    with sf.begin() as s:
        programme = make_programme(s, status=status, **programme_fields)  # type: ignore[arg-type]
        made = [make_skill(s, name) for name in skills]
        people: dict[str, int] = {}
        for i in range(n):
            account = make_account(s, f"{prefix}{i:03d}", department=depts[i % len(depts)])
            e = enrol(s, programme, account.person_id, languages=["en"])
            if len(made) >= 2:
                offers, wants = (made[0], made[1]) if i % 2 == 0 else (made[1], made[0])
                e.skills = [
                    EnrolmentSkill(skill_id=offers.id, kind="offered"),
                    EnrolmentSkill(skill_id=wants.id, kind="wanted"),
                ]
            people[account.username] = account.person_id
        return programme.id, people


def suggestions_of(
    sf: sessionmaker[Session], programme_id: int, statuses: Iterable[str] = ("suggested",)
) -> list[SuggestionRow]:
    """Every match of the programme in ``statuses``, best score first, with its reasons: the
    whole list the tests hold the Matching page's pages and the services' results against."""
    with sf() as s:
        return suggestion_rows(s, programme_id, statuses)


@contextlib.contextmanager
def statements_run(
    on: sessionmaker[Session] | Engine,
) -> Iterator[list[tuple[str, object]]]:
    """Every SQL statement (text, parameters) the engine of ``on`` runs within the block, in
    order: how many queries a service makes (a count that must not grow with the rows), or
    the plan the database chose for one (tests/sql_plans.py)."""
    engine = on.kw["bind"] if isinstance(on, sessionmaker) else on
    seen: list[tuple[str, object]] = []

    def note(conn, cursor, statement, params, *args) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def selects(statements: Iterable[tuple[str, object]]) -> list[str]:
    """The SELECTs among ``statements`` (not BEGIN, not a PRAGMA)."""
    return [q for q, _ in statements if q.lstrip().upper().startswith("SELECT")]
