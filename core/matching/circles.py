"""Circles of 3 to 6: seeds spread apart, a greedy fill, then moves and swaps."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable

import numpy as np

from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.matching.matrix import _Pool, _suggest
from core.matching.model import (
    CIRCLE_MAX,
    CIRCLE_MIN,
    Candidate,
    MatchingResult,
    Rules,
    Unmatched,
    Weights,
    _check_people,
)
from core.matching.rules import _kinds
from core.matching.scoring import SCALE

FULL_SWAPS = 3000  # circles: up to this pool size, each person tries a swap with everyone


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
