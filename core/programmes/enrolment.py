"""Enrolment (participants): the programmes I can join, my answers, saving or withdrawing them.

Enrolling needs: being eligible (the programme's rules against the person's
record, :mod:`core.programmes.rules`), the window open, the charter accepted. The
answers (:mod:`core.programmes.answers`) form the enrolment profile that matching
uses; DESIGN.md "Who sees what" says who reads it. Coordinators see who joined in
:mod:`core.programmes.enrolled`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock, validate
from core.kernel.access import COORDINATOR, Viewer
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import N_, t
from core.kernel.settings import k_threshold
from core.kernel.text import clean_text
from core.kernel.tx import get_or_404, reading
from core.kernel.views import from_row
from core.programmes.answers import (
    AVAILABILITY,
    GOAL_THEMES,
    LANGUAGES,
    MAX_MOTIVATION,
    Answers,
    EnrolmentForm,
    answers_of,
    form_problems,
)
from core.programmes.options import ONE_WAY_TYPES
from core.programmes.rules import (
    WINDOW_OPEN,
    eligibility_problems,
    settings_of,
    window_problems,
    window_state,
)
from db.models import (
    Enrolment,
    EnrolmentSkill,
    EnrolmentStatus,
    Person,
    Programme,
    ProgrammeStatus,
    SelfAssessment,
    Skill,
)

# For a participant a draft does not exist: the same sentence as for an unknown id.
NOT_OPEN = N_("This programme does not exist or is not open to participants.")
BASELINE = "baseline"  # SelfAssessment.phase of the answers given when enrolling


@dataclass(frozen=True)
class ProgrammeOffer:
    """A programme as a participant sees it, with whether and why they can enrol."""

    programme_id: int
    name: str
    description: str
    status: str
    relationship_type: str
    format: str
    circle_size: int
    cadence_days: int
    session_minutes: int
    start_date: dt.date | None
    end_date: dt.date | None
    enrolment_opens: dt.date | None
    enrolment_closes: dt.date | None
    guidelines: str
    suggested_topics: tuple[str, ...]
    charter: str
    support_contact: str
    window: str  # open | not_yet | closed
    eligible: bool
    problems: tuple[str, ...]  # why I cannot enrol (empty: I can)
    my_status: str | None  # enrolled | withdrawn | None

    @property
    def can_enrol(self) -> bool:
        return not self.problems

    @property
    def one_way(self) -> bool:
        return self.relationship_type in ONE_WAY_TYPES


@dataclass(frozen=True)
class SkillOption:
    skill_id: int
    name: str
    category: str


@dataclass(frozen=True)
class MyEnrolment(Answers):
    enrolment_id: int
    programme_id: int
    status: str
    role: str
    mentor_capacity: int
    offered: tuple[int, ...]
    wanted: tuple[int, ...]
    self_assessment: dict[str, int]
    charter_accepted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


# --------------------------------------------------------------------------- session helpers


def _person(s: Session, viewer: Viewer) -> Person:
    person = s.get(Person, viewer.person_id)
    if person is None or person.erased_at is not None:
        raise NotFound(t("Your person record was not found."))
    return person


def _open_programme(s: Session, programme_id: object) -> Programme:
    """A programme a participant may see (not a draft), or :class:`NotFound`."""
    p = get_or_404(s, Programme, programme_id, missing=t(NOT_OPEN))
    if p.status == ProgrammeStatus.DRAFT:
        raise NotFound(t(NOT_OPEN))
    return p


def _mine(s: Session, programme_id: int, person_id: int) -> Enrolment | None:
    return s.scalar(
        select(Enrolment).where(
            Enrolment.programme_id == programme_id, Enrolment.person_id == person_id
        )
    )


def _offer(p: Programme, person: Person, mine: Enrolment | None, today: dt.date) -> ProgrammeOffer:
    eligibility = list(eligibility_problems(p.eligibility or {}, person))
    if not person.is_active:
        eligibility.insert(0, t("Your account is not active."))
    problems = list(window_problems(p, today)) + eligibility
    return ProgrammeOffer(
        programme_id=p.id,
        name=p.name,
        description=p.description or "",
        status=p.status,
        window=window_state(p, today),
        eligible=not eligibility,
        problems=tuple(problems),
        my_status=mine.status if mine else None,
        **settings_of(p),
    )


def _skills(s: Session, programme_id: int) -> list[Skill]:
    return list(
        s.scalars(
            select(Skill)
            .where(
                or_(Skill.programme_id == programme_id, Skill.programme_id.is_(None)),
                Skill.merged_into_id.is_(None),
            )
            .order_by(Skill.category, Skill.name)
        )
    )


def _baseline(s: Session, enrolment_id: int) -> dict[str, SelfAssessment]:
    return {
        a.skill: a
        for a in s.scalars(
            select(SelfAssessment).where(
                SelfAssessment.enrolment_id == enrolment_id, SelfAssessment.phase == BASELINE
            )
        )
    }


def _my(s: Session, e: Enrolment) -> MyEnrolment:
    scores = {skill: a.score for skill, a in _baseline(s, e.id).items()}
    kinds = s.execute(
        select(EnrolmentSkill.skill_id, EnrolmentSkill.kind).where(
            EnrolmentSkill.enrolment_id == e.id
        )
    ).all()
    return from_row(
        MyEnrolment,
        e,
        enrolment_id=e.id,
        offered=tuple(sorted(i for i, k in kinds if k == "offered")),
        wanted=tuple(sorted(i for i, k in kinds if k == "wanted")),
        **answers_of(e),
        self_assessment=scores,
    )


def _write_answers(
    s: Session, e: Enrolment, form: EnrolmentForm, one_way: bool, now: dt.datetime
) -> None:
    """Copy the (already checked) form onto the enrolment, its skills and its baseline."""
    e.status = EnrolmentStatus.ENROLLED
    e.withdrawn_at = None
    e.role = form.role if one_way else "peer"
    e.mentor_capacity = form.mentor_capacity if e.role == "mentor" else 1
    e.goal_themes = [x for x in GOAL_THEMES if x in set(form.goal_themes)]
    e.availability = [x for x in AVAILABILITY if x in set(form.availability)]
    e.work_mode = form.work_mode
    e.languages = [x for x in LANGUAGES if x in set(form.languages)]
    e.motivation = clean_text(form.motivation, t("Motivation"), max_chars=MAX_MOTIVATION)
    if form.charter_accepted and e.charter_accepted_at is None:
        e.charter_accepted_at = now
    e.updated_at = now
    s.flush()
    wanted_rows = {(i, "offered") for i in form.offered} | {(i, "wanted") for i in form.wanted}
    current = {(x.skill_id, x.kind): x for x in e.skills}
    for key, row in current.items():
        if key not in wanted_rows:
            e.skills.remove(row)
    for skill_id, kind in sorted(wanted_rows - current.keys()):
        e.skills.append(EnrolmentSkill(skill_id=skill_id, kind=kind))
    baseline = _baseline(s, e.id)
    for skill, score in form.self_assessment.items():
        if skill in baseline:
            if baseline[skill].score != score:
                baseline[skill].score, baseline[skill].at = score, now
        else:
            s.add(
                SelfAssessment(enrolment_id=e.id, phase=BASELINE, skill=skill, score=score, at=now)
            )
    s.flush()


# --------------------------------------------------------------------------- services


def list_offers(sf: sessionmaker[Session], viewer: Viewer) -> list[ProgrammeOffer]:
    """Programmes open to participants (not drafts), plus those I am in; open ones first."""
    today = clock.today()
    with reading(sf) as s:
        person = _person(s, viewer)
        mine = {
            e.programme_id: e
            for e in s.scalars(select(Enrolment).where(Enrolment.person_id == person.id))
        }
        programmes = s.scalars(
            select(Programme)
            .where(
                or_(
                    Programme.status == ProgrammeStatus.ENROLMENT,
                    and_(
                        Programme.status == ProgrammeStatus.RUNNING,
                        Programme.id.in_(
                            select(Enrolment.programme_id).where(Enrolment.person_id == person.id)
                        ),
                    ),
                )
            )
            .order_by(Programme.start_date.nulls_last(), Programme.name)
        ).all()
        offers = [_offer(p, person, mine.get(p.id), today) for p in programmes]
    return sorted(offers, key=lambda o: (o.window != WINDOW_OPEN, not o.eligible))


def get_offer(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> ProgrammeOffer:
    """One programme as the participant sees it (drafts do not exist for participants)."""
    with sf.begin() as s:
        person = _person(s, viewer)
        p = _open_programme(s, programme_id)
        return _offer(p, person, _mine(s, p.id, person.id), clock.today())


def programme_skills(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int
) -> list[SkillOption]:
    """The skill list participants choose from: the programme's own and the shared ones.

    Drafts are for staff: for a participant a draft (or unknown) programme does not exist.
    """
    rid = validate.record_id(programme_id)
    if rid is None:
        raise NotFound(t(NOT_OPEN))
    with reading(sf) as s:
        if not viewer.has(COORDINATOR):
            _open_programme(s, rid)
        return [SkillOption(k.id, k.name, k.category) for k in _skills(s, rid)]


def my_enrolment(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int
) -> MyEnrolment | None:
    """My answers for this programme (enrolled or withdrawn), or None."""
    rid = validate.record_id(programme_id)
    if rid is None:
        return None
    with reading(sf) as s:
        e = _mine(s, rid, viewer.person_id)
        return _my(s, e) if e else None


def save_enrolment(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, form: EnrolmentForm
) -> MyEnrolment:
    """Enrol, change my answers, or re-enrol after withdrawing: only while the window is open."""
    now = clock.now()
    try:
        with sf.begin() as s:
            person = _person(s, viewer)
            p = _open_programme(s, programme_id)
            offer = _offer(p, person, None, now.date())
            if offer.problems:
                raise InvalidInput("\n".join(offer.problems))
            skills = {k.id: k.name for k in _skills(s, p.id)}
            one_way = p.relationship_type in ONE_WAY_TYPES
            problems = list(form_problems(form, skills, one_way=one_way, charter=p.charter or ""))
            if problems:
                raise InvalidInput("\n".join(problems))
            e = _mine(s, p.id, person.id)
            if e is None:
                e = Enrolment(programme_id=p.id, person_id=person.id, created_at=now)
                s.add(e)
            _write_answers(s, e, form, one_way, now)
            return _my(s, e)
    except IntegrityError as err:  # two first submissions at once (PostgreSQL)
        raise Conflict(
            t("Your enrolment was saved meanwhile from another window; reload to see it.")
        ) from err


def withdraw(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> None:
    """Leave a programme. Idempotent: withdrawing twice changes nothing. (A participant
    leaves through core.relationship.lifecycle.withdraw, which also ends their match.)"""
    with sf.begin() as s:
        withdraw_in(s, viewer, programme_id, clock.now())


def withdraw_in(s: Session, viewer: Viewer, programme_id: int, now: dt.datetime) -> int | None:
    """Withdraw in the caller's transaction; the programme's id, or None if already withdrawn."""
    rid = validate.record_id(programme_id)
    if rid is None:
        raise NotFound(t(NOT_OPEN))
    e = _mine(s, rid, viewer.person_id)
    if e is None:
        raise NotFound(t("You are not enrolled in this programme."))
    if e.status == EnrolmentStatus.WITHDRAWN:
        return None
    if s.get_one(Programme, rid).status == ProgrammeStatus.CLOSED:
        raise InvalidInput(t("This programme has ended: there is nothing to withdraw from."))
    e.status = EnrolmentStatus.WITHDRAWN
    e.withdrawn_at = now
    e.updated_at = now
    return rid


def k_for(sf: sessionmaker[Session]) -> int:
    """k of k-suppression, for the 'who sees my answers' text."""
    with reading(sf) as s:
        return k_threshold(s)


def directory_opt_in(sf: sessionmaker[Session], viewer: Viewer) -> bool:
    """Whether I chose to be listed in the expert directory (the 'who sees' text says so)."""
    with reading(sf) as s:
        return bool(_person(s, viewer).directory_opt_in)
