"""The people list (coordinators): who is in Tandem, with their account and invitation
state, searchable and filtered; and the counts above it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Subquery, func, or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from core.accounts.invitations import invitation_state, valid_at
from core.kernel import clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.kernel.paging import PAGE_SIZE, Page, clamp_page
from core.kernel.search import contains, name_contains
from core.kernel.tx import reading
from db.models import NAME_ORDER, Account, Invitation, Person


@dataclass(frozen=True)
class PersonFacts:
    """Who a coordinator's list row is about (the people list and the enrolment list)."""

    person_id: int
    name: str
    email: str
    department: str | None
    level: str | None
    location: str | None


def person_facts(p: Person) -> dict[str, Any]:
    """The :class:`PersonFacts` fields of ``p``, for a row class that extends it."""
    return {
        "person_id": p.id,
        "name": p.full_name,
        "email": p.email,
        "department": p.department,
        "level": p.level,
        "location": p.location,
    }


@dataclass(frozen=True)
class PersonRow(PersonFacts):
    manager: str | None
    hire_date: dt.date | None
    is_active: bool
    username: str | None
    invitation: str  # account | pending | expired | used | replaced | none
    invited_at: dt.datetime | None


@dataclass(frozen=True)
class PeopleSummary:
    active: int
    inactive: int
    with_account: int
    invited: int  # without an account, with a valid invitation
    not_invited: int  # without an account, without a valid invitation


PEOPLE_FILTERS = ("all", "active", "inactive", "no_account", "invited", "not_invited")


def _latest_invitation() -> Subquery:
    """Each person's newest invitation link (person_id, invitation_id)."""
    return (
        select(Invitation.person_id, func.max(Invitation.id).label("invitation_id"))
        .group_by(Invitation.person_id)
        .subquery()
    )


def list_people(
    sf: sessionmaker[Session],
    viewer: Viewer,
    query: str = "",
    *,
    status: str = "all",
    limit: int = PAGE_SIZE,
    page: int = 1,
) -> Page[PersonRow]:
    """People matching ``query`` (name, e-mail, department), with account and invitation
    state: ``page`` of them by name, ``limit`` a page (a page past the last is the last)."""
    require_role(viewer, COORDINATOR)
    if status not in PEOPLE_FILTERS:
        raise InvalidInput(t("Unknown filter."))
    manager = aliased(Person)
    latest = _latest_invitation()
    now = clock.now()
    valid = valid_at(now)
    mine: list[ColumnElement[bool]] = [Person.erased_at.is_(None)]  # on the person alone
    if query.strip():
        mine.append(
            or_(
                name_contains(query),
                contains(Person.email, query),
                contains(Person.department, query),
            )
        )
    if status == "active":
        mine.append(Person.is_active.is_(True))
    elif status == "inactive":
        mine.append(Person.is_active.is_(False))
    joined: list[ColumnElement[bool]] = []  # on the account and the newest invitation
    if status == "no_account":
        joined = [Account.id.is_(None)]
    elif status == "invited":
        joined = [Account.id.is_(None), Invitation.id.is_not(None), valid]
    elif status == "not_invited":
        joined = [
            Account.id.is_(None),
            Person.is_active.is_(True),
            or_(Invitation.id.is_(None), ~valid),
        ]
    stmt = (
        select(Person, manager.full_name, Account.username, Invitation)
        .outerjoin(manager, manager.id == Person.manager_id)
        .outerjoin(Account, Account.person_id == Person.id)
        .outerjoin(latest, latest.c.person_id == Person.id)
        .outerjoin(Invitation, Invitation.id == latest.c.invitation_id)
        .where(*mine, *joined)
    )
    # Each outer join adds at most one row a person (one account, one newest invitation, one
    # manager): without a filter on them, the people are counted alone.
    counted = (
        select(func.count()).select_from(stmt.subquery())
        if joined
        else select(func.count()).select_from(Person).where(*mine)
    )
    with reading(sf) as s:
        total = s.scalar(counted) or 0
        page = clamp_page(page, total, limit)
        found = s.execute(
            stmt.order_by(*NAME_ORDER, Person.id).limit(limit).offset((page - 1) * limit)
        )
        rows = tuple(
            PersonRow(
                **person_facts(p),
                manager=manager_name,
                hire_date=p.hire_date,
                is_active=p.is_active,
                username=username,
                invitation="account"
                if username
                else (invitation_state(inv, now) if inv else "none"),
                invited_at=inv.created_at if inv else None,
            )
            for p, manager_name, username, inv in found
        )
    return Page.of(rows, total, page, limit)


def people_summary(sf: sessionmaker[Session], viewer: Viewer) -> PeopleSummary:
    """How many people are active, have an account, are invited or still to invite."""
    require_role(viewer, COORDINATOR)
    now = clock.now()
    latest = _latest_invitation()
    valid = valid_at(now)
    with reading(sf) as s:
        base = select(func.count(Person.id)).where(Person.erased_at.is_(None))
        by_state = dict(
            s.execute(
                select(Person.is_active, func.count(Person.id))
                .where(Person.erased_at.is_(None))
                .group_by(Person.is_active)
            )
            .tuples()
            .all()
        )
        active, inactive = by_state.get(True, 0), by_state.get(False, 0)
        with_account = (
            s.scalar(base.join(Account, Account.person_id == Person.id).where(Person.is_active))
            or 0
        )
        invited = (
            s.scalar(
                base.outerjoin(Account, Account.person_id == Person.id)
                .join(latest, latest.c.person_id == Person.id)
                .join(Invitation, Invitation.id == latest.c.invitation_id)
                .where(Account.id.is_(None), Person.is_active.is_(True), valid)
            )
            or 0
        )
    return PeopleSummary(
        active=active,
        inactive=inactive,
        with_account=with_account,
        invited=invited,
        not_invited=active - with_account - invited,
    )
