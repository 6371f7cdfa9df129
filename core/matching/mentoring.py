"""Mentors and mentees (and onboarding buddies): an exact assignment within each capacity."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

import numpy as np
from scipy.optimize import linear_sum_assignment

from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.matching.matrix import _Pool, _suggest
from core.matching.model import Candidate, MatchingResult, Rules, Unmatched, Weights, _check_people
from core.matching.rules import _kinds
from core.matching.scoring import SCALE


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
