"""What a goal looks like to a reader: plain frozen views of goals, steps and comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.growth.goal_rules import SHARED
from core.kernel.access import Viewer
from core.kernel.errors import NotFound
from core.kernel.i18n import t
from core.kernel.views import from_row
from core.people.names import names_of
from db.models import Goal, GoalComment, GoalStatus


@dataclass(frozen=True)
class StepView:
    id: int
    position: int
    title: str
    due_date: dt.date | None
    done: bool
    done_at: dt.datetime | None


@dataclass(frozen=True)
class CommentView:
    id: int
    author_id: int | None
    author_name: str
    body: str
    created_at: dt.datetime


@dataclass(frozen=True)
class GoalView:
    id: int
    owner_id: int
    owner_name: str
    title: str
    outcome: str
    category: str
    target_date: dt.date | None
    status: str
    shared: bool
    manual_progress: int | None
    progress: float  # 0.0 – 1.0
    steps: tuple[StepView, ...]
    comments: tuple[CommentView, ...]
    created_at: dt.datetime
    achieved_at: dt.datetime | None
    version: int
    mine: bool

    @property
    def steps_done(self) -> int:
        return sum(1 for step in self.steps if step.done)


@dataclass(frozen=True)
class GoalSummary:
    """A line of the Home card: my active goals and how far along they are."""

    id: int
    title: str
    progress: float
    target_date: dt.date | None
    steps_done: int
    steps_total: int


def progress_of(steps_done: int, steps_total: int, manual: int | None) -> float:
    """Share of steps done; without steps, the manual percentage (0 when unset)."""
    if steps_total:
        return steps_done / steps_total
    return max(0, min(100, manual or 0)) / 100


# My goals page: active goals are shown this many at a time ("Show more" adds as many: a
# page of cards draws their steps, toggles and comments, 2 ms a card);
# achieved and dropped ones are folded away until asked for.
PAGE_SIZE = 5


def fold(
    goals: Sequence[GoalView], keep: int | None = None
) -> tuple[list[GoalView], list[GoalView]]:
    """The goals to show as cards (active ones) and those folded away (achieved, dropped).

    ``keep`` is a goal that stays among the cards whatever its status: the one a person
    just acted on (e.g. marked as achieved), so that they see what happened to it.
    Order is kept.
    """
    shown = [g for g in goals if g.status == GoalStatus.ACTIVE or g.id == keep]
    folded = [g for g in goals if g.status != GoalStatus.ACTIVE and g.id != keep]
    return shown, folded


def page(
    goals: Sequence[GoalView], shown: int, keep: int | None = None
) -> tuple[list[GoalView], int]:
    """The first ``shown`` goals (at least one page), and how many are left behind.

    ``keep`` (the goal just acted on) is shown even beyond the page, in its place.
    """
    n = max(PAGE_SIZE, shown)
    page = [g for i, g in enumerate(goals) if i < n or g.id == keep]
    return page, len(goals) - len(page)


def views(s: Session, goals: Sequence[Goal], viewer: Viewer) -> list[GoalView]:
    """Views of goals the viewer may read (the caller checked), comments included."""
    ids = [g.id for g in goals]
    comments: dict[int, list[GoalComment]] = {}
    if ids:
        for c in s.scalars(
            select(GoalComment)
            .where(GoalComment.goal_id.in_(ids))
            .order_by(GoalComment.created_at, GoalComment.id)
        ):
            comments.setdefault(c.goal_id, []).append(c)
    names = names_of(
        s,
        [g.owner_id for g in goals] + [c.author_id for cs in comments.values() for c in cs],
    )
    return [_view(g, comments.get(g.id, []), names, viewer) for g in goals]


def _view(g: Goal, comments: list[GoalComment], names: dict[int, str], viewer: Viewer) -> GoalView:
    steps = tuple(
        StepView(st.id, st.position, st.title, st.due_date, st.done_at is not None, st.done_at)
        for st in sorted(g.steps, key=lambda st: (st.position, st.id))
    )
    done = sum(1 for st in steps if st.done)
    return from_row(
        GoalView,
        g,
        owner_name=names.get(g.owner_id, ""),
        shared=g.visibility == SHARED,
        progress=progress_of(done, len(steps), g.manual_progress),
        steps=steps,
        comments=tuple(
            CommentView(
                c.id,
                c.author_id,
                names.get(c.author_id, "") if c.author_id else t("A former participant"),
                c.body,
                c.created_at,
            )
            for c in comments
        ),
        mine=g.owner_id == viewer.person_id,
    )


def view(s: Session, goal: Goal, viewer: Viewer) -> GoalView:
    """The goal as it is after the changes of this transaction (flushed, then re-read)."""
    s.flush()
    s.refresh(goal)
    return views(s, [goal], viewer)[0]


def owned_view(s: Session, viewer: Viewer, goal_id: int) -> GoalView:
    """The goal a form already created, as its owner sees it now."""
    goal = s.get(Goal, goal_id)
    if goal is None or goal.owner_id != viewer.person_id:
        raise NotFound(t("This goal no longer exists."))
    return view(s, goal, viewer)
