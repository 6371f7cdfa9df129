"""Exact integer elimination: which unknowns a set of linear equations between cells fixes."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence


class Basis:
    """Rows in echelon form by insertion (exact integers), with how each row was made
    from the vectors added (a label → coefficient), to name the cells of a subtraction."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, dict[int, int], dict[int, int]]] = []
        self.position: dict[int, int] = {}  # pivot column → row number

    def reduce(
        self, vec: dict[int, int], how: dict[int, int]
    ) -> tuple[dict[int, int], dict[int, int]]:
        row, how = dict(vec), dict(how)
        # Pivots in the order their rows were added: a row holds no pivot of an
        # earlier row, so going forward never brings an earlier pivot back.
        heap = [self.position[c] for c in row if c in self.position]
        heapq.heapify(heap)
        done: set[int] = set()
        while heap:
            n = heapq.heappop(heap)
            if n in done:
                continue
            done.add(n)
            pivot, prow, phow = self.rows[n]
            if pivot not in row:
                continue
            if len(prow) == 1 and row[pivot] % prow[pivot] == 0:
                # A unit row: drop the column, nothing else of the row changes.
                factor = row.pop(pivot) // prow[pivot]
                for i, v in phow.items():
                    x = how.get(i, 0) - factor * v
                    if x:
                        how[i] = x
                    else:
                        how.pop(i, None)
                continue
            row, how = _eliminate(row, how, prow, phow, pivot)
            for c in prow:
                m = self.position.get(c)
                if m is not None and m > n and c in row:
                    heapq.heappush(heap, m)
        return row, how

    def add(self, vec: dict[int, int], how: dict[int, int]) -> None:
        row, how = self.reduce(vec, how)
        if row:
            pivot = min(row)
            self.position[pivot] = len(self.rows)
            self.rows.append((pivot, row, how))


def add_vectors(vectors: Sequence[dict[int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for v in vectors:
        for i, x in v.items():
            out[i] = out.get(i, 0) + x
    return {i: x for i, x in out.items() if x}


def _eliminate(
    row: dict[int, int], how: dict[int, int], by: dict[int, int], by_how: dict[int, int], col: int
) -> tuple[dict[int, int], dict[int, int]]:
    a, b = by[col], row[col]

    def mix(x: dict[int, int], y: dict[int, int]) -> dict[int, int]:
        out = {}
        for i in x.keys() | y.keys():
            v = x.get(i, 0) * a - y.get(i, 0) * b
            if v:
                out[i] = v
        return out

    new_row, new_how = mix(row, by), mix(how, by_how)
    g = 0
    for v in (*new_row.values(), *new_how.values()):
        g = math.gcd(g, v)
    if g > 1:
        new_row = {i: v // g for i, v in new_row.items()}
        new_how = {i: v // g for i, v in new_how.items()}
    return new_row, new_how
