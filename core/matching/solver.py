"""Exact max-weight matching on a sparse graph, and the certificate of its optimality.

The candidate graph (each person's best partners), rustworkx's blossom, and the assignment
relaxation whose duals bound any matching of the whole pool and say which edges can matter.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import rustworkx as rx
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from core.matching.matrix import _Pool

# Candidates per person, by reduced cost, in the first certified pass. Measured on the
# benchmark pools: at 1 000 people this pass (≈3 200 edges) already proves the optimum; at
# 2 000 it finds it and a second pass (≈10 400 edges) proves it. The 20 best by score alone
# (≈27 000 edges at 2 000) took twice as long and missed the optimum by 3.3 points.
FIRST_PASS = 4


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
