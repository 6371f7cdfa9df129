"""Undoing an import's deactivations (coordinators), for 30 days.

An import that deactivated the people missing from its file records whom it deactivated
and which accounts went with them (:func:`record`, in the import's transaction). Undoing
it reactivates exactly those people who are still inactive and untouched since — someone
edited or deactivated again by hand since the import is left as they are — and their
accounts. Sessions the import ended stay ended: people sign in again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, NotFound
from core.kernel.i18n import format_date, t
from core.kernel.store import transaction_lock
from core.kernel.tx import reading
from db.models import Account, ImportDeactivation, PeopleImport, Person

UNDO_DAYS = 30


@dataclass(frozen=True)
class UndoableImport:
    import_id: int
    at: dt.datetime
    filename: str
    deactivated: int  # people the import deactivated
    still_inactive: int  # of those, how many are still inactive
    until: dt.date  # the last day it can be undone


@dataclass(frozen=True)
class UndoResult:
    reactivated: int  # people active again
    accounts: int  # accounts active again
    left: int  # people changed since the import (edited, or deactivated again): left alone


def record(
    s: Session, viewer: Viewer, filename: str, person_ids: Sequence[int], now: dt.datetime
) -> None:
    """Remember whom an import deactivates, before it does (in its transaction)."""
    if not person_ids:
        return
    row = PeopleImport(at=now, by_account_id=viewer.account_id, filename=filename[:200])
    s.add(row)
    s.flush()
    accounts: dict[int, int] = dict(
        s.execute(
            select(Account.person_id, Account.id).where(
                Account.person_id.in_(person_ids), Account.is_active.is_(True)
            )
        )
        .tuples()
        .all()
    )
    s.add_all(
        ImportDeactivation(import_id=row.id, person_id=p, account_id=accounts.get(p))
        for p in person_ids
    )


def undoable_imports(sf: sessionmaker[Session], viewer: Viewer) -> list[UndoableImport]:
    """The imports whose deactivations can still be undone, newest first."""
    require_role(viewer, COORDINATOR)
    now = clock.now()
    with reading(sf) as s:
        rows = s.execute(
            select(
                PeopleImport.id,
                PeopleImport.at,
                PeopleImport.filename,
                func.count(ImportDeactivation.person_id),
                func.count(Person.id),
            )
            .join(ImportDeactivation, ImportDeactivation.import_id == PeopleImport.id)
            .outerjoin(
                Person,
                (Person.id == ImportDeactivation.person_id) & Person.is_active.is_(False),
            )
            .where(
                PeopleImport.undone_at.is_(None),
                PeopleImport.at >= now - dt.timedelta(days=UNDO_DAYS),
            )
            .group_by(PeopleImport.id, PeopleImport.at, PeopleImport.filename)
            .order_by(PeopleImport.at.desc(), PeopleImport.id.desc())
        ).all()
    return [
        UndoableImport(i, at, name, n, inactive, (at + dt.timedelta(days=UNDO_DAYS)).date())
        for i, at, name, n, inactive in rows
    ]


def undo_import(sf: sessionmaker[Session], viewer: Viewer, import_id: int) -> UndoResult:
    """Reactivate the people ``import_id`` deactivated who are still as it left them."""
    require_role(viewer, COORDINATOR)
    now = clock.now()
    with sf.begin() as s:
        transaction_lock(s, "people_import")  # an import or a second undo waits its turn
        row = s.get(PeopleImport, import_id)
        if row is None:
            raise NotFound(t("This import no longer exists."))
        if row.undone_at is not None:
            raise Conflict(
                t("This import was already undone on {date}.", date=format_date(row.undone_at))
            )
        if now > row.at + dt.timedelta(days=UNDO_DAYS):
            raise Conflict(
                t(
                    "An import can be undone for {days} days: this one was on {date}.",
                    days=UNDO_DAYS,
                    date=format_date(row.at),
                )
            )
        gone = s.execute(
            select(ImportDeactivation.person_id, ImportDeactivation.account_id, Person)
            .join(Person, Person.id == ImportDeactivation.person_id)
            .where(ImportDeactivation.import_id == import_id)
        ).all()
        # As the import left them: inactive, and not edited since (the import stamped them).
        back = [(p.id, a) for _pid, a, p in gone if not p.is_active and p.updated_at == row.at]
        people = [p for p, _a in back]
        if people:
            s.execute(
                update(Person).where(Person.id.in_(people)).values(is_active=True, updated_at=now)
            )
        accounts = [a for _p, a in back if a is not None]
        reopened = 0
        if accounts:
            reopened = s.execute(
                update(Account)
                .where(Account.id.in_(accounts), Account.is_active.is_(False))
                .values(is_active=True)
            ).rowcount  # type: ignore[attr-defined]
        row.undone_at, row.undone_by_account_id = now, viewer.account_id
        result = UndoResult(len(people), reopened or 0, len(gone) - len(people))
        audit.by(
            s,
            viewer,
            "people_import_undone",
            target=row.filename,
            reactivated=result.reactivated,
            accounts=result.accounts,
            left=result.left,
        )
    return result
