"""Matching a programme: suggest, review by hand, publish, and the participants' answers.

The engine (``core.matching.engine``) is pure; this module feeds it the enrolled pool and the
must-rules read from the database, stores its suggestions as ``Match`` rows with status
``suggested`` (with the score's parts, so each explanation can be phrased again in the
reader's language), and moves them through publish → accept / decline.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, aliased, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import get_language, t
from core.matching import engine as matching
from core.programmes.answers import GOAL_THEMES
from db.models import (
    LIVE_MATCH_STATUSES,
    DoNotPair,
    Enrolment,
    EnrolmentSkill,
    Match,
    MatchMember,
    Person,
    Programme,
    Setting,
    Skill,
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
MATCHABLE_STATES = ("enrolment", "running")


@dataclass(frozen=True)
class Member:
    person_id: int
    name: str
    department: str | None
    level: str | None
    role: str
    response: str


@dataclass(frozen=True)
class SuggestionRow:
    match_id: int
    kind: str
    status: str
    score: float
    members: tuple[Member, ...]
    reasons: tuple[str, ...]  # the score's parts, phrased in the reader's language
    version: int

    @property
    def names(self) -> str:
        return " · ".join(m.name for m in self.members)


@dataclass(frozen=True)
class LeftOut:
    person_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class RunSummary:
    kind: str
    suggestions: int
    people_matched: int
    pool: int
    left_out: tuple[LeftOut, ...]
    total_weight: float
    bound: float | None
    gap: float | None
    relative_gap: float | None
    optimal: bool | None
    baseline: float | None
    candidate_k: int | None
    seconds: float


@dataclass(frozen=True)
class PoolPerson:
    person_id: int
    name: str
    department: str | None
    level: str | None
    in_suggestion: int | None  # the suggested match holding them, if any


# --------------------------------------------------------------------------- reading the pool


def _programme(s: Session, programme_id: int) -> Programme:
    p = s.get(Programme, programme_id)
    if p is None:
        raise NotFound(t("This programme no longer exists."))
    return p


def _live_member_ids(s: Session, programme_id: int) -> set[int]:
    """People already in a published, active or paused match of this programme."""
    return set(
        s.scalars(
            select(MatchMember.person_id)
            .join(Match, Match.id == MatchMember.match_id)
            .where(Match.programme_id == programme_id, Match.status.in_(LIVE_MATCH_STATUSES))
        )
    )


def _pool(s: Session, p: Programme) -> list[tuple[Enrolment, Person]]:
    """Enrolled, active people of the programme not already in a live match of it."""
    taken = _live_member_ids(s, p.id)
    rows = s.execute(
        select(Enrolment, Person)
        .join(Person, Person.id == Enrolment.person_id)
        .where(
            Enrolment.programme_id == p.id,
            Enrolment.status == "enrolled",
            Person.is_active.is_(True),
        )
        .order_by(Person.full_name, Person.id)
    ).all()
    return [(e, person) for e, person in rows if person.id not in taken]


def _skill_names(s: Session, enrolment_ids: Sequence[int]) -> dict[int, dict[str, set[str]]]:
    target = aliased(Skill)
    out: dict[int, dict[str, set[str]]] = {}
    if not enrolment_ids:
        return out
    rows = s.execute(
        select(EnrolmentSkill.enrolment_id, EnrolmentSkill.kind, Skill.name, target.name)
        .join(Skill, Skill.id == EnrolmentSkill.skill_id)
        .outerjoin(target, target.id == Skill.merged_into_id)
        .where(EnrolmentSkill.enrolment_id.in_(list(enrolment_ids)))
    ).all()
    for enrolment_id, kind, name, merged_name in rows:
        bucket = out.setdefault(enrolment_id, {"offered": set(), "wanted": set()})
        bucket.setdefault(kind, set()).add(merged_name or name)
    return out


def _candidate(e: Enrolment, person: Person, skills: dict[str, set[str]]) -> matching.Candidate:
    return matching.Candidate(
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
        role=e.role if e.role in matching.ROLES else "peer",
        capacity=max(0, int(e.mentor_capacity or 1)),
    )


def _candidates(s: Session, rows: Sequence[tuple[Enrolment, Person]]) -> list[matching.Candidate]:
    skills = _skill_names(s, [e.id for e, _ in rows])
    return [_candidate(e, p, skills.get(e.id, {})) for e, p in rows]


def _rules(s: Session, p: Programme, ids: set[int]) -> matching.Rules:
    dnp: dict[frozenset[int], str] = {}
    for row in s.scalars(
        select(DoNotPair).where(
            (DoNotPair.programme_id.is_(None)) | (DoNotPair.programme_id == p.id)
        )
    ):
        if row.person_a_id in ids and row.person_b_id in ids:
            dnp[frozenset({row.person_a_id, row.person_b_id})] = row.reason
    a, b = aliased(MatchMember), aliased(MatchMember)
    before = s.execute(
        select(a.person_id, b.person_id)
        .join(b, (b.match_id == a.match_id) & (b.person_id > a.person_id))
        .join(Match, Match.id == a.match_id)
        .where(
            Match.programme_id != p.id,
            Match.status.in_(("published", "active", "paused", "ended")),
            a.person_id.in_(list(ids)),
            b.person_id.in_(list(ids)),
        )
    ).all()
    return matching.Rules.from_settings(
        p.matching, do_not_pair=dnp, paired_before=[frozenset(r) for r in before]
    )


def _weights(p: Programme) -> matching.Weights:
    """The programme's weights over the engine's defaults for its kind of relationship."""
    base = matching.Weights.for_relationship(ENGINE_RELATIONSHIP.get(p.relationship_type, "peer"))
    known = {f.name for f in dataclasses.fields(base)}
    chosen = {k: v for k, v in (p.matching or {}).items() if k in known and not isinstance(v, bool)}
    return dataclasses.replace(base, **chosen)


def _mutual(p: Programme) -> bool:
    return ENGINE_RELATIONSHIP.get(p.relationship_type, "peer") == "peer"


# --------------------------------------------------------------------------- rows for pages


def _members(s: Session, match: Match) -> tuple[Member, ...]:
    people = {
        x.id: x
        for x in s.scalars(
            select(Person).where(Person.id.in_([m.person_id for m in match.members]))
        )
    }
    return tuple(
        Member(
            m.person_id,
            people[m.person_id].full_name,
            people[m.person_id].department,
            people[m.person_id].level,
            m.role,
            m.response,
        )
        for m in sorted(match.members, key=lambda m: people[m.person_id].full_name)
        if m.person_id in people
    )


def explain_parts(
    parts: Sequence[Mapping[str, Any]], names: Mapping[int, str] | None = None
) -> list[str]:
    """A stored explanation as sentences in the reader's language, goal themes translated."""
    ready = []
    for part in parts or ():
        if not isinstance(part, Mapping) or not isinstance(part.get("args"), Mapping):
            continue  # not the engine's shape
        args = dict(part["args"])
        if "themes" in args:
            args["themes"] = [t(GOAL_THEMES[x]) if x in GOAL_THEMES else x for x in args["themes"]]
        ready.append({"points": 0.0, **part, "args": args})
    try:
        return matching.explain(ready, get_language(), names=names)
    except (KeyError, TypeError, ValueError):
        return []


def _row(s: Session, match: Match) -> SuggestionRow:
    members = _members(s, match)
    reasons = tuple(explain_parts(match.explanation or [], {m.person_id: m.name for m in members}))
    return SuggestionRow(
        match.id, match.kind, match.status, match.score, members, reasons, match.version
    )


def _require_coordinator(viewer: Viewer) -> None:
    require_role(viewer, COORDINATOR)


def list_suggestions(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    statuses: Iterable[str] = ("suggested",),
) -> list[SuggestionRow]:
    """The programme's matches in ``statuses``, best score first, with their reasons."""
    _require_coordinator(viewer)
    with sf.begin() as s:
        _programme(s, programme_id)
        matches = s.scalars(
            select(Match)
            .where(Match.programme_id == programme_id, Match.status.in_(list(statuses)))
            .order_by(Match.score.desc(), Match.id)
        ).all()
        return [_row(s, m) for m in matches]


def pool(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> list[PoolPerson]:
    """Everyone waiting to be matched, and the suggestion each is in (for manual fixes)."""
    _require_coordinator(viewer)
    with sf.begin() as s:
        p = _programme(s, programme_id)
        holder = dict(
            s.execute(
                select(MatchMember.person_id, Match.id)
                .join(Match, Match.id == MatchMember.match_id)
                .where(Match.programme_id == programme_id, Match.status == "suggested")
            )
            .tuples()
            .all()
        )
        return [
            PoolPerson(
                person.id, person.full_name, person.department, person.level, holder.get(person.id)
            )
            for _, person in _pool(s, p)
        ]


# --------------------------------------------------------------------------- running the engine

_RUN_KEY = "matching-run:{id}"


def _store_summary(s: Session, programme_id: int, summary: dict) -> None:
    key = _RUN_KEY.format(id=programme_id)
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=json.dumps(summary)))
    else:
        row.value = json.dumps(summary)


def run_matching(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> RunSummary:
    """Compute fresh suggestions for everyone waiting (replacing earlier unpublished ones)."""
    _require_coordinator(viewer)
    with sf.begin() as s:
        p = _programme(s, programme_id)
        if p.status not in MATCHABLE_STATES:
            raise InvalidInput(
                t("Matching is possible while enrolment is open or the programme runs.")
            )
        rows = _pool(s, p)
        if not rows:
            raise InvalidInput(t("Nobody is waiting to be matched in this programme."))
        people = _candidates(s, rows)
        ids = {c.person_id for c in people}
        result = matching.suggest(
            people,
            _weights(p),
            _rules(s, p, ids),
            relationship=ENGINE_RELATIONSHIP.get(p.relationship_type, "peer"),
            format="circles" if p.format == "circles" else "pairs",
            circle_size=p.circle_size or 4,
            today=clock.today(),
        )
        s.execute(delete(Match).where(Match.programme_id == p.id, Match.status == "suggested"))
        now = clock.now()
        for g in result.groups:
            roles = g.roles or ("peer",) * len(g.members)
            s.add(
                Match(
                    programme_id=p.id,
                    status="suggested",
                    kind="circle"
                    if len(g.members) > 2
                    else ("pair" if _mutual(p) else "mentoring"),
                    score=round(g.score, 3),
                    explanation=[part.to_dict() for part in g.parts],
                    created_at=now,
                    members=[
                        MatchMember(person_id=m, role=r)
                        for m, r in zip(g.members, roles, strict=False)
                    ],
                )
            )
        summary = {
            "kind": result.kind,
            "suggestions": len(result.groups),
            "people_matched": len(result.matched_ids),
            "pool": len(people),
            "left_out": [
                {"person_id": u.person_id, "code": u.code, "args": dict(u.args)}
                for u in result.unmatched
            ],
            "total_weight": result.total_weight,
            "bound": result.bound,
            "gap": result.gap,
            "relative_gap": result.relative_gap,
            "optimal": result.optimal,
            "baseline": result.baseline,
            "candidate_k": result.candidate_k,
            "seconds": result.seconds,
        }
        _store_summary(s, p.id, summary)
        audit.record(
            s,
            "matching_run",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=p.name,
            suggestions=len(result.groups),
            pool=len(people),
        )
        return _summary(s, summary)


def _summary(s: Session, data: dict) -> RunSummary:
    ids = [u["person_id"] for u in data["left_out"]]
    names = dict(
        s.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).tuples().all()
    )
    left = tuple(
        LeftOut(
            u["person_id"],
            names.get(u["person_id"], "?"),
            matching.Unmatched(u["person_id"], u["code"], u.get("args") or {}).message(),
        )
        for u in data["left_out"]
    )
    return RunSummary(
        kind=data["kind"],
        suggestions=data["suggestions"],
        people_matched=data["people_matched"],
        pool=data["pool"],
        left_out=left,
        total_weight=data["total_weight"],
        bound=data["bound"],
        gap=data["gap"],
        relative_gap=data["relative_gap"],
        optimal=data["optimal"],
        baseline=data["baseline"],
        candidate_k=data["candidate_k"],
        seconds=data["seconds"],
    )


def last_run(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> RunSummary | None:
    """The summary of the latest run (who was left out and why, the certificate)."""
    _require_coordinator(viewer)
    with sf.begin() as s:
        row = s.get(Setting, _RUN_KEY.format(id=programme_id))
        return _summary(s, json.loads(row.value)) if row else None


# --------------------------------------------------------------------------- manual review


def _suggestion(s: Session, match_id: int, programme_id: int | None = None) -> Match:
    m = s.get(Match, match_id)
    if m is None or (programme_id is not None and m.programme_id != programme_id):
        raise NotFound(t("This suggestion no longer exists: run the matching again or refresh."))
    if m.status != "suggested":
        raise Conflict(t("This match is already published: it cannot be changed here."))
    return m


def _check_and_score(s: Session, p: Programme, person_ids: Sequence[int]) -> matching.Score:
    rows = [r for r in _pool(s, p) if r[1].id in set(person_ids)]
    found = {person.id for _, person in rows}
    missing = [i for i in person_ids if i not in found]
    if missing:
        names = s.scalars(select(Person.full_name).where(Person.id.in_(missing))).all()
        raise InvalidInput(
            t(
                "Not in this programme's pool (withdrawn, deactivated or already matched): {names}",
                names=", ".join(names) or ", ".join(map(str, missing)),
            )
        )
    people = _candidates(s, rows)
    check = matching.evaluate_group(people, _weights(p), _rules(s, p, found), mutual=_mutual(p))
    if check.violations:
        raise InvalidInput(
            t("These people cannot be matched: {reasons}", reasons="; ".join(check.violations))
        )
    return check.score


def _save(s: Session, m: Match, person_ids: Sequence[int], score: matching.Score) -> None:
    roles = {mm.person_id: mm.role for mm in m.members}
    m.members = [MatchMember(person_id=i, role=roles.get(i, "peer")) for i in person_ids]
    m.score = round(score.total, 3)
    m.explanation = [part.to_dict() for part in score.parts]
    m.kind = "circle" if len(person_ids) > 2 else m.kind if m.kind != "circle" else "pair"


def _flush(s: Session) -> None:
    try:
        s.flush()
    except StaleDataError as e:
        raise Conflict(
            t("Someone changed these suggestions meanwhile. Refresh and try again.")
        ) from e


def swap(
    sf: sessionmaker[Session],
    viewer: Viewer,
    match_a: int,
    person_a: int,
    match_b: int,
    person_b: int,
) -> tuple[SuggestionRow, SuggestionRow]:
    """Swap two people between two suggestions; refused with its reasons if a rule breaks."""
    _require_coordinator(viewer)
    if match_a == match_b:
        raise InvalidInput(t("Choose two different suggestions to swap people between."))
    with sf.begin() as s:
        a, b = (
            _suggestion(s, match_a),
            _suggestion(s, match_b, s.get_one(Match, match_a).programme_id),
        )
        ids_a = [m.person_id for m in a.members]
        ids_b = [m.person_id for m in b.members]
        if person_a not in ids_a or person_b not in ids_b:
            raise Conflict(t("These suggestions changed meanwhile. Refresh and try again."))
        new_a = [person_b if i == person_a else i for i in ids_a]
        new_b = [person_a if i == person_b else i for i in ids_b]
        p = _programme(s, a.programme_id)
        score_a, score_b = _check_and_score(s, p, new_a), _check_and_score(s, p, new_b)
        _save(s, a, new_a, score_a)
        _save(s, b, new_b, score_b)
        _flush(s)
        return _row(s, a), _row(s, b)


def set_members(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    match_id: int | None,
    person_ids: Sequence[int],
) -> SuggestionRow:
    """Fix a suggestion by hand (or create one when ``match_id`` is None) with these people.

    People taken from another suggestion leave it; a suggestion left with one person is removed.
    """
    _require_coordinator(viewer)
    person_ids = list(dict.fromkeys(person_ids))
    if not 2 <= len(person_ids) <= matching.CIRCLE_MAX:
        raise InvalidInput(t("A match has 2 to 6 members, not {n}.", n=len(person_ids)))
    with sf.begin() as s:
        p = _programme(s, programme_id)
        target = _suggestion(s, match_id, programme_id) if match_id is not None else None
        score = _check_and_score(s, p, person_ids)
        others = (
            s.scalars(
                select(Match)
                .join(MatchMember, MatchMember.match_id == Match.id)
                .where(
                    Match.programme_id == programme_id,
                    Match.status == "suggested",
                    MatchMember.person_id.in_(person_ids),
                )
            )
            .unique()
            .all()
        )
        for other in others:
            if target is not None and other.id == target.id:
                continue
            rest = [m.person_id for m in other.members if m.person_id not in person_ids]
            if len(rest) < 2:
                s.delete(other)
            else:
                _save(s, other, rest, _check_and_score(s, p, rest))
        if target is None:
            target = Match(
                programme_id=p.id, status="suggested", kind="pair", created_at=clock.now()
            )
            s.add(target)
        _save(s, target, person_ids, score)
        _flush(s)
        audit.record(
            s,
            "match_edited",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=p.name,
        )
        return _row(s, target)


def remove_suggestion(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> None:
    """Drop one suggestion: its people go back to the pool."""
    _require_coordinator(viewer)
    with sf.begin() as s:
        s.delete(_suggestion(s, match_id))


def publish(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> int:
    """Publish every suggestion at once, or none: each member must still be available."""
    _require_coordinator(viewer)
    with sf.begin() as s:
        p = _programme(s, programme_id)
        suggested = s.scalars(
            select(Match).where(Match.programme_id == programme_id, Match.status == "suggested")
        ).all()
        if not suggested:
            raise InvalidInput(t("There is no suggestion to publish."))
        problems: list[str] = []
        seen: set[int] = set()
        for m in suggested:
            ids = [mm.person_id for mm in m.members]
            try:
                _check_and_score(s, p, ids)
            except InvalidInput as e:
                problems.append(str(e))
            twice = seen & set(ids)
            if twice:
                names = s.scalars(select(Person.full_name).where(Person.id.in_(twice))).all()
                problems.append(t("In two suggestions at once: {names}", names=", ".join(names)))
            seen |= set(ids)
        if problems:
            raise InvalidInput(
                t(
                    "Nothing was published. Fix these suggestions first: {problems}",
                    problems=" ".join(problems),
                )
            )
        now = clock.now()
        for m in suggested:
            m.status = "published"
            m.published_at = now
            for mm in m.members:
                mm.response = "pending"
        _flush(s)
        audit.record(
            s,
            "matches_published",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=p.name,
            count=len(suggested),
        )
        return len(suggested)


def declined(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> list[SuggestionRow]:
    """Matches a member declined: its people are back in the pool for re-matching."""
    return list_suggestions(sf, viewer, programme_id, statuses=("declined",))


# --------------------------------------------------------------------------- participants


@dataclass(frozen=True)
class Proposal:
    match_id: int
    programme: str
    status: str
    score: float
    peers: tuple[Member, ...]
    my_response: str
    reasons: tuple[str, ...]
    guidelines: str


def my_proposals(sf: sessionmaker[Session], viewer: Viewer) -> list[Proposal]:
    """My published or active matches, with who my peers are and why we were matched."""
    with sf.begin() as s:
        matches = s.scalars(
            select(Match)
            .join(MatchMember, MatchMember.match_id == Match.id)
            .where(
                MatchMember.person_id == viewer.person_id,
                Match.status.in_(("published", "active", "paused")),
            )
            .order_by(Match.published_at.desc(), Match.id.desc())
        ).all()
        out = []
        for m in matches:
            row = _row(s, m)
            mine = next(x for x in row.members if x.person_id == viewer.person_id)
            p = s.get_one(Programme, m.programme_id)
            out.append(
                Proposal(
                    m.id,
                    p.name,
                    m.status,
                    m.score,
                    tuple(x for x in row.members if x.person_id != viewer.person_id),
                    mine.response,
                    row.reasons,
                    p.guidelines,
                )
            )
        return out


def respond(sf: sessionmaker[Session], viewer: Viewer, match_id: int, accept: bool) -> str:
    """Accept or decline a proposed match. Returns the match's status afterwards.

    Everyone accepting makes the match active; one decline ends the proposal and
    returns every member to the pool (the coordinator sees it among the declines).
    """
    answer = "accepted" if accept else "declined"
    with sf.begin() as s:
        m = s.get(Match, match_id)
        member = (
            next((x for x in m.members if x.person_id == viewer.person_id), None) if m else None
        )
        if m is None or member is None:
            raise NotAllowed(t("This match proposal is not yours, or no longer exists."))
        if member.response == answer:
            return m.status  # a double click: already done
        if m.status != "published" or member.response != "pending":
            raise Conflict(t("This proposal was already answered or withdrawn."))
        now = clock.now()
        member.response, member.responded_at = answer, now
        if not accept:
            m.status, m.ended_at = "declined", now
        elif all(x.response == "accepted" for x in m.members):
            m.status, m.started_at = "active", now
        _flush(s)
        audit.record(
            s,
            f"match_{answer}",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=str(m.id),
        )
        return m.status
