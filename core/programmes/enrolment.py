"""Enrolment: a participant joins a programme during its window; coordinators see who joined.

Enrolling needs: being eligible (the programme's rules against the person's
record), the window open, the charter accepted. The answers form the enrolment
profile that matching uses; DESIGN.md "Who sees what" says who reads it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock, validate
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import N_, format_date, t
from core.kernel.settings import k_threshold
from core.kernel.text import clean_text
from core.programmes.programmes import ONE_WAY_TYPES, eligibility_problems
from db.models import Enrolment, EnrolmentSkill, Person, Programme, SelfAssessment, Skill

AVAILABILITY: dict[str, str] = {
    "mon-am": N_("Monday morning"),
    "mon-pm": N_("Monday afternoon"),
    "tue-am": N_("Tuesday morning"),
    "tue-pm": N_("Tuesday afternoon"),
    "wed-am": N_("Wednesday morning"),
    "wed-pm": N_("Wednesday afternoon"),
    "thu-am": N_("Thursday morning"),
    "thu-pm": N_("Thursday afternoon"),
    "fri-am": N_("Friday morning"),
    "fri-pm": N_("Friday afternoon"),
}
WORK_MODES: dict[str, str] = {
    "onsite": N_("On site"),
    "remote": N_("Remote"),
    "either": N_("Either"),
}
LANGUAGES: dict[str, str] = {
    "en": N_("English"),
    "fr": N_("French"),
    "es": N_("Spanish"),
    "de": N_("German"),
    "it": N_("Italian"),
    "pt": N_("Portuguese"),
    "nl": N_("Dutch"),
    "ar": N_("Arabic"),
    "zh": N_("Chinese"),
}
GOAL_THEMES: dict[str, str] = {
    "career": N_("Career development"),
    "leadership": N_("Leadership"),
    "visibility": N_("Visibility and influence"),
    "balance": N_("Work-life balance"),
    "confidence": N_("Self-confidence"),
    "skills": N_("Learning a new skill"),
    "change": N_("Going through a change"),
    "network": N_("Building a network"),
}
# The mentor skills a programme values (the article's list), self-assessed 1–5.
MENTOR_SKILLS: dict[str, str] = {
    "communication": N_("Communication"),
    "support": N_("Support"),
    "reliability": N_("Reliability"),
    "empathy": N_("Empathy"),
    "active_listening": N_("Active listening"),
    "flexibility": N_("Flexibility"),
    "enthusiasm": N_("Enthusiasm"),
}
ROLES_ONE_WAY: dict[str, str] = {"mentor": N_("Mentor"), "mentee": N_("Mentee")}
MAX_SKILLS_EACH = 10
MAX_MOTIVATION = 2_000
MAX_CAPACITY = 5

WINDOW_OPEN, WINDOW_NOT_YET, WINDOW_CLOSED = "open", "not_yet", "closed"


@dataclass(frozen=True)
class EnrolmentForm:
    offered: Sequence[int] = ()  # skill ids
    wanted: Sequence[int] = ()
    goal_themes: Sequence[str] = ()
    availability: Sequence[str] = ()
    work_mode: str = "either"
    languages: Sequence[str] = ()
    motivation: str = ""
    self_assessment: Mapping[str, int] = field(default_factory=dict)
    charter_accepted: bool = False
    role: str = "peer"  # peer | mentor | mentee (mentor/mentee in one-way programmes)
    mentor_capacity: int = 1


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
class MyEnrolment:
    enrolment_id: int
    programme_id: int
    status: str
    role: str
    mentor_capacity: int
    offered: tuple[int, ...]
    wanted: tuple[int, ...]
    goal_themes: tuple[str, ...]
    availability: tuple[str, ...]
    work_mode: str
    languages: tuple[str, ...]
    motivation: str
    self_assessment: dict[str, int]
    charter_accepted_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class EnrolmentRow:
    """One line of the coordinator's list: the enrolment profile, nothing more private."""

    enrolment_id: int
    person_id: int
    name: str
    email: str
    department: str | None
    level: str | None
    location: str | None
    status: str
    role: str
    enrolled_at: dt.datetime
    withdrawn_at: dt.datetime | None
    offered: tuple[str, ...]
    wanted: tuple[str, ...]
    goal_themes: tuple[str, ...]
    availability: tuple[str, ...]
    work_mode: str
    languages: tuple[str, ...]
    motivation: str


# --------------------------------------------------------------------------- rules


def window_state(p: Programme, today: dt.date) -> str:
    """open, not_yet (enrolment not open yet) or closed."""
    if p.status == "enrolment":
        if p.enrolment_opens and today < p.enrolment_opens:
            return WINDOW_NOT_YET
        if p.enrolment_closes and today > p.enrolment_closes:
            return WINDOW_CLOSED
        return WINDOW_OPEN
    return WINDOW_NOT_YET if p.status == "draft" else WINDOW_CLOSED


def window_problems(p: Programme, today: dt.date) -> Iterator[str]:
    """Why enrolment in ``p`` is not possible today (nothing when it is open)."""
    state = window_state(p, today)
    if state == WINDOW_OPEN:
        return
    if p.status == "draft":
        yield t("This programme is not open for enrolment yet.")
    elif p.status == "running":
        yield t("Enrolment is closed: the programme has started.")
    elif p.status == "closed":
        yield t("This programme has ended.")
    elif state == WINDOW_NOT_YET:
        yield t("Enrolment opens on {date}.", date=format_date(p.enrolment_opens))
    else:
        yield t("Enrolment closed on {date}.", date=format_date(p.enrolment_closes))


def who_sees(k: int, opted_in: bool) -> list[str]:
    """Who will read the answers (DESIGN.md, "Who sees what"), in the reader's words."""
    lines = [
        t(
            "Your peer or circle, once you are matched: your skills offered and wanted, themes, availability, work mode, languages and motivation."
        ),
        t("The programme's coordinators and admins: the same answers, because they match people."),
    ]
    if opted_in:
        lines.append(
            t(
                "Other colleagues, in the expert directory (you opted in): your skills offered, nothing else."
            )
        )
    else:
        lines.append(
            t(
                "Other colleagues: nothing. If you join the expert directory in your profile, they see your skills offered, nothing else."
            )
        )
    lines.append(
        t(
            "Your self-assessment: only you. Coordinators see it only as averages over at least {k} people.",
            k=k,
        )
    )
    return lines


def form_problems(
    form: EnrolmentForm, skills: Mapping[int, str], *, one_way: bool, charter: str
) -> Iterator[str]:
    """Every reason the enrolment form cannot be saved."""
    offered, wanted = list(dict.fromkeys(form.offered)), list(dict.fromkeys(form.wanted))
    unknown = [i for i in offered + wanted if i not in skills]
    if unknown:
        yield t("Some chosen skills are not on this programme's skill list; choose again.")
    role = form.role if one_way else "peer"
    if one_way and form.role not in ROLES_ONE_WAY:
        yield t("Choose whether you join as a mentor or as a mentee.")
    if role in ("peer", "mentor") and not offered:
        yield t("Choose at least one skill you can offer.")
    if role in ("peer", "mentee") and not wanted:
        yield t("Choose at least one skill you want to develop.")
    for label, chosen in ((N_("Skills you offer"), offered), (N_("Skills you want"), wanted)):
        if len(chosen) > MAX_SKILLS_EACH:
            yield t("“{field}”: at most {max} skills.", field=t(label), max=MAX_SKILLS_EACH)
    both = [skills[i] for i in offered if i in wanted and i in skills]
    if both:
        yield t("A skill is either offered or wanted, not both: {skills}.", skills=", ".join(both))
    if any(x not in GOAL_THEMES for x in form.goal_themes):
        yield t("Unknown goal theme.")
    if not form.availability:
        yield t("Choose at least one time slot when you are available.")
    elif any(x not in AVAILABILITY for x in form.availability):
        yield t("Unknown time slot.")
    if form.work_mode not in WORK_MODES:
        yield t("Choose on site, remote or either.")
    if not form.languages:
        yield t("Choose at least one language you can meet in.")
    elif any(x not in LANGUAGES for x in form.languages):
        yield t("Unknown language.")
    try:
        clean_text(form.motivation, t("Motivation"), max_chars=MAX_MOTIVATION)
    except InvalidInput as e:
        yield str(e)
    missing = [
        t(label) for code, label in MENTOR_SKILLS.items() if code not in form.self_assessment
    ]
    if missing:
        yield t(
            "Rate yourself on every mentor skill; missing: {skills}.", skills=", ".join(missing)
        )
    if any(
        not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5
        for v in form.self_assessment.values()
    ) or any(k not in MENTOR_SKILLS for k in form.self_assessment):
        yield t("Each self-assessment score is a whole number from 1 to 5.")
    if role == "mentor" and not (
        isinstance(form.mentor_capacity, int) and 1 <= form.mentor_capacity <= MAX_CAPACITY
    ):
        yield t("A mentor takes between 1 and {max} mentees.", max=MAX_CAPACITY)
    if charter.strip() and not form.charter_accepted:
        yield t("Accept the confidentiality charter to enrol.")


# --------------------------------------------------------------------------- participant


def _person(s: Session, viewer: Viewer) -> Person:
    person = s.get(Person, viewer.person_id)
    if person is None or person.erased_at is not None:
        raise NotFound(t("Your person record was not found."))
    return person


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
        relationship_type=p.relationship_type,
        format=p.format,
        circle_size=p.circle_size,
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
        window=window_state(p, today),
        eligible=not eligibility,
        problems=tuple(problems),
        my_status=mine.status if mine else None,
    )


def list_offers(sf: sessionmaker[Session], viewer: Viewer) -> list[ProgrammeOffer]:
    """Programmes open to participants (not drafts), plus those I am in; open ones first."""
    today = clock.today()
    with sf.begin() as s:
        person = _person(s, viewer)
        mine = {
            e.programme_id: e
            for e in s.scalars(select(Enrolment).where(Enrolment.person_id == person.id))
        }
        programmes = s.scalars(
            select(Programme)
            .where(
                or_(
                    Programme.status == "enrolment",
                    and_(
                        Programme.status == "running",
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


def _programme_id(value: object) -> int:
    """A programme id from a link or a widget; one that no row can have is not found."""
    rid = validate.record_id(value)
    if rid is None:
        raise NotFound(t("This programme does not exist or is not open to participants."))
    return rid


def get_offer(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> ProgrammeOffer:
    """One programme as the participant sees it (drafts do not exist for participants)."""
    programme_id = _programme_id(programme_id)
    with sf.begin() as s:
        person = _person(s, viewer)
        p = s.get(Programme, programme_id)
        if p is None or p.status == "draft":
            raise NotFound(t("This programme does not exist or is not open to participants."))
        mine = s.scalar(
            select(Enrolment).where(
                Enrolment.programme_id == p.id, Enrolment.person_id == person.id
            )
        )
        return _offer(p, person, mine, clock.today())


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


def programme_skills(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int
) -> list[SkillOption]:
    """The skill list participants choose from: the programme's own and the shared ones.

    Drafts are for staff: for a participant a draft (or unknown) programme does not exist.
    """
    programme_id = _programme_id(programme_id)
    with sf.begin() as s:
        if not viewer.has(COORDINATOR):
            p = s.get(Programme, programme_id)
            if p is None or p.status == "draft":
                raise NotFound(t("This programme does not exist or is not open to participants."))
        return [SkillOption(k.id, k.name, k.category) for k in _skills(s, programme_id)]


def _my(s: Session, e: Enrolment) -> MyEnrolment:
    scores = {
        a.skill: a.score
        for a in s.scalars(
            select(SelfAssessment).where(
                SelfAssessment.enrolment_id == e.id, SelfAssessment.phase == "baseline"
            )
        )
    }
    kinds = s.execute(
        select(EnrolmentSkill.skill_id, EnrolmentSkill.kind).where(
            EnrolmentSkill.enrolment_id == e.id
        )
    ).all()
    return MyEnrolment(
        enrolment_id=e.id,
        programme_id=e.programme_id,
        status=e.status,
        role=e.role,
        mentor_capacity=e.mentor_capacity,
        offered=tuple(sorted(i for i, k in kinds if k == "offered")),
        wanted=tuple(sorted(i for i, k in kinds if k == "wanted")),
        goal_themes=tuple(e.goal_themes or ()),
        availability=tuple(e.availability or ()),
        work_mode=e.work_mode,
        languages=tuple(e.languages or ()),
        motivation=e.motivation or "",
        self_assessment=scores,
        charter_accepted_at=e.charter_accepted_at,
        created_at=e.created_at,
        updated_at=e.updated_at,
    )


def my_enrolment(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int
) -> MyEnrolment | None:
    """My answers for this programme (enrolled or withdrawn), or None."""
    if validate.record_id(programme_id) is None:
        return None
    with sf.begin() as s:
        e = s.scalar(
            select(Enrolment).where(
                Enrolment.programme_id == programme_id, Enrolment.person_id == viewer.person_id
            )
        )
        return _my(s, e) if e else None


def save_enrolment(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, form: EnrolmentForm
) -> MyEnrolment:
    """Enrol, change my answers, or re-enrol after withdrawing: only while the window is open."""
    programme_id = _programme_id(programme_id)
    now = clock.now()
    try:
        with sf.begin() as s:
            person = _person(s, viewer)
            p = s.get(Programme, programme_id)
            if p is None or p.status == "draft":
                raise NotFound(t("This programme does not exist or is not open to participants."))
            offer = _offer(p, person, None, now.date())
            if offer.problems:
                raise InvalidInput("\n".join(offer.problems))
            skills = {k.id: k.name for k in _skills(s, p.id)}
            one_way = p.relationship_type in ONE_WAY_TYPES
            problems = list(form_problems(form, skills, one_way=one_way, charter=p.charter or ""))
            if problems:
                raise InvalidInput("\n".join(problems))
            e = s.scalar(
                select(Enrolment).where(
                    Enrolment.programme_id == p.id, Enrolment.person_id == person.id
                )
            )
            if e is None:
                e = Enrolment(programme_id=p.id, person_id=person.id, created_at=now)
                s.add(e)
            e.status = "enrolled"
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
            wanted_rows = {(i, "offered") for i in form.offered} | {
                (i, "wanted") for i in form.wanted
            }
            current = {(x.skill_id, x.kind): x for x in e.skills}
            for key, row in current.items():
                if key not in wanted_rows:
                    e.skills.remove(row)
            for skill_id, kind in sorted(wanted_rows - current.keys()):
                e.skills.append(EnrolmentSkill(skill_id=skill_id, kind=kind))
            baseline = {
                a.skill: a
                for a in s.scalars(
                    select(SelfAssessment).where(
                        SelfAssessment.enrolment_id == e.id, SelfAssessment.phase == "baseline"
                    )
                )
            }
            for skill, score in form.self_assessment.items():
                if skill in baseline:
                    if baseline[skill].score != score:
                        baseline[skill].score, baseline[skill].at = score, now
                else:
                    s.add(
                        SelfAssessment(
                            enrolment_id=e.id, phase="baseline", skill=skill, score=score, at=now
                        )
                    )
            s.flush()
            return _my(s, e)
    except IntegrityError as err:  # two first submissions at once (PostgreSQL)
        raise Conflict(
            t("Your enrolment was saved meanwhile from another window; reload to see it.")
        ) from err


def withdraw(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> None:
    """Leave a programme. Idempotent: withdrawing twice changes nothing."""
    programme_id = _programme_id(programme_id)
    now = clock.now()
    with sf.begin() as s:
        e = s.scalar(
            select(Enrolment).where(
                Enrolment.programme_id == programme_id, Enrolment.person_id == viewer.person_id
            )
        )
        if e is None:
            raise NotFound(t("You are not enrolled in this programme."))
        if e.status == "withdrawn":
            return
        p = s.get_one(Programme, programme_id)
        if p.status == "closed":
            raise InvalidInput(t("This programme has ended: there is nothing to withdraw from."))
        e.status = "withdrawn"
        e.withdrawn_at = now
        e.updated_at = now


def k_for(sf: sessionmaker[Session]) -> int:
    """k of k-suppression, for the 'who sees my answers' text."""
    with sf.begin() as s:
        return k_threshold(s)


def directory_opt_in(sf: sessionmaker[Session], viewer: Viewer) -> bool:
    with sf.begin() as s:
        return bool(_person(s, viewer).directory_opt_in)


# --------------------------------------------------------------------------- coordinator


def list_enrolments(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    *,
    status: str | None = None,
    departments: Sequence[str] = (),
    search: str = "",
    limit: int = 5_000,
) -> list[EnrolmentRow]:
    """Who enrolled in a programme (operational list with the enrolment profile), by name."""
    if validate.record_id(programme_id) is None:
        raise NotFound(t("This programme does not exist (any more)."))
    require_role(viewer, COORDINATOR)
    query = (
        select(Enrolment, Person)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.programme_id == programme_id)
    )
    if status:
        query = query.where(Enrolment.status == status)
    if departments:
        query = query.where(Person.department.in_(list(departments)))
    if search.strip():
        like = f"%{search.strip().lower()}%"
        query = query.where(
            or_(func.lower(Person.full_name).like(like), func.lower(Person.email).like(like))
        )
    with sf.begin() as s:
        if s.get(Programme, programme_id) is None:
            raise NotFound(t("This programme does not exist (any more)."))
        rows = s.execute(query.order_by(Person.full_name).limit(limit)).all()
        ids = [e.id for e, _ in rows]
        skills: dict[int, dict[str, list[str]]] = {}
        if ids:
            for enrolment_id, kind, name in s.execute(
                select(EnrolmentSkill.enrolment_id, EnrolmentSkill.kind, Skill.name)
                .join(Skill, Skill.id == EnrolmentSkill.skill_id)
                .where(EnrolmentSkill.enrolment_id.in_(ids))
                .order_by(Skill.name)
            ):
                skills.setdefault(enrolment_id, {}).setdefault(kind, []).append(name)
        return [
            EnrolmentRow(
                enrolment_id=e.id,
                person_id=person.id,
                name=person.full_name,
                email=person.email,
                department=person.department,
                level=person.level,
                location=person.location,
                status=e.status,
                role=e.role,
                enrolled_at=e.created_at,
                withdrawn_at=e.withdrawn_at,
                offered=tuple(skills.get(e.id, {}).get("offered", ())),
                wanted=tuple(skills.get(e.id, {}).get("wanted", ())),
                goal_themes=tuple(e.goal_themes or ()),
                availability=tuple(e.availability or ()),
                work_mode=e.work_mode,
                languages=tuple(e.languages or ()),
                motivation=e.motivation or "",
            )
            for e, person in rows
        ]
