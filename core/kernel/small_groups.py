"""The one small-group rule (:func:`is_small`), why a figure is hidden, and what a figure counts.

A :class:`Bag` is what one group of rows counts (things and people); a :class:`Cell`
is one figure a coordinator may see, made of a bag. :func:`fixed_rate` and
:func:`offered_groups` apply the rule to a share and to the departments a view
may be filtered on. How cells are protected together: :mod:`core.kernel.tables`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

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
