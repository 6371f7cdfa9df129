"""What the matcher reads and returns: candidates, weights, must-rules, scores, results.

Plain frozen dataclasses, checked when built (a bad value is an ``InvalidInput`` with a
translated sentence). ``Unmatched`` phrases why someone was left out in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from babel.lists import format_list

from core.kernel.errors import InvalidInput
from core.kernel.i18n import N_, get_language, t

CIRCLE_MIN, CIRCLE_MAX = 3, 6
WORK_MODES = ("onsite", "remote", "either")
ROLES = ("peer", "mentor", "mentee")
WEIGHT_WORDS = {"high": 5.0, "medium": 3.0, "low": 1.0, "off": 0.0}

_RULE_LABELS = {
    "self": N_("the same person"),
    "manages": N_("same reporting line"),
    "same_manager": N_("same manager"),
    "do_not_pair": N_("do-not-pair list"),
    "paired_before": N_("already paired before"),
    "declined": N_("a proposal declined in this programme"),
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


def _check_people(people: Iterable[Candidate]) -> list[Candidate]:
    out = list(people)
    seen: set[int] = set()
    for p in out:
        if p.person_id in seen:
            raise InvalidInput(t("The same person appears twice: {name}.", name=p.label))
        seen.add(p.person_id)
    return out


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
    # Pairs whose proposal one of them declined in this programme: never proposed again
    # (not an option: a "no" is final within a programme).
    declined: frozenset[frozenset[int]] = frozenset()

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
        no = frozenset(frozenset(p) for p in self.declined)
        object.__setattr__(self, "declined", frozenset(p for p in no if len(p) == 2))

    @classmethod
    def from_settings(
        cls,
        settings: Mapping[str, Any] | None,
        do_not_pair: Mapping[frozenset[int], str] | Iterable[frozenset[int]] = (),
        paired_before: Iterable[frozenset[int]] = (),
        declined: Iterable[frozenset[int]] = (),
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
            declined=frozenset(frozenset(p) for p in declined),
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
