"""Benchmark of core.matching.engine on synthetic company pools (``make bench`` runs it).

    .venv/bin/python -m bench.bench_matching            1 000, 2 000, 10 000 + networkx at 1 000
    .venv/bin/python -m bench.bench_matching --quick    networkx timed at 300, extrapolated
    .venv/bin/python -m bench.bench_matching --sizes 500 2000 --certify-all --no-groups

Prints, per pool size: time to pair (wall clock and CPU of all threads: on a shared machine
the CPU time is the steadier number), total weight, certificate (bound, gap, proven optimal),
the size of the graph the exact matcher solved; how max_cardinality compares with the
tie-break used; circles and mentoring on the same pools; networkx's exact matcher at 1 000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import networkx as nx
import numpy as np
import rustworkx as rx

from core.matching import engine as matching
from core.matching.engine import Candidate, Rules, Weights
from core.matching.matrix import _Pool
from core.matching.pairs import CERTIFY_LIMIT
from core.matching.solver import _Candidates, _matching

DEPARTMENTS = [
    "Sales", "Marketing", "Finance", "HR", "Legal", "IT", "Data", "Product",
    "Engineering", "Operations", "Customer care", "Procurement",
]  # fmt: skip
SKILLS = [f"skill-{i:02d}" for i in range(40)]
THEMES = [
    "leadership", "public speaking", "negotiation", "career change", "work-life balance",
    "project management", "feedback", "networking",
]  # fmt: skip
LOCATIONS = ["Paris", "Lyon", "Lille", "Nantes", "Toulouse"]
T = TypeVar("T")
SLOTS = [s for s in matching.SLOTS if not s.startswith(("sat", "sun"))]


def synthetic_pool(n: int, seed: int = 0) -> tuple[list[Candidate], Rules]:
    """A company-like pool: departments with their own skills, levels, managers, sites."""
    rng = np.random.default_rng(seed)
    dept = rng.integers(0, len(DEPARTMENTS), n)
    # Each department leans on ~8 of the 40 skills: people offer mostly their department's.
    dept_skills = [rng.choice(len(SKILLS), 8, replace=False) for _ in DEPARTMENTS]
    level = rng.choice([1, 2, 3, 4, 5, 6], n, p=[0.15, 0.25, 0.25, 0.18, 0.12, 0.05])
    ids = np.arange(1, n + 1) * 7 + 1000  # ids unrelated to positions, as in a database
    # A manager is someone in the same department one level up, when there is one.
    by_team: dict[tuple[int, int], np.ndarray] = {}
    for key in set(zip(dept.tolist(), level.tolist(), strict=True)):
        by_team[key] = np.flatnonzero((dept == key[0]) & (level == key[1]))
    managers = []
    for i in range(n):
        bosses = by_team.get((int(dept[i]), int(level[i]) + 1), np.array([], dtype=int))
        pick = bosses.size and rng.random() < 0.8
        managers.append(int(ids[rng.choice(bosses)]) if pick else None)
    people = []
    for i in range(n):
        own = dept_skills[dept[i]]
        offered = {SKILLS[j] for j in rng.choice(own, rng.integers(1, 4), replace=False)}
        wanted = {SKILLS[j] for j in rng.choice(len(SKILLS), rng.integers(1, 4), replace=False)}
        langs = {"en"} | ({"fr"} if rng.random() < 0.6 else set())
        langs |= {"de"} if rng.random() < 0.1 else set()
        people.append(
            Candidate(
                person_id=int(ids[i]),
                name=f"Person {i}",
                department=DEPARTMENTS[dept[i]],
                level=f"L{level[i]}",
                manager_id=managers[i],
                location=LOCATIONS[rng.integers(0, len(LOCATIONS))],
                work_mode=str(rng.choice(["onsite", "remote", "either"], p=[0.3, 0.2, 0.5])),
                languages=frozenset(langs),
                offered=frozenset(offered - wanted),
                wanted=frozenset(wanted),
                themes=frozenset(rng.choice(THEMES, rng.integers(1, 3), replace=False).tolist()),
                availability=frozenset(
                    rng.choice(SLOTS, rng.integers(2, 5), replace=False).tolist()
                ),
                hire_date=dt.date(2026, 1, 1) - dt.timedelta(days=int(rng.integers(0, 4000))),
            )
        )
    # A few recorded conflicts of interest and repeat pairs, as a real programme has.
    pick = rng.choice(n, (max(1, n // 50), 2))
    dnp = {frozenset({int(ids[a]), int(ids[b])}): "competition" for a, b in pick if a != b}
    pick = rng.choice(n, (max(1, n // 20), 2))
    before = frozenset(frozenset({int(ids[a]), int(ids[b])}) for a, b in pick if a != b)
    return people, Rules(same_manager_forbidden=True, do_not_pair=dnp, paired_before=before)


def _full_graph_weights(people: Sequence[Candidate], rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """Milli-point weight matrix over every allowed pair (what an exact full matcher sees)."""
    pool = _Pool(people, Weights(), rules)
    idx = np.arange(len(people))
    milli = pool.scores(idx, idx).astype(np.int64)
    return milli, np.triu(milli >= 0, 1)


def time_networkx(people: Sequence[Candidate], rules: Rules) -> tuple[float, float]:
    """networkx's exact blossom on the full graph: (seconds, weight in points)."""
    milli, allowed = _full_graph_weights(people, rules)
    lo, hi = np.nonzero(allowed)
    graph = nx.Graph()
    graph.add_nodes_from(range(len(people)))
    graph.add_weighted_edges_from(
        zip(lo.tolist(), hi.tolist(), milli[lo, hi].tolist(), strict=True)
    )
    started = time.perf_counter()
    found = nx.max_weight_matching(graph)
    seconds = time.perf_counter() - started
    return seconds, sum(int(milli[u, v]) for u, v in found) / matching.SCALE


def cardinality_check(people: Sequence[Candidate], rules: Rules, k: int = 20) -> str:
    """Does max_cardinality=True cost weight on the sparse graph? (the measurement for _matching)."""
    pool = _Pool(people, Weights(), rules)
    cands = _Candidates(pool, min(k, len(people) - 1), keep=False)
    lo, hi, milli = cands.edges(min(k, len(people) - 1))
    out = []
    for label, card in (("max weight", False), ("max_cardinality", True)):
        graph = rx.PyGraph()
        graph.add_nodes_from(range(len(people)))
        graph.add_edges_from(list(zip(lo.tolist(), hi.tolist(), milli.tolist(), strict=True)))
        started = time.perf_counter()
        found = rx.max_weight_matching(graph, max_cardinality=card, weight_fn=int)
        seconds = time.perf_counter() - started
        weight = sum(int(graph.get_edge_data(u, v)) for u, v in found) / matching.SCALE
        out.append(f"{label}: {len(found)} pairs, weight {weight:.3f}, {seconds:.2f} s")
    tie = _matching(len(people), lo, hi, milli)
    weight = sum(
        int(m) for m in milli[np.isin(lo * len(people) + hi, [a * len(people) + b for a, b in tie])]
    )
    out.append(
        f"weight·M+1 tie-break (used): {len(tie)} pairs, weight {weight / matching.SCALE:.3f}"
    )
    return "; ".join(out)


def _timed(call: Callable[[], T]) -> tuple[T, float, float]:
    """(result, wall seconds, CPU seconds of every thread)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def bench_size(n: int, *, certify: bool | None, seed: int = 0) -> matching.MatchingResult:
    """Generate a pool, pair it, print one line."""
    people, rules = synthetic_pool(n, seed)
    result, wall, cpu = _timed(
        lambda: matching.match_pairs(people, Weights(), rules, certify=certify)
    )
    if result.gap is None:
        cert = "no certificate"
    else:
        cert = (
            f"bound {result.bound:.3f}  gap {result.gap:.3f} ({result.relative_gap:.1e})"
            f"{'  proven optimal' if result.optimal else ''}  [relaxation bound {result.lp_bound:.3f}]"
        )
    print(
        f"n={n:>6}: {wall:6.2f} s wall, {cpu:6.2f} s cpu  {len(result.groups)} pairs, "
        f"{len(result.unmatched)} unmatched  weight {result.total_weight:.3f}  {cert}  "
        f"solved on {result.candidate_edges} edges "
        f"({'by reduced cost' if result.optimal is not None else f'{result.candidate_k} best each, thinned'})",
        flush=True,
    )
    return result


def bench_groups(n: int, seed: int = 0) -> None:
    """Circles of 4 and mentoring (1 mentor in 4, 3 places each) on the same kind of pool."""
    people, rules = synthetic_pool(n, seed)
    circles, wall, cpu = _timed(lambda: matching.match_circles(people, Weights(), rules, size=4))
    print(
        f"n={n:>6}: circles of 4: {wall:6.2f} s wall, {cpu:6.2f} s cpu  objective "
        f"{circles.total_weight:.1f} vs random grouping {circles.baseline:.1f} "
        f"(×{circles.total_weight / max(circles.baseline or 1, 1e-9):.2f})",
        flush=True,
    )
    roles = [
        Candidate(**{**p.__dict__, "role": "mentor" if i % 4 == 0 else "mentee", "capacity": 3})
        for i, p in enumerate(people)
    ]
    weights = Weights.for_relationship("mentoring")
    mentoring, wall, cpu = _timed(lambda: matching.match_mentoring(roles, weights, rules))
    print(
        f"n={n:>6}: mentoring: {wall:6.2f} s wall, {cpu:6.2f} s cpu  "
        f"{len(mentoring.groups)} mentor–mentee pairs, {len(mentoring.unmatched)} unmatched",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (``make bench`` runs it with the defaults)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 10000])
    parser.add_argument("--certify-all", action="store_true", help="certificate at every size")
    parser.add_argument("--quick", action="store_true", help="networkx at 300, extrapolated")
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument("--no-groups", action="store_true", help="skip circles and mentoring")
    args = parser.parse_args(argv)

    print(f"Machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
    print("\nPairs from one pool: exact max-weight matching (rustworkx) on a sparse graph;")
    print(
        "certificate (assignment relaxation + odd-cycle cuts + reduced costs) up to "
        f"{CERTIFY_LIMIT} people by default"
    )
    results = {}
    for n in args.sizes:
        results[n] = bench_size(n, certify=True if args.certify_all else None)

    for n in sorted(x for x in args.sizes if x <= 2000):
        people, rules = synthetic_pool(n)
        print(f"\nmax_cardinality, n={n}, 20 best each: {cardinality_check(people, rules)}")

    if not args.no_groups:
        print()
        for n in args.sizes:
            bench_groups(n)

    if not args.no_networkx:
        ref = 300 if args.quick else 1000
        people, rules = synthetic_pool(ref)
        print(f"\nnetworkx.max_weight_matching on the full graph, n={ref} …", flush=True)
        nx_seconds, nx_weight = time_networkx(people, rules)
        ours = results.get(ref) or bench_size(ref, certify=True)
        print(
            f"networkx: {nx_seconds:.1f} s, weight {nx_weight:.3f} (ours {ours.total_weight:.3f})"
        )
        if args.quick:
            # Blossom is O(n³) on a dense graph: scale the measured time to 1 000 people.
            estimate = nx_seconds * (1000 / ref) ** 3
            ours_1000 = results.get(1000) or bench_size(1000, certify=None)
            print(
                f"EXTRAPOLATED (measured at n={ref}, × (1000/{ref})³): networkx ≈ {estimate:.0f} s "
                f"at n=1000; speed-up ≈ {estimate / ours_1000.seconds:.0f}×"
            )
        else:
            print(f"speed-up at n={ref}: {nx_seconds / ours.seconds:.0f}× (measured, wall clock)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
