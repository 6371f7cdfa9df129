"""Goals set and achieved, reflections and feedback: weekly counts, protected (never a text)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Select, and_, case, select, union_all
from sqlalchemy.orm import Session

from core.insights.scope import ALL, Scope
from core.insights.series import Series, dept_week, weekly_columns, weekly_series
from core.kernel.bags import Closed, fetch_bags, weekly_bags
from core.kernel.privacy import EMPTY, Table, combine
from db.models import (
    Enrolment,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalStatus,
    JournalEntry,
    JournalStatus,
    Match,
    Person,
)


@dataclass
class GoalsTable:
    table: Table
    set: Series  # goals set, per week of creation
    achieved: Series  # goals achieved, per week of achievement
    done: Series  # goals set that are achieved now, per week of creation (the completion)


def goals_table(s: Session, scope: Scope) -> GoalsTable:
    k = scope.k
    table = Table(k, f"goals:{scope.programme_id}")

    achieved = and_(Goal.status == GoalStatus.ACHIEVED, Goal.achieved_at.is_not(None))

    def base(when: Any, *extra: Any) -> Select[Any]:
        return (
            select(*weekly_columns(when, Goal.owner_id, Goal.id, *extra))
            .join(Person, Person.id == Goal.owner_id)
            .where(Goal.programme_id == scope.programme_id)
        )

    keys = dept_week()
    # Setting a goal and achieving it are two events: each its own kind of unit.
    by_state = fetch_bags(
        s,
        base(Goal.created_at, case((achieved, 1), else_=0).label("done")),
        [*keys, ("done", int)],
        k,
        "goal set",
        week_key="week",
    )
    done_bags = {key[:2]: bag for key, bag in by_state.items() if key[2]}
    open_bags = {key[:2]: bag for key, bag in by_state.items() if not key[2]}
    set_bags = {
        key: combine([done_bags.get(key, EMPTY), open_bags.get(key, EMPTY)], k)
        for key in done_bags.keys() | open_bags.keys()
    }
    set_ = weekly_series(table, scope, "goals_set", set_bags)
    done = weekly_series(table, scope, "goals_done", done_bags, latent_weeks=True)
    still = weekly_series(
        table, scope, "goals_open", open_bags, latent_weeks=True, latent_totals=True
    )
    ach = weekly_series(
        table,
        scope,
        "goals_achieved",
        fetch_bags(
            s, base(Goal.achieved_at).where(achieved), keys, k, "goal achieved", week_key="week"
        ),
    )
    for w, cell in set_.weekly[ALL].items():
        table.sum_of(cell, [c for c in (done.week(ALL, w), still.week(ALL, w)) if c])
    everything = next(w for w in scope.windows if w[0] is None)
    for row, totals in set_.totals.items():
        for window, cell in totals.items():
            table.sum_of(cell, [done.totals[row][window], still.totals[row][window]])
        # Over all time, the goals achieved are the goals set that are achieved.
        table.equation([done.totals[row][everything]], [ach.totals[row][everything]])
    return GoalsTable(table.protect(), set_, ach, done)


ACTIVITY_SERIES = ("reflections", "feedback_given", "feedback_requested")


@dataclass
class ActivityTable:
    tables: tuple[Table, ...]  # protected: one for all the series, or one per series
    series: dict[str, Series]


def _items(
    programme_id: int,
    since: dt.datetime | None,
    when: Any,
    person: Any,
    unit: Any,
    match_col: Any,
    *extra: Any,
) -> Select[Any]:
    """Items of a programme (created from ``since`` on, when given): through their match,
    or, free-standing, through the author's enrolment; labelled for :func:`fetch_bags`."""
    cols = weekly_columns(when, person, unit)
    if since is not None:
        extra = (*extra, when >= since)
    enrolled = select(Enrolment.person_id).where(Enrolment.programme_id == programme_id)
    matches = select(Match.id).where(Match.programme_id == programme_id)
    # Two index-friendly branches instead of an OR that forces a full scan.
    union = union_all(
        select(*cols).join(Person, Person.id == person).where(*extra, match_col.in_(matches)),
        select(*cols)
        .join(Person, Person.id == person)
        .where(*extra, match_col.is_(None), person.in_(enrolled)),
    ).subquery()
    return select(union.c.dept, union.c.week, union.c.who, union.c.unit, union.c.at)


def _source(name: str, pid: int, since: dt.datetime | None) -> Select[Any]:
    """The items of series ``name`` in programme ``pid``."""
    if name == "reflections":
        return _items(
            pid,
            since,
            JournalEntry.created_at,
            JournalEntry.author_id,
            JournalEntry.id,
            JournalEntry.match_id,
            JournalEntry.status == JournalStatus.FINAL,
        )
    if name == "feedback_given":
        return _items(
            pid, since, Feedback.created_at, Feedback.recipient_id, Feedback.id, Feedback.match_id
        )
    return _items(
        pid,
        since,
        FeedbackRequest.created_at,
        FeedbackRequest.requester_id,
        FeedbackRequest.id,
        FeedbackRequest.match_id,
    )


def activity_table(
    s: Session,
    scope: Scope,
    names: tuple[str, ...] = ACTIVITY_SERIES,
    closed: Mapping[str, Closed | None] | None = None,
) -> ActivityTable:
    """The activity series ``names``, protected together. No relation joins two series, so
    each may as well be protected on its own (the same cells hidden: checked on the demo
    and the company at k = 3, 5, 10), and built again only when its own items change
    (core.insights.view.Family). ``closed``: a series' closed weeks kept by the server
    (only this week is counted again)."""
    k, pid = scope.k, scope.programme_id
    table = Table(k, f"activity:{pid}")
    keys = dept_week()
    closed = closed or {}
    series = {
        name: weekly_series(
            table,
            scope,
            name,
            # Free-standing items count in every programme of their author: the unit
            # is the item in this programme.
            weekly_bags(
                s,
                partial(_source, name, pid),
                keys,
                k,
                f"{name}:{pid}",
                closed.get(name),
            ),
            totals=name == "reflections",  # only reflections have a headline total
        )
        for name in ACTIVITY_SERIES
        if name in names
    }
    return ActivityTable((table.protect(),), series)
