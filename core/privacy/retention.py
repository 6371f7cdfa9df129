"""Retention (issue 13): a programme's private text is erased N days after it ends.

- ``Programme.retention_days``: None (the default) keeps private text; N erases it N
  days after the programme's end date, once the programme is closed (closed without an
  end date: N days after it was closed, its last change).
- What is erased: the private text (the encrypted columns of db/crypto/) of every row
  of the programme — its goals (steps, comments), journal entries and drafts, action
  items, feedback and requests, meetings' agenda and notes, resources, concerns and
  agreement expectations. Each value becomes ``""``; the rows stay, so every count of
  the dashboard (meetings held, journal entries, goals, feedback…) stays as it was.
- :func:`purge` (``python -m tandem purge``) does it: idempotent (a value already empty
  is not counted again) and logged once per programme, counts only, never a text.
- Participants see the date on their journal page (:func:`my_erase_dates`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.kernel.tx import expect_version, reading, transaction
from core.privacy.rows import update_rows
from core.programmes.programmes import programme_or_404
from db import crypto
from db.models import (
    ActionItem,
    Agreement,
    AgreementMember,
    Concern,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
    Match,
    Meeting,
    Programme,
    ProgrammeStatus,
    Resource,
)

MAX_RETENTION_DAYS = 3650
PURGE_ACTOR = "tandem purge"


def erase_on(p: Programme) -> dt.date | None:
    """The day ``p``'s private text is erased; None: kept, or no end date known yet."""
    if p.retention_days is None:
        return None
    end = p.end_date
    if end is None and p.status == ProgrammeStatus.CLOSED:
        end = p.updated_at.date()  # a closed programme cannot change: its last change closed it
    return None if end is None else end + dt.timedelta(days=p.retention_days)


def is_due(p: Programme, today: dt.date) -> bool:
    """Is ``p`` closed and its erase date reached?"""
    when = erase_on(p)
    return p.status == ProgrammeStatus.CLOSED and when is not None and when <= today


# --------------------------------------------------------------------------- the setting


def clean_days(value: object) -> int | None:
    """A retention typed in a form: empty keeps; else whole days 0 … MAX_RETENTION_DAYS."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        days = int(str(value).strip())
    except ValueError:
        days = -1
    if isinstance(value, float) and not value.is_integer():
        days = -1
    if not 0 <= days <= MAX_RETENTION_DAYS:
        raise InvalidInput(
            t(
                "The retention is a whole number of days from 0 to {max}, or empty to keep private text.",
                max=MAX_RETENTION_DAYS,
            )
        )
    return days


def set_retention(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    days: object,
    *,
    expected_version: int | None,
) -> Programme:
    """Set how many days after its end the programme's private text is erased (None: keep).

    Allowed on a closed programme too: that is when it matters.
    """
    require_role(viewer, COORDINATOR)
    cleaned = clean_days(days)
    stale = t("Someone changed this programme meanwhile: reload it and try again.")
    with transaction(sf, stale=stale) as s:
        p = programme_or_404(s, programme_id)
        expect_version(p, expected_version, stale=stale)
        if p.retention_days != cleaned:
            p.retention_days = cleaned
            s.flush()
            audit.by(
                s,
                viewer,
                "retention_changed",
                target=f"programme {p.id}",
                days="keep" if cleaned is None else cleaned,
            )
        return p


# --------------------------------------------------------------------------- participants


@dataclass(frozen=True)
class ErasePlan:
    """What a participant is told about one of their programmes."""

    programme: str
    days: int
    erase_on: dt.date | None  # None: the programme has no end date yet
    erased: bool  # the date has passed and the programme is closed


def my_erase_dates(sf: sessionmaker[Session], viewer: Viewer) -> list[ErasePlan]:
    """The programmes I enrolled in that erase private text, soonest first."""
    if viewer.person_id is None:
        return []
    today = clock.today()
    with reading(sf) as s:
        mine = select(Enrolment.programme_id).where(
            Enrolment.person_id == viewer.person_id,
            Enrolment.status != EnrolmentStatus.WITHDRAWN,
        )
        programmes = s.scalars(
            select(Programme).where(
                Programme.id.in_(mine.scalar_subquery()), Programme.retention_days.is_not(None)
            )
        ).all()
        plans = [
            ErasePlan(p.name, p.retention_days or 0, erase_on(p), is_due(p, today))
            for p in programmes
        ]
    return sorted(plans, key=lambda e: (e.erase_on is None, e.erase_on or dt.date.max))


# --------------------------------------------------------------------------- the purge

# Each model with private text, and how its rows belong to a programme.
_MODELS: tuple[type[Any], ...] = (
    Goal,
    GoalStep,
    GoalComment,
    JournalEntry,
    ActionItem,
    FeedbackRequest,
    Feedback,
    Meeting,
    Resource,
    Concern,
    AgreementMember,
)


def _belongs(model: type[Any], programme_id: int) -> ColumnElement[bool]:
    matches = select(Match.id).where(Match.programme_id == programme_id).scalar_subquery()
    if model in (Goal, Concern):
        return or_(model.programme_id == programme_id, model.match_id.in_(matches))
    if model in (GoalStep, GoalComment):
        goals = select(Goal.id).where(
            or_(Goal.programme_id == programme_id, Goal.match_id.in_(matches))
        )
        return model.goal_id.in_(goals.scalar_subquery())  # type: ignore[no-any-return]
    if model is AgreementMember:
        agreements = select(Agreement.id).where(Agreement.match_id.in_(matches))
        return AgreementMember.agreement_id.in_(agreements.scalar_subquery())
    return model.match_id.in_(matches)  # type: ignore[no-any-return]


def erase_programme_text(s: Session, programme_id: int) -> dict[str, int]:
    """Empty every private text of the programme (never commits): rows changed, per table."""
    counts: dict[str, int] = {}
    for model in _MODELS:
        names = crypto.PROTECTED[model]
        columns = [getattr(model, n) for n in names]
        changed = update_rows(
            s,
            model,
            _belongs(model, programme_id),
            or_(*(c != "" for c in columns)),
            **dict.fromkeys(names, ""),
        )
        if changed:
            counts[model.__tablename__] = changed
    return counts


@dataclass(frozen=True)
class Purged:
    programme_id: int
    programme: str
    counts: dict[str, int]


def purge(sf: sessionmaker[Session], *, today: dt.date | None = None) -> list[Purged]:
    """Erase the private text of every closed programme past its erase date.

    One transaction per programme; a programme whose text is already erased changes
    nothing and writes nothing to the audit log, so running it daily is safe.
    """
    today = today or clock.today()
    with sf() as s:
        due = [
            (p.id, p.name)
            for p in s.scalars(
                select(Programme).where(
                    Programme.status == ProgrammeStatus.CLOSED,
                    Programme.retention_days.is_not(None),
                )
            )
            if is_due(p, today)
        ]
    done: list[Purged] = []
    for pid, name in due:
        with sf.begin() as s:
            counts = erase_programme_text(s, pid)
            if counts:
                audit.record(
                    s,
                    "private_text_erased",
                    actor_username=PURGE_ACTOR,
                    target=f"programme {pid}",
                    **counts,
                )
        if counts:
            done.append(Purged(pid, name, counts))
    return done


def summary(done: Sequence[Purged]) -> str:
    """One line per programme, for the command's output (counts only)."""
    if not done:
        return "Nothing to erase."
    return "\n".join(
        f"Programme {d.programme_id}: private text erased in "
        + ", ".join(f"{n} {table}" for table, n in sorted(d.counts.items()))
        for d in done
    )
