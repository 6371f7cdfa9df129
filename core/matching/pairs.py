"""Pairs from one pool: the exact matching, its certificate, trios and who is left and why."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Literal

import numpy as np

from core.kernel.errors import InvalidInput
from core.kernel.i18n import t
from core.matching.matrix import _Pool, _suggest
from core.matching.model import Candidate, MatchingResult, Rules, Unmatched, Weights, _check_people
from core.matching.rules import _kinds
from core.matching.scoring import SCALE
from core.matching.solver import (
    FIRST_PASS,
    _Candidates,
    _Certificate,
    _lp_pick,
    _matching,
    _solve,
    _unique_edges,
)

# Above this pool size the dense n×n certificate is skipped unless asked for (memory and time).
CERTIFY_LIMIT = 4000


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
