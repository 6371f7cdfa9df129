"""Matches as pages show them: members, score and the reasons in the reader's language.

Session-level helpers (they take a ``Session`` and never commit), and
:func:`explain_parts`, which phrases a stored explanation for any area that shows one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kernel.i18n import get_language, t
from core.matching import engine
from core.programmes.enrolment import GOAL_THEMES
from db.models import Match, Person


@dataclass(frozen=True)
class Member:
    """One member of a match: who, their role and their answer."""

    person_id: int
    name: str
    department: str | None
    level: str | None
    role: str
    response: str


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
        return engine.explain(ready, get_language(), names=names)
    except (KeyError, TypeError, ValueError):
        return []


def suggestion_row(s: Session, match: Match) -> SuggestionRow:
    """One match with its members (by name) and its reasons."""
    members = _members(s, match)
    reasons = tuple(explain_parts(match.explanation or [], {m.person_id: m.name for m in members}))
    return SuggestionRow(
        match.id, match.kind, match.status, match.score, members, reasons, match.version
    )


def suggestion_rows(s: Session, programme_id: int, statuses: Iterable[str]) -> list[SuggestionRow]:
    """The programme's matches in ``statuses``, best score first."""
    matches = s.scalars(
        select(Match)
        .where(Match.programme_id == programme_id, Match.status.in_(list(statuses)))
        .order_by(Match.score.desc(), Match.id)
    ).all()
    return [suggestion_row(s, m) for m in matches]
