"""Weekly series: a cell per week for all departments, and every period's total per department row."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.insights.scope import (
    ALL,
    OTHERS,
    Scope,
    Window,
    as_date,
    in_window,
    nested,
    week_of,
)
from core.kernel.privacy import Bag, Cell, Table, combine
from db.models import Person


@dataclass
class Series:
    """Cells of one weekly series: per row (department, OTHERS, ALL) and week, and the
    total of every period."""

    name: str
    weekly: dict[str, dict[dt.date, Cell]] = field(default_factory=dict)  # ALL only
    totals: dict[str, dict[Window, Cell]] = field(default_factory=dict)
    everything: Window = (None, dt.date.min)  # every week of data

    def all_time(self, row: str) -> Cell:
        return self.totals[row][self.everything]

    def week(self, row: str, week: dt.date) -> Cell | None:
        return self.weekly.get(row, {}).get(week)

    def weeks(self) -> list[dt.date]:
        return sorted(self.weekly.get(ALL, {}))


def weekly_series(
    table: Table,
    scope: Scope,
    name: str,
    bags: dict[tuple[Hashable, ...], Bag],
    *,
    latent_weeks: bool = False,
    latent_totals: bool = False,
    totals: bool = True,
) -> Series:
    """A weekly series from bags keyed (department, week).

    Week by week for all departments together (the ALL row); for each department
    (and the others together, never shown) its total of every period, and of all
    time (key None). A department's weeks are not cells: one department in one week
    is too fine to protect, and so the chart of a department's view is not offered;
    its totals are (nobody is in two departments, so ALL is their sum).
    """
    by_row: dict[str, dict[dt.date, list[Bag]]] = defaultdict(lambda: defaultdict(list))
    for (dept, week), bag in bags.items():
        by_row[scope.row(dept)][week].append(bag)  # type: ignore[arg-type,index]
    series = Series(name)
    k = scope.k
    weeks = sorted({w for row in by_row.values() for w in row})
    series.weekly[ALL] = {
        w: table.add(
            (name, ALL, w),
            combine(
                [b for row in by_row.values() for b in row.get(w, [])], k, disjoint_people=True
            ),
            latent=latent_weeks,
        )
        for w in weeks
    }
    everything: Window = (None, max([w[1] for w in scope.windows] + weeks))
    windows = list(dict.fromkeys([*scope.windows, everything]))
    row_totals: dict[str, dict[Window, Cell]] = {}
    for row in scope.rows:
        mine = {
            w: combine(found, k, disjoint_people=True) for w, found in by_row.get(row, {}).items()
        }
        latent = latent_totals or row == OTHERS
        inside = {window: {w for w in mine if in_window(w, window)} for window in windows}
        cells = {
            window: table.add(
                (name + "_total", row, window),
                combine([mine[w] for w in sorted(inside[window])], k),
                latent=latent,
            )
            for window in windows
        }
        for outer, inner in nested(windows):
            gap = table.add(
                (name + "_total", row, "between", outer, inner),
                combine([mine[w] for w in sorted(inside[outer] - inside[inner])], k),
                latent=True,
            )
            table.sum_of(cells[outer], [cells[inner], gap])
        row_totals[row] = cells
    all_totals = window_totals(
        table, (name + "_total", ALL), series.weekly[ALL], windows, latent=latent_totals
    )
    for window in windows:
        table.sum_of(all_totals[window], [row_totals[r][window] for r in scope.rows])
    series.totals = {row: cells for row, cells in row_totals.items()}
    series.totals[ALL] = all_totals
    series.everything = everything
    if not totals:
        for row in scope.rows:  # still cells (relations), but none is shown
            for cell in row_totals[row].values():
                cell.latent = True
        for cell in all_totals.values():
            cell.latent = True
    return series


def window_totals(
    table: Table,
    key: tuple[Hashable, ...],
    weekly: dict[dt.date, Cell],
    windows: Sequence[Window],
    *,
    latent: bool = False,
) -> dict[Window, Cell]:
    """The total of every period, and, for two periods one inside the other, the
    weeks between them: never shown, so protected like a hidden cell (the last 3
    months minus the last 4 weeks must not be a small group)."""
    totals = {
        window: table.total(
            (*key, window),
            [c for w, c in weekly.items() if in_window(w, window)],
            disjoint_people=False,
            latent=latent,
        )
        for window in windows
    }
    for outer, inner in nested(windows):
        between = [c for w, c in weekly.items() if in_window(w, outer) and not in_window(w, inner)]
        gap = table.total(
            (*key, "between", outer, inner), between, disjoint_people=False, latent=True
        )
        table.sum_of(totals[outer], [totals[inner], gap])
    return totals


def dept_week(key: str = "week") -> list[tuple[str, Callable[[Any], Hashable] | None]]:
    return [("dept", None), (key, as_date)]


def weekly_columns(when: Any, who: Any, unit: Any, *extra: Any) -> tuple[Any, ...]:
    """The columns :func:`dept_week` bags read, for events at ``when``: the department (of a
    ``Person`` the query joins on ``who``) and week, then ``extra``, then who, unit and when."""
    return (
        Person.department.label("dept"),
        week_of(when).label("week"),
        *extra,
        who.label("who"),
        unit.label("unit"),
        when.label("at"),
    )
