"""Complementary suppression: cells and the linear relations between them, protected together.

Hiding a small cell is not enough when a total, a margin, a cumulative line, a
rate or another view gives it back by subtraction. :meth:`Table.protect` hides,
after the small cells, the next-smallest cell of a relation until no hidden cell
is determined by the shown ones (exact integer elimination,
:mod:`core.kernel.elimination`) and no total minus its shown parts describes
1 … k−1 people (:func:`core.kernel.small_groups.is_small`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from core.kernel.elimination import Basis, add_vectors
from core.kernel.recording import record_table
from core.kernel.small_groups import (
    DIFFERENCE,
    EMPTY,
    LATENT,
    SMALL,
    Bag,
    Cell,
    Relation,
    combine,
    is_small,
)


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
        cell.vec = add_vectors([p.vec for p in parts])  # no column of its own
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
        diff = add_vectors([*(c.vec for c in plus), *negative])
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
                    # Nothing left to hide: it follows from figures shown whatever this
                    # table decides (operational lists shown by name, fixed headcounts)
                    # alone, so hiding it would protect nobody.
                    cells[0].hidden, cells[0].public = "", True
                    touched.add(cells[0].index)
                else:
                    self._accepted.add(tuple(c.index for c in cells))
        self.protected = True
        record_table(self)
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
                    # What the other parts count is at least their largest's people: a
                    # part whose others hold k people needs no combining (most of them).
                    people = [p.bag.people for p in parts]
                    first = max(range(len(parts)), key=people.__getitem__, default=0)
                    second = max((n for j, n in enumerate(people) if j != first), default=0)
                    for i, part in enumerate(parts):
                        if max(aside.people, second if i == first else people[first]) >= k:
                            continue  # the gap counts k people or more (see below)
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
        # Never a fixed cell: its own rule shows it on another page (Home's headcounts)
        # whatever this table decides, so hiding it here would protect nobody and let
        # the table show what that figure gives away.
        pool = [
            c
            for c in witnesses
            if c.shown and not c.empty and not c.public and not c.latent and not c.fixed
        ]
        if not pool:
            return None
        return min(pool, key=lambda c: (c.keep, c.people, c.n, c.index))
