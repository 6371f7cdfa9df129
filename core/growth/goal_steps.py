"""The steps of a goal: add, rename, tick, reorder and remove them.

Every change goes through :func:`core.kernel.tx.transaction`; only the goal's owner
changes its steps (:func:`core.growth.goal_rules.owned_step`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.growth.goal_rules import (
    MAX_STEPS,
    MAX_TITLE,
    check_future,
    owned_goal,
    owned_step,
    stale,
    touch,
)
from core.growth.goal_views import GoalView, owned_view, view
from core.kernel import clock, submissions, tx
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import t
from core.kernel.text import clean_line
from db.models import Goal, GoalStep


def add_step(
    sf: sessionmaker[Session],
    viewer: Viewer,
    goal_id: int,
    title: str,
    due_date: dt.date | None = None,
    version: int | None = None,
    key: str | None = None,
) -> GoalView:
    """Add a step at the end of a goal (``key``: sent twice, the step is added once)."""
    title = clean_line(title, t("Step"), max_chars=MAX_TITLE)
    check_future(due_date, t("Due date"))

    def create(s: Session) -> tuple[GoalView, int]:
        goal = owned_goal(s, viewer.person_id, goal_id, version)
        same = next((st for st in goal.steps if st.title.lower() == title.lower()), None)
        if same is not None:  # a double click adds the step once
            raise Conflict(t("This goal already has a step called “{title}”.", title=same.title))
        if len(goal.steps) >= MAX_STEPS:
            raise InvalidInput(t("A goal has at most {max} steps.", max=MAX_STEPS))
        position = max((step.position for step in goal.steps), default=-1) + 1
        step = GoalStep(position=position, title=title, due_date=due_date)
        goal.steps.append(step)
        touch(goal)
        return view(s, goal, viewer), step.id

    def replay(s: Session, step_id: int) -> GoalView:
        step = s.get(GoalStep, step_id)
        if step is None:
            raise NotFound(t("This step no longer exists."))
        return owned_view(s, viewer, step.goal_id)

    try:
        return submissions.once(sf, viewer, key, "goal_step", create, replay)
    except StaleDataError as e:
        # submissions.once opens its own transaction, without tx.transaction's conflict rule.
        raise Conflict(stale()) from e


def update_step(
    sf: sessionmaker[Session],
    viewer: Viewer,
    step_id: int,
    title: str,
    due_date: dt.date | None,
    version: int | None = None,
) -> GoalView:
    """Rename a step or change its due date."""
    title = clean_line(title, t("Step"), max_chars=MAX_TITLE)
    with tx.transaction(sf, stale=stale()) as s:
        step = owned_step(s, viewer.person_id, step_id, version)
        if due_date != step.due_date:
            check_future(due_date, t("Due date"))
        step.title, step.due_date = title, due_date
        touch(step.goal)
        return view(s, step.goal, viewer)


def set_step_done(sf: sessionmaker[Session], viewer: Viewer, step_id: int, done: bool) -> GoalView:
    """Tick or untick a step (idempotent: ticking a done step changes nothing).

    Ticks of different steps at the same moment (two tabs, phone and laptop) all
    count: the goal's version goes up in one atomic statement instead of the
    checked update of :func:`~core.growth.goal_rules.touch`, so a tick never fails
    because another step was ticked meanwhile. A form opened before the tick still
    sees a newer goal.
    """
    with tx.transaction(sf, stale=stale()) as s:
        step = owned_step(s, viewer.person_id, step_id, None)
        if done != (step.done_at is not None):
            step.done_at = clock.now() if done else None
            s.flush()
            s.execute(
                update(Goal)
                .where(Goal.id == step.goal_id)
                .values(version=Goal.version + 1, updated_at=clock.now())
                .execution_options(synchronize_session=False)
            )
        return view(s, step.goal, viewer)


def move_step(
    sf: sessionmaker[Session],
    viewer: Viewer,
    step_id: int,
    offset: int,
    version: int | None = None,
) -> GoalView:
    """Move a step up (offset −1) or down (+1) in its goal; at an end it stays put."""
    with tx.transaction(sf, stale=stale()) as s:
        step = owned_step(s, viewer.person_id, step_id, version)
        ordered = sorted(step.goal.steps, key=lambda st: (st.position, st.id))
        index = ordered.index(step)
        target = max(0, min(len(ordered) - 1, index + offset))
        ordered.insert(target, ordered.pop(index))
        _renumber(ordered)
        touch(step.goal)
        return view(s, step.goal, viewer)


def delete_step(
    sf: sessionmaker[Session], viewer: Viewer, step_id: int, version: int | None = None
) -> GoalView:
    """Remove a step from its goal."""
    with tx.transaction(sf, stale=stale()) as s:
        step = owned_step(s, viewer.person_id, step_id, version)
        goal = step.goal
        goal.steps.remove(step)
        _renumber(sorted(goal.steps, key=lambda st: (st.position, st.id)))
        touch(goal)
        return view(s, goal, viewer)


def _renumber(steps: Sequence[GoalStep]) -> None:
    for position, item in enumerate(steps):
        item.position = position
