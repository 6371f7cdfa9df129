"""A programme's waiting pool as the engine sees it: candidates, must-rules and weights.

Session-level helpers of the matching services (they take a ``Session`` and never commit):
who is waiting, each person as an engine :class:`~core.matching.model.Candidate`, the
do-not-pair and paired-before rules read from the database, the programme's weights, and
the check every hand-made group goes through.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from core.kernel.errors import InvalidInput
from core.kernel.i18n import N_, format_date, t
from core.kernel.tx import get_or_404
from core.matching import engine
from core.matching.model import ROLES
from core.programmes.answers import ROLES_ONE_WAY
from db.models import (
    LIVE_MATCH_STATUSES,
    NAME_ORDER,
    DoNotPair,
    Enrolment,
    EnrolmentSkill,
    EnrolmentStatus,
    Match,
    MatchMember,
    MatchStatus,
    MemberResponse,
    Person,
    Programme,
    ProgrammeStatus,
    Skill,
    skill_name,
)

# Programme.relationship_type → the engine's relationship kinds.
ENGINE_RELATIONSHIP = {
    "peer": "peer",
    "career": "mentoring",
    "life": "mentoring",
    "mentoring": "mentoring",
    "reverse": "reverse",
    "onboarding": "onboarding",
}
MATCHABLE_STATES = (ProgrammeStatus.ENROLMENT, ProgrammeStatus.RUNNING)
# What a write says when a suggestion changed under it (a versioned row, see core.kernel.tx).
STALE = N_("Someone changed these suggestions meanwhile. Refresh and try again.")


def programme(s: Session, programme_id: int) -> Programme:
    """The programme, or NotFound."""
    return get_or_404(s, Programme, programme_id, missing=t("This programme no longer exists."))


def engine_relationship(p: Programme) -> str:
    """The engine's kind of relationship for this programme."""
    return ENGINE_RELATIONSHIP.get(p.relationship_type, "peer")


# An onboarding match's mentor is the new hire's buddy: the run picks them by hire date.
ONBOARDING_ROLES = {"mentor": "buddy", "mentee": "new_hire"}
LEADS = ("mentor", "buddy")  # listed first in their match


def shown_role(p: Programme, role: str) -> str:
    """The role a list names someone by: peer where peers help each other; where help goes
    one way, as enrolled or matched — an onboarding match's buddy and new hire by those
    names."""
    if is_mutual(p):
        return "peer"
    if engine_relationship(p) == "onboarding":
        return ONBOARDING_ROLES.get(role, role)
    return role


def is_mutual(p: Programme) -> bool:
    """Peers help each other; mentoring, reverse and onboarding go one way."""
    return engine_relationship(p) == "peer"


def _live_members(programme_id: int) -> Select[tuple[int]]:
    """People already in a published, active or paused match of this programme."""
    return (
        select(MatchMember.person_id)
        .join(Match, Match.id == MatchMember.match_id)
        .where(Match.programme_id == programme_id, Match.status.in_(LIVE_MATCH_STATUSES))
    )


def _taken(programme_id: int) -> Subquery:
    """How many live matches of the programme each person in one is in (``person_id``,
    ``n``): grouped once, not counted again for each enrolment (a company's mentoring
    programme of 8 000 enrolments took 7 s to list its pool that way)."""
    live = _live_members(programme_id).subquery()
    return select(live.c.person_id, func.count().label("n")).group_by(live.c.person_id).subquery()


def waiting_query(p: Programme, *columns: Any) -> Select[Any]:
    """Enrolled, active people of the programme not already in a live match of it — or,
    where help goes one way, mentors with a place left — by name (``columns`` chosen by the
    caller: the rows or a few of their fields)."""
    q = select(*columns).select_from(Enrolment).join(Person, Person.id == Enrolment.person_id)
    free: ColumnElement[bool]
    if is_mutual(p):
        free = Person.id.not_in(_live_members(p.id))
    else:
        taken = _taken(p.id)
        q = q.outerjoin(taken, taken.c.person_id == Person.id)
        free = or_(
            taken.c.n.is_(None),
            and_(
                Enrolment.role == "mentor",
                taken.c.n < func.coalesce(Enrolment.mentor_capacity, 1),
            ),
        )
    return q.where(
        Enrolment.programme_id == p.id,
        Enrolment.status == EnrolmentStatus.ENROLLED,
        Person.is_active.is_(True),
        free,
    ).order_by(*NAME_ORDER, Person.id)


# Up to this many people are looked for by their ids; more, and the whole pool is read (an
# IN list of thousands of ids makes the database's plan slow, and they are most of it anyway).
FEW_IDS = 200


def waiting(
    s: Session, p: Programme, among: Collection[int] | None = None
) -> list[tuple[Enrolment, Person]]:
    """Enrolled, active people of the programme not already in a live match of it (those of
    ``among`` when given)."""
    q = waiting_query(p, Enrolment, Person)
    if among is not None and len(among) <= FEW_IDS:
        q = q.where(Person.id.in_(list(among)))
    return [r for r in s.execute(q).tuples() if among is None or r[1].id in among]


def _skill_names(s: Session, enrolment_ids: Sequence[int]) -> dict[int, dict[str, set[str]]]:
    out: dict[int, dict[str, set[str]]] = {}
    if not enrolment_ids:
        return out
    rows = s.execute(
        select(EnrolmentSkill.enrolment_id, EnrolmentSkill.kind, skill_name())
        .join(Skill, Skill.id == EnrolmentSkill.skill_id)
        .where(EnrolmentSkill.enrolment_id.in_(list(enrolment_ids)))
    ).all()
    for enrolment_id, kind, name in rows:
        bucket = out.setdefault(enrolment_id, {"offered": set(), "wanted": set()})
        bucket.setdefault(kind, set()).add(name)
    return out


def _candidate(
    e: Enrolment, person: Person, skills: dict[str, set[str]], taken: int = 0
) -> engine.Candidate:
    return engine.Candidate(
        person_id=person.id,
        name=person.full_name,
        department=person.department,
        level=person.level,
        manager_id=person.manager_id,
        location=person.location,
        work_mode=e.work_mode or "either",
        languages=frozenset(e.languages or ()) or frozenset({person.language}),
        offered=frozenset(skills.get("offered", ())),
        wanted=frozenset(skills.get("wanted", ())),
        themes=frozenset(e.goal_themes or ()),
        availability=frozenset(e.availability or ()),
        hire_date=person.hire_date,
        role=e.role if e.role in ROLES else "peer",
        capacity=max(0, int(e.mentor_capacity or 1) - taken),  # the places left
    )


def candidates(
    s: Session, p: Programme, rows: Sequence[tuple[Enrolment, Person]]
) -> list[engine.Candidate]:
    """The engine's view of these enrolled people of ``p`` (skills merged into their new
    names; a mentor offers the places their live matches leave)."""
    skills = _skill_names(s, [e.id for e, _ in rows])
    taken: dict[int, int] = {}
    if not is_mutual(p) and any(e.role == "mentor" for e, _ in rows):
        counted = _taken(p.id)  # a one-way programme's: a row a mentee
        taken = dict(s.execute(select(counted.c.person_id, counted.c.n)).tuples().all())
    return [
        _candidate(e, person, skills.get(e.id, {}), taken.get(person.id, 0)) for e, person in rows
    ]


def rules(s: Session, p: Programme, ids: set[int]) -> engine.Rules:
    """The programme's must-rules among ``ids``: do-not-pair list and earlier pairings."""
    dnp: dict[frozenset[int], str] = {}
    for row in s.scalars(
        select(DoNotPair).where(
            (DoNotPair.programme_id.is_(None)) | (DoNotPair.programme_id == p.id)
        )
    ):
        if row.person_a_id in ids and row.person_b_id in ids:
            dnp[frozenset({row.person_a_id, row.person_b_id})] = row.reason
    a, b = aliased(MatchMember), aliased(MatchMember)
    # Every earlier pairing, kept when both are in ``ids`` here: two IN lists of a company's
    # pool (6 636 ids) made SQLite's plan take seconds; the pairings are a few per person.
    before = s.execute(
        select(a.person_id, b.person_id)
        .join(b, (b.match_id == a.match_id) & (b.person_id > a.person_id))
        .join(Match, Match.id == a.match_id)
        .where(
            Match.programme_id != p.id,
            Match.status.in_([*LIVE_MATCH_STATUSES, MatchStatus.ENDED]),
        )
    ).all()
    return engine.Rules.from_settings(
        p.matching,
        do_not_pair=dnp,
        paired_before=[frozenset(r) for r in before if r[0] in ids and r[1] in ids],
        declined=declined_pairs(s, p.id, ids),
    )


def declined_pairs(s: Session, programme_id: int, ids: set[int]) -> set[frozenset[int]]:
    """Pairs among ``ids`` a proposal of this programme put together and one of them declined:
    the decliner with each other member of the declined pair or circle."""
    no, other = aliased(MatchMember), aliased(MatchMember)
    rows = s.execute(  # the programme's declines (few), kept when both are in ``ids`` (many)
        select(no.person_id, other.person_id)
        .join(other, (other.match_id == no.match_id) & (other.person_id != no.person_id))
        .join(Match, Match.id == no.match_id)
        .where(Match.programme_id == programme_id, no.response == MemberResponse.DECLINED)
    ).all()
    return {frozenset(r) for r in rows if r[0] in ids and r[1] in ids}


def weights(p: Programme) -> engine.Weights:
    """The programme's weights over the engine's defaults for its kind of relationship."""
    base = engine.Weights.for_relationship(engine_relationship(p))
    known = {f.name for f in dataclasses.fields(base)}
    chosen = {k: v for k, v in (p.matching or {}).items() if k in known and not isinstance(v, bool)}
    return dataclasses.replace(base, **chosen)


def match_kind(p: Programme, size: int) -> str:
    """What a match of ``size`` people is in ``p``: a circle, a pair of peers or a mentoring
    pair (the run and a hand-made match alike)."""
    if size > 2:
        return "circle"
    return "pair" if is_mutual(p) else "mentoring"


@dataclasses.dataclass(frozen=True)
class Group:
    """A match as the programme makes it: its people (the mentor first where help goes one
    way), their roles, its kind and score; ``mentor`` and the places they offer, if any."""

    person_ids: tuple[int, ...]
    roles: tuple[str, ...]
    kind: str
    score: engine.Score
    mentor: int | None = None
    places: int = 1


ROLE_LABELS = {
    "peer": N_("Peer"),
    **ROLES_ONE_WAY,
    "buddy": N_("Buddy"),
    "new_hire": N_("New hire"),
}
ONE_BUDDY = N_(
    "An onboarding pair is a buddy and a new hire, told apart by their hire dates: {names}"
)
ONE_MENTOR = N_("In this programme a match is one mentor and one mentee, as they enrolled: {names}")


def check_group(s: Session, p: Programme, person_ids: Sequence[int]) -> Group:
    """These people as one match; InvalidInput if one is not waiting, a rule forbids it, or,
    where help goes one way, they are not one mentor and one mentee."""
    return require_groups(s, p, [person_ids])[0]


def require_groups(s: Session, p: Programme, groups: Sequence[Sequence[int]]) -> list[Group]:
    """:func:`check_groups`, the first group refused raising its reason."""
    found = check_groups(s, p, groups)
    refused = next((g for g in found if isinstance(g, InvalidInput)), None)
    if refused is not None:
        raise refused
    return [g for g in found if isinstance(g, Group)]


def check_groups(
    s: Session, p: Programme, groups: Sequence[Sequence[int]]
) -> list[Group | InvalidInput]:
    """Each group as :func:`check_group` makes it, or why not; the pool, its skills and the
    rules are read once for all (publishing a company's thousands of suggestions read them
    once a suggestion: 0.16 s each)."""
    if not groups:
        return []
    rows = waiting(s, p, {i for ids in groups for i in ids})
    people = {c.person_id: c for c in candidates(s, p, rows)}
    order = {person_id: i for i, person_id in enumerate(people)}  # the pool's, by name
    forbidden = rules(s, p, set(people))
    scale = weights(p)
    mutual = is_mutual(p)
    # The names of those no longer waiting, in one query (a refusal names them).
    gone = {i for ids in groups for i in ids if i not in people}
    named = (
        dict(
            s.execute(select(Person.id, Person.full_name).where(Person.id.in_(gone))).tuples().all()
        )
        if gone
        else {}
    )
    out: list[Group | InvalidInput] = []
    for ids in groups:
        missing = [i for i in ids if i not in people]
        if missing:
            names = [named[i] for i in missing if i in named]
            out.append(
                InvalidInput(
                    t(
                        "Not in this programme's pool (withdrawn, deactivated or already matched): {names}",
                        names=", ".join(names) or ", ".join(map(str, missing)),
                    )
                )
            )
            continue
        try:
            out.append(
                _group(
                    p,
                    [people[i] for i in sorted(set(ids), key=order.__getitem__)],
                    forbidden,
                    scale,
                    mutual,
                )
            )
        except InvalidInput as e:
            out.append(e)
    return out


def _group(
    p: Programme,
    people: list[engine.Candidate],
    forbidden: engine.Rules,
    scale: engine.Weights,
    mutual: bool,
) -> Group:
    # The engine scores what the first offers and the second wants: the mentor first.
    if engine_relationship(p) == "onboarding":
        # As the run pairs them: by hire date, the colleague hired first being the buddy.
        dates = {c.hire_date for c in people}
        if len(people) != 2 or None in dates or len(dates) < 2:
            raise InvalidInput(
                t(
                    ONE_BUDDY,
                    names=", ".join(
                        f"{c.name} ({format_date(c.hire_date) if c.hire_date else '?'})"
                        for c in people
                    ),
                )
            )
        people.sort(key=lambda c: c.hire_date or dt.date.min)
    elif not mutual:
        if sorted(c.role for c in people) != ["mentee", "mentor"]:
            raise InvalidInput(
                t(
                    ONE_MENTOR,
                    names=", ".join(f"{c.name} ({t(ROLE_LABELS[c.role])})" for c in people),
                )
            )
        people.sort(key=lambda c: c.role != "mentor")
    score = engine.require_allowed(people, scale, forbidden, mutual=mutual)
    mentor = None if mutual else people[0]
    return Group(
        tuple(c.person_id for c in people),
        ("peer",) * len(people) if mutual else ("mentor", "mentee"),
        match_kind(p, len(people)),
        score,
        mentor.person_id if mentor else None,
        mentor.capacity if mentor else 1,
    )
