"""Programmes (coordinators): create, edit, move through their states, duplicate as the next cycle.

A programme is one cycle ("Autumn 2026"). Drafts may be incomplete; opening
enrolment checks that everything a participant needs is there. Every save
carries the version the coordinator started from, so two coordinators saving
the same programme get a clear conflict instead of silently overwriting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import N_, format_date, t, tn
from core.kernel.text import clean_line, clean_text
from db.models import Enrolment, Person, Programme, ProgrammeKPI, Skill

OBJECTIVES: dict[str, str] = {
    "upskilling": N_("Upskilling"),
    "reskilling": N_("Reskilling"),
    "onboarding": N_("Onboarding"),
    "retention": N_("Retention"),
    "leadership": N_("Leadership development"),
    "inclusion": N_("Diversity and inclusion"),
    "other": N_("Other"),
}


@dataclass(frozen=True)
class KpiSpec:
    label: str
    minimum: float
    maximum: float
    unit: str  # share (0–1, shown as %) | score | count


# The metrics a programme can be judged by (codes shared with core.insights.metrics, which
# measures them on the dashboard); a programme picks some and sets a target for each.
KPI_METRICS: dict[str, KpiSpec] = {
    "match_rate": KpiSpec(N_("Match rate"), 0.0, 1.0, "share"),
    "engaged_share": KpiSpec(N_("Engaged participants (3 meetings or more)"), 0.0, 1.0, "share"),
    "goal_completion": KpiSpec(N_("Goals achieved"), 0.0, 1.0, "share"),
    "meetings_held_share": KpiSpec(N_("Meetings held, of those due"), 0.0, 1.0, "share"),
    "on_track_share": KpiSpec(N_("Pairs on track"), 0.0, 1.0, "share"),
    "retention_6m": KpiSpec(N_("Participants still employed after 6 months"), 0.0, 1.0, "share"),
    "retention_12m": KpiSpec(N_("Participants still employed after 12 months"), 0.0, 1.0, "share"),
    "nps": KpiSpec(N_("Net Promoter Score"), -100.0, 100.0, "score"),
    "satisfaction": KpiSpec(N_("Satisfaction (1–5)"), 1.0, 5.0, "score"),
    "peer_help": KpiSpec(N_("My peer gives me the help I need (1–5)"), 1.0, 5.0, "score"),
    "progress": KpiSpec(N_("I am making progress on my goals (1–5)"), 1.0, 5.0, "score"),
    "skills_growth": KpiSpec(N_("Mentor-skills growth (points on 1–5)"), -4.0, 4.0, "score"),
    "meetings_per_pair": KpiSpec(N_("Meetings held per pair or circle"), 0.0, 100.0, "count"),
    "enrolled": KpiSpec(N_("Participants enrolled"), 0.0, 100_000.0, "count"),
    "active_matches": KpiSpec(N_("Active pairs and circles"), 0.0, 100_000.0, "count"),
}

FORMATS: dict[str, str] = {
    "pairs": N_("Pairs (1:1)"),
    "circles": N_("Circles of 3 to 6"),
    "both": N_("Pairs and circles"),
}
MIN_CIRCLE, MAX_CIRCLE = 3, 6

RELATIONSHIP_TYPES: dict[str, str] = {
    "peer": N_("Peer mentoring (mutual)"),
    "career": N_("Mentor → mentee: career mentoring"),
    "life": N_("Mentor → mentee: life mentoring"),
    "reverse": N_("Reverse mentoring"),
    "onboarding": N_("Onboarding buddy (new hires with tenured colleagues)"),
}
# Relationship types with a direction: participants enrol as mentor or mentee.
ONE_WAY_TYPES = frozenset({"career", "life", "reverse", "onboarding"})

CADENCES: dict[int, str] = {7: N_("Weekly"), 14: N_("Fortnightly"), 30: N_("Monthly")}
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 15, 240

STATUSES: dict[str, str] = {
    "draft": N_("Draft"),
    "enrolment": N_("Enrolment open"),
    "running": N_("Running"),
    "closed": N_("Closed"),
}
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("enrolment",),
    "enrolment": ("running", "draft"),
    "running": ("closed",),
    "closed": (),
}
TRANSITION_LABELS: dict[tuple[str, str], str] = {
    ("draft", "enrolment"): N_("Open enrolment"),
    ("enrolment", "draft"): N_("Back to draft"),
    ("enrolment", "running"): N_("Close enrolment and start"),
    ("running", "closed"): N_("Close the programme"),
}

MATCHING_CRITERIA: dict[str, str] = {
    "skills": N_("Complementary skills"),
    "themes": N_("Shared goal themes"),
    "level": N_("Same or adjacent level"),
    "cross_department": N_("Different departments"),
    "location": N_("Location or remote compatible"),
    "language": N_("A language in common"),
    "availability": N_("Common availability"),
}
WEIGHTS: dict[str, int] = {"high": 5, "medium": 3, "low": 1, "off": 0}
WEIGHT_LABELS: dict[int, str] = {5: N_("High"), 3: N_("Medium"), 1: N_("Low"), 0: N_("Off")}
MATCHING_OPTIONS: dict[str, str] = {
    "same_manager_forbidden": N_("Never pair two people who have the same manager"),
    "paired_before_forbidden": N_("Never pair two people who were paired in an earlier programme"),
}
DEFAULT_MATCHING: dict[str, Any] = {
    "skills": 5,
    "themes": 3,
    "level": 3,
    "cross_department": 1,
    "location": 1,
    "language": 3,
    "availability": 1,
    "same_manager_forbidden": True,
    "paired_before_forbidden": True,
}

MAX_NAME = 160
MAX_DESCRIPTION = 5_000
MAX_LONG_TEXT = 10_000  # guidelines, charter
MAX_TOPICS = 30
MAX_ELIGIBILITY_VALUES = 100


@dataclass(frozen=True)
class ProgrammeForm:
    """Everything a coordinator types for a programme (dates as dates, lists as tuples)."""

    name: str = ""
    description: str = ""
    objectives: Sequence[str] = ()
    kpis: Mapping[str, float] = field(default_factory=dict)  # metric -> target
    format: str = "pairs"
    circle_size: int = 4
    relationship_type: str = "peer"
    departments: Sequence[str] = ()
    levels: Sequence[str] = ()
    locations: Sequence[str] = ()
    hired_after: dt.date | None = None
    hired_before: dt.date | None = None
    cadence_days: int = 14
    session_minutes: int = 60
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    enrolment_opens: dt.date | None = None
    enrolment_closes: dt.date | None = None
    guidelines: str = ""
    suggested_topics: Sequence[str] = ()
    charter: str = ""
    support_contact: str = ""
    matching: Mapping[str, Any] = field(default_factory=lambda: dict(DEFAULT_MATCHING))

    @classmethod
    def of(cls, p: Programme) -> ProgrammeForm:
        """The form as stored, to edit it."""
        elig = p.eligibility or {}
        return cls(
            name=p.name,
            description=p.description or "",
            objectives=tuple(p.objectives or ()),
            kpis={k.metric: k.target for k in p.kpis if k.metric in KPI_METRICS},
            format=p.format,
            circle_size=p.circle_size,
            relationship_type=p.relationship_type,
            departments=tuple(elig.get("departments") or ()),
            levels=tuple(elig.get("levels") or ()),
            locations=tuple(elig.get("locations") or ()),
            hired_after=_parse_date(elig.get("hired_after")),
            hired_before=_parse_date(elig.get("hired_before")),
            cadence_days=p.cadence_days,
            session_minutes=p.session_minutes,
            start_date=p.start_date,
            end_date=p.end_date,
            enrolment_opens=p.enrolment_opens,
            enrolment_closes=p.enrolment_closes,
            guidelines=p.guidelines or "",
            suggested_topics=tuple(p.suggested_topics or ()),
            charter=p.charter or "",
            support_contact=p.support_contact or "",
            matching={**DEFAULT_MATCHING, **(p.matching or {})},
        )


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


def _parse_date(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _changed_meanwhile() -> str:
    return t(
        "This programme was changed meanwhile by someone else. Your changes are still in the form: reload the programme to see theirs, then save again."
    )


# --------------------------------------------------------------------------- rules


def status_label(status: str) -> str:
    return t(STATUSES.get(status, status))


def form_problems(form: ProgrammeForm, *, today: dt.date) -> Iterator[str]:
    """Every reason the form cannot be saved, as sentences a coordinator can act on."""
    for value, label, limit, required, line in (
        (form.name, N_("Name"), MAX_NAME, True, True),
        (form.support_contact, N_("Support contact"), 200, False, True),
        (form.description, N_("Description"), MAX_DESCRIPTION, False, False),
        (form.guidelines, N_("Guidelines"), MAX_LONG_TEXT, False, False),
        (form.charter, N_("Confidentiality charter"), MAX_LONG_TEXT, False, False),
    ):
        try:
            cleaner = clean_line if line else clean_text
            cleaner(value, t(label), max_chars=limit, required=required)
        except InvalidInput as e:
            yield str(e)
    unknown = [o for o in form.objectives if o not in OBJECTIVES]
    if unknown:
        yield t("Unknown objective: {code}.", code=", ".join(map(str, unknown)))
    for metric, target in form.kpis.items():
        spec = KPI_METRICS.get(metric)
        if spec is None:
            yield t("Unknown KPI: {code}.", code=metric)
        elif not isinstance(target, int | float) or not (
            spec.minimum <= float(target) <= spec.maximum
        ):
            yield t(
                "The target of “{kpi}” must be between {low} and {high}.",
                kpi=t(spec.label),
                low=_kpi_bound(spec, spec.minimum),
                high=_kpi_bound(spec, spec.maximum),
            )
    if form.format not in FORMATS:
        yield t("Unknown format: {code}.", code=form.format)
    if not isinstance(form.circle_size, int) or not (MIN_CIRCLE <= form.circle_size <= MAX_CIRCLE):
        yield t(
            "A circle has between {low} and {high} people, not {size}.",
            low=MIN_CIRCLE,
            high=MAX_CIRCLE,
            size=form.circle_size,
        )
    if form.relationship_type not in RELATIONSHIP_TYPES:
        yield t("Unknown relationship type: {code}.", code=form.relationship_type)
    if form.cadence_days not in CADENCES:
        yield t("The meeting cadence must be weekly, fortnightly or monthly.")
    if not isinstance(form.session_minutes, int) or not (
        MIN_SESSION_MINUTES <= form.session_minutes <= MAX_SESSION_MINUTES
    ):
        yield t(
            "A session lasts between {low} and {high} minutes.",
            low=MIN_SESSION_MINUTES,
            high=MAX_SESSION_MINUTES,
        )
    yield from _date_problems(form, today)
    for values, label in (
        (form.departments, N_("Departments")),
        (form.levels, N_("Levels")),
        (form.locations, N_("Locations")),
    ):
        if len(values) > MAX_ELIGIBILITY_VALUES:
            yield t(
                "“{field}” has too many values: at most {max}.",
                field=t(label),
                max=MAX_ELIGIBILITY_VALUES,
            )
        for value in values:
            try:
                clean_line(value, t(label), max_chars=120)
            except InvalidInput as e:
                yield str(e)
    if form.hired_after and form.hired_before and form.hired_after > form.hired_before:
        yield t("Eligibility: “hired on or after” must come before “hired on or before”.")
    if len(form.suggested_topics) > MAX_TOPICS:
        yield t("At most {max} suggested topics.", max=MAX_TOPICS)
    for topic in form.suggested_topics:
        try:
            clean_line(topic, t("Suggested topic"), max_chars=200)
        except InvalidInput as e:
            yield str(e)
    for key, value in form.matching.items():
        if key in MATCHING_CRITERIA:
            if value not in WEIGHTS.values() or isinstance(value, bool):
                yield t(
                    "The weight of “{criterion}” must be high, medium, low or off.",
                    criterion=t(MATCHING_CRITERIA[key]),
                )
        elif key in MATCHING_OPTIONS:
            if not isinstance(value, bool):
                yield t("“{option}” must be yes or no.", option=t(MATCHING_OPTIONS[key]))
        else:
            yield t("Unknown matching criterion: {code}.", code=key)


def _kpi_bound(spec: KpiSpec, value: float) -> str:
    if spec.unit == "share":
        return f"{value * 100:g} %"
    return f"{value:g}"


def _date_problems(form: ProgrammeForm, today: dt.date) -> Iterator[str]:
    start, end = form.start_date, form.end_date
    opens, closes = form.enrolment_opens, form.enrolment_closes
    if start and end and end <= start:
        yield t("The end date must be after the start date.")
    if (opens is None) != (closes is None):
        yield t("Give both dates of the enrolment window, or neither.")
    if opens and closes and closes < opens:
        yield t("The enrolment window must open before it closes.")
    if opens and start and opens > start:
        yield t(
            "Enrolment must open on or before the start date ({date}).", date=format_date(start)
        )
    if closes and end and closes > end:
        yield t("Enrolment must close on or before the end date ({date}).", date=format_date(end))


def _past_date_problems(form: ProgrammeForm, today: dt.date) -> Iterator[str]:
    # Only for a programme that has not started: an end date in the past makes no sense.
    if form.end_date and form.end_date < today:
        yield t(
            "The end date ({date}) is in the past: a new cycle must end in the future.",
            date=format_date(form.end_date),
        )


def transition_problems(
    p: Programme, target: str, *, enrolled: int, today: dt.date
) -> Iterator[str]:
    """Every reason ``p`` cannot move to ``target`` now (nothing: the move is allowed)."""
    if target not in TRANSITIONS.get(p.status, ()):
        yield t(
            "A programme cannot go from “{current}” to “{target}”.",
            current=status_label(p.status),
            target=status_label(target),
        )
        return
    if target == "enrolment":
        if not p.objectives:
            yield t("Choose at least one objective before opening enrolment.")
        if not (p.start_date and p.end_date):
            yield t("Set the start and end dates before opening enrolment.")
        if not (p.enrolment_opens and p.enrolment_closes):
            yield t("Set the enrolment window before opening enrolment.")
        elif p.enrolment_closes < today:
            yield t(
                "The enrolment window closed on {date}: move it before opening enrolment.",
                date=format_date(p.enrolment_closes),
            )
        if not (p.charter or "").strip():
            yield t(
                "Write the confidentiality charter before opening enrolment: participants accept it when they enrol."
            )
    elif target == "draft" and enrolled:
        yield tn(
            "{n} person has already enrolled: the programme cannot go back to draft.",
            "{n} people have already enrolled: the programme cannot go back to draft.",
            enrolled,
        )
    elif target == "running" and not enrolled:
        yield t("Nobody is enrolled: a programme cannot start without participants.")


def eligibility_problems(eligibility: Mapping[str, Any], person: Person) -> Iterator[str]:
    """Every eligibility rule ``person`` does not meet, naming the rule and their value."""
    unknown = t("not set")
    for key, own, one, many in (
        (
            "departments",
            person.department,
            N_("This programme is for the department {allowed}; yours is {own}."),
            N_("This programme is for the departments {allowed}; yours is {own}."),
        ),
        (
            "levels",
            person.level,
            N_("This programme is for level {allowed}; yours is {own}."),
            N_("This programme is for levels {allowed}; yours is {own}."),
        ),
        (
            "locations",
            person.location,
            N_("This programme is for people based in {allowed}; you are in {own}."),
            N_("This programme is for people based in {allowed}; you are in {own}."),
        ),
    ):
        allowed = [str(v) for v in eligibility.get(key) or ()]
        if allowed and own not in allowed:
            yield t(
                one if len(allowed) == 1 else many, allowed=", ".join(allowed), own=own or unknown
            )
    after = _parse_date(eligibility.get("hired_after"))
    before = _parse_date(eligibility.get("hired_before"))
    if (after or before) and person.hire_date is None:
        yield t("This programme depends on the hire date, and yours is not recorded.")
    elif after and person.hire_date and person.hire_date < after:
        yield t("This programme is for people hired on or after {date}.", date=format_date(after))
    elif before and person.hire_date and person.hire_date > before:
        yield t("This programme is for people hired on or before {date}.", date=format_date(before))


# --------------------------------------------------------------------------- services


def _load(s: Session, programme_id: int) -> Programme:
    p = s.scalar(
        select(Programme).where(Programme.id == programme_id).options(selectinload(Programme.kpis))
    )
    if p is None:
        raise NotFound(t("This programme does not exist (any more)."))
    return p


def _enrolled_count(s: Session, programme_id: int) -> int:
    return (
        s.scalar(
            select(func.count())
            .select_from(Enrolment)
            .where(Enrolment.programme_id == programme_id, Enrolment.status == "enrolled")
        )
        or 0
    )


def _check(form: ProgrammeForm, *, check_past: bool) -> None:
    today = clock.today()
    problems = list(form_problems(form, today=today))
    if check_past:
        problems.extend(_past_date_problems(form, today))
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
    audit.record(
        s,
        action,
        actor_account_id=viewer.account_id,
        actor_username=viewer.username,
        target=f"{p.name} (#{p.id})",
        **detail,
    )


def list_programmes(sf: sessionmaker[Session], viewer: Viewer) -> list[ProgrammeRow]:
    """Every programme, newest start first, with how many people are enrolled."""
    require_role(viewer, COORDINATOR)
    enrolled = (
        select(Enrolment.programme_id, func.count().label("n"))
        .where(Enrolment.status == "enrolled")
        .group_by(Enrolment.programme_id)
        .subquery()
    )
    with sf.begin() as s:
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
        return _load(s, programme_id)


def eligibility_choices(sf: sessionmaker[Session], viewer: Viewer) -> EligibilityChoices:
    """Departments, levels and locations that exist among active people."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:

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
    now = clock.now()
    with sf.begin() as s:
        p = Programme(
            status="draft", created_by_id=viewer.person_id, created_at=now, updated_at=now, kpis=[]
        )
        _apply(p, form)
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
    try:
        with sf.begin() as s:
            p = _load(s, programme_id)
            if p.status == "closed":
                raise InvalidInput(
                    t(
                        "A closed programme can no longer be changed: duplicate it as the next cycle instead."
                    )
                )
            if p.version != expected_version:
                raise Conflict(_changed_meanwhile())
            _check(form, check_past=p.status in ("draft", "enrolment"))
            _apply(p, form)
            s.flush()
            _audit(s, viewer, "programme_updated", p)
            return p
    except StaleDataError as e:  # a concurrent save committed between our read and write
        raise Conflict(_changed_meanwhile()) from e


def allowed_transitions(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


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
    try:
        with sf.begin() as s:
            p = _load(s, programme_id)
            if p.status == target:
                raise Conflict(
                    t("The programme is already “{status}”.", status=status_label(target))
                )
            if p.version != expected_version:
                raise Conflict(_changed_meanwhile())
            problems = list(
                transition_problems(
                    p, target, enrolled=_enrolled_count(s, p.id), today=clock.today()
                )
            )
            if problems:
                raise InvalidInput("\n".join(problems))
            before = p.status
            p.status = target
            p.updated_at = clock.now()
            s.flush()
            _audit(s, viewer, "programme_status_changed", p, before=before, after=target)
            return p
    except StaleDataError as e:
        raise Conflict(_changed_meanwhile()) from e


def next_cycle_dates(p: Programme) -> dict[str, dt.date | None]:
    """The same calendar, moved so that the next cycle starts the day after this one ends."""
    if not (p.start_date and p.end_date):
        return {
            "start_date": None,
            "end_date": None,
            "enrolment_opens": None,
            "enrolment_closes": None,
        }
    shift = (p.end_date - p.start_date) + dt.timedelta(days=1)

    def moved(d: dt.date | None) -> dt.date | None:
        return d + shift if d else None

    return {
        "start_date": moved(p.start_date),
        "end_date": moved(p.end_date),
        "enrolment_opens": moved(p.enrolment_opens),
        "enrolment_closes": moved(p.enrolment_closes),
    }


def duplicate_programme(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, *, name: str
) -> Programme:
    """Copy a programme as its next cycle: a new draft, same settings, KPIs and own skills."""
    require_role(viewer, COORDINATOR)
    now = clock.now()
    with sf.begin() as s:
        source = _load(s, programme_id)
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
        copy = Programme(
            status="draft", created_by_id=viewer.person_id, created_at=now, updated_at=now, kpis=[]
        )
        _apply(copy, form)
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
