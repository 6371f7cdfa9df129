"""Must-rules: who may never be matched together, as sentences a coordinator can read."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.matching.model import (
    _RULE_LABELS,
    CIRCLE_MAX,
    Candidate,
    GroupCheck,
    Rules,
    Score,
    Weights,
)
from core.matching.scoring import group_score


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
    if pair in rules.declined:
        found.append(("declined", names))
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
        elif kind == "declined":
            yield t(
                "{a} and {b} were proposed together in this programme and the proposal was declined",
                lang,
                **args,
            )
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


def require_allowed(
    members: Sequence[Candidate],
    weights: Weights | None = None,
    rules: Rules | None = None,
    *,
    mutual: bool = True,
) -> Score:
    """The group's score; InvalidInput, with every reason, when a must-rule forbids it."""
    found = evaluate_group(members, weights, rules, mutual=mutual)
    if found.violations:
        raise InvalidInput(
            t("These people cannot be matched: {reasons}", reasons="; ".join(found.violations))
        )
    return found.score
