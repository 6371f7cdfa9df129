"""Idempotent create forms (issue 8 §6): twenty identical sends at once create one row.

On PostgreSQL, before the submission key, 20 identical submissions at once created
19 journal entries, 19 goals, 8 kudos and 12 feedback requests (each service checked
for a duplicate, then inserted). Every test here runs on SQLite and on PostgreSQL,
with the twenty calls released together by a barrier.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from core.growth import actions, feedback, goal_steps, goals, journal
from core.kernel.errors import Conflict, InvalidInput
from core.relationship import concerns, resources, schedule
from db.models import (
    ActionItem,
    Concern,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
    Meeting,
    Resource,
    Submission,
)
from tests.integration.journey_builders import NOW, make_world

N = 20


def at_once(n: int, call: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``call`` in ``n`` threads released together; their results and their errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except BaseException as e:  # noqa: BLE001 - every failure is reported by the test
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def count(sf, model) -> int:  # type: ignore[no-untyped-def]
    with sf() as s:
        return s.scalar(select(func.count()).select_from(model))


def _id(result: Any) -> Any:
    if isinstance(result, list):
        return tuple(m.meeting_id for m in result)
    for name in ("id", "entry_id", "resource_id", "meeting_id"):
        if hasattr(result, name):
            return getattr(result, name)
    return result


def _goal(sf, w, steps=()):  # type: ignore[no-untyped-def]
    return goals.create_goal(
        sf,
        w.owner,
        title="Lead a retro",
        target_date=NOW.date() + dt.timedelta(days=30),
        steps=steps,
    )


# name → (table that gains one row, setup(sf, w) → context, call(sf, w, ctx, key))
CASES: dict[str, tuple[Any, Callable[..., Any], Callable[..., Any]]] = {
    "journal entry": (
        JournalEntry,
        lambda sf, w: None,
        lambda sf, w, ctx, key: journal.finalise(
            sf, w.owner, None, {"discussed": "The retro"}, key=key
        ),
    ),
    "journal draft": (
        JournalEntry,
        lambda sf, w: None,
        lambda sf, w, ctx, key: journal.save_draft(
            sf, w.owner, None, "discussed", "The retro", key=key
        ),
    ),
    "goal": (
        Goal,
        lambda sf, w: None,
        lambda sf, w, ctx, key: goals.create_goal(
            sf,
            w.owner,
            title="Lead a retro",
            target_date=NOW.date() + dt.timedelta(days=30),
            key=key,
        ),
    ),
    "step": (
        GoalStep,
        lambda sf, w: _goal(sf, w).id,
        lambda sf, w, goal_id, key: goal_steps.add_step(sf, w.owner, goal_id, "Watch one", key=key),
    ),
    "goal comment": (
        GoalComment,
        lambda sf, w: goals.set_shared(sf, w.owner, _goal(sf, w).id, True).id,
        lambda sf, w, goal_id, key: goals.add_comment(sf, w.peer, goal_id, "Go for it", key=key),
    ),
    "kudos": (
        Feedback,
        lambda sf, w: None,
        lambda sf, w, ctx, key: feedback.send_kudos(
            sf, w.owner, w.peer.person_id, "Thanks for Tuesday", key=key
        ),
    ),
    "feedback": (
        Feedback,
        lambda sf, w: None,
        lambda sf, w, ctx, key: feedback.give_feedback(
            sf,
            w.owner,
            w.peer.person_id,
            feedback.STRUCTURED,
            key=key,
            worked="Clear slides",
            improve="Slower",
        ),
    ),
    "feedback request": (
        FeedbackRequest,
        lambda sf, w: None,
        lambda sf, w, ctx, key: feedback.ask_feedback(
            sf, w.owner, w.peer.person_id, "My demo", key=key
        ),
    ),
    "feedback answer": (
        Feedback,
        lambda sf, w: feedback.ask_feedback(sf, w.owner, w.peer.person_id, "My demo").id,
        lambda sf, w, request_id, key: feedback.answer_request(
            sf, w.peer, request_id, feedback.SBI, key=key, situation="a", behaviour="b", impact="c"
        ),
    ),
    "action item": (
        ActionItem,
        lambda sf, w: None,
        lambda sf, w, ctx, key: actions.add_action(
            sf, w.owner, title="Send the slides", owner_id=w.peer.person_id, key=key
        ),
    ),
    "meeting series": (
        Meeting,
        lambda sf, w: None,
        lambda sf, w, ctx, key: schedule.plan_meetings(
            sf, w.owner, w.match_id, NOW + dt.timedelta(days=3), count=3, key=key
        ),
    ),
    "held meeting": (
        Meeting,
        lambda sf, w: None,
        lambda sf, w, ctx, key: schedule.record_held_meeting(
            sf, w.owner, w.match_id, NOW - dt.timedelta(days=1), key=key
        ),
    ),
    "resource": (
        Resource,
        lambda sf, w: None,
        lambda sf, w, ctx, key: resources.add_resource(
            sf, w.owner, w.match_id, kind="book", title="Thinking in Systems", key=key
        ),
    ),
    "concern": (
        Concern,
        lambda sf, w: None,
        lambda sf, w, ctx, key: concerns.raise_concern(
            sf, w.owner, w.match_id, "We never meet", key=key
        ),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_twenty_identical_submissions_at_once_create_one_row(sf, case):
    model, setup, call = CASES[case]
    w = make_world(sf)
    ctx = setup(sf, w)
    before = count(sf, model)
    key = uuid.uuid4().hex
    results, errors = at_once(N, lambda: call(sf, w, ctx, key))
    assert errors == []
    created = count(sf, model) - before
    assert created == (3 if case == "meeting series" else 1)
    assert len({_id(r) for r in results}) == 1  # every send got the first result
    # A replay later returns it too, and creates nothing.
    assert _id(call(sf, w, ctx, key)) == _id(results[0])
    assert count(sf, model) - before == created


def test_a_new_form_creates_again_and_a_failed_send_can_be_sent_again(sf):
    w = make_world(sf)
    first = feedback.ask_feedback(sf, w.owner, w.peer.person_id, "Demo one", key="form-one-aaaa")
    with pytest.raises(InvalidInput):
        feedback.ask_feedback(sf, w.owner, w.peer.person_id, "   ", key="form-two-bbbb")
    # The failed send stored nothing under its key: corrected, it goes through.
    second = feedback.ask_feedback(sf, w.owner, w.peer.person_id, "Demo two", key="form-two-bbbb")
    assert first.id != second.id and second.topic == "Demo two"
    assert count(sf, FeedbackRequest) == 2


def test_a_key_belongs_to_one_account_and_one_kind_of_form(sf):
    w = make_world(sf)
    mine = feedback.send_kudos(sf, w.owner, w.peer.person_id, "Thanks", key="shared-key-1234")
    theirs = feedback.send_kudos(sf, w.peer, w.owner.person_id, "Thanks", key="shared-key-1234")
    assert mine.id != theirs.id  # the same key in two accounts names two forms
    with pytest.raises(Conflict, match="This form was already sent"):
        feedback.ask_feedback(sf, w.owner, w.peer.person_id, "Demo", key="shared-key-1234")


@pytest.mark.parametrize("key", ["short", "x" * 65, "has space in it", "ünïcode-key", 12345678])
def test_a_malformed_key_is_refused_before_anything_is_stored(sf, key):
    w = make_world(sf)
    with pytest.raises(InvalidInput, match="reload the page"):
        goals.create_goal(
            sf, w.owner, title="Goal", target_date=NOW.date() + dt.timedelta(days=9), key=key
        )
    assert count(sf, Goal) == count(sf, Submission) == 0


def test_ticks_of_different_steps_of_one_goal_at_once_all_count(sf):
    w = make_world(sf)
    goal = _goal(sf, w, steps=[f"Step {i}" for i in range(N)])
    seen_version = goal.version
    step_ids = iter([s.id for s in goal.steps])
    lock = threading.Lock()

    def tick() -> goals.GoalView:
        with lock:
            step_id = next(step_ids)
        return goal_steps.set_step_done(sf, w.owner, step_id, True)

    _, errors = at_once(N, tick)
    assert errors == []
    [after] = goals.my_goals(sf, w.owner)
    assert after.steps_done == N
    # A form opened before the ticks is still stale: the goal changed meanwhile.
    with pytest.raises(Conflict, match="changed meanwhile"):
        goals.set_status(sf, w.owner, goal.id, seen_version, "dropped")


def test_a_real_conflicting_edit_of_the_same_goal_is_still_refused(sf):
    w = make_world(sf)
    goal = _goal(sf, w)
    edit = dict(outcome="", category="skill", target_date=goal.target_date)
    results, errors = at_once(
        2,
        lambda: goals.update_goal(sf, w.owner, goal.id, goal.version, title="Mine", **edit),
    )
    # Of two edits made from the same version one wins; the other is told, never lost silently.
    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
