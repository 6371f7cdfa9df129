"""The one small-group rule (DESIGN.md "Who sees what"), and what makes it hold across views.

Primary suppression: a figure that describes 1 … k−1 people is hidden; 0 describes
nobody and is shown. :func:`is_small` is that rule, the only copy of it.

Complementary suppression: hiding a cell is not enough when a total, a margin, a
cumulative line, a rate or another view gives it back by subtraction. Every
coordinator-facing figure is therefore a :class:`Cell` of a :class:`Table`, which
knows the people the cell counts and the linear relations between cells
("this total is the sum of those parts"). :meth:`Table.protect` hides, after the
small cells, the next-smallest cell of a relation until

* no hidden cell (nor a never-shown "latent" cell of fewer than k people, such as
  the people a rate leaves out) is determined by the shown cells: checked exactly,
  by integer elimination over the relations, and
* no total minus its shown parts describes 1 … k−1 people.

Cells are private to ``core``: pages only get plain numbers with ``suppressed`` and
a reason. While :func:`recording` is active (the adversary test does it), every
protected table and every cell handed to a page is also written down with the
people and the things it counts, so that the test can check the rule on sets,
independently of the relations declared here.

Self-contained on purpose (imports nothing from ``core``): it will move to the
kernel as the privacy rule.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

# A table whose cells count at most this many things in all is checked on the actual
# groups too (Table._data_problems); larger ones on their declared sums only.
DETAIL_UNITS = 2_000

# Why a figure is hidden (pages turn these into sentences).
SMALL = "small"  # fewer than k people
DIFFERENCE = "difference"  # would reveal a small group by subtraction
NOT_OFFERED = "not_offered"  # this breakdown is not offered (a filter too small, or unsafe)
LATENT = "latent"  # never shown: only protected against being worked out


def is_small(people: int, k: int) -> bool:
    """THE rule: 1 … k−1 people is hidden; 0 describes nobody and is shown."""
    return 0 < people < k


# --------------------------------------------------------------------------- bags and cells


@dataclass(frozen=True)
class Bag:
    """What one group of rows counts: ``n`` things, over ``people`` distinct people.

    ``people`` is exact when ``exact``; otherwise it is a lower bound that is at
    least k (the rule then needs no more). ``ids`` (people) are known whenever the
    bag is small; ``units`` (the things counted) only while recording.
    """

    n: int = 0
    people: int = 0
    totals: tuple[float, ...] = ()  # sums of the values counted (for means)
    ids: frozenset[int] | None = frozenset()
    units: frozenset[Hashable] | None = frozenset()
    exact: bool = True
    # While recording only: (unit, person) pairs, so a test can subtract sets of units.
    pairs: frozenset[tuple[Hashable, int]] | None = None

    @property
    def empty(self) -> bool:
        return self.n == 0 and self.people == 0


EMPTY = Bag(pairs=frozenset())


def combine(bags: Iterable[Bag], k: int, *, disjoint_people: bool = False) -> Bag:
    """The bag of several disjoint groups of things (a total of its parts).

    ``disjoint_people``: nobody is in two parts (a breakdown by department), so
    people add up exactly; otherwise people are counted once (weeks of a period).
    """
    parts = [b for b in bags if b.n or b.people]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    n = people_sum = people_max = width = 0
    exact = ids_ok = units_ok = pairs_ok = True
    for b in parts:
        n += b.n
        people_sum += b.people
        people_max = max(people_max, b.people)
        width = max(width, len(b.totals))
        exact = exact and b.exact
        ids_ok = ids_ok and b.ids is not None
        units_ok = units_ok and b.units is not None
        pairs_ok = pairs_ok and b.pairs is not None
    totals = tuple(sum(b.totals[i] for b in parts if len(b.totals) > i) for i in range(width))
    ids = frozenset().union(*(b.ids or () for b in parts)) if ids_ok else None
    units = frozenset().union(*(b.units or () for b in parts)) if units_ok else None
    pairs = frozenset().union(*(b.pairs or () for b in parts)) if pairs_ok else None
    if disjoint_people:
        people = people_sum
    elif ids is not None:
        people, exact = len(ids), True
    else:
        # Some part is large (its ids were not read): the union is at least that part.
        people, exact = people_max, False
    return Bag(n, people, totals, ids, units, exact, pairs)


@dataclass(eq=False)
class Cell:
    """One figure a coordinator may see (or that must not be worked out).

    Never returned to a page: pages get the number and whether it is hidden.
    """

    key: tuple[Hashable, ...]
    bag: Bag
    latent: bool = False  # never shown, only protected (the rest of a rate, a remainder)
    fixed: bool = False  # decided by its own rule only: never hidden to protect another
    public: bool = False  # an operational figure shown by name elsewhere (pairs to check in)
    keep: bool = False  # a headline figure: hidden to protect another only as a last resort
    hidden: str = ""
    index: int = -1
    # The cell as a sum of the table's base cells (those read from data), for the
    # linear algebra: a total is the sum of its parts' vectors.
    vec: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return self.bag.n

    @property
    def people(self) -> int:
        return self.bag.people

    @property
    def empty(self) -> bool:
        return self.bag.empty

    @property
    def shown(self) -> bool:
        return not self.hidden

    @property
    def known(self) -> bool:
        """What a reader knows: a shown figure, or an empty group (zero describes nobody)."""
        return self.shown or self.empty

    def __repr__(self) -> str:  # never the ids
        state = self.hidden or "shown"
        return f"Cell({self.key!r}, n={self.n}, people={self.people}, {state})"


@dataclass(frozen=True)
class Relation:
    """Σ plus = Σ minus, between cells of one table."""

    plus: tuple[Cell, ...]
    minus: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.plus + self.minus


# --------------------------------------------------------------------------- the table


@dataclass
class Table:
    """Cells and the linear relations between them, protected together."""

    k: int
    name: str
    cells: list[Cell] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    # total → parts, for the "total minus its shown parts" check
    sums: list[tuple[Cell, tuple[Cell, ...]]] = field(default_factory=list)
    # Linear facts between base cells (a cell read from data that is also a sum of
    # others, a cumulative line): vectors whose value is known to be 0.
    constraints: list[dict[int, int]] = field(default_factory=list)
    constraint_cells: list[tuple[Cell, ...]] = field(default_factory=list)
    protected: bool = False
    _accepted: set[tuple[int, ...]] = field(default_factory=set)

    def add(
        self,
        key: tuple[Hashable, ...],
        bag: Bag,
        *,
        latent: bool = False,
        fixed: bool = False,
        public: bool = False,
        keep: bool = False,
    ) -> Cell:
        cell = Cell(key, bag, latent=latent, fixed=fixed, public=public, keep=keep)
        cell.index = len(self.cells)
        cell.vec = {cell.index: 1}
        self.cells.append(cell)
        return cell

    def total(
        self,
        key: tuple[Hashable, ...],
        parts: Sequence[Cell],
        *,
        disjoint_people: bool,
        latent: bool = False,
        fixed: bool = False,
        keep: bool = False,
    ) -> Cell:
        """A new cell, the sum of ``parts`` (which count disjoint things)."""
        bag = combine([p.bag for p in parts], self.k, disjoint_people=disjoint_people)
        cell = self.add(key, bag, latent=latent, fixed=fixed, keep=keep)
        cell.vec = _add_vectors([p.vec for p in parts])  # no column of its own
        parts = tuple(p for p in parts if p is not cell)
        if parts:
            self.relations.append(Relation((cell,), parts))
            self.sums.append((cell, parts))
        return cell

    def sum_of(self, total: Cell, parts: Sequence[Cell]) -> None:
        """Declare ``total`` = Σ ``parts`` (parts count disjoint things)."""
        parts = tuple(p for p in parts if p is not total)
        if not parts:
            return
        self.relations.append(Relation((total,), parts))
        self.sums.append((total, parts))
        self._constraint([total], parts)

    def equation(self, plus: Sequence[Cell], minus: Sequence[Cell]) -> None:
        """Declare Σ ``plus`` = Σ ``minus`` (a cumulative line: E_w + left_w = E_w−1 + new_w)."""
        self.relations.append(Relation(tuple(plus), tuple(minus)))
        self._constraint(plus, minus)

    def _constraint(self, plus: Sequence[Cell], minus: Sequence[Cell]) -> None:
        negative = [{i: -v for i, v in c.vec.items()} for c in minus]
        diff = _add_vectors([*(c.vec for c in plus), *negative])
        if diff:
            self.constraints.append(diff)
            self.constraint_cells.append(tuple(plus) + tuple(minus))

    # ------------------------------------------------------------------ protection

    def protect(self) -> Table:
        """Primary, then complementary suppression, until nothing small can be worked out."""
        if self.protected:
            return self
        k = self.k
        for c in self.cells:
            if c.latent:
                c.hidden = LATENT
            elif c.public or c.fixed:
                continue  # decided by their own rule (set by the caller)
            elif is_small(c.people, k):
                c.hidden = SMALL
        while True:
            problems = self._problems()
            if not problems:
                break
            # One pass over everything found: hide the next-smallest shown cell of each
            # subtraction, unless this pass already hid one of its cells (then look again).
            touched: set[int] = set()
            for cells, witnesses in problems:
                if touched & {c.index for c in (*cells, *witnesses)}:
                    continue
                victim = self._complement(cells, witnesses)
                if victim is not None:
                    victim.hidden = DIFFERENCE
                    touched.add(victim.index)
                elif len(cells) == 1 and not cells[0].latent:
                    # Nothing left to hide: it follows from operational lists shown by
                    # name (public cells) alone, so hiding it would protect nobody.
                    cells[0].hidden, cells[0].public = "", True
                    touched.add(cells[0].index)
                else:
                    self._accepted.add(tuple(c.index for c in cells))
        self.protected = True
        _record_table(self)
        return self

    def _problems(self) -> list[tuple[tuple[Cell, ...], list[Cell]]]:
        """What a reader could work out that describes a small group (or a hidden
        cell), each with the shown cells it is worked out from."""
        k = self.k
        found: list[tuple[tuple[Cell, ...], list[Cell]]] = []

        def residual(known: dict[int, list[Cell]]) -> list[tuple[tuple[Cell, ...], list[Cell]]]:
            # A total minus its known parts: the other parts together must not be small.
            # ``known`` gives, for each cell a reader knows, the shown cells it comes
            # from (itself when shown): the subtraction uses all of them.
            out = []
            for total, parts in self.sums:
                if total.index not in known:
                    continue
                unknown = tuple(p for p in parts if p.index not in known)
                if (
                    unknown
                    and tuple(c.index for c in unknown) not in self._accepted
                    and is_small(combine([p.bag for p in unknown], k).people, k)
                ):
                    used: dict[int, Cell] = {}
                    for p in (total, *parts):
                        for w in known.get(p.index, ()):
                            used[w.index] = w
                    out.append((unknown, [used[i] for i in sorted(used)]))
            return out

        known = {c.index: [c] for c in self.cells if c.known}
        found = residual(known)
        if found:
            return found
        determined = self._determined()
        for cell, witnesses in determined:
            if (cell.index,) in self._accepted:
                continue
            if (not cell.latent) or is_small(cell.people, k):
                found.append(((cell,), witnesses))
        if found:
            return found
        # A total that is worked out (not shown) minus its known parts.
        worked = {cell.index: witnesses for cell, witnesses in determined}
        found = residual({**worked, **known})
        if found:
            return found
        found = self._nested()
        if found or not self._detailed():
            return found
        return self._data_problems()

    # ------------------------------------------------------------------ small tables

    def _detailed(self) -> bool:
        """Every cell knows the things it counts (a small table, or while recording)."""
        return all(
            c.empty or (c.bag.units is not None and c.bag.pairs is not None) for c in self.cells
        )

    def _data_problems(self) -> list[tuple[tuple[Cell, ...], list[Cell]]]:
        """On the actual groups, not only the declared sums: for a small table the
        data can make two figures coincide (the matched people of a department are
        exactly those with one meeting …). Exact, by integer elimination over atoms
        (the classes of things that belong to the same cells)."""
        k = self.k
        cells = [c for c in self.cells if not c.empty]
        member: dict[Hashable, list[int]] = defaultdict(list)
        owners: dict[Hashable, set[int]] = defaultdict(set)
        for c in cells:
            for u in c.bag.units or ():
                member[u].append(c.index)
            for u, p in c.bag.pairs or ():
                owners[u].add(p)
        atom_id: dict[tuple[int, ...], int] = {}
        atoms_of: dict[int, set[int]] = defaultdict(set)
        for m in member.values():
            a = atom_id.setdefault(tuple(m), len(atom_id))
            for i in m:
                atoms_of[i].add(a)
        by_index = {c.index: c for c in cells}
        found: list[tuple[tuple[Cell, ...], list[Cell]]] = []
        # (ii) a small group hidden (or never shown) that the shown cells add up to.
        basis = Basis()
        for c in sorted((c for c in cells if c.shown), key=lambda c: len(atoms_of[c.index])):
            basis.add({a: 1 for a in atoms_of[c.index]}, {c.index: 1})
        for c in cells:
            if c.shown or not is_small(c.people, k) or (c.index,) in self._accepted:
                continue
            row, how = basis.reduce({a: 1 for a in atoms_of[c.index]}, {})
            if not row:
                found.append(((c,), [by_index[i] for i in sorted(how)]))
        if found:
            return found
        # (i) two shown figures, one inside the other, differ by nobody or ≥ k people;
        # and a shown total minus every shown figure inside it leaves nobody or ≥ k.
        sets: dict[frozenset[Hashable], Cell] = {}
        for c in sorted((c for c in cells if c.shown and not c.public), key=lambda c: c.index):
            sets.setdefault(frozenset(c.bag.units or ()), c)
        ordered = sorted(sets, key=len)
        holders: dict[Hashable, list[frozenset[Hashable]]] = defaultdict(list)
        for x in ordered:
            for u in x:
                holders[u].append(x)
        inside_of: dict[frozenset[Hashable], list[frozenset[Hashable]]] = defaultdict(list)
        for inner in ordered:
            if not inner:
                continue
            anchor = min(inner, key=lambda u: len(holders[u]))
            for outer in holders[anchor]:
                if inner < outer:
                    inside_of[outer].append(inner)
                    gap = set().union(*(owners[u] for u in outer - inner))
                    if is_small(len(gap), k):
                        big, part = sets[outer], sets[inner]
                        if (part.index, big.index) not in self._accepted:
                            found.append(((part, big), [big, part]))
        for outer in ordered:
            inside = inside_of.get(outer, [])
            if not inside:
                continue
            rest = outer - frozenset().union(*inside)
            if rest and is_small(len(set().union(*(owners[u] for u in rest))), k):
                group = (sets[outer], *(sets[x] for x in inside))
                if tuple(c.index for c in group) not in self._accepted:
                    found.append((group, list(group)))
        return found

    def _nested(self) -> list[tuple[tuple[Cell, ...], list[Cell]]]:
        """Two shown figures, one a part of a part … of the other, must differ by nobody
        or by at least k people (the last 3 months' answers minus one round's
        detractors). Walks down the sums from each shown total, gathering what the
        parts left aside count, and stops as soon as that is k people or more."""
        k = self.k
        parts_of: dict[int, list[tuple[Cell, ...]]] = defaultdict(list)
        for total, parts in self.sums:
            parts_of[total.index].append(parts)
        found: list[tuple[tuple[Cell, ...], list[Cell]]] = []
        seen_pairs: set[tuple[int, int]] = set()
        for top in self.cells:
            if not top.shown or top.empty or top.public or top.index not in parts_of:
                continue
            stack: list[tuple[Cell, Bag]] = [(top, EMPTY)]
            visited = {top.index}
            while stack:
                cell, aside = stack.pop()
                for parts in parts_of.get(cell.index, ()):
                    for i, part in enumerate(parts):
                        others = [p.bag for j, p in enumerate(parts) if j != i]
                        gap = combine([aside, *others], k)
                        if gap.people >= k:
                            continue  # only grows further down
                        if (
                            part.shown
                            and not part.empty
                            and not part.public
                            and not gap.empty
                            and (top.index, part.index) not in seen_pairs
                        ):
                            seen_pairs.add((top.index, part.index))
                            if (part.index, top.index) not in self._accepted:
                                found.append(((part, top), [top, part]))
                        if part.index not in visited:
                            visited.add(part.index)
                            stack.append((part, gap))
        return found

    def _determined(self) -> list[tuple[Cell, list[Cell]]]:
        """Unknown cells whose value follows from the known cells, each with the known
        cells of the subtraction that gives it.

        Exact linear algebra on the unknown base cells only: every known cell (and
        every linear fact between base cells) is an equation over them once the known
        base cells are put in; a cell is determined when its vector, restricted to
        the unknown base cells, is a combination of those equations. Every base cell
        not shown stays unknown, whatever its size: counting a large never-shown cell
        as known would hide the subtraction that names the cells to complement.
        """
        k = self.k
        unknown_cols = {c.index for c in self.cells if c.vec == {c.index: 1} and not c.known}
        if not unknown_cols:
            return []
        targets = [c for c in self.cells if not c.known and (not c.latent or is_small(c.people, k))]
        totals = {t.index for t, _ in self.sums if not t.known}
        targets += [c for c in self.cells if c.index in totals and c not in targets]

        def restrict(vec: dict[int, int]) -> dict[int, int]:
            return {i: v for i, v in vec.items() if i in unknown_cols}

        equations: list[tuple[dict[int, int], dict[int, int]]] = []
        for c in self.cells:
            if c.known:
                row = restrict(c.vec)
                if row:
                    equations.append((row, {c.index: 1}))
        for j, vec in enumerate(self.constraints):
            row = restrict(vec)
            if row:
                equations.append((row, {-1 - j: 1}))
        equations.sort(key=lambda e: len(e[0]))
        basis = Basis()
        for row, how in equations:
            basis.add(row, how)
        found: list[tuple[Cell, list[Cell]]] = []
        by_col: dict[int, list[Cell]] | None = None
        for c in targets:
            row = restrict(c.vec)
            if not row:
                if c.vec and not c.known:  # made of known cells only
                    if c.index in totals and (c.latent and not is_small(c.people, k)):
                        found.append((c, []))  # only for "a total minus its parts"
                        continue
                    if by_col is None:
                        by_col = defaultdict(list)
                        for w in self.cells:
                            if w.shown and not w.empty:
                                for col in w.vec:
                                    by_col[col].append(w)
                    near = {w.index: w for col in c.vec for w in by_col.get(col, ())}
                    found.append((c, [near[i] for i in sorted(near) if i != c.index]))
                continue
            rest, how = basis.reduce(row, {})
            if not rest:
                found.append((c, self._used(how)))
        return found

    def _used(self, how: dict[int, int]) -> list[Cell]:
        """The shown cells a combination of equations uses: each known cell it starts
        from, every shown base cell put in for its value, and the cells of each fact."""
        used: dict[int, Cell] = {}
        for label in how:
            if label >= 0:
                cells: tuple[Cell, ...] = (self.cells[label],)
                cols = self.cells[label].vec
            else:
                cells = self.constraint_cells[-1 - label]
                cols = self.constraints[-1 - label]
            for c in (*cells, *(self.cells[i] for i in cols)):
                if c.shown and not c.empty:
                    used[c.index] = c
        return [used[i] for i in sorted(used)]

    def _complement(self, problem: tuple[Cell, ...], witnesses: list[Cell]) -> Cell | None:
        """The next-smallest shown cell of the subtraction that reveals the problem."""
        candidates = [
            c for c in witnesses if c.shown and not c.empty and not c.public and not c.latent
        ]
        free = [c for c in candidates if not c.fixed]
        pool = free or candidates
        if not pool:
            return None
        return min(pool, key=lambda c: (c.keep, c.people, c.n, c.index))


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


def _add_vectors(vectors: Sequence[dict[int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for v in vectors:
        for i, x in v.items():
            out[i] = out.get(i, 0) + x
    return {i: x for i, x in out.items() if x}


def solve(rows: Sequence[dict[int, int]]) -> dict[int, dict[int, int]]:
    """Unknowns fixed by the homogeneous system ``rows`` (exact integer elimination),
    each with the combination of rows (row number → coefficient) that isolates it.

    Each row maps an unknown to its integer coefficient; the right-hand sides (the
    known cells) do not matter for *whether* an unknown is determined. In reduced
    row echelon form an unknown is determined exactly when some row holds it alone.
    """
    # (pivot, row, provenance): each pivot in one row only.
    basis: list[tuple[int, dict[int, int], dict[int, int]]] = []
    for n, original in enumerate(rows):
        row, how = dict(original), {n: 1}
        for pivot, prow, phow in basis:
            if pivot in row:
                row, how = _eliminate(row, how, prow, phow, pivot)
        if not row:
            continue
        pivot = min(row)
        for j, (p, prow, phow) in enumerate(basis):
            if pivot in prow:
                basis[j] = (p, *_eliminate(prow, phow, row, how, pivot))
        basis.append((pivot, row, how))
    return {pivot: how for pivot, row, how in basis if len(row) == 1}


def determined_unknowns(rows: Sequence[dict[int, int]]) -> set[int]:
    """The unknowns of ``rows`` whose value is fixed (see :func:`solve`)."""
    return set(solve(rows))


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


# --------------------------------------------------------------------------- small rules


def fixed_rate(num: Bag, den: Bag, k: int) -> tuple[str, str]:
    """Decisions for a headline count and the count of a share of it (match rate).

    The denominator is hidden when small; the numerator when small, or when the
    people it leaves out (den − num, a subtraction away) are few. Returns
    (denominator reason, numerator reason); "" means shown.
    """
    if is_small(den.people, k):
        return SMALL, SMALL if num.people else ""
    if is_small(num.people, k):
        return "", SMALL
    if is_small(den.people - num.people, k):
        return "", DIFFERENCE
    return "", ""


def rate_reason(num: Cell, den: Cell) -> str:
    """A share is shown only when its numerator and its denominator are."""
    if den.empty:
        return ""
    return num.hidden or den.hidden


def offered_groups(sizes: dict[str | None, int], k: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Which departments a view may be filtered on, and which are withheld.

    A department is offered when it has at least k people and the rest of the
    parent has none or at least k; the departments not offered, taken together,
    must also be none or at least k people (else the smallest offered one joins
    them), since the parent minus every offered department is their total.
    """
    total = sum(sizes.values())
    offered = sorted(
        (d for d, n in sizes.items() if d is not None and n >= k and not is_small(total - n, k)),
        key=lambda d: (sizes[d], d),
    )
    while offered and is_small(total - sum(sizes[d] for d in offered), k):
        offered.pop(0)
    withheld = sorted(d for d in sizes if d is not None and d not in offered)
    return tuple(sorted(offered)), tuple(withheld)


# --------------------------------------------------------------------------- recording


@dataclass
class Recorder:
    """What the functions protected and handed out while recording (tests only)."""

    tables: list[Table] = field(default_factory=list)
    emitted: list[tuple[str, Cell]] = field(default_factory=list)
    texts: list[tuple[str, Any, tuple[str, ...]]] = field(default_factory=list)

    def cells(self) -> Iterator[Cell]:
        seen: set[int] = set()
        for table in self.tables:
            for c in table.cells:
                if id(c) not in seen:
                    seen.add(id(c))
                    yield c
        for _, c in self.emitted:
            if id(c) not in seen:
                seen.add(id(c))
                yield c


_RECORDER: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "tandem_suppression_recorder", default=None
)


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    """Write down every protected cell, with its people and units (for the adversary test)."""
    rec = Recorder()
    token = _RECORDER.set(rec)
    try:
        yield rec
    finally:
        _RECORDER.reset(token)


def is_recording() -> bool:
    return _RECORDER.get() is not None


def _record_table(table: Table) -> None:
    rec = _RECORDER.get()
    if rec is not None:
        rec.tables.append(table)


def emit(where: str, cell: Cell) -> Cell:
    """Note that ``cell`` was handed to a page (as its number, or as hidden)."""
    rec = _RECORDER.get()
    if rec is not None:
        rec.emitted.append((where, cell))
    return cell


def emit_texts(where: str, window: Any, texts: Sequence[str]) -> None:
    """Note free text handed to a page, with the window it covers (tests only)."""
    rec = _RECORDER.get()
    if rec is not None:
        rec.texts.append((where, window, tuple(texts)))


__all__ = [
    "DETAIL_UNITS",
    "DIFFERENCE",
    "EMPTY",
    "LATENT",
    "NOT_OFFERED",
    "SMALL",
    "Bag",
    "Cell",
    "Recorder",
    "Relation",
    "Table",
    "combine",
    "determined_unknowns",
    "solve",
    "emit",
    "emit_texts",
    "fixed_rate",
    "is_recording",
    "is_small",
    "offered_groups",
    "rate_reason",
    "recording",
]
