"""Matching engine: explained scores, must-rules, pairs, circles and mentor assignment.

Pure Python (numpy, scipy, rustworkx): no database, no Streamlit. Pages and services turn
enrolments into :class:`Candidate` objects, call one ``match_*`` function, and store each
:class:`Suggestion` with its parts (``Part.to_dict``) so the explanation can be phrased again
later in the reader's language with :func:`explain`.

Scores are 0–100: each criterion gives a satisfaction in [0, 1], times its weight, divided by
the sum of the absolute weights. The parts of a score sum exactly to its total.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
import rustworkx as rx
from babel import Locale
from babel.lists import format_list
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from core.kernel import clock
from core.kernel.errors import InvalidInput
from core.kernel.i18n import N_, get_language, t

__all__ = [
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
    "slot_label",
    "suggest",
]

# Points are whole multiples of 1/1024 (each criterion's points rounded down once): sums of
# such numbers are exact in any order, so a score's parts add up to its total in Python, in
# numpy and after a JSON round trip. rustworkx's blossom wants integer weights: it gets the
# score in these units (× 1024), which is exact, not rounded.
SCALE = 1024
# Share of the skills weight: each direction of help, and the bonus when help goes both ways.
# With 0.35 + 0.35 + 0.3, one skill each way (0.5) beats three skills one way (0.31).
HELP_SHARE = 0.35
MUTUAL_SHARE = 0.3
# Above this pool size the dense n×n certificate is skipped unless asked for (memory and time).
CERTIFY_LIMIT = 4000
# Candidates per person, by reduced cost, in the first certified pass. Measured on the
# benchmark pools: at 1 000 people this pass (≈3 200 edges) already proves the optimum; at
# 2 000 it finds it and a second pass (≈10 400 edges) proves it. The 20 best by score alone
# (≈27 000 edges at 2 000) took twice as long and missed the optimum by 3.3 points.
FIRST_PASS = 4
CIRCLE_MIN, CIRCLE_MAX = 3, 6
FULL_SWAPS = 3000  # circles: up to this pool size, each person tries a swap with everyone
WORK_MODES = ("onsite", "remote", "either")
ROLES = ("peer", "mentor", "mentee")
RELATIONSHIPS = ("peer", "mentoring", "reverse", "onboarding")
WEIGHT_WORDS = {"high": 5.0, "medium": 3.0, "low": 1.0, "off": 0.0}

SLOTS: dict[str, str] = {
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
    "sat-am": N_("Saturday morning"),
    "sat-pm": N_("Saturday afternoon"),
    "sun-am": N_("Sunday morning"),
    "sun-pm": N_("Sunday afternoon"),
}

_PAIR_SENTENCES = {
    "help": N_("{giver} can help {taker} with {skills}"),
    "mutual": N_("{a} and {b} can help each other"),
    "themes": N_("Shared goals: {themes}"),
    "level_same": N_("Same level"),
    "level_adjacent": N_("Adjacent levels"),
    "department_cross": N_("Different departments"),
    "department_same": N_("Same department"),
    "location_same": N_("Same location: {location}"),
    "remote": N_("Both can meet remotely"),
    "language": N_("Both speak {languages}"),
    "availability": N_("Both available on {slots}"),
}
# In a circle a nameless "Same level" would not say which two members it is about.
_GROUP_SENTENCES = {
    **_PAIR_SENTENCES,
    "themes": N_("{a} and {b} share goals: {themes}"),
    "level_same": N_("{a} and {b} are at the same level"),
    "level_adjacent": N_("{a} and {b} are at adjacent levels"),
    "department_cross": N_("{a} and {b} work in different departments"),
    "department_same": N_("{a} and {b} work in the same department"),
    "location_same": N_("{a} and {b} work at the same location: {location}"),
    "remote": N_("{a} and {b} can meet remotely"),
    "language": N_("{a} and {b} both speak {languages}"),
    "availability": N_("{a} and {b} are both available on {slots}"),
}
_RULE_LABELS = {
    "self": N_("the same person"),
    "manages": N_("same reporting line"),
    "same_manager": N_("same manager"),
    "do_not_pair": N_("do-not-pair list"),
    "paired_before": N_("already paired before"),
}
_UNMATCHED = {
    "alone": N_("Only one participant: nobody to pair with"),
    "odd": N_("Odd number of participants: one person is left over"),
    "conflicts_left": N_("No compatible partner: {rules} with everyone left"),
    "conflicts_all": N_("No compatible partner: {rules} with everyone else"),
    "circle_too_few": N_("Not enough participants to form a circle (at least 3)"),
    "circle_conflict": N_("No circle without a conflict: {rules}"),
    "wrong_role": N_("Role “{role}” does not fit this programme, which pairs mentors with mentees"),
    "no_capacity": N_("No mentor place left: every compatible mentor is at capacity"),
    "no_mentor": N_("No compatible mentor: {rules}"),
    "no_mentors": N_("No mentor enrolled in this programme"),
    "no_mentee": N_("No compatible mentee: {rules}"),
    "spare_mentor": N_("No mentee assigned: there are more mentor places than mentees"),
    "zero_capacity": N_("Mentor capacity is 0: no mentee can be assigned"),
    "hire_date_unknown": N_("Hire date unknown: cannot tell a new hire from a possible buddy"),
    "between": N_("Neither a new hire nor in the company long enough to be a buddy"),
}


# --------------------------------------------------------------------------- input types


def _words(value: Iterable[str] | str | None, *, lower: bool = False) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = [value] if isinstance(value, str) else value
    out = (str(v).strip() for v in items)
    return frozenset((v.lower() if lower else v) for v in out if v)


@dataclass(frozen=True)
class Candidate:
    """One enrolled person as the matcher sees them (sets may be given as lists)."""

    person_id: int
    name: str = ""
    department: str | None = None
    level: str | int | None = None  # "L3", "3" or 3: the number is the rank; else unknown
    manager_id: int | None = None
    location: str | None = None
    work_mode: str = "either"  # onsite | remote | either
    languages: frozenset[str] = frozenset()  # codes ("fr") or names; compared lower-case
    offered: frozenset[str] = frozenset()
    wanted: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()  # slot codes from SLOTS, or free labels
    hire_date: dt.date | None = None
    role: str = "peer"  # peer | mentor | mentee
    capacity: int = 1  # mentees a mentor can take

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "languages", _words(self.languages, lower=True))
        for name in ("offered", "wanted", "themes", "availability"):
            put(self, name, _words(getattr(self, name)))
        put(self, "work_mode", (self.work_mode or "either").strip().lower())
        put(self, "role", (self.role or "peer").strip().lower())
        for name in ("department", "location"):
            value = getattr(self, name)
            put(self, name, (str(value).strip() or None) if value is not None else None)
        if self.work_mode not in WORK_MODES:
            raise InvalidInput(
                t(
                    "Unknown work mode “{value}”: expected onsite, remote or either.",
                    value=self.work_mode,
                )
            )
        if self.role not in ROLES:
            raise InvalidInput(
                t("Unknown role “{value}”: expected peer, mentor or mentee.", value=self.role)
            )
        if isinstance(self.capacity, bool) or not isinstance(self.capacity, int):
            raise InvalidInput(
                t(
                    "Mentor capacity must be a whole number ({name}: {capacity}).",
                    name=self.label,
                    capacity=self.capacity,
                )
            )
        if self.capacity < 0:
            raise InvalidInput(
                t(
                    "Mentor capacity cannot be negative ({name}: {capacity}).",
                    name=self.label,
                    capacity=self.capacity,
                )
            )

    @property
    def label(self) -> str:
        """The name to show, or the id when the name is unknown."""
        return self.name or f"#{self.person_id}"


def _weight(name: str, value: Any) -> float:
    if isinstance(value, str) and value.strip().lower() in WEIGHT_WORDS:
        return WEIGHT_WORDS[value.strip().lower()]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(
            t("Weight “{name}” must be a number, not “{value}”.", name=name, value=value)
        )
    return float(value)


@dataclass(frozen=True)
class Weights:
    """Importance of each criterion for one programme (5/3/1 = high/medium/low, 0 = ignored)."""

    skills: float = 5
    themes: float = 3
    level: float = 3
    cross_department: float = 1  # negative: prefer colleagues from the same department
    location: float = 1
    language: float = 3
    availability: float = 1

    def __post_init__(self) -> None:
        for f in fields(self):
            value = _weight(f.name, getattr(self, f.name))
            if value < 0 and f.name != "cross_department":
                raise InvalidInput(
                    t(
                        "Weight “{name}” cannot be negative: only the cross-department weight can.",
                        name=f.name,
                    )
                )
            object.__setattr__(self, f.name, value)

    @property
    def scale(self) -> float:
        """Sum of the absolute weights: a pair meeting every criterion scores 100."""
        return sum(abs(getattr(self, f.name)) for f in fields(self))

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> Weights:
        """Read a programme's ``matching`` JSON: numbers or "high"/"medium"/"low"/"off"."""
        settings = settings or {}
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in settings.items() if k in known})

    @classmethod
    def for_relationship(cls, relationship: str) -> Weights:
        """Sensible defaults: mentor and buddy pairs are not meant to be at the same level."""
        if relationship in ("mentoring", "reverse", "onboarding"):
            return cls(
                level=0, cross_department=0, location=3 if relationship == "onboarding" else 1
            )
        return cls()


@dataclass(frozen=True)
class Rules:
    """Must-rules: pairs that may never be suggested (checked by :func:`pairing_conflicts`)."""

    same_manager_forbidden: bool = False
    # frozenset({a, b}) → reason ("" when none was recorded); a plain set of pairs is accepted.
    do_not_pair: Mapping[frozenset[int], str] = field(default_factory=dict)
    paired_before: frozenset[frozenset[int]] = frozenset()
    avoid_repeats: bool = True  # people paired in an earlier programme are not paired again

    def __post_init__(self) -> None:
        dnp = self.do_not_pair
        items = dnp.items() if isinstance(dnp, Mapping) else ((p, "") for p in dnp)
        clean: dict[frozenset[int], str] = {}
        for pair, reason in items:
            pair = frozenset(pair)
            if len(pair) != 2:
                raise InvalidInput(t("A do-not-pair entry needs two different people."))
            clean[pair] = (reason or "").strip()
        object.__setattr__(self, "do_not_pair", clean)
        before = frozenset(frozenset(p) for p in self.paired_before)
        object.__setattr__(self, "paired_before", frozenset(p for p in before if len(p) == 2))

    @classmethod
    def from_settings(
        cls,
        settings: Mapping[str, Any] | None,
        do_not_pair: Mapping[frozenset[int], str] | Iterable[frozenset[int]] = (),
        paired_before: Iterable[frozenset[int]] = (),
    ) -> Rules:
        """Options from a programme's ``matching`` JSON plus the pairs read from the database."""
        settings = settings or {}
        return cls(
            same_manager_forbidden=bool(settings.get("same_manager_forbidden", False)),
            do_not_pair=do_not_pair
            if isinstance(do_not_pair, Mapping)
            else dict.fromkeys(do_not_pair, ""),
            paired_before=frozenset(frozenset(p) for p in paired_before),
            avoid_repeats=bool(settings.get("paired_before_forbidden", True)),
        )


# --------------------------------------------------------------------------- result types


@dataclass(frozen=True)
class Part:
    """One reason in a score: a code, its points, and what the sentence needs (read-only)."""

    code: str
    points: float
    args: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, the shape ``Match.explanation`` stores."""
        return {"code": self.code, "points": self.points, "args": dict(self.args)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Part:
        """Back from ``Match.explanation``."""
        return cls(str(data["code"]), float(data["points"]), dict(data.get("args") or {}))


@dataclass(frozen=True)
class Score:
    """A 0–100 score; ``total`` is exactly the sum of the parts' points."""

    total: float
    parts: tuple[Part, ...] = ()
    members: tuple[int, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """A suggested pair, trio, circle or mentoring pair, with the reasons for it."""

    members: tuple[int, ...]
    score: float
    parts: tuple[Part, ...]
    kind: str = "pair"  # pair | trio | circle | mentoring | reverse | onboarding
    roles: tuple[str, ...] = ()  # aligned with members: peer | mentor | mentee


@dataclass(frozen=True)
class Unmatched:
    """Someone left without a suggestion, and why (``message`` phrases it)."""

    person_id: int
    code: str
    args: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        """The reason as a sentence in ``lang`` (default: the current language)."""
        lang = lang or get_language()
        args = dict(self.args)
        if "rules" in args:
            labels = [t(_RULE_LABELS.get(r, r), lang) for r in args["rules"]]
            args["rules"] = format_list(labels, style="or", locale=lang) if labels else ""
        return t(_UNMATCHED.get(self.code, self.code), lang, **args)


@dataclass(frozen=True)
class MatchingResult:
    """Suggestions and who is left out; for pairs also the certificate of optimality.

    ``total_weight`` is the objective in points: for pairs the matching weight (the sum of
    the pair scores, before an odd one joins a pair as a trio); for circles the sum of
    within-circle pair scores; for mentoring the sum of mentor–mentee scores.

    Pairs, when certified: ``bound`` is an upper bound on the weight of any matching of the
    pool and ``gap = bound − total_weight`` (``relative_gap = gap / bound``) says how far from
    optimal the result may be. ``optimal`` is True when the result is proven optimal; then
    ``bound == total_weight`` and the gap is 0, even though the relaxation's bound
    ``lp_bound`` (assignment bound lowered by odd-cycle cuts) may stay a little higher.
    Without a certificate these are None.

    ``candidate_k`` is the candidates per person the exact matcher saw (on average when
    certified) and ``candidate_edges`` the size of that graph. ``baseline`` is, for circles,
    the objective of a random grouping with the same seed and sizes.
    """

    kind: str
    groups: list[Suggestion] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    total_weight: float = 0.0
    bound: float | None = None
    gap: float | None = None
    relative_gap: float | None = None
    candidate_k: int | None = None
    seconds: float = 0.0
    baseline: float | None = None
    optimal: bool | None = None  # pairs: True when proven optimal, None when not certified
    lp_bound: float | None = None  # pairs: the relaxation's own bound (≥ bound)
    candidate_edges: int | None = None  # pairs: size of the graph the exact matcher solved

    @property
    def matched_ids(self) -> set[int]:
        """Everyone in a suggestion."""
        return {m for g in self.groups for m in g.members}


@dataclass(frozen=True)
class GroupCheck:
    """A hand-made pair or circle: its score and the must-rules it breaks."""

    score: Score
    violations: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when no must-rule is broken."""
        return not self.violations


# --------------------------------------------------------------------------- scoring


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


# --------------------------------------------------------------------------- explanations


_SLOT_INDEX = {slot: i for i, slot in enumerate(SLOTS)}


def _slot_order(slot: str) -> tuple[int, str]:
    return (_SLOT_INDEX.get(slot, len(_SLOT_INDEX)), slot)


def slot_label(slot: str, lang: str | None = None) -> str:
    """'tue-pm' → 'Tuesday afternoon' (translated); other labels are shown as given."""
    return t(SLOTS[slot], lang) if slot in SLOTS else slot


def _language_name(code: str, lang: str) -> str:
    try:
        return Locale.parse(code.replace("-", "_")).get_language_name(lang) or code
    except (ValueError, TypeError, LookupError):  # a name ("French") rather than a code
        return code


def explain(
    score: Score | Sequence[Part | Mapping[str, Any]],
    lang: str | None = None,
    *,
    names: Mapping[int, str] | None = None,
) -> list[str]:
    """One sentence per part, in ``lang``; accepts a Score or a stored explanation (dicts).

    ``names`` (person id → name) replaces the names recorded in the parts, e.g. after a
    rename.
    """
    lang = lang or get_language()
    if isinstance(score, Score):
        parts, members = list(score.parts), set(score.members)
    else:
        parts = [p if isinstance(p, Part) else Part.from_dict(p) for p in score]
        members = {p.args[k] for p in parts for k in ("a_id", "b_id") if k in p.args}
    sentences = _GROUP_SENTENCES if len(members) > 2 else _PAIR_SENTENCES
    out = []
    for part in parts:
        if part.code not in sentences:
            continue
        args = dict(part.args)
        for key in ("giver", "taker", "a", "b"):
            pid = args.get(f"{key}_id")
            if names and isinstance(pid, int) and pid in names:
                args[key] = names[pid]
        if "skills" in args:
            args["skills"] = format_list(list(args["skills"]), locale=lang)
        if "themes" in args:
            args["themes"] = format_list(list(args["themes"]), locale=lang)
        if "languages" in args:
            args["languages"] = format_list(
                [_language_name(c, lang) for c in args["languages"]], locale=lang
            )
        if "slots" in args:
            args["slots"] = format_list([slot_label(s, lang) for s in args["slots"]], locale=lang)
        args = {k: v for k, v in args.items() if not k.endswith("_id")}
        out.append(t(sentences[part.code], lang, **args))
    return out


# --------------------------------------------------------------------------- must-rules


def _conflicts(a: Candidate, b: Candidate, rules: Rules) -> list[tuple[str, dict[str, Any]]]:
    if a.person_id == b.person_id:
        return [("self", {"name": a.label})]
    found: list[tuple[str, dict[str, Any]]] = []
    names = {"a": a.label, "b": b.label}
    for boss, report in ((a, b), (b, a)):
        if report.manager_id == boss.person_id:
            found.append(("manages", {"manager": boss.label, "report": report.label}))
    if rules.same_manager_forbidden and a.manager_id is not None and a.manager_id == b.manager_id:
        found.append(("same_manager", names))
    pair = frozenset((a.person_id, b.person_id))
    if pair in rules.do_not_pair:
        found.append(("do_not_pair", {**names, "reason": rules.do_not_pair[pair]}))
    if rules.avoid_repeats and pair in rules.paired_before:
        found.append(("paired_before", names))
    return found


def pairing_conflicts(
    a: Candidate, b: Candidate, rules: Rules | None = None, lang: str | None = None
) -> Iterator[str]:
    """Yield one readable sentence per must-rule that forbids pairing a with b."""
    for kind, args in _conflicts(a, b, rules or Rules()):
        if kind == "self":
            yield t("A person cannot be paired with themselves: {name}", lang, **args)
        elif kind == "manages":
            yield t("Same reporting line: {manager} manages {report}", lang, **args)
        elif kind == "same_manager":
            yield t("{a} and {b} have the same manager", lang, **args)
        elif kind == "do_not_pair" and args["reason"]:
            yield t("{a} and {b} are on the do-not-pair list: {reason}", lang, **args)
        elif kind == "do_not_pair":
            yield t("{a} and {b} are on the do-not-pair list", lang, a=args["a"], b=args["b"])
        else:
            yield t("{a} and {b} were already paired in an earlier programme", lang, **args)


def _kinds(person: Candidate, others: Iterable[Candidate], rules: Rules) -> list[str]:
    found: set[str] = set()
    for other in others:
        found.update(kind for kind, _ in _conflicts(person, other, rules))
    return [k for k in _RULE_LABELS if k in found]


def evaluate_group(
    members: Sequence[Candidate],
    weights: Weights | None = None,
    rules: Rules | None = None,
    *,
    mutual: bool = True,
    lang: str | None = None,
) -> GroupCheck:
    """Score a hand-made pair or circle (pair score, or mean pair score) and list violations."""
    if not 2 <= len(members) <= CIRCLE_MAX:
        raise InvalidInput(t("A match has 2 to 6 members, not {n}.", n=len(members)))
    violations = tuple(
        sentence
        for a, b in itertools.combinations(members, 2)
        for sentence in pairing_conflicts(a, b, rules, lang)
    )
    return GroupCheck(group_score(members, weights, mutual=mutual), violations)


def require_allowed(members: Sequence[Candidate], rules: Rules | None = None) -> None:
    """Raise InvalidInput, with every reason, when a must-rule forbids this group."""
    found = evaluate_group(members, Weights(), rules).violations
    if found:
        raise InvalidInput(t("These people cannot be matched: {reasons}", reasons="; ".join(found)))


# --------------------------------------------------------------------------- vectorised pool


def _codes(values: Sequence[Any]) -> np.ndarray:
    """Integer code per value, -1 for None (equal values share a code)."""
    table: dict[Any, int] = {}
    return np.array(
        [-1 if v is None else table.setdefault(v, len(table)) for v in values], dtype=np.int64
    )


def _incidence(
    sets: Sequence[frozenset[str]], vocab: Mapping[str, int] | None = None
) -> np.ndarray:
    """Row i has a 1 in the column of each item of sets[i] (float32: exact small counts)."""
    if vocab is None:
        vocab = {w: i for i, w in enumerate(sorted(set().union(*sets)))} if sets else {}
    rows = [row for row, items in enumerate(sets) for _ in items]
    cols = [vocab[w] for items in sets for w in items]
    out = np.zeros((len(sets), max(len(vocab), 1)), dtype=np.float32)
    out[rows, cols] = 1.0
    return out


def _static_units(terms: _Terms, a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> Any:
    """Level + department + location units for profiles a × b (broadcast arrays)."""
    rank_a, dept_a, loc_a, ip_a, rm_a = a
    rank_b, dept_b, loc_b, ip_b, rm_b = b
    with np.errstate(invalid="ignore"):
        diff = np.abs(rank_a - rank_b)
    out = np.where(diff == 0, terms.level[0], np.where(diff == 1, terms.level[1], 0))
    wanted = (dept_a != dept_b) if terms.cross else (dept_a == dept_b)
    out = out + np.where(wanted & (dept_a >= 0) & (dept_b >= 0), terms.department, 0)
    meet = (ip_a & ip_b & (loc_a == loc_b)) | (rm_a & rm_b)
    return (out + np.where(meet, terms.location, 0)).astype(np.int32)


# Largest lookup table for set criteria read together (entries); float32 counts stay exact.
_TABLE_LIMIT = 1 << 22


class _Pool:
    """People encoded as arrays, so a block of scores is one matrix product and two lookups.

    Set criteria (skills both ways, themes, languages, slots) are counts: one float32 matrix
    product yields, per pair, a mixed-radix index of all the counts at once, and a table
    maps it to units. Level, department and location depend on a few attributes only:
    people with the same ones share a profile, and a profile × profile table gives the units.
    """

    def __init__(self, people: Sequence[Candidate], weights: Weights, rules: Rules) -> None:
        self.people, self.weights, self.rules = people, weights, rules
        n = len(people)
        self.n = n
        vocab = sorted(set().union(*(p.offered | p.wanted for p in people)))
        index = {s: i for i, s in enumerate(vocab)}  # one vocabulary for offered and wanted
        offer = _incidence([p.offered for p in people], index)
        want = _incidence([p.wanted for p in people], index)

        def most(sizes: Iterable[int]) -> int:
            return max([0, *sizes]) + 1  # counts run from 0 to the largest set

        # |a offers ∩ b wants| ≤ min(largest offer, largest wish)
        radix_s = min(most(len(p.offered) for p in people), most(len(p.wanted) for p in people))
        inc_themes = _incidence([p.themes for p in people])
        inc_language = _incidence([p.languages for p in people])
        inc_availability = _incidence([p.availability for p in people])
        # (name, radix, left, right): left[i] · right[j] is the count for the pair (i, j)
        self.factors: list[tuple[str, int, np.ndarray, np.ndarray]] = [
            (
                "skills",
                radix_s * radix_s,
                np.hstack([offer * radix_s, want]),
                np.hstack([want, offer]),
            ),
            (
                "themes",
                most(len(p.themes) for p in people),
                inc_themes,
                inc_themes,
            ),
            (
                "language",
                most(len(p.languages) for p in people),
                inc_language,
                inc_language,
            ),
            (
                "availability",
                most(len(p.availability) for p in people),
                inc_availability,
                inc_availability,
            ),
        ]
        self.radix_s = radix_s
        self.groups = self._pack()
        self.tables: dict[bool, list[np.ndarray]] = {}
        rank = np.array([_rank(p.level) for p in people])
        dept = _codes([p.department for p in people])
        loc = _codes([p.location for p in people])
        in_person = np.array([p.work_mode != "remote" for p in people]) & (loc >= 0)
        remote = np.array([p.work_mode != "onsite" for p in people])
        self.statics = (rank, dept, loc, in_person, remote)
        keys = [
            (r if r == r else None, d, loc, ip, rm)
            for r, d, loc, ip, rm in zip(*(x.tolist() for x in self.statics), strict=True)
        ]
        profile = _codes(keys)
        first = np.unique(profile, return_index=True)[1]
        self.profile = profile
        terms = _terms(weights, True)
        if len(first) <= 2048:  # a 16 MB table at most; else computed per block
            prof = tuple(x[first] for x in self.statics)
            self.static_table: np.ndarray | None = _static_units(
                terms, tuple(x[:, None] for x in prof), tuple(x[None, :] for x in prof)
            )
        else:
            self.static_table = None
        self.boss = _codes([p.manager_id for p in people])
        at = {p.person_id: i for i, p in enumerate(people)}
        pairs = [(i, at[p.manager_id]) for i, p in enumerate(people) if p.manager_id in at]
        listed = list(rules.do_not_pair) + (
            list(rules.paired_before) if rules.avoid_repeats else []
        )
        for pair in listed:
            x, y = tuple(pair)
            if x in at and y in at:
                pairs.append((at[x], at[y]))
        both = pairs + [(j, i) for i, j in pairs]
        self.ban_rows = np.array([i for i, _ in both], dtype=np.int64)
        self.ban_cols = np.array([j for _, j in both], dtype=np.int64)

    def _pack(self) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
        """Group factors while the product of their radices fits a table."""
        groups: list[list[int]] = []
        size = _TABLE_LIMIT + 1
        for f, (_, radix, _, _) in enumerate(self.factors):
            if size * radix > _TABLE_LIMIT:
                groups.append([])
                size = 1
            groups[-1].append(f)
            size *= radix
        out = []
        for members in groups:
            lefts, rights, below = [], [], 1
            for f in reversed(members):
                _, radix, left, right = self.factors[f]
                lefts.append(left * below)
                rights.append(right)
                below *= radix
            out.append((members, np.hstack(lefts[::-1]), np.hstack(rights[::-1])))
        return out

    def _tables(self, mutual: bool) -> list[np.ndarray]:
        if mutual not in self.tables:
            terms = _terms(self.weights, mutual)
            r = self.radix_s
            values = {
                "skills": np.array(
                    [
                        terms.help(x // r) + terms.help_back(x % r) + terms.both_ways(x // r, x % r)
                        for x in range(r * r)
                    ]
                ),
                "themes": np.array([terms.themes(x) for x in range(self.factors[1][1])]),
                "language": np.array(
                    [terms.language if x else 0 for x in range(self.factors[2][1])]
                ),
                "availability": np.array(
                    [terms.availability(x) for x in range(self.factors[3][1])]
                ),
            }
            tables = []
            for members, _, _ in self.groups:
                table = np.zeros((), dtype=np.int32)
                for f in members:
                    table = np.add.outer(table, values[self.factors[f][0]]).astype(np.int32)
                tables.append(table.ravel())
            self.tables[mutual] = tables
        return self.tables[mutual]

    def forbidden(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """True where a must-rule (or being the same person) forbids the pair."""
        out = rows[:, None] == cols[None, :]
        if self.rules.same_manager_forbidden:
            br, bc = self.boss[rows][:, None], self.boss[cols][None, :]
            out |= (br == bc) & (br >= 0)
        if self.ban_rows.size:
            rpos = np.full(self.n, -1)
            cpos = np.full(self.n, -1)
            rpos[rows] = np.arange(len(rows))
            cpos[cols] = np.arange(len(cols))
            r, c = rpos[self.ban_rows], cpos[self.ban_cols]
            keep = (r >= 0) & (c >= 0)
            out[r[keep], c[keep]] = True
        return out

    def scores(self, rows: np.ndarray, cols: np.ndarray, *, mutual: bool = True) -> np.ndarray:
        """Scores of rows × cols in units (same numbers as :func:`score`); forbidden: −1."""
        if self.static_table is not None:
            total = self.static_table[self.profile[rows][:, None], self.profile[cols][None, :]]
        else:
            total = _static_units(
                _terms(self.weights, mutual),
                tuple(x[rows][:, None] for x in self.statics),
                tuple(x[cols][None, :] for x in self.statics),
            )
        for (_, left, right), table in zip(self.groups, self._tables(mutual), strict=True):
            total += table[(left[rows] @ right[cols].T).astype(np.intp)]
        total[self.forbidden(rows, cols)] = -1
        return total


# --------------------------------------------------------------------------- pairs


def _check_people(people: Iterable[Candidate]) -> list[Candidate]:
    out = list(people)
    seen: set[int] = set()
    for p in out:
        if p.person_id in seen:
            raise InvalidInput(t("The same person appears twice: {name}.", name=p.label))
        seen.add(p.person_id)
    return out


def _matching(n: int, lo: np.ndarray, hi: np.ndarray, w: np.ndarray) -> list[tuple[int, int]]:
    """Exact max-weight matching; among those, the one with the most pairs.

    Each edge weighs w·M + 1 with M > n/2: a heavier matching always wins (the +1s add up to
    less than M), and between equal weights the one with more pairs wins.

    Why not max_cardinality=True: it maximises pairs first and can cost weight. Measured
    (bench/bench_matching.py, 20 best partners each): 1 000 people, 500 pairs and 32 508.714
    points either way; 2 000 people, 1 000 pairs and 66 736.331 either way; 1 000 people with
    97 % of pairs forbidden, still 500 pairs and 27 194.451 either way. So on company pools it
    costs nothing, but it is not guaranteed: when a and d can only meet b and c, it prefers
    a–b + c–d to a much better b–c (tests/unit/test_matching.py). This tie-break never costs
    weight, needs no second run, and still pairs people whose pair scores 0.
    """
    if lo.size == 0:
        return []
    big = n // 2 + 1
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(n))
    weights = w.astype(np.int64) * big + 1
    graph.add_edges_from(list(zip(lo.tolist(), hi.tolist(), weights.tolist(), strict=True)))
    found = rx.max_weight_matching(graph, max_cardinality=False, weight_fn=int)
    return [(min(u, v), max(u, v)) for u, v in found]


class _Candidates:
    """Each person's k best partners (sorted); optionally the whole score matrix, kept."""

    def __init__(self, pool: _Pool, k: int, keep: bool) -> None:
        n = pool.n
        self.n, self.pool = n, pool
        self.top = np.zeros((n, k), dtype=np.int64)
        self.top_w = np.zeros((n, k), dtype=np.int64)
        self.units = np.zeros((n, n), dtype=np.int32) if keep else None  # 64 MB at 4 000
        cols = np.arange(n)
        for rows in _blocks(n):
            units = pool.scores(rows, cols)
            if self.units is not None:
                self.units[rows] = units
            pick = np.argpartition(-units, k - 1, axis=1)[:, :k]
            vals = np.take_along_axis(units, pick, axis=1)
            order = np.argsort(-vals, axis=1, kind="stable")
            self.top[rows] = np.take_along_axis(pick, order, axis=1)
            self.top_w[rows] = np.take_along_axis(vals, order, axis=1)

    def edges(self, k: int) -> _Edges:
        """Unique edges (lo, hi, units) from everyone's k best partners."""
        n = self.n
        rows = np.repeat(np.arange(n), k)
        cols = self.top[:, :k].ravel()
        w = self.top_w[:, :k].ravel()
        keep = (w >= 0) & (rows != cols)
        return _unique_edges(n, [(rows[keep], cols[keep], w[keep])])

    def scan(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Row blocks of the full matrix: kept, or scored again (memory-aware, large pools)."""
        everyone = np.arange(self.n)
        for rows in _blocks(self.n):
            yield (
                rows,
                (self.units[rows] if self.units is not None else self.pool.scores(rows, everyone)),
            )


_Edges = tuple[np.ndarray, np.ndarray, np.ndarray]


def _blocks(n: int, cells: int = 1 << 20) -> Iterator[np.ndarray]:
    """Row indices in blocks of about ``cells`` cells per n columns."""
    step = max(1, cells // max(n, 1))
    for start in range(0, n, step):
        yield np.arange(start, min(n, start + step))


def _unique_edges(n: int, parts: list[_Edges]) -> _Edges:
    """Concatenate edge lists, each undirected edge once as (lo, hi, units), sorted."""
    rows, cols, w = (np.concatenate(x) for x in zip(*parts, strict=True))
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    _, first = np.unique(lo * n + hi, return_index=True)
    return lo[first], hi[first], w[first].astype(np.int64)


def _solve(
    n: int, lo: np.ndarray, hi: np.ndarray, units: np.ndarray
) -> tuple[list[tuple[int, int]], int]:
    """Exact matching on the edge list, and its weight in units."""
    pairs = _matching(n, lo, hi, units)
    weight_of = dict(zip(zip(lo.tolist(), hi.tolist(), strict=True), units.tolist(), strict=True))
    return pairs, sum(weight_of[p] for p in pairs)


def _assignment(
    n: int, lo: np.ndarray, hi: np.ndarray, w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The assignment relaxation on an edge list: σ and twice its duals (integers).

    Each person goes to a partner or stays single (the diagonal, worth 0): a min-cost full
    bipartite matching on the edges both ways (scipy's sparse LAPJV). Duals: column
    potentials v are shortest distances over arcs σ(i) → j of length C_ij − C_iσ(i) (no
    negative cycle, σ being optimal) and u_i = C_iσ(i) − v_σ(i); with C = top − w,
    2·y_i = top − u_i − v_i gives y_i + y_j ≥ w_ij on every edge, y ≥ 0, Σy = the value.
    """
    everyone = np.arange(n)
    rows = np.concatenate([lo, hi, everyone])
    cols = np.concatenate([hi, lo, everyone])
    weight = np.concatenate([w, w, np.zeros(n, dtype=np.int64)])
    top = int(weight.max()) + 1  # costs must be non-zero in a sparse matrix
    cost = (top - weight).astype(np.float64)
    graph = csr_matrix((cost, (rows, cols)), shape=(n, n))
    left, right = min_weight_full_bipartite_matching(graph)
    sigma = np.empty(n, dtype=np.int64)
    sigma[left] = right
    base = np.asarray(graph[everyone, sigma]).ravel()
    dist = _relax(np.zeros(n), sigma[rows], cols, cost - base[rows])
    return sigma, top - (base - dist[sigma]) - dist


def _relax(dist: np.ndarray, src: np.ndarray, dst: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Bellman-Ford on a sparse arc list, from the given distances, until nothing changes."""
    order = np.argsort(dst, kind="stable")
    src, dst, length = src[order], dst[order], length[order]
    heads = np.flatnonzero(np.r_[True, dst[1:] != dst[:-1]])
    targets = dst[heads]
    for _ in range(len(dist) + 1):
        best = np.minimum.reduceat(dist[src] + length, heads)
        new = dist.copy()
        new[targets] = np.minimum(dist[targets], best)
        if np.array_equal(new, dist):
            break
        dist = new
    return dist


class _Certificate:
    """An upper bound on any matching, with the duals that say which edges could still help.

    The bound is the assignment relaxation on the full matrix: each person goes to a partner
    or stays single (0), forbidden pairs excluded; its value ÷ 2 is at least any matching's
    weight. It is solved on the candidate edges, then every pair of the pool is checked
    against the duals and the violated ones added, until none is: the duals y are then
    feasible for the whole pool (y_i + y_j ≥ w_ij) and Σy is the bound. Any matching heavier
    than A uses only edges whose reduced cost y_i + y_j − w_ij is below bound − A; once those
    are all in the graph, the exact matching on it is optimal on the full pool, even when
    odd cycles keep the bound itself a little higher.
    """

    def __init__(self, cands: _Candidates, edges: _Edges) -> None:
        self.cands, n = cands, cands.n
        self.kept: np.ndarray | None = None
        while True:
            self.sigma, self.y2 = _assignment(n, *edges)
            if cands.units is not None:  # keep 2·reduced costs: the scans below reuse them
                self.kept = None
                kept = np.empty((n, n), dtype=np.float32)  # exact: integers below 2^24
                for rows, units in cands.scan():
                    kept[rows] = self.reduced2(rows, units)
                self.kept = kept
            broken = self.edges_below(-1, cap=n * n)[0]  # 2·reduced cost < 0: infeasible
            if not broken[0].size:
                break
            edges = _unique_edges(n, [edges, broken])
        self.edges = edges
        self.bound2 = int(self.y2.sum())  # twice the bound, in units
        self.assignment_bound2 = self.bound2
        self._tighten()

    def _tighten(self) -> None:
        """Lower the bound with the odd cycles of the relaxation (blossom inequalities).

        A matching holds at most (|S| − 1)/2 edges inside an odd set S. Lowering y by δ on
        S and giving S a dual z_S = 2δ keeps every edge feasible as long as the edges leaving
        S had a reduced cost of at least δ; the bound drops by δ. Fewer edges are then needed
        to prove the optimum (at 2 000 people, about a third of the gap goes).
        """
        n, sigma = self.cands.n, self.sigma
        self.setid = np.full(n, -1, dtype=np.int64)
        self.z2: list[int] = []
        seen = np.zeros(n, dtype=bool)
        for start in range(n):
            cycle = []
            j = start
            while not seen[j]:
                seen[j] = True
                cycle.append(j)
                j = sigma[j]
            if len(cycle) < 3 or len(cycle) % 2 == 0:
                continue
            odd = np.array(cycle)
            if self.kept is not None:
                rc2 = self.kept[odd].astype(np.float64)
            else:
                rc2 = self.reduced2(odd, self.cands.pool.scores(odd, np.arange(n)))
            rc2[:, odd] = np.inf  # edges inside S keep their reduced cost
            step = min(float(rc2.min()), float(self.y2[odd].min()))  # 2δ
            if not np.isfinite(step) or step <= 0:
                continue
            self.y2[odd] -= step
            self.setid[odd] = len(self.z2)
            self.z2.append(int(2 * step))
            self.bound2 -= int(step)
            if self.kept is not None:
                self.kept[odd] -= step
                self.kept[:, odd] -= step
                self.kept[np.ix_(odd, odd)] += 2 * step

    def reduced2(self, rows: np.ndarray, units: np.ndarray) -> np.ndarray:
        """Twice the reduced costs y_i + y_j − w_ij of a row block (+inf where forbidden)."""
        rc2 = self.y2[rows][:, None] + self.y2[None, :] - 2.0 * units
        setid = getattr(self, "setid", None)
        if setid is not None and self.z2:  # the odd sets' duals, for edges inside one
            inside = (setid[rows][:, None] == setid[None, :]) & (setid[rows][:, None] >= 0)
            rc2 += np.where(inside, np.array([0, *self.z2])[setid[rows] + 1][:, None], 0)
        rc2[units < 0] = np.inf  # forbidden, and the diagonal
        return rc2

    def _scan(self) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Row blocks of (rows, 2·reduced costs, units), kept or computed again."""
        if self.kept is not None and self.cands.units is not None:
            for rows in _blocks(self.cands.n):
                yield rows, self.kept[rows], self.cands.units[rows]
        else:
            for rows, units in self.cands.scan():
                yield rows, self.reduced2(rows, units), units

    def assignment_edges(self) -> _Edges:
        """The relaxation's own edges: when it is integral they are the optimum."""
        n = self.cands.n
        lo, hi, w = self.edges
        i = np.arange(n)
        a, b = np.minimum(i, self.sigma), np.maximum(i, self.sigma)
        used = a != b  # σ only uses candidate edges (or stays single)
        at = np.searchsorted(lo * n + hi, a[used] * n + b[used])
        return a[used], b[used], w[at]

    def threshold(self, per_person: int) -> float:
        """A reduced cost under which most people have about ``per_person`` partners."""
        n = self.cands.n
        take = min(per_person, n - 1)
        kth = [np.partition(rc2, take - 1, axis=1)[:, take - 1] for _, rc2, _ in self._scan()]
        values = np.concatenate(kth)
        values = values[np.isfinite(values)]
        return float(np.median(values)) if values.size else 0.0

    def edges_below(self, limit: float, cap: int) -> tuple[_Edges, bool]:
        """Every allowed edge with twice its reduced cost ≤ ``limit`` (the ``cap`` lowest).

        Also says whether all of them are there (not cut by ``cap``).
        """
        n = self.cands.n
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for rows, rc2, units in self._scan():
            i, j = np.nonzero((rc2 <= limit) & (rows[:, None] < np.arange(n)[None, :]))
            found.append((rows[i], j, rc2[i, j], units[i, j].astype(np.int64)))
        lo, hi, rc2, w = (np.concatenate(x) for x in zip(*found, strict=True))
        complete = lo.size <= cap
        if not complete:
            keep = np.argsort(rc2, kind="stable")[:cap]
            lo, hi, w = lo[keep], hi[keep], w[keep]
        return (lo, hi, w), complete


def _lp_pick(n: int, lo: np.ndarray, hi: np.ndarray, w: np.ndarray) -> _Edges:
    """The candidate edges the assignment relaxation says matter (uncertified, large pools).

    Blossom time grows with edges: at 10 000 people the 20-best graph (~144 000 edges) took
    ~30 s. The relaxation on that graph gives duals; the edges with the lowest reduced costs,
    about FIRST_PASS per person, plus the relaxation's own, hold the optimum or come close.
    """
    if lo.size == 0:
        return lo, hi, w
    sigma, twice = _assignment(n, lo, hi, w)
    rc2 = twice[lo] + twice[hi] - 2 * w
    per = np.bincount(np.concatenate([lo, hi]), minlength=n)
    nth = min(rc2.size - 1, FIRST_PASS * n // 2)
    limit = np.partition(rc2, nth)[nth]
    own = (sigma[lo] == hi) | (sigma[hi] == lo)
    keep = (rc2 <= limit) | own | (per[lo] <= 1) | (per[hi] <= 1)
    return lo[keep], hi[keep], w[keep]


def match_pairs(
    people: Iterable[Candidate],
    weights: Weights | None = None,
    rules: Rules | None = None,
    *,
    odd_one_out: Literal["trio", "leave"] = "trio",
    k: int = 20,
    max_k: int = 100,
    certify: bool | None = None,
) -> MatchingResult:
    """Pair a pool: exact non-bipartite max-weight matching, with a certificate of optimality.

    The exact matcher (rustworkx's blossom) runs on a sparse graph; more edges cost time, so
    the graph holds the edges that can matter. When certifying (default up to
    CERTIFY_LIMIT people; the bound needs the n×n matrix, 800 MB at 10 000), the assignment
    relaxation on the full matrix gives a bound and duals; a first pass on the edges of lowest
    reduced cost finds the optimum or comes close, a second holds every edge a heavier
    matching could use (at most ``max_k`` per person), which proves the result optimal. Not
    certifying, the graph is each person's ``k`` best partners, thinned by the relaxation on
    that graph: exact on it, not proven on the pool.

    Among matchings of equal weight, the one with the most pairs wins. People left over can
    join the pair they fit best as a trio (``odd_one_out="trio"``) or stay for a manual
    choice (``"leave"``); either way each one left has a reason.
    """
    started = time.perf_counter()
    w, r = weights or Weights(), rules or Rules()
    people = _check_people(people)
    if k < 1 or max_k < 1:
        raise InvalidInput(
            t("The candidate list size must be at least 1, not {k}.", k=min(k, max_k))
        )
    if odd_one_out not in ("trio", "leave"):
        raise InvalidInput(t("Unknown choice for the odd one out: “{value}”.", value=odd_one_out))
    n = len(people)
    if n < 2:
        alone = [Unmatched(p.person_id, "alone") for p in people]
        return MatchingResult("pairs", unmatched=alone, seconds=time.perf_counter() - started)
    pool = _Pool(people, w, r)
    certify = n <= CERTIFY_LIMIT if certify is None else certify
    kmax = min(max(k, max_k), n - 1)
    step = min(k, kmax)
    # The full matrix is kept up to CERTIFY_LIMIT people; above, a certificate scores it
    # again block by block (slower, but memory stays at a few blocks).
    cands = _Candidates(pool, step, keep=certify and n <= CERTIFY_LIMIT)
    cert = None
    if not certify:
        lo, hi, units = _lp_pick(n, *cands.edges(step))
        pairs, achieved = _solve(n, lo, hi, units)
        proven = False
    else:
        # Candidates by reduced cost rather than by score: the edges that can matter. A first
        # pass on about FIRST_PASS per person finds the optimum or comes close; a second pass
        # then holds every edge a heavier matching could use, up to max_k per person.
        cert = _Certificate(cands, cands.edges(step))
        limit = cert.threshold(FIRST_PASS)
        for _ in range(2):
            below, complete = cert.edges_below(limit, cap=n * max_k // 2)
            lo, hi, units = _unique_edges(n, [cert.assignment_edges(), below])
            pairs, achieved = _solve(n, lo, hi, units)
            # A heavier matching would only use edges with 2·reduced cost < bound2 − 2·achieved.
            needed = cert.bound2 - 2 * achieved - 1
            proven = complete and needed <= limit
            if proven or not complete:
                break
            limit = needed
        step = round(2 * lo.size / n)
    pairs, achieved = _pair_leftovers(pool, pairs, achieved)
    left = sorted(set(range(n)) - {i for p in pairs for i in p})
    reasons = {i: _why_unpaired(pool, i, left) for i in left}
    trios = _trios(pool, pairs, left) if odd_one_out == "trio" else {}
    groups = [
        _suggest(pool, (i, j, trios[(i, j)]) if (i, j) in trios else (i, j)) for i, j in pairs
    ]
    placed = set(trios.values())
    unmatched = [reasons[i] for i in left if i not in placed]
    total = achieved / SCALE
    gap = bound = rel = lp_bound = None
    if cert is not None:
        lp_bound = cert.bound2 / 2 / SCALE
        bound = total if proven else lp_bound
        gap = max(0.0, bound - total)
        rel = gap / bound if bound > 0 else 0.0
    return MatchingResult(
        "pairs",
        sorted(groups, key=lambda g: -g.score),
        unmatched,
        total_weight=total,
        bound=bound,
        gap=gap,
        relative_gap=rel,
        candidate_k=step,
        seconds=time.perf_counter() - started,
        optimal=proven if cert is not None else None,
        candidate_edges=int(lo.size),
        lp_bound=lp_bound,
    )


def _pair_leftovers(
    pool: _Pool, pairs: list[tuple[int, int]], achieved: int
) -> tuple[list[tuple[int, int]], int]:
    """Pair people left out only because they were not in each other's candidate lists."""
    left = np.array(sorted(set(range(pool.n)) - {i for p in pairs for i in p}), dtype=np.int64)
    if left.size < 2:
        return pairs, achieved
    units = pool.scores(left, left)
    lo, hi = np.nonzero(np.triu(units >= 0, 1))
    if left.size > 400:  # keep the leftover graph sparse if conflicts left many out
        keep = np.argsort(-units[lo, hi], kind="stable")[: 100 * left.size]
        lo, hi = lo[keep], hi[keep]
    found = _matching(left.size, lo, hi, units[lo, hi])
    more = [(int(left[i]), int(left[j])) for i, j in found]
    return pairs + more, achieved + sum(int(units[i, j]) for i, j in found)


def _why_unpaired(pool: _Pool, i: int, left: list[int]) -> Unmatched:
    person = pool.people[i]
    others = np.array([j for j in range(pool.n) if j != i], dtype=np.int64)
    banned = pool.forbidden(np.array([i]), others)[0]
    if banned.all():
        kinds = _kinds(person, (pool.people[j] for j in others), pool.rules)
        return Unmatched(person.person_id, "conflicts_all", {"rules": kinds})
    rest = [j for j in left if j != i]
    if rest and pool.forbidden(np.array([i]), np.array(rest))[0].all():
        kinds = _kinds(person, (pool.people[j] for j in rest), pool.rules)
        return Unmatched(person.person_id, "conflicts_left", {"rules": kinds})
    return Unmatched(person.person_id, "odd")


def _trios(
    pool: _Pool, pairs: list[tuple[int, int]], left: list[int]
) -> dict[tuple[int, int], int]:
    """Each leftover joins the pair it fits best with, if nobody in the trio is forbidden."""
    if not pairs or not left:
        return {}
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    taken = np.zeros(len(pairs), dtype=bool)
    out: dict[tuple[int, int], int] = {}
    for i in left:
        row = pool.scores(np.array([i]), np.arange(pool.n))[0]
        gain = np.where(taken | (row[a] < 0) | (row[b] < 0), -np.inf, row[a] + row[b])
        best = int(np.argmax(gain))
        if np.isfinite(gain[best]):
            taken[best] = True
            out[pairs[best]] = i
    return out


def _suggest(
    pool: _Pool, members: Sequence[int], kind: str | None = None, *, mutual: bool = True
) -> Suggestion:
    people = [pool.people[i] for i in members]
    sc = group_score(people, pool.weights, mutual=mutual)
    kind = kind or {2: "pair", 3: "trio"}.get(len(people), "circle")
    # Without mutual help the first member is the mentor (or buddy), whatever they enrolled as.
    roles = ("peer",) * len(people) if mutual else ("mentor", "mentee")
    return Suggestion(sc.members, sc.total, sc.parts, kind, roles)


# --------------------------------------------------------------------------- circles


def _circle_plan(n: int, size: int) -> list[int]:
    """Balanced circle sizes within 3–6, as close to ``size`` as the head count allows."""
    best: tuple[tuple[int, int, bool], list[int]] | None = None
    for g in range(max(1, -(-n // CIRCLE_MAX)), n // CIRCLE_MIN + 1):
        q, extra = divmod(n, g)  # `extra` circles of q + 1, the others of q
        if q < CIRCLE_MIN or q + (extra > 0) > CIRCLE_MAX:
            continue
        used = [s for s, count in ((q + 1, extra), (q, g - extra)) if count]
        off = extra * abs(q + 1 - size) + (g - extra) * abs(q - size)
        key = (max(abs(s - size) for s in used), off, max(used) > size)
        if best is None or key < best[0]:
            best = (key, [q + 1] * extra + [q] * (g - extra))
    return best[1] if best else []


def match_circles(
    people: Iterable[Candidate],
    weights: Weights | None = None,
    rules: Rules | None = None,
    *,
    size: int = 4,
    seed: int = 0,
    max_passes: int = 50,
) -> MatchingResult:
    """Circles of about ``size`` maximising within-circle pair scores, with no forbidden pair.

    Heuristic: seeds spread apart, greedy fill, then moves and swaps while any improves.
    ``baseline`` is the objective of a random grouping (same seed, same sizes) for comparison.
    """
    started = time.perf_counter()
    if isinstance(size, bool) or not isinstance(size, int) or not CIRCLE_MIN <= size <= CIRCLE_MAX:
        raise InvalidInput(t("Circle size must be between 3 and 6, not {size}.", size=size))
    w, r = weights or Weights(), rules or Rules()
    people = _check_people(people)
    n = len(people)
    if n < CIRCLE_MIN:
        left = [Unmatched(p.person_id, "circle_too_few") for p in people]
        return MatchingResult("circles", unmatched=left, seconds=time.perf_counter() - started)
    pool = _Pool(people, w, r)
    idx = np.arange(n)
    units = pool.scores(idx, idx)
    banned = units < 0
    np.fill_diagonal(banned, False)
    # float32 holds these exactly (units < 2^24). A forbidden pair costs more than any
    # grouping can gain, so no move ever creates one.
    sim = units.astype(np.float32) / SCALE
    del units
    sim[banned] = -1e6
    np.fill_diagonal(sim, 0.0)
    plan = _circle_plan(n, size)
    rng = np.random.default_rng(seed)
    group = _seed_circles(sim, banned, plan, rng)
    group = _improve_circles(sim, group, plan, rng, max_passes)
    members: list[list[int]] = [np.flatnonzero(group == g).tolist() for g in range(len(plan))]
    members, left = _drop_conflicts(pool, sim, banned, members)
    objective = sum(float(sim[i, j]) for m in members for i, j in itertools.combinations(m, 2))
    # The same sizes drawn at random (forbidden pairs counted 0), to show what matching adds.
    perm = np.random.default_rng(seed).permutation(n)
    cuts = np.cumsum([0, *plan])
    baseline = sum(
        float(np.maximum(sim[np.ix_(perm[s:e], perm[s:e])], 0).sum(dtype=np.float64)) / 2
        for s, e in itertools.pairwise(cuts)
    )
    groups = [_suggest(pool, sorted(m), "circle") for m in members if m]
    return MatchingResult(
        "circles",
        sorted(groups, key=lambda g: -g.score),
        left,
        total_weight=objective,
        seconds=time.perf_counter() - started,
        baseline=baseline,
    )


def _seed_circles(
    sim: np.ndarray, banned: np.ndarray, plan: list[int], rng: np.random.Generator
) -> np.ndarray:
    """Spread-out seeds, then each person (hardest to place first) joins the best circle."""
    n, g = len(sim), len(plan)
    group = np.full(n, -1)
    sizes = np.zeros(g, dtype=np.int64)
    hardest = np.argsort(-banned.sum(1) + rng.random(n) * 0.5, kind="stable")
    seeds = [int(hardest[0])]
    closeness = sim[seeds[0]].copy()
    closeness[seeds[0]] = np.inf
    while len(seeds) < g:  # each next seed is the person least like the seeds so far
        seeds.append(int(np.argmin(closeness)))
        np.maximum(closeness, sim[seeds[-1]], out=closeness)
        closeness[seeds[-1]] = np.inf
    affinity = np.zeros((g, n))  # affinity[c, i]: sum of i's scores with the members of c
    for c, s in enumerate(seeds):
        group[s] = c
        sizes[c] = 1
        affinity[c] += sim[s]
    room = np.array(plan)
    for i in hardest:
        if group[i] >= 0:
            continue
        gain = np.where(sizes < room, affinity[:, i] - 1e-9 * sizes, -np.inf)
        c = int(np.argmax(gain))
        group[i] = c
        sizes[c] += 1
        affinity[c] += sim[i]
    return group


def _improve_circles(
    sim: np.ndarray, group: np.ndarray, plan: list[int], rng: np.random.Generator, passes: int
) -> np.ndarray:
    """Move or swap one person at a time while the sum of within-circle scores grows.

    Swaps are tried with everyone; in large pools (over FULL_SWAPS people) only with the
    members of the 20 circles a person fits best, which keeps a pass linear in the pool size.
    Passes stop when one adds less than 0.1 % (the last ones add little and cost as much).
    """
    n, g = len(sim), len(plan)
    lo, hi = min(plan), max(plan)
    affinity = np.zeros((g, n))
    for c in range(g):
        affinity[c] = sim[group == c].sum(axis=0)
    sizes = np.bincount(group, minlength=g)
    circles = [list(np.flatnonzero(group == c)) for c in range(g)]
    near = g if n <= FULL_SWAPS else min(g, 20)
    everyone = np.arange(n)
    objective = float(affinity[group, everyone].sum()) / 2
    for _ in range(passes):
        gained = 0.0
        for i in rng.permutation(n):
            a = group[i]
            fit = affinity[:, i]
            move = fit - fit[a]
            move[(sizes >= hi) | (sizes[a] <= lo)] = -np.inf
            move[a] = -np.inf
            c = int(np.argmax(move))
            best_swap, j = -np.inf, -1
            if near == g:
                js = everyone
            else:
                targets = np.argpartition(-fit, near - 1)[:near]
                js = np.array([x for t in targets if t != a for x in circles[t]], dtype=np.int64)
            if js.size:
                gj = group[js]
                swap = fit[gj] - fit[a] + affinity[a, js] - affinity[gj, js] - 2 * sim[i, js]
                swap[gj == a] = -np.inf
                k = int(np.argmax(swap))
                best_swap, j = float(swap[k]), int(js[k])
            gain = max(best_swap, float(move[c]))
            if gain <= 1e-6:
                continue
            gained += gain
            if move[c] >= best_swap:
                steps = [(i, a, c)]
            else:
                steps = [(i, a, int(group[j])), (j, int(group[j]), a)]
            for who, src, dst in steps:
                affinity[src] -= sim[who]
                affinity[dst] += sim[who]
                group[who] = dst
                sizes[src] -= 1
                sizes[dst] += 1
                circles[src].remove(who)
                circles[dst].append(who)
        objective += gained
        if gained <= 1e-3 * max(abs(objective), 1.0):
            break
    return group


def _drop_conflicts(
    pool: _Pool, sim: np.ndarray, banned: np.ndarray, members: list[list[int]]
) -> tuple[list[list[int]], list[Unmatched]]:
    """Take out whoever still sits with a forbidden partner and seat them elsewhere if possible.

    Only happens when the rules leave the heuristic no conflict-free way; circles that fall
    below 3 are broken up the same way.
    """
    out: list[int] = []
    for m in members:
        while len(m) > 1 and banned[np.ix_(m, m)].any():
            worst = max(m, key=lambda i: int(banned[i, m].sum()))
            m.remove(worst)
            out.append(worst)
    for m in [m for m in members if len(m) < CIRCLE_MIN]:
        members.remove(m)
        out += m
    left: list[Unmatched] = []
    for i in out:
        room = [m for m in members if len(m) < CIRCLE_MAX and not banned[i, m].any()]
        if room:
            max(room, key=lambda m: float(sim[i, m].sum())).append(i)
            continue
        seated = [pool.people[j] for m in members for j in m]
        kinds = _kinds(pool.people[i], seated, pool.rules)
        code = "circle_conflict" if kinds else "circle_too_few"
        left.append(Unmatched(pool.people[i].person_id, code, {"rules": kinds} if kinds else {}))
    return members, left


# --------------------------------------------------------------------------- mentoring


def match_mentoring(
    people: Iterable[Candidate],
    weights: Weights | None = None,
    rules: Rules | None = None,
    *,
    kind: str = "mentoring",
) -> MatchingResult:
    """Assign mentees to mentors (roles from enrolment) within each mentor's capacity.

    Exact: linear_sum_assignment with each mentor repeated once per place. Scores count only
    what the mentor offers and the mentee wants. Reverse mentoring is the same call: the
    junior colleague enrols as the mentor.
    """
    started = time.perf_counter()
    people = _check_people(people)
    mentors = [p for p in people if p.role == "mentor"]
    mentees = [p for p in people if p.role == "mentee"]
    others = [
        Unmatched(p.person_id, "wrong_role", {"role": p.role})
        for p in people
        if p.role not in ("mentor", "mentee")
    ]
    return _assign(mentors, mentees, weights or Weights(), rules or Rules(), kind, others, started)


def _assign(
    mentors: list[Candidate],
    mentees: list[Candidate],
    w: Weights,
    r: Rules,
    kind: str,
    left: list[Unmatched],
    started: float,
) -> MatchingResult:
    m, e = len(mentors), len(mentees)
    pool = _Pool(mentors + mentees, w, r)
    units = (
        pool.scores(np.arange(m), np.arange(m, m + e), mutual=False).astype(np.int64)
        if m and e
        else np.full((m, e), -1, dtype=np.int64)
    )
    slots = np.repeat(np.arange(m), [p.capacity for p in mentors]).astype(np.int64)
    pairs: list[tuple[int, int]] = []
    if slots.size and e:
        # Same tie-break as for pairs: more assignments only between equal total scores.
        big = min(slots.size, e) + 1
        value = np.where(units >= 0, units * big + 1, 0)[slots]
        rows, cols = linear_sum_assignment(value, maximize=True)
        pairs = [
            (int(slots[i]), int(j)) for i, j in zip(rows, cols, strict=True) if value[i, j] > 0
        ]
    achieved = sum(int(units[i, j]) for i, j in pairs)
    groups = [_suggest(pool, (i, m + j), kind, mutual=False) for i, j in pairs]
    taken = np.bincount([i for i, _ in pairs], minlength=m)
    served = {j for _, j in pairs}
    for j, mentee in enumerate(mentees):
        if j in served:
            continue
        if not m:
            left.append(Unmatched(mentee.person_id, "no_mentors"))
        elif (units[:, j] < 0).all():
            left.append(
                Unmatched(mentee.person_id, "no_mentor", {"rules": _kinds(mentee, mentors, r)})
            )
        else:
            left.append(Unmatched(mentee.person_id, "no_capacity"))
    for i, mentor in enumerate(mentors):
        if taken[i]:
            continue
        if mentor.capacity == 0:
            left.append(Unmatched(mentor.person_id, "zero_capacity"))
        elif e and (units[i] < 0).all():
            left.append(
                Unmatched(mentor.person_id, "no_mentee", {"rules": _kinds(mentor, mentees, r)})
            )
        else:
            left.append(Unmatched(mentor.person_id, "spare_mentor"))
    total = achieved / SCALE
    return MatchingResult(
        kind,
        sorted(groups, key=lambda g: -g.score),
        left,
        total_weight=total,
        bound=total,  # the assignment is solved exactly: nothing better exists
        gap=0.0,
        relative_gap=0.0,
        seconds=time.perf_counter() - started,
    )


def match_onboarding(
    people: Iterable[Candidate],
    weights: Weights | None = None,
    rules: Rules | None = None,
    *,
    today: dt.date,
    new_hire_days: int = 90,
    min_tenure_days: int = 365,
) -> MatchingResult:
    """Give each recent hire a tenured buddy (buddies take up to ``capacity`` new hires)."""
    started = time.perf_counter()
    if min_tenure_days < new_hire_days:
        raise InvalidInput(
            t(
                "A buddy's minimum tenure ({tenure} days) cannot be shorter than the new-hire period ({period} days).",
                tenure=min_tenure_days,
                period=new_hire_days,
            )
        )
    people = _check_people(people)
    hires, buddies, left = [], [], []
    for p in people:
        if p.hire_date is None:
            left.append(Unmatched(p.person_id, "hire_date_unknown"))
        elif (today - p.hire_date).days <= new_hire_days:
            hires.append(p)
        elif (today - p.hire_date).days >= min_tenure_days:
            buddies.append(p)
        else:
            left.append(Unmatched(p.person_id, "between"))
    return _assign(
        buddies, hires, weights or Weights(), rules or Rules(), "onboarding", left, started
    )


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
