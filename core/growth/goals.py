"""Goals: a participant's own objectives, split into ordered steps.

A goal is private by default. Shared, its peers (the other members of the live
match it belongs to, see :mod:`core.relationship.membership`) can read it and comment; a private
goal is never returned to anybody but its owner. Coordinators get counts only
(:func:`goal_counts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import case, distinct, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from core.kernel import clock, submissions, validate
from core.kernel.access import COORDINATOR, PARTICIPANT, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, t
from core.kernel.text import clean_line, clean_text
from core.relationship.membership import live_matches_of, names_of, peers_of
from db.models import Enrolment, Goal, GoalComment, GoalStep, Programme

CATEGORIES: dict[str, str] = {
    "skill": N_("Skill"),
    "career": N_("Career"),
    "wellbeing": N_("Wellbeing"),
    "project": N_("Project"),
    "other": N_("Other"),
}
STATUSES: dict[str, str] = {
    "active": N_("Active"),
    "achieved": N_("Achieved"),
    "dropped": N_("Dropped"),
}
# Which status changes make sense: an achieved or dropped goal can be reopened.
TRANSITIONS: dict[str, frozenset[str]] = {
    "active": frozenset({"achieved", "dropped"}),
    "achieved": frozenset({"active"}),
    "dropped": frozenset({"active"}),
}
MAX_TITLE = 200
MAX_OUTCOME = 2_000
MAX_COMMENT = 2_000
MAX_STEPS = 30


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


@dataclass(frozen=True)
class GoalCounts:
    """Counts for a coordinator: never a title, never a step."""

    programme_id: int
    programme: str
    goals_set: int
    goals_achieved: int
    people: int  # distinct owners, for k-suppression by the caller


# --------------------------------------------------------------------------- rules


def progress_of(steps_done: int, steps_total: int, manual: int | None) -> float:
    """Share of steps done; without steps, the manual percentage (0 when unset)."""
    if steps_total:
        return steps_done / steps_total
    return max(0, min(100, manual or 0)) / 100


def _check_category(category: str) -> str:
    return str(validate.choice(category, CATEGORIES, t("Choose a category for the goal.")))


def _check_future(value: dt.date | None, field: str) -> dt.date | None:
    return validate.optional_date(value, field, not_past=True)


def _check_percent(value: int | None) -> int | None:
    if value is None:
        return None
    return validate.whole_number(
        value, 0, 100, t("Progress is a whole percentage between 0 and 100.")
    )


def _conflict() -> Conflict:
    return Conflict(
        t(
            "This goal was changed meanwhile (in another tab or by your peer). "
            "Nothing was saved: reload the page to see the latest version."
        )
    )


@contextmanager
def _locked_edit(sf: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction; a concurrent update of a versioned row becomes a Conflict."""
    try:
        with sf.begin() as s:
            yield s
    except StaleDataError as e:
        raise _conflict() from e


# --------------------------------------------------------------------------- loading


def _goal_for_owner(s: Session, viewer: Viewer, goal_id: int, version: int | None) -> Goal:
    goal = validate.get(s, Goal, goal_id)
    if goal is None:
        raise NotFound(t("This goal no longer exists."))
    if goal.owner_id != viewer.person_id:
        raise NotAllowed(t("Only the owner of a goal can change it."))
    if version is not None and goal.version != version:
        raise _conflict()
    return goal


def _touch(goal: Goal) -> None:
    # Writing the goal row bumps its version (even within the same clock tick),
    # so a tab that still shows the old goal gets a Conflict.
    goal.updated_at = clock.now()
    flag_modified(goal, "updated_at")


def can_read(s: Session, person_id: int, goal: Goal) -> bool:
    """The owner always; a peer of the goal's match only while the goal is shared."""
    if goal.owner_id == person_id:
        return True
    if goal.visibility != "shared":
        return False
    return person_id in peers_of(s, goal.owner_id, goal.match_id)


def _views(s: Session, goals: Sequence[Goal], viewer: Viewer) -> list[GoalView]:
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
    views = []
    for g in goals:
        steps = tuple(
            StepView(st.id, st.position, st.title, st.due_date, st.done_at is not None, st.done_at)
            for st in sorted(g.steps, key=lambda st: (st.position, st.id))
        )
        done = sum(1 for st in steps if st.done)
        views.append(
            GoalView(
                id=g.id,
                owner_id=g.owner_id,
                owner_name=names.get(g.owner_id, ""),
                title=g.title,
                outcome=g.outcome,
                category=g.category,
                target_date=g.target_date,
                status=g.status,
                shared=g.visibility == "shared",
                manual_progress=g.manual_progress,
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
                    for c in comments.get(g.id, [])
                ),
                created_at=g.created_at,
                achieved_at=g.achieved_at,
                version=g.version,
                mine=g.owner_id == viewer.person_id,
            )
        )
    return views


def _view(s: Session, goal: Goal, viewer: Viewer) -> GoalView:
    s.flush()
    s.refresh(goal)
    return _views(s, [goal], viewer)[0]


def _home_of(s: Session, person_id: int) -> tuple[int | None, int | None]:
    """(programme_id, match_id) a new goal belongs to: my latest live match, else enrolment."""
    matches = live_matches_of(s, person_id)
    if matches:
        latest = matches[-1]
        return latest.programme_id, latest.id
    programme_id = s.scalar(
        select(Enrolment.programme_id)
        .where(Enrolment.person_id == person_id, Enrolment.status == "enrolled")
        .order_by(Enrolment.created_at.desc())
        .limit(1)
    )
    return programme_id, None


# --------------------------------------------------------------------------- reads


def my_goals(sf: sessionmaker[Session], viewer: Viewer) -> list[GoalView]:
    """My goals: active first, then achieved, then dropped; nearest target date first."""
    order = case({"active": 0, "achieved": 1}, value=Goal.status, else_=2)
    with sf.begin() as s:
        goals = s.scalars(
            select(Goal)
            .where(Goal.owner_id == viewer.person_id)
            .order_by(order, Goal.target_date.is_(None), Goal.target_date, Goal.id)
        ).all()
        return _views(s, goals, viewer)


def peer_goals(sf: sessionmaker[Session], viewer: Viewer) -> list[GoalView]:
    """Goals my peers shared with me (never a private one)."""
    with sf.begin() as s:
        conditions = []
        for match in live_matches_of(s, viewer.person_id):
            others = [m.person_id for m in match.members if m.person_id != viewer.person_id]
            if others:
                conditions.append(
                    Goal.owner_id.in_(others)
                    & (Goal.match_id.is_(None) | (Goal.match_id == match.id))
                )
        if not conditions:
            return []
        order = case({"active": 0, "achieved": 1}, value=Goal.status, else_=2)
        goals = s.scalars(
            select(Goal)
            .where(Goal.visibility == "shared", or_(*conditions))
            .order_by(Goal.owner_id, order, Goal.target_date, Goal.id)
        ).all()
        return _views(s, goals, viewer)


def get_goal(sf: sessionmaker[Session], viewer: Viewer, goal_id: int) -> GoalView:
    """One goal, if the viewer may read it (owner, or a peer while it is shared)."""
    with sf.begin() as s:
        goal = validate.get(s, Goal, goal_id)
        if goal is None or not can_read(s, viewer.person_id, goal):
            raise NotFound(t("This goal does not exist or is not shared with you."))
        return _views(s, [goal], viewer)[0]


def goal_progress(sf: sessionmaker[Session], viewer: Viewer, limit: int = 5) -> list[GoalSummary]:
    """My active goals with their progress, nearest target date first (Home card)."""
    return [
        GoalSummary(g.id, g.title, g.progress, g.target_date, g.steps_done, len(g.steps))
        for g in my_goals(sf, viewer)
        if g.status == "active"
    ][:limit]


def goal_counts(sf: sessionmaker[Session], viewer: Viewer) -> list[GoalCounts]:
    """Goals set and achieved per programme, for coordinators: numbers only."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        rows = s.execute(
            select(
                Programme.id,
                Programme.name,
                func.count(Goal.id),
                func.count(Goal.id).filter(Goal.status == "achieved"),
                func.count(distinct(Goal.owner_id)),
            )
            .join(Goal, Goal.programme_id == Programme.id)
            .group_by(Programme.id, Programme.name)
            .order_by(Programme.name)
        ).all()
        return [GoalCounts(*row) for row in rows]


# --------------------------------------------------------------------------- goal actions


def create_goal(
    sf: sessionmaker[Session],
    viewer: Viewer,
    *,
    title: str,
    target_date: dt.date | None,
    category: str = "other",
    outcome: str = "",
    manual_progress: int | None = None,
    steps: Sequence[str | tuple[str, dt.date | None]] = (),
    key: str | None = None,
) -> GoalView:
    """Set a new goal (private), optionally with its first steps.

    ``key``: the form's submission key; the same key again returns the first goal.
    """
    require_role(viewer, PARTICIPANT)
    title = clean_line(title, t("Goal"), max_chars=MAX_TITLE)
    outcome = clean_text(outcome, t("Measurable outcome"), max_chars=MAX_OUTCOME)
    category = _check_category(category)
    if target_date is None:
        raise InvalidInput(t("Give the goal a target date."))
    _check_future(target_date, t("Target date"))
    manual_progress = _check_percent(manual_progress)
    cleaned: list[tuple[str, dt.date | None]] = []
    for item in steps:
        step_title, due = item if isinstance(item, tuple) else (item, None)
        step_title = clean_line(step_title, t("Step"), max_chars=MAX_TITLE, required=False)
        if step_title:
            cleaned.append((step_title, _check_future(due, t("Due date"))))
    if len(cleaned) > MAX_STEPS:
        raise InvalidInput(t("A goal has at most {max} steps.", max=MAX_STEPS))
    now = clock.now()

    def create(s: Session) -> tuple[GoalView, int]:
        # A double click on "Add" must not create the goal twice.
        duplicate = s.scalar(
            select(Goal.title).where(
                Goal.owner_id == viewer.person_id,
                Goal.status == "active",
                func.lower(Goal.title) == title.lower(),
            )
        )
        if duplicate is not None:
            raise Conflict(t("You already have an active goal called “{title}”.", title=duplicate))
        programme_id, match_id = _home_of(s, viewer.person_id)
        goal = Goal(
            owner_id=viewer.person_id,
            programme_id=programme_id,
            match_id=match_id,
            title=title,
            outcome=outcome,
            category=category,
            target_date=target_date,
            status="active",
            visibility="private",
            manual_progress=manual_progress,
            created_at=now,
            updated_at=now,
            steps=[
                GoalStep(position=i, title=step_title, due_date=due)
                for i, (step_title, due) in enumerate(cleaned)
            ],
        )
        s.add(goal)
        return _view(s, goal, viewer), goal.id

    return submissions.once(
        sf, viewer, key, "goal", create, lambda s, goal_id: _replay(s, viewer, goal_id)
    )


def _replay(s: Session, viewer: Viewer, goal_id: int) -> GoalView:
    """The goal a form already created, as its owner sees it now."""
    goal = s.get(Goal, goal_id)
    if goal is None or goal.owner_id != viewer.person_id:
        raise NotFound(t("This goal no longer exists."))
    return _view(s, goal, viewer)


def update_goal(
    sf: sessionmaker[Session],
    viewer: Viewer,
    goal_id: int,
    version: int,
    *,
    title: str,
    outcome: str,
    category: str,
    target_date: dt.date | None,
    manual_progress: int | None = None,
) -> GoalView:
    """Edit a goal's title, outcome, category, target date and (without steps) progress."""
    title = clean_line(title, t("Goal"), max_chars=MAX_TITLE)
    outcome = clean_text(outcome, t("Measurable outcome"), max_chars=MAX_OUTCOME)
    category = _check_category(category)
    if target_date is None:
        raise InvalidInput(t("Give the goal a target date."))
    manual_progress = _check_percent(manual_progress)
    with _locked_edit(sf) as s:
        goal = _goal_for_owner(s, viewer, goal_id, version)
        if target_date != goal.target_date:
            # An old goal may keep its date; a new date must not be in the past.
            _check_future(target_date, t("Target date"))
        goal.title, goal.outcome, goal.category = title, outcome, category
        goal.target_date = target_date
        if not goal.steps:
            goal.manual_progress = manual_progress
        _touch(goal)
        return _view(s, goal, viewer)


def set_manual_progress(
    sf: sessionmaker[Session], viewer: Viewer, goal_id: int, version: int, percent: int
) -> GoalView:
    """Set the progress by hand (0–100) of a goal that has no steps."""
    percent_ok = _check_percent(percent)
    with _locked_edit(sf) as s:
        goal = _goal_for_owner(s, viewer, goal_id, version)
        if goal.steps:
            raise InvalidInput(t("This goal has steps: its progress is the share of steps done."))
        goal.manual_progress = percent_ok
        _touch(goal)
        return _view(s, goal, viewer)


def set_status(
    sf: sessionmaker[Session], viewer: Viewer, goal_id: int, version: int, status: str
) -> GoalView:
    """Mark a goal achieved or dropped, or reopen it. Setting the current status is a no-op."""
    validate.choice(status, STATUSES, t("Unknown goal status."))
    with _locked_edit(sf) as s:
        goal = validate.get(s, Goal, goal_id)
        if goal is not None and goal.owner_id == viewer.person_id and goal.status == status:
            return _view(s, goal, viewer)  # a double click: already done
        goal = _goal_for_owner(s, viewer, goal_id, version)
        if status not in TRANSITIONS[goal.status]:
            raise InvalidInput(
                t(
                    "A goal that is “{current}” cannot become “{wanted}”: reopen it first.",
                    current=t(STATUSES[goal.status]),
                    wanted=t(STATUSES[status]),
                )
            )
        goal.status = status
        goal.achieved_at = clock.now() if status == "achieved" else None
        _touch(goal)
        return _view(s, goal, viewer)


def set_shared(sf: sessionmaker[Session], viewer: Viewer, goal_id: int, shared: bool) -> GoalView:
    """Share a goal with my peer(s), or make it private again (idempotent)."""
    with _locked_edit(sf) as s:
        goal = _goal_for_owner(s, viewer, goal_id, None)
        wanted = "shared" if shared else "private"
        if goal.visibility != wanted:
            if shared and goal.match_id is None:
                # A goal set before matching belongs to the match I have now.
                _, goal.match_id = _home_of(s, viewer.person_id)
            goal.visibility = wanted
            _touch(goal)
        return _view(s, goal, viewer)


def delete_goal(sf: sessionmaker[Session], viewer: Viewer, goal_id: int, version: int) -> None:
    """Delete one of my goals with its steps and comments."""
    with _locked_edit(sf) as s:
        goal = _goal_for_owner(s, viewer, goal_id, version)
        s.delete(goal)


# --------------------------------------------------------------------------- steps


def _step_of(s: Session, viewer: Viewer, step_id: int, version: int | None) -> GoalStep:
    step = validate.get(s, GoalStep, step_id)
    if step is None:
        raise NotFound(t("This step no longer exists."))
    _goal_for_owner(s, viewer, step.goal_id, version)
    return step


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
    _check_future(due_date, t("Due date"))

    def create(s: Session) -> tuple[GoalView, int]:
        goal = _goal_for_owner(s, viewer, goal_id, version)
        same = next((st for st in goal.steps if st.title.lower() == title.lower()), None)
        if same is not None:  # a double click adds the step once
            raise Conflict(t("This goal already has a step called “{title}”.", title=same.title))
        if len(goal.steps) >= MAX_STEPS:
            raise InvalidInput(t("A goal has at most {max} steps.", max=MAX_STEPS))
        position = max((step.position for step in goal.steps), default=-1) + 1
        step = GoalStep(position=position, title=title, due_date=due_date)
        goal.steps.append(step)
        _touch(goal)
        return _view(s, goal, viewer), step.id

    def replay(s: Session, step_id: int) -> GoalView:
        step = s.get(GoalStep, step_id)
        if step is None:
            raise NotFound(t("This step no longer exists."))
        return _replay(s, viewer, step.goal_id)

    try:
        return submissions.once(sf, viewer, key, "goal_step", create, replay)
    except StaleDataError as e:
        raise _conflict() from e


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
    with _locked_edit(sf) as s:
        step = _step_of(s, viewer, step_id, version)
        if due_date != step.due_date:
            _check_future(due_date, t("Due date"))
        step.title, step.due_date = title, due_date
        _touch(step.goal)
        return _view(s, step.goal, viewer)


def set_step_done(sf: sessionmaker[Session], viewer: Viewer, step_id: int, done: bool) -> GoalView:
    """Tick or untick a step (idempotent: ticking a done step changes nothing).

    Ticks of different steps at the same moment (two tabs, phone and laptop) all
    count: the goal's version goes up in one atomic statement instead of the
    checked update of :func:`_touch`, so a tick never fails because another step
    was ticked meanwhile. A form opened before the tick still sees a newer goal.
    """
    with _locked_edit(sf) as s:
        step = _step_of(s, viewer, step_id, None)
        changed = done != (step.done_at is not None)
        if changed:
            step.done_at = clock.now() if done else None
            s.flush()
            s.execute(
                update(Goal)
                .where(Goal.id == step.goal_id)
                .values(version=Goal.version + 1, updated_at=clock.now())
                .execution_options(synchronize_session=False)
            )
        return _view(s, step.goal, viewer)


def move_step(
    sf: sessionmaker[Session],
    viewer: Viewer,
    step_id: int,
    offset: int,
    version: int | None = None,
) -> GoalView:
    """Move a step up (offset −1) or down (+1) in its goal; at an end it stays put."""
    with _locked_edit(sf) as s:
        step = _step_of(s, viewer, step_id, version)
        ordered = sorted(step.goal.steps, key=lambda st: (st.position, st.id))
        index = ordered.index(step)
        target = max(0, min(len(ordered) - 1, index + offset))
        ordered.insert(target, ordered.pop(index))
        for position, item in enumerate(ordered):
            item.position = position
        _touch(step.goal)
        return _view(s, step.goal, viewer)


def reorder_steps(
    sf: sessionmaker[Session],
    viewer: Viewer,
    goal_id: int,
    step_ids: Sequence[int],
    version: int | None = None,
) -> GoalView:
    """Put a goal's steps in the given order (every step exactly once)."""
    with _locked_edit(sf) as s:
        goal = _goal_for_owner(s, viewer, goal_id, version)
        by_id = {step.id: step for step in goal.steps}
        if sorted(step_ids) != sorted(by_id):
            raise Conflict(t("The steps changed meanwhile. Reload the page and try again."))
        for position, step_id in enumerate(step_ids):
            by_id[step_id].position = position
        _touch(goal)
        return _view(s, goal, viewer)


def delete_step(
    sf: sessionmaker[Session], viewer: Viewer, step_id: int, version: int | None = None
) -> GoalView:
    """Remove a step from its goal."""
    with _locked_edit(sf) as s:
        step = _step_of(s, viewer, step_id, version)
        goal = step.goal
        goal.steps.remove(step)
        for position, item in enumerate(sorted(goal.steps, key=lambda st: (st.position, st.id))):
            item.position = position
        _touch(goal)
        return _view(s, goal, viewer)


# --------------------------------------------------------------------------- comments


def add_comment(
    sf: sessionmaker[Session], viewer: Viewer, goal_id: int, body: str, key: str | None = None
) -> GoalView:
    """Comment on a goal: its owner, or a peer while the goal is shared."""
    body = clean_text(body, t("Comment"), max_chars=MAX_COMMENT, required=True)

    def create(s: Session) -> tuple[GoalView, int]:
        goal = validate.get(s, Goal, goal_id)
        if goal is None or not can_read(s, viewer.person_id, goal):
            raise NotFound(t("This goal does not exist or is not shared with you."))
        last = s.scalars(
            select(GoalComment)
            .where(GoalComment.goal_id == goal.id)
            .order_by(GoalComment.id.desc())
            .limit(1)
        ).first()
        # A double click posts the comment once.
        if last is None or last.author_id != viewer.person_id or last.body != body:
            last = GoalComment(
                goal_id=goal.id, author_id=viewer.person_id, body=body, created_at=clock.now()
            )
            s.add(last)
            s.flush()
        return _view(s, goal, viewer), last.id

    def replay(s: Session, comment_id: int) -> GoalView:
        comment = s.get(GoalComment, comment_id)
        goal = s.get(Goal, comment.goal_id) if comment is not None else None
        if goal is None or not can_read(s, viewer.person_id, goal):
            raise NotFound(t("This goal does not exist or is not shared with you."))
        return _view(s, goal, viewer)

    return submissions.once(sf, viewer, key, "goal_comment", create, replay)
