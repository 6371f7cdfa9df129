"""The goals page reads a busy participant's goals a page at a time (goals.my_goal_list):
the same cards, "more" count and folded goals as folding and paging every goal
(goal_views.fold then goal_views.page), for any goals, page asked and goal kept in view."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from core.growth import goal_views, goals
from core.kernel import clock
from db.models import Goal
from tests.builders import make_user

NOW = dt.datetime(2026, 11, 25, 12, 0)
_users = itertools.count()


@settings(
    max_examples=40,
)
@given(
    made=st.lists(
        st.tuples(
            st.sampled_from(["active", "achieved", "dropped"]),
            st.one_of(st.none(), st.integers(0, 40)),  # target date: days from now, or none
        ),
        max_size=26,
    ),
    shown=st.sampled_from([0, 10, 20, 30]),
    keep=st.one_of(st.none(), st.integers(0, 25), st.just(-1)),  # -1: somebody else's goal
    opened=st.booleans(),
)
def test_a_page_of_goals_read_in_sql_is_the_page_of_every_goal_folded(
    sf, made, shown, keep, opened
):
    clock.set_now(NOW)
    me = make_user(sf, f"busy{next(_users)}", ("participant",))
    other = make_user(sf, f"other{next(_users)}", ("participant",))
    with sf.begin() as s:
        rows = [
            Goal(
                owner_id=me.person_id,
                title=f"Goal {i}",
                outcome="",
                status=status,
                visibility="private",
                target_date=None if days is None else NOW.date() + dt.timedelta(days=days),
                **clock.stamps(),
            )
            for i, (status, days) in enumerate(made)
        ]
        theirs = Goal(
            owner_id=other.person_id,
            title="Theirs",
            outcome="",
            status="active",
            visibility="private",
            **clock.stamps(),
        )
        s.add_all([*rows, theirs])
        s.flush()
        ids = [g.id for g in rows]
        kept = (
            theirs.id
            if keep == -1
            else (ids[keep] if keep is not None and keep < len(ids) else None)
        )

    every = goals.my_goals(sf, me)
    active, done = goal_views.fold(every, kept)
    cards, more = goal_views.page(active, shown, kept)
    found = goals.my_goal_list(sf, me, shown, kept, folded=opened)
    assert [g.id for g in found.cards] == [g.id for g in cards]
    assert found.cards == cards
    assert found.more == more
    assert found.n_folded == len(done)
    assert found.folded == (done if opened else [])
    assert found.total == len(every)
