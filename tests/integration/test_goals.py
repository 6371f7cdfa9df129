"""Goals: validation, steps, progress, status changes, sharing and optimistic locking."""

from __future__ import annotations

import datetime as dt

import pytest

from core.growth import goal_steps, goal_views, goals
from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.integration.journey_builders import make_world

TODAY = dt.date(2026, 11, 2)


def _goal(sf, viewer, title="Speak at the all-hands", steps=(), **kw):
    return goals.create_goal(
        sf,
        viewer,
        title=title,
        target_date=kw.pop("target_date", TODAY + dt.timedelta(days=60)),
        category=kw.pop("category", "skill"),
        outcome=kw.pop("outcome", "Give a 10-minute talk"),
        steps=steps,
        **kw,
    )


def _mine(sf, viewer, goal_id):  # type: ignore[no-untyped-def]
    """One of my goals, as the page lists it."""
    return next(g for g in goals.my_goals(sf, viewer) if g.id == goal_id)


def test_a_new_goal_is_private_active_and_belongs_to_my_match(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, steps=["Write the outline", ("Rehearse with Ben", TODAY)])
    assert g.status == "active" and not g.shared and g.mine
    assert [s.title for s in g.steps] == ["Write the outline", "Rehearse with Ben"]
    assert g.steps[1].due_date == TODAY
    assert g.progress == 0.0
    with sf() as s:
        from db.models import Goal

        row = s.get(Goal, g.id)
        assert (row.programme_id, row.match_id) == (w.programme_id, w.match_id)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "   "}, "“Goal” cannot be empty."),
        ({"title": "x" * 201}, "“Goal” is too long: 201 characters, at most 200."),
        ({"target_date": None}, "Give the goal a target date."),
        ({"target_date": TODAY - dt.timedelta(days=1)}, "“Target date” cannot be in the past."),
        ({"category": "hobby"}, "Choose a category for the goal."),
        ({"manual_progress": 101}, "Progress is a whole percentage between 0 and 100."),
        (
            {"outcome": "y" * 50_000},
            "“Measurable outcome” is too long: 50,000 characters, at most 2,000.",
        ),
    ],
)
def test_an_invalid_goal_is_refused_with_a_precise_message(sf, fields, message):
    w = make_world(sf)
    fields = dict(fields)  # the parameters are shared by the SQLite and PostgreSQL runs
    title = fields.pop("title", "Lead a retro")
    with pytest.raises(InvalidInput) as e:
        _goal(sf, w.owner, title=title, **fields)
    assert str(e.value) == message
    assert goals.my_goals(sf, w.owner) == []


def test_a_step_due_in_the_past_is_refused(sf):
    w = make_world(sf)
    with pytest.raises(InvalidInput, match="Due date"):
        _goal(sf, w.owner, steps=[("Old step", TODAY - dt.timedelta(days=3))])


def test_html_and_markdown_in_a_goal_are_stored_as_typed(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, title="<b>Bold</b> **goal**", outcome="<script>alert(1)</script>")
    again = _mine(sf, w.owner, g.id)
    assert again.title == "<b>Bold</b> **goal**"
    assert again.outcome == "<script>alert(1)</script>"


def test_a_double_submit_does_not_create_the_goal_twice(sf):
    w = make_world(sf)
    _goal(sf, w.owner, title="Learn SQL")
    with pytest.raises(Conflict, match="already have an active goal called “Learn SQL”"):
        _goal(sf, w.owner, title="learn sql")
    assert len(goals.my_goals(sf, w.owner)) == 1


def test_progress_is_the_share_of_steps_done(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, steps=["a", "b", "c", "d"])
    g = goal_steps.set_step_done(sf, w.owner, g.steps[0].id, True)
    g = goal_steps.set_step_done(sf, w.owner, g.steps[2].id, True)
    assert g.progress == 0.5 and g.steps_done == 2
    g = goal_steps.set_step_done(sf, w.owner, g.steps[2].id, True)  # idempotent
    assert g.progress == 0.5
    g = goal_steps.set_step_done(sf, w.owner, g.steps[0].id, False)
    assert g.progress == 0.25
    assert g.steps[2].done_at == clock.now()


def test_without_steps_progress_is_the_manual_percentage(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, manual_progress=30)
    assert g.progress == 0.3
    g = goal_steps.add_step(sf, w.owner, g.id, "First step")
    assert g.progress == 0.0  # steps decide once there are some


def test_progress_of_rule():
    assert goal_views.progress_of(0, 0, None) == 0.0
    assert goal_views.progress_of(0, 0, 45) == 0.45
    assert goal_views.progress_of(3, 3, 10) == 1.0
    assert goal_views.progress_of(1, 3, None) == pytest.approx(1 / 3)


def test_steps_can_be_added_renamed_reordered_and_deleted(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, steps=["one", "two"])
    g = goal_steps.add_step(sf, w.owner, g.id, "three", TODAY + dt.timedelta(days=7))
    assert [s.title for s in g.steps] == ["one", "two", "three"]
    with pytest.raises(Conflict, match="already has a step called “three”"):
        goal_steps.add_step(sf, w.owner, g.id, "Three")
    three = g.steps[2].id
    g = goal_steps.move_step(sf, w.owner, three, -1)
    assert [s.title for s in g.steps] == ["one", "three", "two"]
    g = goal_steps.move_step(sf, w.owner, g.steps[0].id, -1)  # already first: stays
    assert [s.title for s in g.steps] == ["one", "three", "two"]
    one, two = g.steps[0].id, g.steps[2].id
    g = goal_steps.move_step(sf, w.owner, one, 2)  # moved by two places
    g = goal_steps.move_step(sf, w.owner, two, -1)
    assert [s.title for s in g.steps] == ["two", "three", "one"]
    g = goal_steps.update_step(sf, w.owner, three, "THREE", None)
    assert [s.title for s in g.steps] == ["two", "THREE", "one"]
    assert g.steps[1].due_date is None
    g = goal_steps.delete_step(sf, w.owner, three)
    assert [(s.title, s.position) for s in g.steps] == [("two", 0), ("one", 1)]
    with pytest.raises(NotFound, match="This step no longer exists."):
        goal_steps.set_step_done(sf, w.owner, three, True)


def test_status_changes_are_validated_and_achieving_sets_achieved_at(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner)
    g = goals.set_status(sf, w.owner, g.id, g.version, "achieved")
    assert g.status == "achieved" and g.achieved_at == clock.now()
    # A double click on "Achieved" is harmless, even with the old version.
    again = goals.set_status(sf, w.owner, g.id, g.version - 1, "achieved")
    assert again.status == "achieved"
    with pytest.raises(InvalidInput, match="cannot become “Dropped”: reopen it first"):
        goals.set_status(sf, w.owner, g.id, g.version, "dropped")
    g = goals.set_status(sf, w.owner, g.id, g.version, "active")
    assert g.achieved_at is None
    g = goals.set_status(sf, w.owner, g.id, g.version, "dropped")
    assert g.status == "dropped"
    with pytest.raises(InvalidInput):
        goals.set_status(sf, w.owner, g.id, g.version, "paused")


def test_a_stale_edit_is_refused_with_a_conflict_and_changes_nothing(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner)
    seen = g.version
    goals.update_goal(
        sf,
        w.owner,
        g.id,
        seen,
        title="New title",
        outcome="",
        category="career",
        target_date=g.target_date,
    )
    with pytest.raises(Conflict, match="changed meanwhile"):
        goals.update_goal(
            sf,
            w.owner,
            g.id,
            seen,
            title="Older tab",
            outcome="",
            category="skill",
            target_date=g.target_date,
        )
    assert _mine(sf, w.owner, g.id).title == "New title"


def test_a_step_change_makes_an_open_edit_form_stale(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, steps=["a"])
    goal_steps.set_step_done(sf, w.owner, g.steps[0].id, True)
    with pytest.raises(Conflict):
        goals.set_status(sf, w.owner, g.id, g.version, "dropped")


def test_an_old_goal_keeps_its_past_target_date_but_a_new_date_must_be_future(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, target_date=TODAY + dt.timedelta(days=1))
    clock.advance(days=10)
    g = goals.update_goal(
        sf,
        w.owner,
        g.id,
        g.version,
        title="Renamed",
        outcome="",
        category="skill",
        target_date=g.target_date,
    )
    assert g.title == "Renamed"
    with pytest.raises(InvalidInput, match="cannot be in the past"):
        goals.update_goal(
            sf,
            w.owner,
            g.id,
            g.version,
            title="Renamed",
            outcome="",
            category="skill",
            target_date=TODAY + dt.timedelta(days=2),
        )


def test_only_the_owner_changes_a_goal(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, steps=["a"])
    goals.set_shared(sf, w.owner, g.id, True)
    with pytest.raises(NotAllowed):
        goals.set_status(sf, w.peer, g.id, g.version, "dropped")
    with pytest.raises(NotAllowed):
        goal_steps.set_step_done(sf, w.peer, g.steps[0].id, True)
    with pytest.raises(NotAllowed):
        goals.delete_goal(sf, w.peer, g.id, g.version)


def test_a_peer_reads_and_comments_a_shared_goal_but_never_a_private_one(sf):
    w = make_world(sf)
    shared = _goal(sf, w.owner, title="Shared goal")
    private = _goal(sf, w.owner, title="Private goal")
    goals.set_shared(sf, w.owner, shared.id, True)
    assert [g.title for g in goals.peer_goals(sf, w.peer)] == ["Shared goal"]
    with pytest.raises(NotFound):
        goals.add_comment(sf, w.peer, private.id, "Nosy")
    g = goals.add_comment(sf, w.peer, shared.id, "Go for it! <i>really</i>")
    g = goals.add_comment(sf, w.peer, shared.id, "Go for it! <i>really</i>")  # double click
    assert [(c.author_name, c.body) for c in g.comments] == [("Ben", "Go for it! <i>really</i>")]
    g = goals.add_comment(sf, w.owner, shared.id, "Thanks")
    assert len(g.comments) == 2
    # Unshared again: the peer loses access, comments included.
    goals.set_shared(sf, w.owner, shared.id, False)
    assert goals.peer_goals(sf, w.peer) == []
    with pytest.raises(NotFound):
        goals.add_comment(sf, w.peer, shared.id, "Still there?")
    with pytest.raises(InvalidInput, match="“Comment” cannot be empty."):
        goals.add_comment(sf, w.owner, shared.id, "  ")


def test_the_home_card_lists_active_goals_with_progress(sf):
    w = make_world(sf)
    g1 = _goal(
        sf, w.owner, title="Later", steps=["a", "b"], target_date=TODAY + dt.timedelta(days=90)
    )
    _goal(
        sf, w.owner, title="Sooner", manual_progress=40, target_date=TODAY + dt.timedelta(days=10)
    )
    dropped = _goal(sf, w.owner, title="Dropped")
    goals.set_status(sf, w.owner, dropped.id, dropped.version, "dropped")
    goal_steps.set_step_done(sf, w.owner, g1.steps[0].id, True)
    cards = goals.goal_progress(sf, w.owner)
    assert [(c.title, c.progress, c.steps_done, c.steps_total) for c in cards] == [
        ("Sooner", 0.4, 0, 0),
        ("Later", 0.5, 1, 2),
    ]


def test_the_home_card_shows_the_five_nearest_active_goals_of_many(sf):
    w = make_world(sf)
    for days in (50, 20, 70, 10, 60, 30, 40):
        _goal(sf, w.owner, title=f"In {days} days", target_date=TODAY + dt.timedelta(days=days))
    achieved = _goal(sf, w.owner, title="Done soon", target_date=TODAY + dt.timedelta(days=1))
    goals.set_status(sf, w.owner, achieved.id, achieved.version, "achieved")
    cards = goals.goal_progress(sf, w.owner)
    assert [c.title for c in cards] == [f"In {d} days" for d in (10, 20, 30, 40, 50)]


def test_deleting_a_goal_removes_its_steps_and_comments(sf):
    w = make_world(sf)
    g = _goal(sf, w.owner, steps=["a"])
    goals.set_shared(sf, w.owner, g.id, True)
    goals.add_comment(sf, w.peer, g.id, "hi")
    g = _mine(sf, w.owner, g.id)
    goals.delete_goal(sf, w.owner, g.id, g.version)
    assert goals.my_goals(sf, w.owner) == []


def test_two_concurrent_edits_of_one_version_give_one_save_and_one_conflict(sf):
    import threading

    w = make_world(sf)
    g = _goal(sf, w.owner)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(title: str) -> None:
        barrier.wait()
        try:
            goals.update_goal(
                sf,
                w.owner,
                g.id,
                g.version,
                title=title,
                outcome="",
                category="skill",
                target_date=g.target_date,
            )
            outcomes.append("saved")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(f"Tab {i}",)) for i in (1, 2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert _mine(sf, w.owner, g.id).title in {"Tab 1", "Tab 2"}
