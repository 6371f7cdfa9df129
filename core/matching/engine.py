"""Matching engine: explained scores, must-rules, pairs, circles and mentor assignment.

Pure Python (numpy, scipy, rustworkx): no database, no Streamlit. Pages and services turn
enrolments into :class:`Candidate` objects, call one ``match_*`` function (or :func:`suggest`,
which picks the one a programme calls for), and store each :class:`Suggestion` with its parts
(``Part.to_dict``) so the explanation can be phrased again later in the reader's language with
:func:`explain`.

Scores are 0–100: each criterion gives a satisfaction in [0, 1], times its weight, divided by
the sum of the absolute weights. The parts of a score sum exactly to its total.

Where each part lives: ``model`` (candidates, weights, rules, results), ``scoring``,
``explain``, ``rules`` (must-rules), ``matrix`` (the pool as arrays), ``solver`` (exact
matching and its certificate), ``pairs``, ``circles``, ``mentoring`` (and onboarding).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from core.kernel import clock
from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.matching.circles import match_circles
from core.matching.explain import SLOTS, explain
from core.matching.mentoring import match_mentoring, match_onboarding
from core.matching.model import (
    Candidate,
    GroupCheck,
    MatchingResult,
    Part,
    Rules,
    Score,
    Suggestion,
    Unmatched,
    Weights,
)
from core.matching.pairs import match_pairs
from core.matching.rules import evaluate_group, pairing_conflicts, require_allowed
from core.matching.scoring import SCALE, group_score, score

__all__ = [
    "SCALE",
    "SLOTS",
    "Candidate",
    "GroupCheck",
    "MatchingResult",
    "Part",
    "Rules",
    "Score",
    "Suggestion",
    "Unmatched",
    "Weights",
    "evaluate_group",
    "explain",
    "group_score",
    "match_circles",
    "match_mentoring",
    "match_onboarding",
    "match_pairs",
    "pairing_conflicts",
    "require_allowed",
    "score",
    "suggest",
]

RELATIONSHIPS = ("peer", "mentoring", "reverse", "onboarding")


def suggest(
    people: Iterable[Candidate],
    weights: Weights | None = None,
    rules: Rules | None = None,
    *,
    relationship: str = "peer",
    format: str = "pairs",
    circle_size: int = 4,
    today: dt.date | None = None,
    seed: int = 0,
) -> MatchingResult:
    """Run the matcher a programme calls for (its relationship_type, format, circle_size)."""
    if relationship not in RELATIONSHIPS:
        raise InvalidInput(t("Unknown programme type “{value}”.", value=relationship))
    if relationship == "onboarding":
        return match_onboarding(people, weights, rules, today=today or clock.today())
    if relationship in ("mentoring", "reverse"):
        return match_mentoring(people, weights, rules, kind=relationship)
    if format == "circles":
        return match_circles(people, weights, rules, size=circle_size, seed=seed)
    return match_pairs(people, weights, rules)
