"""Bags: what a figure counts, grouped in SQL (``fetch_bags``) or read in Python (``python_bag``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from core.kernel.recording import is_recording
from core.kernel.small_groups import DETAIL_UNITS, Bag, is_small

WEEK = dt.timedelta(days=7)


def midnight(day: dt.date) -> dt.datetime:
    """The first instant of ``day`` (naive UTC, like every stored time)."""
    return dt.datetime.combine(day, dt.time())


def fetch_bags(
    s: Session,
    base: Select[Any],
    keys: Sequence[tuple[str, Callable[[Any], Hashable] | None]],
    k: int,
    kind: str,
    *,
    sums: int = 0,
    week_key: str | None = None,
    distinct_units: bool = False,
    others: int = 0,
) -> dict[tuple[Any, ...], Bag]:
    """Group ``base`` (labelled columns: the keys, ``who``, ``unit``, ``v0``… and,
    with ``week_key``, ``at``) into bags: counts from SQL, people's ids for the
    groups of fewer than k people, every unit and id while recording. A unit is
    ``(kind, unit)``, or ``(kind, unit, unit2[, unit3])`` when ``base`` has those columns.
    ``others``: units of the same table counted elsewhere (its closed weeks), so that
    the table is read whole or not as if all its rows were here."""
    sub = base.subquery()
    kcols = [sub.c[name] for name, _ in keys]
    convert = [fn or (lambda v: v) for _, fn in keys]
    width = len(keys)

    def key_of(row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(fn(v) for fn, v in zip(convert, row[:width], strict=True))

    vcols = [sub.c[f"v{i}"] for i in range(sums)]
    bags: dict[tuple[Any, ...], Bag] = {}
    conn = s.connection()  # plain rows: no ORM bookkeeping for thousands of them
    for row in conn.execute(
        select(
            *kcols,
            func.count(distinct(sub.c.unit)) if distinct_units else func.count(),
            func.count(distinct(sub.c.who)),
            *(func.sum(c) for c in vcols),
        ).group_by(*kcols)
    ):
        totals = tuple(float(x or 0) for x in row[width + 2 :])
        bags[key_of(row)] = Bag(int(row[width]), int(row[width + 1]), totals, None, None)
    # A small table is read whole (suppression.DETAIL_UNITS): its cells then know what
    # they count, and the rule is checked on the actual groups.
    testing = is_recording()
    whole = read_whole(others + sum(b.n for b in bags.values()))
    small = {key for key, b in bags.items() if is_small(b.people, k)}
    if not whole and not small:
        return bags
    extra = [sub.c[name] for name in ("unit2", "unit3") if name in sub.c]
    vals = [sub.c[f"v{i}"] for i in range(sums)]
    q = select(*kcols, sub.c.who, sub.c.unit, *extra, *vals)
    if whole:
        # A small table in one order: the same rows make the same sets, element for
        # element, on every build (a large one's thousands of rows are not sorted for it).
        q = q.order_by(*kcols, sub.c.who, sub.c.unit, *extra)
    if not whole and week_key is not None:
        # Only the weeks that hold a small group: index-friendly ranges on the raw time.
        at = sub.c.at
        i = [name for name, _ in keys].index(week_key)
        weeks: list[dt.date] = sorted({key[i] for key in small})
        q = q.where(or_(*(and_(at >= midnight(w), at < midnight(w + WEEK)) for w in weeks)))
    elif not whole and len(small) <= 50:
        # Only the small groups, by their keys.
        q = q.where(
            or_(
                *(
                    and_(
                        *(
                            c.is_(None) if v is None else c == v
                            for c, v in zip(kcols, key, strict=True)
                        )
                    )
                    for key in small
                )
            )
        )
    # unit → its values; a unit may count several people (a meeting: its members).
    found: dict[tuple[Any, ...], dict[Hashable, tuple[float, ...]]] = defaultdict(dict)
    pairs: dict[tuple[Any, ...], set[tuple[Hashable, int]]] = defaultdict(set)
    for row in conn.execute(q):
        key = key_of(row)
        if whole or key in small:
            who = int(row[width])
            unit: Hashable = (kind, *row[width + 1 : width + 2 + len(extra)])
            found[key][unit] = tuple(float(x or 0) for x in row[width + 2 + len(extra) :])
            pairs[key].add((unit, who))
    for key in found.keys() | (bags.keys() if whole else set()):
        units = found.get(key, {})
        ids = frozenset(who for _, who in pairs.get(key, ()))
        if not whole:
            bags[key] = replace(bags[key], ids=ids)
            continue
        read = Bag(
            len(units),
            len(ids),
            tuple(sum(v[i] for v in units.values()) for i in range(sums)),
            ids,
            frozenset(units),
            pairs=frozenset(pairs.get(key, ())),
        )
        if testing and key in bags and (read.n, read.people) != (bags[key].n, bags[key].people):
            # Counted, then read row by row, in one transaction: they must agree.
            raise AssertionError(f"{kind} {key}: counted {bags[key].n}, read {read.n}")
        # Read row by row, the rows are the truth (a write may land between two reads).
        bags[key] = read
    # In the keys' order, whatever order the database grouped in: a table built from them
    # is the same build after build (None first in each position).
    return {
        key: bags[key]
        for key in sorted(bags, key=lambda key: tuple((v is not None, v) for v in key))
        if not bags[key].empty
    }


@dataclass(frozen=True)
class Closed:
    """The bags of a weekly query's closed weeks (rows created before ``split``): those
    kept from an earlier read (``bags``), or None and where to keep them once read."""

    split: dt.datetime
    bags: Mapping[tuple[Any, ...], Bag] | None
    keep: Callable[[dict[tuple[Any, ...], Bag]], None]


def weekly_bags(
    s: Session,
    base_of: Callable[[dt.datetime | None], Select[Any]],
    keys: Sequence[tuple[str, Callable[[Any], Hashable] | None]],
    k: int,
    kind: str,
    closed: Closed | None,
    distinct_units: bool = False,
) -> dict[tuple[Any, ...], Bag]:
    """``fetch_bags(s, base_of(None), keys, k, kind, week_key="week", …)``, the closed
    weeks taken from ``closed`` when it holds them: then only the rows from
    ``closed.split`` on are read (``base_of(split)``). A key's bag depends on the rows of
    its week alone, and the closed weeks are kept only when they are more than
    DETAIL_UNITS units, so the whole table is never read whole either way: the bags are
    the same."""

    def fetch(since: dt.datetime | None, others: int = 0) -> dict[tuple[Any, ...], Bag]:
        return fetch_bags(
            s,
            base_of(since),
            keys,
            k,
            kind,
            week_key="week",
            distinct_units=distinct_units,
            others=others,
        )

    if closed is None or is_recording():
        return fetch(None)
    if closed.bags is None:
        bags = fetch(None)
        week = [name for name, _ in keys].index("week")
        before = {key: b for key, b in bags.items() if key[week] < closed.split.date()}
        if sum(b.n for b in before.values()) > DETAIL_UNITS:
            closed.keep(before)
        return bags
    n = sum(b.n for b in closed.bags.values())
    return {**closed.bags, **fetch(closed.split, n)}


def read_whole(units: int) -> bool:
    """A table counting ``units`` things in all is small (DETAIL_UNITS): its cells keep
    what they count and the rule is also checked on its actual groups; so is every
    table while recording for the adversary test."""
    return is_recording() or units <= DETAIL_UNITS


def python_bag(units: Iterable[tuple[Hashable, int]], k: int, *sums: Sequence[float]) -> Bag:
    """A bag from (unit, person) pairs read in Python (small tables: matches, enrolments)."""
    pairs = list(units)
    ids = frozenset(p for _, p in pairs)
    n = len({u for u, _ in pairs})
    keep_units = is_recording() or len(pairs) <= DETAIL_UNITS
    return Bag(
        n,
        len(ids),
        tuple(float(sum(x)) for x in sums),
        ids if keep_units or is_small(len(ids), k) else None,
        frozenset(u for u, _ in pairs) if keep_units else None,
        pairs=frozenset(pairs) if keep_units else None,
    )
