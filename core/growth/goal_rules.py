"""The rules of goals: categories, statuses and their changes, limits, who may read or change one.

Session-level helpers for :mod:`core.growth.goals`: they take a Session and never commit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from core.kernel import clock, tx, validate
from core.kernel.errors import NotAllowed
from core.kernel.i18n import N_, t
from core.relationship.membership import live_matches_of, peers_of
from db.models import Enrolment, EnrolmentStatus, Goal, GoalStatus, GoalStep

CATEGORIES: dict[str, str] = {
    "skill": N_("Skill"),
    "career": N_("Career"),
    "wellbeing": N_("Wellbeing"),
    "project": N_("Project"),
    "other": N_("Other"),
}
STATUSES: dict[str, str] = {
    GoalStatus.ACTIVE: N_("Active"),
    GoalStatus.ACHIEVED: N_("Achieved"),
    GoalStatus.DROPPED: N_("Dropped"),
}
# Which status changes make sense: an achieved or dropped goal can be reopened.
TRANSITIONS: dict[str, frozenset[str]] = {
    GoalStatus.ACTIVE: frozenset({GoalStatus.ACHIEVED, GoalStatus.DROPPED}),
    GoalStatus.ACHIEVED: frozenset({GoalStatus.ACTIVE}),
    GoalStatus.DROPPED: frozenset({GoalStatus.ACTIVE}),
}
# Goal.visibility: a private goal is its owner's only; a shared one, its peers' too.
PRIVATE, SHARED = "private", "shared"
MAX_TITLE = 200
MAX_OUTCOME = 2_000
MAX_COMMENT = 2_000
MAX_STEPS = 30


def stale() -> str:
    """What a person reads when the goal changed since their page was drawn."""
    return t(
        "This goal was changed meanwhile (in another tab or by your peer). "
        "Nothing was saved: reload the page to see the latest version."
    )


# --------------------------------------------------------------------------- validation


def check_category(category: str) -> str:
    return str(validate.choice(category, CATEGORIES, t("Choose a category for the goal.")))


def check_future(value: dt.date | None, field: str) -> dt.date | None:
    return validate.optional_date(value, field, not_past=True)


def check_percent(value: int | None) -> int | None:
    if value is None:
        return None
    return validate.whole_number(
        value, 0, 100, t("Progress is a whole percentage between 0 and 100.")
    )


# --------------------------------------------------------------------------- who may


def can_read(s: Session, person_id: int, goal: Goal) -> bool:
    """The owner always; a peer of the goal's match only while the goal is shared."""
    if goal.owner_id == person_id:
        return True
    if goal.visibility != SHARED:
        return False
    return person_id in peers_of(s, goal.owner_id, goal.match_id)


def owned_goal(s: Session, person_id: int, goal_id: int, version: int | None) -> Goal:
    """My goal ``goal_id``, as the form saw it (``version``; None: any version)."""
    goal = tx.get_or_404(s, Goal, goal_id, missing=t("This goal no longer exists."))
    if goal.owner_id != person_id:
        raise NotAllowed(t("Only the owner of a goal can change it."))
    tx.expect_version(goal, version, stale=stale())
    return goal


def owned_step(s: Session, person_id: int, step_id: int, version: int | None) -> GoalStep:
    """A step of my goal, the goal as the form saw it (``version``; None: any version)."""
    step = tx.get_or_404(s, GoalStep, step_id, missing=t("This step no longer exists."))
    owned_goal(s, person_id, step.goal_id, version)
    return step


def touch(goal: Goal) -> None:
    """Write the goal row, so its version goes up even within the same clock tick.

    A tab that still shows the old goal then gets a Conflict.
    """
    goal.updated_at = clock.now()
    flag_modified(goal, "updated_at")


def home_of(s: Session, person_id: int) -> tuple[int | None, int | None]:
    """(programme_id, match_id) a new goal belongs to: my latest live match, else enrolment."""
    matches = live_matches_of(s, person_id)
    if matches:
        latest = matches[-1]
        return latest.programme_id, latest.id
    programme_id = s.scalar(
        select(Enrolment.programme_id)
        .where(Enrolment.person_id == person_id, Enrolment.status == EnrolmentStatus.ENROLLED)
        .order_by(Enrolment.created_at.desc())
        .limit(1)
    )
    return programme_id, None
