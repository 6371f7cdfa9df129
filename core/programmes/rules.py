"""The rules on a programme: what a coordinator may save (:class:`ProgrammeForm`), when it
may change state, who is eligible, and the next cycle's calendar. Each rule yields the
sentences a coordinator or a participant reads; nothing here touches the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.kernel.errors import InvalidInput
from core.kernel.i18n import N_, format_date, t, tn
from core.kernel.text import clean_line, clean_text
from core.programmes.options import (
    CADENCES,
    DEFAULT_MATCHING,
    FORMATS,
    KPI_METRICS,
    MATCHING_CRITERIA,
    MATCHING_OPTIONS,
    MAX_CIRCLE,
    MAX_DESCRIPTION,
    MAX_ELIGIBILITY_VALUES,
    MAX_LONG_TEXT,
    MAX_NAME,
    MAX_SESSION_MINUTES,
    MAX_TOPICS,
    MIN_CIRCLE,
    MIN_SESSION_MINUTES,
    OBJECTIVES,
    ONE_TO_ONE,
    ONE_WAY_TYPES,
    RELATIONSHIP_TYPES,
    TRANSITIONS,
    WEIGHTS,
    KpiSpec,
    status_label,
)
from db.models import Person, Programme, ProgrammeStatus


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
            departments=tuple(elig.get("departments") or ()),
            levels=tuple(elig.get("levels") or ()),
            locations=tuple(elig.get("locations") or ()),
            hired_after=_parse_date(elig.get("hired_after")),
            hired_before=_parse_date(elig.get("hired_before")),
            matching={**DEFAULT_MATCHING, **(p.matching or {})},
            **settings_of(p),
        )


def settings_of(p: Programme) -> dict[str, Any]:
    """The settings a coordinator's form and a participant's offer both show, as stored."""
    return {
        "format": p.format,
        "circle_size": p.circle_size,
        "relationship_type": p.relationship_type,
        "cadence_days": p.cadence_days,
        "session_minutes": p.session_minutes,
        "start_date": p.start_date,
        "end_date": p.end_date,
        "enrolment_opens": p.enrolment_opens,
        "enrolment_closes": p.enrolment_closes,
        "guidelines": p.guidelines or "",
        "suggested_topics": tuple(p.suggested_topics or ()),
        "charter": p.charter or "",
        "support_contact": p.support_contact or "",
    }


def _parse_date(value: Any) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


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
    elif form.relationship_type in ONE_WAY_TYPES and form.format != "pairs":
        # A mentor (or a buddy) is assigned to one person: the matcher makes 1:1 pairs, so a
        # circle format would promise what it never delivers.
        yield t(ONE_TO_ONE)
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


def past_date_problems(form: ProgrammeForm, today: dt.date) -> Iterator[str]:
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
    if target == ProgrammeStatus.ENROLMENT:
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
    elif target == ProgrammeStatus.DRAFT and enrolled:
        yield tn(
            "{n} person has already enrolled: the programme cannot go back to draft.",
            "{n} people have already enrolled: the programme cannot go back to draft.",
            enrolled,
        )
    elif target == ProgrammeStatus.RUNNING and not enrolled:
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


# --------------------------------------------------------------------------- enrolment window

WINDOW_OPEN, WINDOW_NOT_YET, WINDOW_CLOSED = "open", "not_yet", "closed"


def window_state(p: Programme, today: dt.date) -> str:
    """open, not_yet (enrolment not open yet) or closed."""
    if p.status == ProgrammeStatus.ENROLMENT:
        if p.enrolment_opens and today < p.enrolment_opens:
            return WINDOW_NOT_YET
        if p.enrolment_closes and today > p.enrolment_closes:
            return WINDOW_CLOSED
        return WINDOW_OPEN
    return WINDOW_NOT_YET if p.status == ProgrammeStatus.DRAFT else WINDOW_CLOSED


def window_problems(p: Programme, today: dt.date) -> Iterator[str]:
    """Why enrolment in ``p`` is not possible today (nothing when it is open)."""
    state = window_state(p, today)
    if state == WINDOW_OPEN:
        return
    if p.status == ProgrammeStatus.DRAFT:
        yield t("This programme is not open for enrolment yet.")
    elif p.status == ProgrammeStatus.RUNNING:
        yield t("Enrolment is closed: the programme has started.")
    elif p.status == ProgrammeStatus.CLOSED:
        yield t("This programme has ended.")
    elif state == WINDOW_NOT_YET:
        yield t("Enrolment opens on {date}.", date=format_date(p.enrolment_opens))
    else:
        yield t("Enrolment closed on {date}.", date=format_date(p.enrolment_closes))
