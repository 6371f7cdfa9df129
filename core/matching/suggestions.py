"""Suggesting matches: run the engine on who is waiting, and what the coordinator reviews.

The engine is pure; :func:`run_matching` feeds it the enrolled pool and the must-rules read
from the database, and stores its suggestions as ``Match`` rows with status ``suggested``
(with the score's parts, so each explanation can be phrased again in the reader's
language). The run's summary (who was left out and why, the certificate) is kept for
:func:`last_run`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput
from core.kernel.i18n import N_, t
from core.kernel.tx import reading, transaction
from core.matching import candidates, engine
from core.matching.rows import SuggestionRow, suggestion_rows
from core.people.names import names_of
from db.folding import fold
from db.models import Enrolment, Match, MatchMember, MatchStatus, Person, Programme, Setting


@dataclass(frozen=True)
class LeftOut:
    """Someone the last run left without a suggestion, and why."""

    person_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class RunSummary:
    """What the last run found: counts, who was left out, and how close to the optimum."""

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
    """Someone waiting to be matched."""

    person_id: int
    name: str
    department: str | None
    level: str | None
    in_suggestion: int | None  # the suggested match holding them, if any
    role: str = "peer"  # as they enrolled: peer, or mentor or mentee where help goes one way


_RUN_KEY = "matching-run:{id}"


def suggestion_count(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> int:
    """How many suggestions wait to be published, counted in SQL."""
    return suggestion_page(sf, viewer, programme_id, limit=0).total


@dataclass(frozen=True)
class SuggestionPage:
    """The best suggestions a filter keeps, with their reasons, and how many there are."""

    rows: list[SuggestionRow]  # the best ``limit`` of those kept, best first
    kept: int  # how many suggestions the filter keeps
    total: int  # every suggestion of the programme


def suggestion_page(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    *,
    needle: str = "",
    min_score: float = 0,
    limit: int,
) -> SuggestionPage:
    """The programme's suggestions scoring at least ``min_score`` (above 0) with a member
    whose name (without case or accents) or department holds ``needle``: the best ``limit``
    of them, filtered, counted and cut in SQL (a company's run makes thousands), their
    reasons phrased."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        p = candidates.programme(s, programme_id)
        every = (Match.programme_id == p.id) & (Match.status == MatchStatus.SUGGESTED)
        needle = needle.strip()
        filtered = bool(needle) or min_score > 0
        kept = every & (Match.score >= min_score) if min_score > 0 else every
        if needle:
            member = (
                select(MatchMember.match_id)
                .join(Person, Person.id == MatchMember.person_id)
                .where(
                    Person.sort_name.contains(fold(needle), autoescape=True)
                    | func.lower(Person.department).contains(needle.lower(), autoescape=True)
                )
            )
            kept = kept & Match.id.in_(member)
        ids = (
            s.scalars(
                select(Match.id).where(kept).order_by(Match.score.desc(), Match.id).limit(limit)
            ).all()
            if limit
            else []
        )
        total = s.scalar(select(func.count()).select_from(Match).where(every)) or 0
        return SuggestionPage(
            suggestion_rows(s, p.id, (MatchStatus.SUGGESTED,), only=ids) if ids else [],
            (s.scalar(select(func.count()).select_from(Match).where(kept)) or 0)
            if filtered
            else total,  # nothing filtered: one count
            total,
        )


def declined(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> list[SuggestionRow]:
    """Matches a member declined: its people are back in the pool for re-matching."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        candidates.programme(s, programme_id)
        return suggestion_rows(s, programme_id, (MatchStatus.DECLINED,))


def pool_size(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> int:
    """How many people wait to be matched, counted in SQL (the pool can be thousands)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        p = candidates.programme(s, programme_id)
        waiting = candidates.waiting_query(p, Person.id).order_by(None).subquery()
        return s.scalar(select(func.count()).select_from(waiting)) or 0


def pool(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> list[PoolPerson]:
    """Everyone waiting to be matched, and the suggestion each is in (for manual fixes)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        p = candidates.programme(s, programme_id)
        holder = dict(
            s.execute(
                select(MatchMember.person_id, Match.id)
                .join(Match, Match.id == MatchMember.match_id)
                .where(Match.programme_id == programme_id, Match.status == MatchStatus.SUGGESTED)
            )
            .tuples()
            .all()
        )
        return [
            PoolPerson(
                person_id,
                name,
                department,
                level,
                holder.get(person_id),
                candidates.shown_role(p, role),
            )
            for person_id, name, department, level, role in s.execute(
                candidates.waiting_query(
                    p,
                    Person.id,
                    Person.full_name,
                    Person.department,
                    Person.level,
                    Enrolment.role,
                )
            ).tuples()
        ]


@dataclass(frozen=True)
class _Asked:
    """Everything a matching run solves over, read in one transaction."""

    people: tuple[engine.Candidate, ...]
    weights: engine.Weights
    rules: engine.Rules
    relationship: str
    format: str
    circle_size: int


def _asked(s: Session, p: Programme) -> _Asked:
    """What a run of ``p`` solves over now (refused: not matchable, nobody waiting)."""
    if p.status not in candidates.MATCHABLE_STATES:
        raise InvalidInput(t("Matching is possible while enrolment is open or the programme runs."))
    rows = candidates.waiting(s, p)
    if not rows:
        raise InvalidInput(t("Nobody is waiting to be matched in this programme."))
    people = tuple(candidates.candidates(s, p, rows))
    return _Asked(
        people,
        candidates.weights(p),
        candidates.rules(s, p, {c.person_id for c in people}),
        candidates.engine_relationship(p),
        "circles" if p.format == "circles" else "pairs",
        p.circle_size or 4,
    )


# Solving takes seconds for thousands of people (8.3 s for a pool of 6 636): it runs outside
# any transaction, so no one's save waits for it; the suggestions are written only if what
# was solved is still what the database holds, else solved again, a few times at most.
ATTEMPTS = 3
POOL_CHANGED = N_(
    "People joined, left or changed their answers while the matching ran, again and again. "
    "Run it again in a moment."
)


def run_matching(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> RunSummary:
    """Compute fresh suggestions for everyone waiting (replacing earlier unpublished ones)."""
    require_role(viewer, COORDINATOR)
    for _ in range(ATTEMPTS):
        with reading(sf) as s:
            asked = _asked(s, candidates.programme(s, programme_id))
        result = engine.suggest(
            list(asked.people),
            asked.weights,
            asked.rules,
            relationship=asked.relationship,
            format=asked.format,
            circle_size=asked.circle_size,
            today=clock.today(),
        )
        with transaction(sf, stale=t(candidates.STALE)) as s:
            p = candidates.programme(s, programme_id)
            if _asked(s, p) == asked:
                return _write_run(s, viewer, p, asked, result)
    raise Conflict(t(POOL_CHANGED))


def _write_run(
    s: Session, viewer: Viewer, p: Programme, asked: _Asked, result: engine.MatchingResult
) -> RunSummary:
    """The run's suggestions, replacing the programme's earlier unpublished ones."""
    s.execute(
        delete(Match).where(Match.programme_id == p.id, Match.status == MatchStatus.SUGGESTED)
    )
    now = clock.now()
    groups = result.groups
    if groups:
        # In two statements, not an object a row: a company's pool makes thousands of
        # matches, and building and flushing them one by one held the write lock 1.7 s longer.
        ids = s.scalars(
            insert(Match).returning(Match.id, sort_by_parameter_order=True),
            [
                {
                    "programme_id": p.id,
                    "status": MatchStatus.SUGGESTED,
                    "kind": candidates.match_kind(p, len(g.members)),
                    "score": round(g.score, 3),
                    "explanation": [part.to_dict() for part in g.parts],
                    "created_at": now,
                }
                for g in groups
            ],
        ).all()
        s.execute(
            insert(MatchMember),
            [
                {"match_id": match_id, "person_id": person, "role": role}
                for match_id, g in zip(ids, groups, strict=True)
                for person, role in zip(
                    g.members, g.roles or ("peer",) * len(g.members), strict=False
                )
            ],
        )
    summary = _summary_data(result, len(asked.people))
    _store_summary(s, p.id, summary)
    audit.by(
        s,
        viewer,
        "matching_run",
        target=p.name,
        suggestions=len(result.groups),
        pool=len(asked.people),
    )
    return _summary(s, summary)


def last_run(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> RunSummary | None:
    """The summary of the latest run (who was left out and why, the certificate)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        row = s.get(Setting, _RUN_KEY.format(id=programme_id))
        return _summary(s, json.loads(row.value)) if row else None


def _summary_data(result: engine.MatchingResult, pool_size: int) -> dict[str, Any]:
    """A run's summary as stored (JSON): reasons as codes, phrased when read."""
    return {
        "kind": result.kind,
        "suggestions": len(result.groups),
        "people_matched": len(result.matched_ids),
        "pool": pool_size,
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


def _store_summary(s: Session, programme_id: int, summary: dict[str, Any]) -> None:
    key = _RUN_KEY.format(id=programme_id)
    row = s.get(Setting, key)
    if row is None:
        s.add(Setting(key=key, value=json.dumps(summary)))
    else:
        row.value = json.dumps(summary)


def _summary(s: Session, data: dict[str, Any]) -> RunSummary:
    ids = [u["person_id"] for u in data["left_out"]]
    names = names_of(s, ids)
    left = tuple(
        LeftOut(
            u["person_id"],
            names.get(u["person_id"], "?"),
            engine.Unmatched(u["person_id"], u["code"], u.get("args") or {}).message(),
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
