"""Explained scores: each criterion's points for a pair, and a group's mean pair score.

Scores are 0–100: each criterion gives a satisfaction in [0, 1], times its weight, divided by
the sum of the absolute weights. The parts of a score sum exactly to its total.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Sequence
from typing import Any

from core.matching.explain import _slot_order
from core.matching.model import Candidate, Part, Score, Weights

# Points are whole multiples of 1/1024 (each criterion's points rounded down once): sums of
# such numbers are exact in any order, so a score's parts add up to its total in Python, in
# numpy and after a JSON round trip. rustworkx's blossom wants integer weights: it gets the
# score in these units (× 1024), which is exact, not rounded.
SCALE = 1024
# Share of the skills weight: each direction of help, and the bonus when help goes both ways.
# With 0.35 + 0.35 + 0.3, one skill each way (0.5) beats three skills one way (0.31).
HELP_SHARE = 0.35
MUTUAL_SHARE = 0.3


_DIGITS = re.compile(r"-?\d+")


@functools.lru_cache(maxsize=1024)
def _rank(level: str | int | None) -> float:
    if isinstance(level, bool) or level is None:
        return math.nan
    if isinstance(level, int | float):
        return float(level)
    found = _DIGITS.search(str(level))
    return float(found.group()) if found else math.nan


def _sat(count: int) -> float:
    # 1 → 0.5, 2 → 0.75, 3 → 0.875: more in common helps, with diminishing returns.
    return 1.0 - 0.5**count


def _level_code(diff: float) -> int:
    return 0 if diff == 0 else 1 if diff == 1 else 2  # same, adjacent, other or unknown


@functools.lru_cache(maxsize=64)
def _terms(w: Weights, mutual: bool) -> _Terms:
    return _Terms(w, mutual)


class _Terms:
    """Each criterion's points for one set of weights, in units of 1/SCALE point (integers).

    :func:`score` and the vectorised pool read the same numbers, so the matrix the matcher
    optimises equals the totals the coordinator sees.
    """

    def __init__(self, w: Weights, mutual: bool) -> None:
        scale = w.scale or 1.0  # all weights 0: every score is 0
        self.mutual = mutual
        self.w = w
        self.scale = scale
        self.cross = w.cross_department > 0  # else the same department earns the points
        self.level = (self.units(w.level, 1.0), self.units(w.level, 0.5), 0)
        self.department = self.units(w.cross_department, 1.0)
        self.location = self.units(w.location, 1.0)
        self.language = self.units(w.language, 1.0)

    def units(self, weight: float, value: float) -> int:
        """Points of a criterion satisfied to ``value`` (0–1), rounded down to a unit."""
        return math.floor(SCALE * 100.0 * abs(weight) * value / self.scale)

    def help(self, count: int) -> int:
        """What a offers and b wants (``count`` skills)."""
        return self.units(self.w.skills, (HELP_SHARE if self.mutual else 1.0) * _sat(count))

    def help_back(self, count: int) -> int:
        """What b offers and a wants; nothing when help is one way."""
        return self.units(self.w.skills, HELP_SHARE * _sat(count)) if self.mutual else 0

    def both_ways(self, ab: int, ba: int) -> int:
        """Bonus when help goes both ways, so reciprocity outweighs one-way help."""
        if not self.mutual:
            return 0
        return self.units(self.w.skills, MUTUAL_SHARE * min(_sat(ab), _sat(ba)))

    def themes(self, count: int) -> int:
        """Shared goal themes."""
        return self.units(self.w.themes, _sat(count))

    def availability(self, count: int) -> int:
        """Common availability slots."""
        return self.units(self.w.availability, _sat(count))


def _meeting(a: Candidate, b: Candidate) -> tuple[bool, bool]:
    """(can meet in person, can meet remotely)."""
    in_person = (
        a.work_mode != "remote"
        and b.work_mode != "remote"
        and a.location is not None
        and a.location == b.location
    )
    remote = a.work_mode != "onsite" and b.work_mode != "onsite"
    return in_person, remote


def _dept_same(a: Candidate, b: Candidate) -> int:
    if a.department is None or b.department is None:
        return -1
    return int(a.department == b.department)


def score(
    a: Candidate, b: Candidate, weights: Weights | None = None, *, mutual: bool = True
) -> Score:
    """Score a pair 0–100 with its parts; ``mutual=False`` counts only a helping b (mentoring)."""
    terms = _terms(weights or Weights(), mutual)
    ab, ba = a.offered & b.wanted, b.offered & a.wanted
    themes, langs = a.themes & b.themes, a.languages & b.languages
    slots = a.availability & b.availability
    level = _level_code(abs(_rank(a.level) - _rank(b.level)))
    same = _dept_same(a, b)
    in_person, remote = _meeting(a, b)
    units = (
        terms.help(len(ab)),
        terms.help_back(len(ba)),
        terms.both_ways(len(ab), len(ba)),
        terms.themes(len(themes)),
        terms.level[level],
        terms.department if same == (0 if terms.cross else 1) else 0,
        terms.location if in_person or remote else 0,
        terms.language if langs else 0,
        terms.availability(len(slots)),
    )
    names = {"a": a.label, "b": b.label, "a_id": a.person_id, "b_id": b.person_id}
    # What each sentence needs, built only for the parts that earn points.
    describe = (
        lambda: ("help", _help_args(a, b, sorted(ab))),
        lambda: ("help", _help_args(b, a, sorted(ba))),
        lambda: ("mutual", names),
        lambda: ("themes", {**names, "themes": sorted(themes)}),
        lambda: ("level_same" if level == 0 else "level_adjacent", names),
        lambda: ("department_cross" if terms.cross else "department_same", names),
        lambda: (
            ("location_same", {**names, "location": a.location}) if in_person else ("remote", names)
        ),
        lambda: ("language", {**names, "languages": sorted(langs)}),
        lambda: ("availability", {**names, "slots": sorted(slots, key=_slot_order)}),
    )
    parts = []
    for value, describe_part in zip(units, describe, strict=True):
        if value > 0:
            code, args = describe_part()
            parts.append(Part(code, value / SCALE, args))
    return Score(sum(p.points for p in parts), tuple(parts), (a.person_id, b.person_id))


def _help_args(giver: Candidate, taker: Candidate, skills: list[str]) -> dict[str, Any]:
    return {
        "giver": giver.label,
        "taker": taker.label,
        "giver_id": giver.person_id,
        "taker_id": taker.person_id,
        "skills": skills,
    }


def group_score(
    members: Sequence[Candidate], weights: Weights | None = None, *, mutual: bool = True
) -> Score:
    """Mean pair score of a group; its parts are every pair's parts divided by the pair count."""
    if len(members) == 2:
        return score(members[0], members[1], weights, mutual=mutual)
    pairs = list(itertools.combinations(members, 2))
    parts = tuple(
        Part(p.code, p.points / len(pairs), p.args)
        for a, b in pairs
        for p in score(a, b, weights, mutual=mutual).parts
    )
    return Score(sum(p.points for p in parts), parts, tuple(m.person_id for m in members))
