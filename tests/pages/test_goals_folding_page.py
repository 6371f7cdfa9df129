"""AppTest: a participant with many goals sees ten active ones, "Show more", and the done folded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.growth.goal_views import PAGE_SIZE
from db.models import Goal, GoalStep, Person

GOALS = "pages/goals.py"


def _give_goals(
    store, name: str, active: int, achieved: int, visibility: str = "private"
) -> list[int]:
    """Goals for ``name`` (each with one step); the ids of the achieved ones."""
    now = dt.datetime(2026, 1, 1)
    with store.sf.begin() as s:
        owner = s.scalar(select(Person.id).where(Person.full_name == name))
        made = []
        for i in range(active + achieved):
            done = i >= active
            goal = Goal(
                owner_id=owner,
                title=f"Many goals {i}",
                outcome="",
                status="achieved" if done else "active",
                visibility=visibility,
                created_at=now,
                updated_at=now,
                achieved_at=now if done else None,
                target_date=dt.date(2030, 1, 1) + dt.timedelta(days=i),
            )
            goal.steps = [GoalStep(position=0, title=f"Step of {i}")]
            s.add(goal)
            made.append(goal)
        s.flush()
        return [g.id for g in made if g.status == "achieved"]


def _card_keys(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.key for t in at.toggle if t.key and t.key.startswith("goal_share_")]


def test_many_goals_show_a_page_of_active_ones_more_on_demand_and_done_ones_when_opened(
    open_app, demo_store
):
    at = open_app("hugo", page=GOALS)
    before = len(_card_keys(at))  # hugo's own demo goals (fewer than a page)
    achieved = _give_goals(demo_store, "Hugo Bernard", active=PAGE_SIZE + 5, achieved=3)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    shown = _card_keys(at)
    assert len(shown) == PAGE_SIZE  # one page of active goals
    assert not {f"goal_share_{gid}" for gid in achieved} & set(shown)  # done ones folded
    [more] = [b for b in at.button if b.key == "goals_shown_more"]
    assert "more active goal" in more.label
    more.click().run()
    assert not at.exception, [e.value for e in at.exception]
    active_cards = len(_card_keys(at))
    assert active_cards == min(before + PAGE_SIZE + 5, 2 * PAGE_SIZE)
    assert "Achieved or dropped goals (" in " ".join(e.label for e in at.expander)
    at.session_state["goals_done"] = True  # the person opens the folded list
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert {f"goal_share_{gid}" for gid in achieved} <= set(_card_keys(at))


def test_a_goals_edit_form_is_drawn_only_once_opened_and_still_saves(open_app, demo_store):
    _give_goals(demo_store, "Hugo Bernard", active=1, achieved=0)
    at = open_app("hugo", page=GOALS)
    with demo_store.sf.begin() as s:
        [goal] = [g for g in s.scalars(select(Goal)) if g.title == "Many goals 0"]
        gid, step = goal.id, goal.steps[0].id
    assert not [w for w in at.text_input if w.key == f"goal_edit_title_{gid}"]
    at.session_state[f"goal_edit_open_{gid}"] = True  # the person opens "Edit, steps and status"
    at.run()
    at.text_input(key=f"step_title_{step}").input("A renamed step")
    at.button(key=f"step_save_{step}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with demo_store.sf.begin() as s:
        assert s.get(GoalStep, step).title == "A renamed step"


def test_a_goal_marked_as_achieved_stays_in_view_with_its_message(open_app, demo_store):
    _give_goals(demo_store, "Hugo Bernard", active=1, achieved=0)
    at = open_app("hugo", page=GOALS)
    with demo_store.sf.begin() as s:
        [gid] = [g.id for g in s.scalars(select(Goal)) if g.title == "Many goals 0"]
    at.session_state[f"goal_edit_open_{gid}"] = True
    at.run()
    at.button(key=f"goal_achieve_{gid}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"goal_share_{gid}" in _card_keys(at)
    assert any("Goal achieved" in s.value for s in at.success)


def test_goals_my_peer_shared_show_a_page_of_active_ones_and_the_done_folded(open_app, demo_store):
    achieved = _give_goals(
        demo_store, "Hugo Bernard", active=PAGE_SIZE + 2, achieved=2, visibility="shared"
    )
    at = open_app("camille", page=GOALS)  # hugo is camille's peer
    assert not at.exception, [e.value for e in at.exception]
    peer_cards = [c for c in at.text_area if c.key and c.key.startswith("goal_comment_")]
    mine = len(_card_keys(at))  # each of my cards has a comment box only once shared
    assert PAGE_SIZE <= len(peer_cards) <= PAGE_SIZE + mine
    assert not {f"goal_comment_{gid}" for gid in achieved} & {c.key for c in peer_cards}
    at.button(key="peer_goals_shown_more").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.session_state["peer_goals_done"] = True
    at.run()
    keys = {c.key for c in at.text_area}
    assert {f"goal_comment_{gid}" for gid in achieved} <= keys
