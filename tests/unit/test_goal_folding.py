"""The My goals page shows active goals a page at a time and folds the achieved and dropped."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from core.growth.goal_views import PAGE_SIZE, GoalView, fold, page
from db.models import GoalStatus

NOW = dt.datetime(2026, 1, 1)


def _goal(gid: int, status: str = GoalStatus.ACTIVE) -> GoalView:
    return GoalView(
        id=gid,
        owner_id=1,
        owner_name="",
        title=f"Goal {gid}",
        outcome="",
        category="other",
        target_date=None,
        status=status,
        shared=False,
        manual_progress=None,
        progress=0.0,
        steps=(),
        comments=(),
        created_at=NOW,
        achieved_at=None,
        version=1,
        mine=True,
    )


def test_active_goals_are_shown_and_achieved_and_dropped_ones_are_folded_in_order():
    goals = [
        _goal(1),
        _goal(2, GoalStatus.ACHIEVED),
        _goal(3),
        _goal(4, GoalStatus.DROPPED),
    ]
    shown, folded = fold(goals)
    assert [g.id for g in shown] == [1, 3]
    assert [g.id for g in folded] == [2, 4]


def test_the_goal_just_marked_as_achieved_stays_in_view_with_its_message():
    shown, folded = fold([_goal(1), _goal(2, GoalStatus.ACHIEVED)], keep=2)
    assert [g.id for g in shown] == [1, 2]
    assert folded == []


def test_a_page_shows_a_page_of_active_goals_and_counts_those_left():
    goals = [_goal(i) for i in range(23)]
    shown, left = page(goals, 0)
    assert [g.id for g in shown] == list(range(PAGE_SIZE)) and left == 23 - PAGE_SIZE
    shown, left = page(goals, 2 * PAGE_SIZE)
    assert len(shown) == 2 * PAGE_SIZE and left == 23 - 2 * PAGE_SIZE
    assert page(goals, 100) == (goals, 0)


def test_a_goal_acted_on_beyond_the_page_is_shown_in_its_place():
    goals = [_goal(i) for i in range(15)]
    shown, left = page(goals, 0, keep=12)
    assert [g.id for g in shown] == [*range(PAGE_SIZE), 12] and left == 15 - PAGE_SIZE - 1


@settings(max_examples=50)
@given(
    statuses=st.lists(st.sampled_from(list(GoalStatus)), max_size=40),
    asked=st.integers(0, 60),
    keep=st.none() | st.integers(0, 45),
)
def test_every_goal_is_either_shown_folded_or_counted_as_left(statuses, asked, keep):
    goals = [_goal(i, status) for i, status in enumerate(statuses)]
    active, folded = fold(goals, keep)
    shown, left = page(active, asked, keep)
    assert not {g.id for g in shown} & {g.id for g in folded}
    assert len(shown) + left + len(folded) == len(goals)
    assert len(shown) <= max(PAGE_SIZE, asked) + 1
    assert all(g.status == GoalStatus.ACTIVE or g.id == keep for g in shown)
