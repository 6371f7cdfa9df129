"""Goals: a participant's own objectives, split into ordered steps, and the comments on them.

A goal is private by default. Shared, its peers (the other members of the live
match it belongs to, see :mod:`core.growth.scope`) can read it and comment; a
private goal is never returned to anybody but its owner. The rules live in
:mod:`core.growth.goal_rules`, the views in :mod:`core.growth.goal_views`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.growth.goal_rules import (
    MAX_COMMENT,
    MAX_OUTCOME,
    MAX_STEPS,
    MAX_TITLE,
    PRIVATE,
    SHARED,
    STATUSES,
    TRANSITIONS,
    can_read,
    check_category,
    check_future,
    check_percent,
    home_of,
    owned_goal,
    stale,
    touch,
)
from core.growth.goal_views import PAGE_SIZE, GoalSummary, GoalView, owned_view, view, views
from core.growth.scope import by_my_peers
from core.kernel import clock, submissions, tx, validate
from core.kernel.access import PARTICIPANT, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import t
from core.kernel.text import clean_line, clean_text
from core.kernel.tx import reading
from db.models import Goal, GoalComment, GoalStatus, GoalStep

# Active goals first, then achieved, then dropped.
_BY_STATUS = case({GoalStatus.ACTIVE: 0, GoalStatus.ACHIEVED: 1}, value=Goal.status, else_=2)


def _readable(s: Session, viewer: Viewer, goal_id: object) -> Goal:
    goal = validate.get(s, Goal, goal_id)
    if goal is None or not can_read(s, viewer.person_id, goal):
        raise NotFound(t("This goal does not exist or is not shared with you."))
    return goal


# --------------------------------------------------------------------------- reads


def my_goals(sf: sessionmaker[Session], viewer: Viewer) -> list[GoalView]:
    """My goals: active first, then achieved, then dropped; nearest target date first."""
    with sf.begin() as s:
        return views(s, _mine(s, viewer), viewer)


@dataclass(frozen=True)
class GoalList:
    """What the goals page draws of my goals, read a page at a time: the active goals asked
    for (``goal_views.page``'s rule: at least a page, the goal just acted on kept in view
    whatever its status), how many active ones are left behind, and the achieved or
    dropped ones — counted, and read only when asked for (``folded``)."""

    cards: list[GoalView]
    more: int
    folded: list[GoalView]
    n_folded: int

    @property
    def total(self) -> int:
        return len(self.cards) + self.more + self.n_folded


def my_goal_list(
    sf: sessionmaker[Session],
    viewer: Viewer,
    shown: int = 0,
    keep: int | None = None,
    *,
    folded: bool = False,
) -> GoalList:
    """:func:`my_goals` as the page shows them (``goal_views.fold`` then ``goal_views.page``),
    with only the goals drawn read: a busy participant's page costs what a new one's does."""
    active = Goal.status == GoalStatus.ACTIVE
    others = () if keep is None else (Goal.id != keep,)  # the kept goal is a card
    with reading(sf) as s:
        rows = list(_mine(s, viewer, active, limit=max(PAGE_SIZE, shown)))
        if keep is not None and keep not in {g.id for g in rows}:
            rows += _mine(s, viewer, Goal.id == keep)  # after the page: its place in the list
        counts = dict(
            s.execute(
                select(active, func.count())
                .where(Goal.owner_id == viewer.person_id, *others)
                .group_by(active)
            )
            .tuples()
            .all()
        )
        on_cards = [g for g in rows if g.id != keep and g.status == GoalStatus.ACTIVE]
        done = _mine(s, viewer, ~active, *others) if folded else ()
        return GoalList(
            cards=views(s, rows, viewer),
            more=counts.get(True, 0) - len(on_cards),
            folded=views(s, done, viewer),
            n_folded=counts.get(False, 0),
        )


def _mine(
    s: Session, viewer: Viewer, *where: ColumnElement[bool], limit: int | None = None
) -> Sequence[Goal]:
    return s.scalars(
        select(Goal)
        .where(Goal.owner_id == viewer.person_id, *where)
        .order_by(_BY_STATUS, Goal.target_date.is_(None), Goal.target_date, Goal.id)
        .limit(limit)
    ).all()


def peer_goals(sf: sessionmaker[Session], viewer: Viewer) -> list[GoalView]:
    """Goals my peers shared with me (never a private one)."""
    with reading(sf) as s:
        theirs = by_my_peers(s, viewer.person_id, Goal.owner_id, Goal.match_id)
        if theirs is None:
            return []
        goals = s.scalars(
            select(Goal)
            .where(Goal.visibility == SHARED, theirs)
            .order_by(Goal.owner_id, _BY_STATUS, Goal.target_date, Goal.id)
        ).all()
        return views(s, goals, viewer)


def goal_progress(sf: sessionmaker[Session], viewer: Viewer, limit: int = 5) -> list[GoalSummary]:
    """My active goals with their progress, nearest target date first (Home card)."""
    with reading(sf) as s:
        active = _mine(s, viewer, Goal.status == GoalStatus.ACTIVE, limit=limit)
        return [
            GoalSummary(g.id, g.title, g.progress, g.target_date, g.steps_done, len(g.steps))
            for g in views(s, active, viewer)
        ]


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
    category = check_category(category)
    if target_date is None:
        raise InvalidInput(t("Give the goal a target date."))
    check_future(target_date, t("Target date"))
    manual_progress = check_percent(manual_progress)
    cleaned: list[tuple[str, dt.date | None]] = []
    for item in steps:
        step_title, due = item if isinstance(item, tuple) else (item, None)
        step_title = clean_line(step_title, t("Step"), max_chars=MAX_TITLE, required=False)
        if step_title:
            cleaned.append((step_title, check_future(due, t("Due date"))))
    if len(cleaned) > MAX_STEPS:
        raise InvalidInput(t("A goal has at most {max} steps.", max=MAX_STEPS))
    now = clock.now()

    def create(s: Session) -> tuple[GoalView, int]:
        # A double click on "Add" must not create the goal twice.
        # Titles are encrypted at rest: compared here, not in SQL.
        duplicate = next(
            (
                other
                for other in s.scalars(
                    select(Goal.title).where(
                        Goal.owner_id == viewer.person_id, Goal.status == GoalStatus.ACTIVE
                    )
                )
                if other.lower() == title.lower()
            ),
            None,
        )
        if duplicate is not None:
            raise Conflict(t("You already have an active goal called “{title}”.", title=duplicate))
        programme_id, match_id = home_of(s, viewer.person_id)
        goal = Goal(
            owner_id=viewer.person_id,
            programme_id=programme_id,
            match_id=match_id,
            title=title,
            outcome=outcome,
            category=category,
            target_date=target_date,
            status=GoalStatus.ACTIVE,
            visibility=PRIVATE,
            manual_progress=manual_progress,
            **clock.stamps(now),
            steps=[
                GoalStep(position=i, title=step_title, due_date=due)
                for i, (step_title, due) in enumerate(cleaned)
            ],
        )
        s.add(goal)
        return view(s, goal, viewer), goal.id

    return submissions.once(
        sf, viewer, key, "goal", create, lambda s, goal_id: owned_view(s, viewer, goal_id)
    )


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
    category = check_category(category)
    if target_date is None:
        raise InvalidInput(t("Give the goal a target date."))
    manual_progress = check_percent(manual_progress)
    with tx.transaction(sf, stale=stale()) as s:
        goal = owned_goal(s, viewer.person_id, goal_id, version)
        if target_date != goal.target_date:
            # An old goal may keep its date; a new date must not be in the past.
            check_future(target_date, t("Target date"))
        goal.title, goal.outcome, goal.category = title, outcome, category
        goal.target_date = target_date
        if not goal.steps:
            goal.manual_progress = manual_progress
        touch(goal)
        return view(s, goal, viewer)


def set_status(
    sf: sessionmaker[Session], viewer: Viewer, goal_id: int, version: int, status: str
) -> GoalView:
    """Mark a goal achieved or dropped, or reopen it. Setting the current status is a no-op."""
    validate.choice(status, STATUSES, t("Unknown goal status."))
    with tx.transaction(sf, stale=stale()) as s:
        goal = owned_goal(s, viewer.person_id, goal_id, None)
        if goal.status == status:
            return view(s, goal, viewer)  # a double click: already done
        tx.expect_version(goal, version, stale=stale())
        if status not in TRANSITIONS[goal.status]:
            raise InvalidInput(
                t(
                    "A goal that is “{current}” cannot become “{wanted}”: reopen it first.",
                    current=t(STATUSES[goal.status]),
                    wanted=t(STATUSES[status]),
                )
            )
        goal.status = status
        goal.achieved_at = clock.now() if status == GoalStatus.ACHIEVED else None
        touch(goal)
        return view(s, goal, viewer)


def set_shared(sf: sessionmaker[Session], viewer: Viewer, goal_id: int, shared: bool) -> GoalView:
    """Share a goal with my peer(s), or make it private again (idempotent)."""
    with tx.transaction(sf, stale=stale()) as s:
        goal = owned_goal(s, viewer.person_id, goal_id, None)
        wanted = SHARED if shared else PRIVATE
        if goal.visibility != wanted:
            if shared and goal.match_id is None:
                # A goal set before matching belongs to the match I have now.
                _, goal.match_id = home_of(s, viewer.person_id)
            goal.visibility = wanted
            touch(goal)
        return view(s, goal, viewer)


def delete_goal(sf: sessionmaker[Session], viewer: Viewer, goal_id: int, version: int) -> None:
    """Delete one of my goals with its steps and comments."""
    with tx.transaction(sf, stale=stale()) as s:
        s.delete(owned_goal(s, viewer.person_id, goal_id, version))


# --------------------------------------------------------------------------- comments


def add_comment(
    sf: sessionmaker[Session], viewer: Viewer, goal_id: int, body: str, key: str | None = None
) -> GoalView:
    """Comment on a goal: its owner, or a peer while the goal is shared."""
    body = clean_text(body, t("Comment"), max_chars=MAX_COMMENT, required=True)

    def create(s: Session) -> tuple[GoalView, int]:
        goal = _readable(s, viewer, goal_id)
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
        return view(s, goal, viewer), last.id

    def replay(s: Session, comment_id: int) -> GoalView:
        comment = s.get(GoalComment, comment_id)
        return view(s, _readable(s, viewer, comment.goal_id if comment else None), viewer)

    return submissions.once(sf, viewer, key, "goal_comment", create, replay)
