"""The expert directory: enrolled colleagues who opted in, findable by a skill they offer.

What the directory shows is fixed by DESIGN.md ("Who sees what"): name,
department and skills offered, and — so that a colleague can be reached (issue 11) —
their work e-mail as a contact link, with a chat link when an admin set the company's
chat template; nothing else (no wanted skills, motivation, level or location). Only
people enrolled in a programme that is open or running, who opted in, are active and
did not erase their data, are listed; only participants may search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from sqlalchemy import ColumnElement, ScalarSelect, Select, String, and_, cast, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import ADMIN, PARTICIPANT, Viewer, require_role
from core.kernel.errors import InvalidInput, NotFound
from core.kernel.i18n import t
from core.kernel.search import departments_having
from core.kernel.text import clean_line
from core.kernel.tx import get_or_404, reading
from db.folding import fold
from db.models import (
    Enrolment,
    EnrolmentSkill,
    Person,
    Programme,
    Setting,
    Skill,
    skill_name,
)
from db.models.states import EnrolmentStatus, ProgrammeStatus

# Programmes whose enrolled people can be found (a closed cycle no longer counts).
LISTED_PROGRAMME_STATES = (ProgrammeStatus.ENROLMENT, ProgrammeStatus.RUNNING)
MAX_RESULTS = 100
CHAT_SETTING = "chat_link_template"  # e.g. https://teams.microsoft.com/l/chat/0/0?users={email}
MAX_CHAT_TEMPLATE = 500


@dataclass(frozen=True)
class DirectoryEntry:
    person_id: int
    name: str
    department: str | None
    skills_offered: tuple[str, ...]
    email: str = ""  # to reach them: a mailto: link
    chat: str = ""  # the company's chat deep link to them, when an admin set one up

    @property
    def mailto(self) -> str:
        return "mailto:" + quote(self.email, safe="@") if self.email else ""


@dataclass(frozen=True)
class MyListing:
    name: str
    department: str | None
    opted_in: bool
    listed: bool  # opted in, enrolled in an open or running programme, offering a skill
    skills_offered: tuple[str, ...]
    email: str = ""  # what colleagues use to reach me


def _live_people() -> Select[tuple[int]]:
    """Ids of people enrolled in a programme that is open or running."""
    return (
        select(Enrolment.person_id)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .where(
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Programme.status.in_(LISTED_PROGRAMME_STATES),
        )
    )


def _shown() -> ColumnElement[bool]:
    """Person may be shown in the directory: opted in, active, not erased."""
    return and_(
        Person.directory_opt_in.is_(True),
        Person.is_active.is_(True),
        Person.erased_at.is_(None),
    )


def _listed(*person_ids: int) -> ColumnElement[bool]:
    """Person is in the directory: may be shown, with a live enrolment."""
    listed = and_(_shown(), Person.id.in_(_live_people()))
    return and_(listed, Person.id.in_(person_ids)) if person_ids else listed


def _offers(*where: ColumnElement[bool]) -> Select[tuple[int, int]]:
    """(person id, skill id) offered in a listed programme.

    ``where``: conditions on Person (e.g. :func:`_shown`), checked in the same query. The
    skills' names are not joined here: a company offers tens of thousands of (person,
    skill) but has a few dozen skills, named once by :func:`_skill_names`.
    """
    query = (
        select(Enrolment.person_id, EnrolmentSkill.skill_id)
        .join(Programme, Programme.id == Enrolment.programme_id)
        .join(EnrolmentSkill, EnrolmentSkill.enrolment_id == Enrolment.id)
        .where(
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Programme.status.in_(LISTED_PROGRAMME_STATES),
            EnrolmentSkill.kind == "offered",
        )
    )
    return query.join(Person, Person.id == Enrolment.person_id).where(*where) if where else query


def _skill_names(s: Session) -> dict[int, str]:
    """skill id → the name it is listed by (a merged skill by its target's)."""
    return dict(s.execute(select(Skill.id, skill_name())).tuples().all())


def _offered(s: Session, *where: ColumnElement[bool]) -> dict[int, set[str]]:
    """person id → names of the skills they offer in a listed programme (merged skills resolved)."""
    names = _skill_names(s)
    found: dict[int, set[str]] = {}
    for person_id, skill_id in s.execute(_offers(*where)):
        found.setdefault(person_id, set()).add(names[skill_id])
    return found


def _me(s: Session, viewer: Viewer, even_erased: bool = True) -> Person:
    """My profile (``even_erased=False``: only if I did not erase my data)."""
    gone = t("Your profile no longer exists.")
    person = get_or_404(s, Person, viewer.person_id, missing=gone)
    if not even_erased and person.erased_at is not None:
        raise NotFound(gone)
    return person


def _listing(s: Session, person: Person) -> MyListing:
    live = s.scalar(select(Person.id).where(_listed(person.id))) is not None
    skills = _offered(s, Person.id == person.id).get(person.id, set())
    return MyListing(
        name=person.full_name,
        department=person.department,
        opted_in=person.directory_opt_in,
        listed=live and bool(skills),  # a search finds people by the skills they offer
        skills_offered=tuple(sorted(skills, key=str.casefold)),
        email=person.email,
    )


@dataclass(frozen=True)
class Found:
    """What a search lists: the first MAX_RESULTS by name, and whether others match too."""

    entries: list[DirectoryEntry]
    more: bool


@dataclass(frozen=True)
class Directory:
    """The directory as a participant finds it (the listed people who offer a skill, but
    themselves): the skills and departments a search can find, read once; each search then
    reads only the people it lists, chosen by the database in name order."""

    sf: sessionmaker[Session]
    viewer: Viewer
    skill_names: dict[int, str]  # skill id → its listed name, for the skills someone offers
    found_in: tuple[str, ...]  # the departments someone is found in
    chat: str  # the company's chat link template, or ""

    def skills(self) -> list[str]:
        """Every skill someone offers, for the search box's suggestions."""
        return sorted(set(self.skill_names.values()), key=str.casefold)

    def departments(self) -> list[str]:
        """The departments someone is found in, for the filter."""
        return sorted(self.found_in, key=str.casefold)

    def search(self, skill: str = "", department: str = "") -> list[DirectoryEntry]:
        """Colleagues who offer a skill matching ``skill`` (all of them when empty), of
        ``department`` when given: the first MAX_RESULTS by name, accents and case aside."""
        return self.find(skill, department).entries

    def find(self, skill: str = "", department: str = "") -> Found:
        """:meth:`search`, saying whether more colleagues match than it lists."""
        wanted = fold(clean_line(skill, t("Skill"), max_chars=120, required=False))
        dept = fold(clean_line(department, t("Department"), max_chars=120, required=False))
        skills = [sid for sid, name in self.skill_names.items() if wanted in fold(name)]
        departments = [d for d in self.found_in if fold(d) == dept]
        if (wanted and not skills) or (dept and not departments):
            return Found([], more=False)
        query = (
            select(
                Person.id,
                Person.full_name,
                Person.department,
                Person.email,
                _their_skills(),
            )
            .where(
                _shown(), Person.id != self.viewer.person_id, _offering(skills if wanted else ())
            )
            .order_by(Person.sort_name, Person.id)  # the folded name's index: stops at 100
            .limit(MAX_RESULTS + 1)  # one more: are there others?
        )
        if dept:
            query = query.where(Person.department.in_(departments))
        with reading(self.sf) as s:
            rows = s.execute(query).all()
        more, rows = len(rows) > MAX_RESULTS, rows[:MAX_RESULTS]
        entries = [
            DirectoryEntry(
                pid,
                name,
                department,
                tuple(
                    sorted(
                        # a skill first offered since read() (a colleague enrolled meanwhile)
                        # is named on the next read: skipped, never a KeyError
                        {
                            self.skill_names[int(sid)]
                            for sid in skill_ids.split(",")
                            if int(sid) in self.skill_names
                        },
                        key=str.casefold,
                    )
                ),
                email,
                chat_link(self.chat, email),
            )
            for pid, name, department, email, skill_ids in rows
        ]
        return Found(entries, more)


def _offering(skills: Sequence[int]) -> ColumnElement[bool]:
    """The person (of the enclosing query) offers one of ``skills`` (any skill when empty)
    in a listed programme. Nested as the database should walk it, from the person: their
    enrolments, then each one's skills by its key (SQLite, joining them, walked the
    thousands of offers of the skill once a person)."""
    skill = EnrolmentSkill.enrolment_id == Enrolment.id, EnrolmentSkill.kind == "offered"
    offered = select(EnrolmentSkill.skill_id).where(*skill)
    if skills:
        offered = offered.where(EnrolmentSkill.skill_id.in_(skills))
    return _live_people().where(Enrolment.person_id == Person.id, offered.exists()).exists()


def _their_skills() -> ScalarSelect[str]:
    """The ids of the skills a person offers in a listed programme, joined as text: evaluated
    for the people a search lists alone."""
    return (
        _offers()
        .where(Enrolment.person_id == Person.id)
        .with_only_columns(func.aggregate_strings(cast(EnrolmentSkill.skill_id, String), ","))
        .scalar_subquery()
    )


def read(sf: sessionmaker[Session], viewer: Viewer) -> Directory:
    """The directory as ``viewer`` finds it: the skills offered and the departments of the
    people listed, each asked of the database whatever the thousands of (person, skill)."""
    require_role(viewer, PARTICIPANT)
    someone = and_(_shown(), Person.id != viewer.person_id)
    with reading(sf) as s:
        offered = _offers().join(Person, Person.id == Enrolment.person_id).where(someone)
        # One offer of the skill by someone listed, looked for from the newest enrolments
        # (the open programmes'): an EXISTS walked each skill's offers from the oldest, a
        # closed programme's, first (PostgreSQL, company: 10-15 ms against 1).
        newest_offer = (
            offered.where(EnrolmentSkill.skill_id == Skill.id)
            .with_only_columns(EnrolmentSkill.enrolment_id)
            .order_by(EnrolmentSkill.enrolment_id.desc())
            .limit(1)
            .scalar_subquery()
        )
        skill_ids = s.scalars(select(Skill.id).where(newest_offer.is_not(None))).all()
        names = _skill_names(s)
        found_in = s.scalars(departments_having(offered)).all()
        return Directory(
            sf, viewer, {sid: names[sid] for sid in skill_ids}, tuple(found_in), chat_template(s)
        )


def my_listing(sf: sessionmaker[Session], viewer: Viewer) -> MyListing:
    """Whether I am in the directory, and exactly what others see of me there."""
    require_role(viewer, PARTICIPANT)
    with reading(sf) as s:
        return _listing(s, _me(s, viewer))


def set_opt_in(sf: sessionmaker[Session], viewer: Viewer, opt_in: bool) -> MyListing:
    """Join or leave the directory (idempotent)."""
    require_role(viewer, PARTICIPANT)
    with sf.begin() as s:
        person = _me(s, viewer, even_erased=False)
        if person.directory_opt_in != opt_in:
            person.directory_opt_in = opt_in
            person.updated_at = clock.now()
            s.flush()
        return _listing(s, person)


# --------------------------------------------------------------------------- chat link


def chat_template(s: Session) -> str:
    """The company's chat deep-link template ("" when none is set)."""
    row = s.get(Setting, CHAT_SETTING)
    return row.value if row is not None else ""


def chat_link(template: str, email: str) -> str:
    """The chat deep link to ``email`` ("" without a template or an e-mail)."""
    return template.replace("{email}", quote(email, safe="@")) if template and email else ""


def clean_chat_template(template: str) -> str:
    """An https URL with one ``{email}``, or "" (no chat link); anything else is refused."""
    text = clean_line(template, t("Chat link"), max_chars=MAX_CHAT_TEMPLATE, required=False)
    if not text:
        return ""
    parts = urlsplit(text.replace("{email}", "x"))
    if (
        parts.scheme != "https"
        or not parts.hostname
        or text.count("{email}") != 1
        or "{" in text.replace("{email}", "")
        or "}" in text.replace("{email}", "")
        or any(c.isspace() for c in text)
    ):
        raise InvalidInput(
            t(
                "The chat link must start with https:// and hold {email} once, where the colleague's e-mail goes."
            )
        )
    return text


def set_chat_template(sf: sessionmaker[Session], viewer: Viewer, template: str) -> str:
    """Set (or clear, with "") the chat deep-link template of the directory (admins)."""
    require_role(viewer, ADMIN)
    text = clean_chat_template(template)
    with sf.begin() as s:
        row = s.get(Setting, CHAT_SETTING)
        if row is None:
            s.add(Setting(key=CHAT_SETTING, value=text))
        else:
            row.value = text
        audit.by(s, viewer, "chat_link_set", target=text[:200] or None)
    return text


def current_chat_template(sf: sessionmaker[Session], viewer: Viewer) -> str:
    require_role(viewer, ADMIN)
    with reading(sf) as s:
        return chat_template(s)
