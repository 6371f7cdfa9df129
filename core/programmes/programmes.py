"""Programmes (coordinators): create, edit, move through their states, duplicate as the next cycle.

A programme is one cycle ("Autumn 2026"). Drafts may be incomplete; opening
enrolment checks that everything a participant needs is there
(:mod:`core.programmes.rules`). Every save carries the version the coordinator
started from, so two coordinators saving the same programme get a clear conflict
instead of silently overwriting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput
from core.kernel.i18n import N_, t
from core.kernel.text import clean_line, clean_text
from core.kernel.tx import expect_version, get_or_404, reading, transaction
from core.programmes.options import (
    DEFAULT_MATCHING,
    KPI_METRICS,
    MATCHING_CRITERIA,
    MATCHING_OPTIONS,
    MAX_DESCRIPTION,
    MAX_LONG_TEXT,
    MAX_NAME,
    OBJECTIVES,
    STATUSES,
    status_label,
)
from core.programmes.rules import (
    ProgrammeForm,
    form_problems,
    next_cycle_dates,
    past_date_problems,
    transition_problems,
)
from db.models import (
    Enrolment,
    EnrolmentStatus,
    Person,
    Programme,
    ProgrammeKPI,
    ProgrammeStatus,
    Skill,
)

# The one sentence for a programme id that names no programme (deleted, or never was).
MISSING = N_("This programme does not exist (any more).")


@dataclass(frozen=True)
class ProgrammeRow:
    programme_id: int
    name: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    enrolment_opens: dt.date | None
    enrolment_closes: dt.date | None
    enrolled: int
    version: int


@dataclass(frozen=True)
class EligibilityChoices:
    """Values found in the people directory, offered as eligibility choices."""

    departments: tuple[str, ...]
    levels: tuple[str, ...]
    locations: tuple[str, ...]


def _changed_meanwhile() -> str:
    return t(
        "This programme was changed meanwhile by someone else. Your changes are still in the form: reload the programme to see theirs, then save again."
    )


@contextmanager
def _editing(
    sf: sessionmaker[Session], programme_id: int
) -> Iterator[tuple[Session, Programme, str]]:
    """One transaction on the programme and its KPIs; a concurrent save becomes a Conflict."""
    stale = _changed_meanwhile()
    with transaction(sf, stale=stale) as s:
        yield s, _with_kpis(programme_or_404(s, programme_id)), stale


# --------------------------------------------------------------------------- session helpers


def programme_or_404(s: Session, programme_id: object) -> Programme:
    """The programme with this id, or :class:`NotFound` with the one sentence for it."""
    return get_or_404(s, Programme, programme_id, missing=t(MISSING))


def enrolled_count(s: Session, programme_id: int) -> int:
    """How many people are enrolled (not withdrawn) in the programme."""
    return (
        s.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(
                Enrolment.programme_id == programme_id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
        )
        or 0
    )


def _with_kpis(p: Programme) -> Programme:
    """``p`` with its KPIs loaded now: a page reads them after the transaction."""
    list(p.kpis)
    return p


def _check(form: ProgrammeForm, *, check_past: bool) -> None:
    today = clock.today()
    problems = list(form_problems(form, today=today))
    if check_past:
        problems.extend(past_date_problems(form, today))
    if problems:
        raise InvalidInput("\n".join(problems))


def _apply(p: Programme, form: ProgrammeForm) -> None:
    """Copy the (already validated) form onto ``p``, text cleaned exactly as validated."""
    p.name = clean_line(form.name, t("Name"), max_chars=MAX_NAME)
    p.description = clean_text(form.description, t("Description"), max_chars=MAX_DESCRIPTION)
    p.objectives = [o for o in OBJECTIVES if o in set(form.objectives)]
    p.format = form.format
    p.circle_size = form.circle_size
    p.relationship_type = form.relationship_type
    eligibility: dict[str, Any] = {}
    for key, values in (
        ("departments", form.departments),
        ("levels", form.levels),
        ("locations", form.locations),
    ):
        cleaned = sorted({clean_line(v, key, max_chars=120) for v in values})
        if cleaned:
            eligibility[key] = cleaned
    if form.hired_after:
        eligibility["hired_after"] = form.hired_after.isoformat()
    if form.hired_before:
        eligibility["hired_before"] = form.hired_before.isoformat()
    p.eligibility = eligibility
    p.cadence_days = form.cadence_days
    p.session_minutes = form.session_minutes
    p.start_date, p.end_date = form.start_date, form.end_date
    p.enrolment_opens, p.enrolment_closes = form.enrolment_opens, form.enrolment_closes
    p.guidelines = clean_text(form.guidelines, t("Guidelines"), max_chars=MAX_LONG_TEXT)
    p.suggested_topics = [
        clean_line(x, t("Suggested topic"), max_chars=200) for x in form.suggested_topics
    ]
    p.charter = clean_text(form.charter, t("Confidentiality charter"), max_chars=MAX_LONG_TEXT)
    p.support_contact = clean_line(
        form.support_contact, t("Support contact"), max_chars=200, required=False
    )
    p.matching = {
        **{k: int(form.matching.get(k, DEFAULT_MATCHING[k])) for k in MATCHING_CRITERIA},
        **{k: bool(form.matching.get(k, DEFAULT_MATCHING[k])) for k in MATCHING_OPTIONS},
    }
    existing = {k.metric: k for k in p.kpis}
    for metric in KPI_METRICS:
        target = form.kpis.get(metric)
        if target is None and metric in existing:
            p.kpis.remove(existing[metric])
        elif target is not None and metric in existing:
            existing[metric].target = float(target)
        elif target is not None:
            p.kpis.append(ProgrammeKPI(metric=metric, target=float(target)))
    p.updated_at = clock.now()


def _audit(s: Session, viewer: Viewer, action: str, p: Programme, **detail: Any) -> None:
    audit.by(s, viewer, action, target=f"{p.name} (#{p.id})", **detail)


def _new_draft(viewer: Viewer, form: ProgrammeForm) -> Programme:
    p = Programme(
        status=ProgrammeStatus.DRAFT,
        created_by_id=viewer.person_id,
        **clock.stamps(),
        kpis=[],
    )
    _apply(p, form)
    return p


# --------------------------------------------------------------------------- services


def list_programmes(sf: sessionmaker[Session], viewer: Viewer) -> list[ProgrammeRow]:
    """Every programme, newest start first, with how many people are enrolled."""
    require_role(viewer, COORDINATOR)
    enrolled = (
        select(Enrolment.programme_id, func.count().label("n"))
        .where(Enrolment.status == EnrolmentStatus.ENROLLED)
        .group_by(Enrolment.programme_id)
        .subquery()
    )
    with reading(sf) as s:
        rows = s.execute(
            select(Programme, func.coalesce(enrolled.c.n, 0))
            .outerjoin(enrolled, enrolled.c.programme_id == Programme.id)
            .order_by(Programme.start_date.desc().nulls_first(), Programme.name)
        ).all()
        return [
            ProgrammeRow(
                p.id,
                p.name,
                p.status,
                p.start_date,
                p.end_date,
                p.enrolment_opens,
                p.enrolment_closes,
                n,
                p.version,
            )
            for p, n in rows
        ]


def get_programme(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> Programme:
    """One programme with its KPIs (loaded: safe to read after the transaction)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        return _with_kpis(programme_or_404(s, programme_id))


def eligibility_choices(sf: sessionmaker[Session], viewer: Viewer) -> EligibilityChoices:
    """Departments, levels and locations that exist among active people."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:

        def distinct(column: Any) -> tuple[str, ...]:
            return tuple(
                s.scalars(
                    select(column)
                    .where(column.is_not(None), Person.is_active.is_(True))
                    .distinct()
                    .order_by(column)
                ).all()
            )

        return EligibilityChoices(
            distinct(Person.department), distinct(Person.level), distinct(Person.location)
        )


def create_programme(sf: sessionmaker[Session], viewer: Viewer, form: ProgrammeForm) -> Programme:
    """Create a programme in draft."""
    require_role(viewer, COORDINATOR)
    _check(form, check_past=True)
    with sf.begin() as s:
        p = _new_draft(viewer, form)
        s.add(p)
        s.flush()
        _audit(s, viewer, "programme_created", p)
        return p


def update_programme(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    form: ProgrammeForm,
    *,
    expected_version: int,
) -> Programme:
    """Save the form over the programme, unless someone saved it since ``expected_version``."""
    require_role(viewer, COORDINATOR)
    with _editing(sf, programme_id) as (s, p, stale):
        if p.status == ProgrammeStatus.CLOSED:
            raise InvalidInput(
                t(
                    "A closed programme can no longer be changed: duplicate it as the next cycle instead."
                )
            )
        expect_version(p, expected_version, stale=stale)
        _check(form, check_past=p.status in (ProgrammeStatus.DRAFT, ProgrammeStatus.ENROLMENT))
        _apply(p, form)
        s.flush()
        _audit(s, viewer, "programme_updated", p)
        return p


def change_status(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    target: str,
    *,
    expected_version: int,
) -> Programme:
    """Move the programme to ``target`` if that transition is allowed now; else say why."""
    require_role(viewer, COORDINATOR)
    if target not in STATUSES:
        raise InvalidInput(t("Unknown programme state: {code}.", code=target))
    with _editing(sf, programme_id) as (s, p, stale):
        if p.status == target:
            raise Conflict(t("The programme is already “{status}”.", status=status_label(target)))
        expect_version(p, expected_version, stale=stale)
        problems = list(
            transition_problems(p, target, enrolled=enrolled_count(s, p.id), today=clock.today())
        )
        if problems:
            raise InvalidInput("\n".join(problems))
        before = p.status
        p.status = target
        p.updated_at = clock.now()
        s.flush()
        _audit(s, viewer, "programme_status_changed", p, before=before, after=target)
        return p


def duplicate_programme(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, *, name: str
) -> Programme:
    """Copy a programme as its next cycle: a new draft, same settings, KPIs and own skills."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        source = _with_kpis(programme_or_404(s, programme_id))
        dates = next_cycle_dates(source)
        form = replace(
            ProgrammeForm.of(source),
            name=name,
            start_date=dates["start_date"],
            end_date=dates["end_date"],
            enrolment_opens=dates["enrolment_opens"],
            enrolment_closes=dates["enrolment_closes"],
        )
        problems = list(form_problems(form, today=clock.today()))
        if problems:
            raise InvalidInput("\n".join(problems))
        copy = _new_draft(viewer, form)
        for kpi in source.kpis:  # keep the labels too
            match = next(k for k in copy.kpis if k.metric == kpi.metric)
            match.label = kpi.label
        s.add(copy)
        s.flush()
        own_skills = s.scalars(
            select(Skill).where(Skill.programme_id == source.id, Skill.merged_into_id.is_(None))
        ).all()
        for skill in own_skills:
            s.add(Skill(programme_id=copy.id, name=skill.name, category=skill.category))
        _audit(s, viewer, "programme_duplicated", copy, source=source.id)
        s.flush()
        return copy
