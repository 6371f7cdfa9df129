"""The do-not-pair list: people a coordinator must never see matched, and why (staff only).

A conflict of interest (a close relative, a pending dispute, a role opening) is recorded
with a reason that only coordinators and admins read: no participant-facing function
returns it. An entry applies to one programme; the matcher and every hand-made match obey
it (:func:`core.matching.candidates.rules`). Adding and removing are audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.kernel.text import clean_line
from core.kernel.tx import get_or_404, reading, transaction
from core.matching import candidates
from core.people.names import names_of
from db.models import NAME_ORDER, DoNotPair, Enrolment, Person

REASON_MAX = 300


@dataclass(frozen=True)
class Entry:
    """One do-not-pair entry as staff read it."""

    entry_id: int
    person_a: str
    person_b: str
    reason: str
    created_at: dt.datetime
    everywhere: bool  # recorded for every programme, not only this one


def list_entries(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> list[Entry]:
    """The entries that apply to this programme (its own and company-wide ones)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        candidates.programme(s, programme_id)
        a, b = aliased(Person), aliased(Person)
        rows = s.execute(
            select(DoNotPair, a.full_name, b.full_name)
            .join(a, a.id == DoNotPair.person_a_id)
            .join(b, b.id == DoNotPair.person_b_id)
            .where(or_(DoNotPair.programme_id.is_(None), DoNotPair.programme_id == programme_id))
            .order_by(DoNotPair.created_at.desc(), DoNotPair.id.desc())
        ).all()
        return [
            Entry(e.id, na, nb, e.reason, e.created_at, e.programme_id is None)
            for e, na, nb in rows
        ]


def people(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> list[tuple[int, str]]:
    """Who may go on this programme's list: its enrolled people (id, name), by name."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        candidates.programme(s, programme_id)
        return list(
            s.execute(
                select(Person.id, Person.full_name)
                .join(Enrolment, Enrolment.person_id == Person.id)
                .where(Enrolment.programme_id == programme_id)
                .order_by(*NAME_ORDER, Person.id)
            ).tuples()
        )


def add_entry(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    person_a_id: int | None,
    person_b_id: int | None,
    reason: str | None,
) -> Entry:
    """Record that these two enrolled people must never be matched in this programme."""
    require_role(viewer, COORDINATOR)
    why = clean_line(reason, t("Reason"), max_chars=REASON_MAX)
    with transaction(sf, stale=t(candidates.STALE)) as s:
        p = candidates.programme(s, programme_id)
        if person_a_id is None or person_b_id is None or person_a_id == person_b_id:
            raise InvalidInput(t("Choose two different people."))
        enrolled = set(
            s.scalars(
                select(Enrolment.person_id).where(
                    Enrolment.programme_id == p.id,
                    Enrolment.person_id.in_([person_a_id, person_b_id]),
                )
            )
        )
        if enrolled != {person_a_id, person_b_id}:
            raise InvalidInput(t("Both people must be enrolled in this programme."))
        if _existing(s, p.id, person_a_id, person_b_id) is not None:
            raise InvalidInput(t("These two people are already on the do-not-pair list."))
        entry = DoNotPair(
            programme_id=p.id,
            person_a_id=min(person_a_id, person_b_id),
            person_b_id=max(person_a_id, person_b_id),
            reason=why,
            created_at=clock.now(),
        )
        s.add(entry)
        s.flush()
        names = names_of(s, (person_a_id, person_b_id))
        # The reason stays out of the audit log: the log records who acted, not the why.
        audit.by(s, viewer, "do_not_pair_added", target=p.name, entry=entry.id)
        return Entry(
            entry.id,
            names[entry.person_a_id],
            names[entry.person_b_id],
            why,
            entry.created_at,
            False,
        )


def remove_entry(sf: sessionmaker[Session], viewer: Viewer, entry_id: int) -> None:
    """Take a pair off the do-not-pair list: the matcher may match them again."""
    require_role(viewer, COORDINATOR)
    with transaction(sf, stale=t(candidates.STALE)) as s:
        entry = get_or_404(
            s, DoNotPair, entry_id, missing=t("This do-not-pair entry no longer exists.")
        )
        audit.by(s, viewer, "do_not_pair_removed", target=str(entry.programme_id), entry=entry.id)
        s.delete(entry)


def _existing(s: Session, programme_id: int, a: int, b: int) -> DoNotPair | None:
    return s.scalars(
        select(DoNotPair).where(
            or_(DoNotPair.programme_id.is_(None), DoNotPair.programme_id == programme_id),
            or_(
                (DoNotPair.person_a_id == a) & (DoNotPair.person_b_id == b),
                (DoNotPair.person_a_id == b) & (DoNotPair.person_b_id == a),
            ),
        )
    ).first()
