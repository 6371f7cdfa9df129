"""Matches as pages show them: members, score and the reasons in the reader's language.

Session-level helpers (they take a ``Session`` and never commit), and
:func:`explain_parts`, which phrases a stored explanation for any area that shows one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, and_, null, select
from sqlalchemy.orm import Session

from core.kernel.i18n import get_language, t
from core.matching import candidates, engine
from core.programmes.enrolment import GOAL_THEMES
from db.folding import name_key
from db.models import NAME_ORDER, Match, MatchMember, Person, Programme


@dataclass(frozen=True)
class Member:
    """One member of a match: who, their role and their answer."""

    person_id: int
    name: str
    department: str | None
    level: str | None
    role: str
    response: str
    responded_at: dt.datetime | None = None  # when they accepted or declined


@dataclass(frozen=True)
class SuggestionRow:
    """A match as the coordinator reviews it."""

    match_id: int
    kind: str
    status: str
    score: float
    members: tuple[Member, ...]
    reasons: tuple[str, ...]  # the score's parts, phrased in the reader's language
    version: int

    @property
    def names(self) -> str:
        """The members' names, in one line."""
        return " · ".join(m.name for m in self.members)


def _row(
    match: Match | Row[Any], members: Iterable[Member], with_reasons: bool = True
) -> SuggestionRow:
    # By name; where help goes one way, the mentor first.
    by_name = tuple(
        sorted(members, key=lambda m: (m.role not in candidates.LEADS, name_key(m.name)))
    )
    reasons = (
        tuple(explain_parts(match.explanation or [], {m.person_id: m.name for m in by_name}))
        if with_reasons
        else ()
    )
    return SuggestionRow(
        match.id, match.kind, match.status, match.score, by_name, reasons, match.version
    )


def _members(where: Any) -> Select[Any]:
    """Members with their names, match id first (``where`` chooses the matches)."""
    return (
        select(
            MatchMember.match_id,
            MatchMember.person_id,
            Person.full_name,
            Person.department,
            Person.level,
            MatchMember.role,
            MatchMember.response,
            MatchMember.responded_at,
        )
        .join(Person, Person.id == MatchMember.person_id)
        .join(Match, Match.id == MatchMember.match_id)
        .where(where)
        .order_by(MatchMember.match_id, *NAME_ORDER, Person.id)
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
        return engine.explain(ready, get_language(), names=names)
    except (KeyError, TypeError, ValueError):
        return []


def _member(p: Programme, row: Row[Any]) -> Member:
    """A member of a match of ``p`` from a row of :func:`_members`, their role as shown."""
    _, person_id, name, department, level, role, response, responded_at = row
    return Member(
        person_id, name, department, level, candidates.shown_role(p, role), response, responded_at
    )


def suggestion_row(s: Session, match: Match) -> SuggestionRow:
    """One match with its members (by name) and its reasons."""
    p = s.get_one(Programme, match.programme_id)
    return _row(match, (_member(p, m) for m in s.execute(_members(Match.id == match.id))))


def suggestion_rows(
    s: Session,
    programme_id: int,
    statuses: Iterable[str],
    *,
    with_reasons: bool = True,
    only: Collection[int] | None = None,
) -> list[SuggestionRow]:
    """The programme's matches in ``statuses`` (those of ``only`` when given), best score
    first: two queries in all (the matches, their members with their names), never one per
    match. ``with_reasons=False`` leaves the explanations unphrased (a list of thousands
    that shows no reasons)."""
    wanted = and_(Match.programme_id == programme_id, Match.status.in_(list(statuses)))
    if only is not None:
        wanted = and_(wanted, Match.id.in_(list(only)))
    # Plain rows, not ORM objects: a company's run makes thousands (0.28 s as objects).
    explanation = Match.explanation if with_reasons else null().label("explanation")
    matches = s.execute(
        select(Match.id, Match.kind, Match.status, Match.score, explanation, Match.version)
        .where(wanted)
        .order_by(Match.score.desc(), Match.id)
    ).all()
    if not matches:
        return []
    p = s.get_one(Programme, programme_id)
    members: dict[int, list[Member]] = {}
    for m in s.execute(_members(wanted)):
        members.setdefault(m[0], []).append(_member(p, m))
    return [_row(match, members.get(match.id, ()), with_reasons) for match in matches]
