"""The hostile-case catalogue (issue 8 §6): input, the exact message, nothing changed.

Every row is something a careless or hostile participant can send to a service:
empty, blank or 50 000-character text, control characters, direction overrides,
dates in the past or in the year 9999, negative, zero, huge or mistyped numbers,
ids that do not exist or belong to someone else, deleted records, ended
relationships, double submits and stale edits. Each row asserts the exact
sentence the person reads, and that no row of any table changed (a snapshot of
the whole database before and after). Rows run on SQLite and on PostgreSQL.

HTML and Markdown are not refused: they are stored exactly as typed (and shown
literally, see tests/e2e/test_literal_text.py); the last tests check that.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.growth import actions, feedback, goal_steps, goals, journal
from core.kernel import clock, i18n
from core.kernel.errors import TandemError
from core.kernel.store import Store
from core.programmes import enrolment
from core.relationship import agreement, concerns, meetings, notes, resources, schedule
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import Base, Feedback, Goal, JournalEntry, Match, Programme
from tests.builders import make_match
from tests.conftest import _sqlite_store
from tests.integration.journey_builders import NOW, World, make_world

TODAY = NOW.date()
LONG = "x" * 50_000
HUGE = 99999999999999999999
FAR = dt.date(9999, 12, 31)


@dataclass
class Hostile:
    """make_world's pair (ana = owner, ben = peer, cid elsewhere) and their records."""

    w: World
    sf: sessionmaker[Session]
    goal: goals.GoalView
    peer_goal_id: int
    deleted_goal_id: int
    entry: journal.EntryView
    peer_entry_id: int
    draft_id: int
    request_id: int
    answered_request_id: int
    answer_id: int
    resource_id: int
    removed_resource_id: int
    peer_action_id: int
    planned: meetings.MeetingView
    ended_match_id: int


def hostile_world(sf: sessionmaker[Session]) -> Hostile:
    w = make_world(sf)
    due = TODAY + dt.timedelta(days=30)
    goal = goals.create_goal(
        sf, w.owner, title="Speak at the all-hands", target_date=due, steps=["Outline", "Rehearse"]
    )
    peer_goal = goals.create_goal(sf, w.peer, title="Ben's private goal", target_date=due)
    gone = goals.create_goal(sf, w.owner, title="Soon gone", target_date=due)
    goals.delete_goal(sf, w.owner, gone.id, gone.version)
    entry = journal.finalise(sf, w.owner, None, {"discussed": "Ana's private reflection"})
    peer_entry = journal.finalise(sf, w.peer, None, {"discussed": "Ben's private reflection"})
    draft = journal.save_draft(sf, w.owner, None, "learned", "A draft")
    request = feedback.ask_feedback(sf, w.owner, w.peer.person_id, "My demo")
    answered = feedback.ask_feedback(sf, w.owner, w.peer.person_id, "My retro")
    answer = feedback.answer_request(
        sf, w.peer, answered.id, feedback.STRUCTURED, worked="Calm", improve="Shorter"
    )
    resource = resources.add_resource(sf, w.peer, w.match_id, kind="book", title="Peopleware")
    removed = resources.add_resource(sf, w.owner, w.match_id, kind="talk", title="Gone talk")
    resources.delete_resource(sf, w.owner, removed.resource_id)
    action = actions.add_action(sf, w.peer, title="Ana sends the deck", owner_id=w.owner.person_id)
    planned = schedule.plan_meetings(sf, w.owner, w.match_id, NOW + dt.timedelta(days=3))[0]
    with sf.begin() as s:
        programme = s.get_one(Programme, s.get_one(Match, w.match_id).programme_id)
        ended = make_match(s, programme, [w.owner.person_id, w.other.person_id], "ended")
        ended_id = ended.id
    return Hostile(
        w,
        sf,
        goal,
        peer_goal.id,
        gone.id,
        entry,
        peer_entry.id,
        draft.entry_id,
        request.id,
        answered.id,
        answer.id,
        resource.resource_id,
        removed.resource_id,
        action.id,
        planned,
        ended_id,
    )


def _goal(h: Hostile, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "title": "Negotiate my budget",
        "target_date": TODAY + dt.timedelta(days=20),
        "category": "skill",
    }
    values.update(fields)
    return goals.create_goal(h.sf, h.w.owner, **values)


def _plan(h: Hostile, **fields: Any) -> Any:
    values: dict[str, Any] = {"first": NOW + dt.timedelta(days=5)}
    values.update(fields)
    first = values.pop("first")
    return schedule.plan_meetings(h.sf, h.w.owner, h.w.match_id, first, **values)


def _resource(h: Hostile, **fields: Any) -> Any:
    values: dict[str, Any] = {"kind": "link", "title": "A good read", "url": "https://ok.example"}
    values.update(fields)
    return resources.add_resource(h.sf, h.w.owner, h.w.match_id, **values)


def _terms(h: Hostile, **fields: Any) -> Any:
    values: dict[str, Any] = {"cadence_days": 14, "meeting_format": "video", "length_minutes": 60}
    values.update(fields)
    return agreement.set_terms(h.sf, h.w.owner, h.w.match_id, seen_version=1, **values)


GOAL_CONFLICT = (
    "This goal was changed meanwhile (in another tab or by your peer). "
    "Nothing was saved: reload the page to see the latest version."
)
ENTRY_CONFLICT = (
    "This reflection was changed meanwhile (in another tab?). "
    "Nothing was saved: reload the page to see the latest version."
)
BIDI = "contains invisible characters that reverse the direction of the text: remove them."
NOT_PEER = "You can only exchange feedback with a peer of your pair or circle."
NOT_MEMBER = "Only the members of this pair or circle can see or change it."
MINUTES = "A meeting lasts between 15 and 240 minutes."
# id → (call, the exact message; None: the call returns the first result and changes nothing)
Call = Callable[[Hostile], Any]
CATALOGUE: dict[str, tuple[Call, str | None]] = {
    # ---------------------------------------------------------------- goals
    "goal title empty": (lambda h: _goal(h, title=""), "“Goal” cannot be empty."),
    "goal title blank": (lambda h: _goal(h, title=" \t\u3000 "), "“Goal” cannot be empty."),
    "goal title 50 000 characters": (
        lambda h: _goal(h, title=LONG),
        "“Goal” is too long: 50,000 characters, at most 200.",
    ),
    "goal title only NUL and controls": (
        lambda h: _goal(h, title="\x00\x01\x1b\x7f"),
        "“Goal” cannot be empty.",
    ),
    "goal title with a right-to-left override": (
        lambda h: _goal(h, title="Invoice \u202egnp.exe"),
        f"“Goal” {BIDI}",
    ),
    "goal outcome 50 000 characters": (
        lambda h: _goal(h, outcome=LONG),
        "“Measurable outcome” is too long: 50,000 characters, at most 2,000.",
    ),
    "goal target date in the past": (
        lambda h: _goal(h, target_date=TODAY - dt.timedelta(days=1)),
        "“Target date” cannot be in the past.",
    ),
    "goal target date in 9999": (
        lambda h: _goal(h, target_date=FAR),
        "“Target date” cannot be after Dec 31, 2100.",
    ),
    "goal target date as text": (
        lambda h: _goal(h, target_date="2027-01-01"),
        "“Target date” is not a date.",
    ),
    "goal without a target date": (
        lambda h: _goal(h, target_date=None),
        "Give the goal a target date.",
    ),
    "goal category unknown": (
        lambda h: _goal(h, category="<b>hobby</b>"),
        "Choose a category for the goal.",
    ),
    "goal category unhashable": (
        lambda h: _goal(h, category=["skill"]),
        "Choose a category for the goal.",
    ),
    "goal progress negative": (
        lambda h: _goal(h, manual_progress=-1),
        "Progress is a whole percentage between 0 and 100.",
    ),
    "goal progress huge": (
        lambda h: _goal(h, manual_progress=10**30),
        "Progress is a whole percentage between 0 and 100.",
    ),
    "goal progress as text": (
        lambda h: _goal(h, manual_progress="50"),
        "Progress is a whole percentage between 0 and 100.",
    ),
    "goal with 31 steps": (
        lambda h: _goal(h, steps=[f"Step {i}" for i in range(31)]),
        "A goal has at most 30 steps.",
    ),
    "goal step due in the past": (
        lambda h: _goal(h, steps=[("Start", TODAY - dt.timedelta(days=3))]),
        "“Due date” cannot be in the past.",
    ),
    "goal double submit without a key": (
        lambda h: _goal(h, title="speak at the ALL-HANDS"),
        "You already have an active goal called “Speak at the all-hands”.",
    ),
    "goal double submit with its key": (lambda h: None, None),  # see REPLAYS
    "goal stale edit": (
        lambda h: goals.update_goal(
            h.sf,
            h.w.owner,
            h.goal.id,
            h.goal.version - 1,
            title="Older tab",
            outcome="",
            category="skill",
            target_date=h.goal.target_date,
        ),
        GOAL_CONFLICT,
    ),
    "goal of someone else edited": (
        lambda h: goals.set_status(h.sf, h.w.owner, h.peer_goal_id, 1, "dropped"),
        "Only the owner of a goal can change it.",
    ),
    "goal deleted then edited": (
        lambda h: goals.set_status(h.sf, h.w.owner, h.deleted_goal_id, 1, "achieved"),
        "This goal no longer exists.",
    ),
    "goal private of a peer commented": (
        lambda h: goals.add_comment(h.sf, h.w.owner, h.peer_goal_id, "Nice"),
        "This goal does not exist or is not shared with you.",
    ),
    "goal comment blank": (
        lambda h: goals.add_comment(h.sf, h.w.owner, h.goal.id, "\n\n  \n"),
        "“Comment” cannot be empty.",
    ),
    "goal comment 50 000 characters": (
        lambda h: goals.add_comment(h.sf, h.w.owner, h.goal.id, LONG),
        "“Comment” is too long: 50,000 characters, at most 2,000.",
    ),
    "goal step added twice": (
        lambda h: goal_steps.add_step(h.sf, h.w.owner, h.goal.id, "OUTLINE"),
        "This goal already has a step called “Outline”.",
    ),
    "goal step id beyond 64 bits": (
        lambda h: goal_steps.set_step_done(h.sf, h.w.owner, HUGE, True),
        "This step no longer exists.",
    ),
    "goal status unknown": (
        lambda h: goals.set_status(h.sf, h.w.owner, h.goal.id, h.goal.version, "paused"),
        "Unknown goal status.",
    ),
    # ---------------------------------------------------------------- journal
    "reflection with no answer": (
        lambda h: journal.finalise(h.sf, h.w.owner, None, {}),
        "Answer at least one prompt before saving the reflection.",
    ),
    "reflection of blanks": (
        lambda h: journal.finalise(h.sf, h.w.owner, None, {"discussed": " \n\t ", "learned": ""}),
        "Answer at least one prompt before saving the reflection.",
    ),
    "reflection answer 50 000 characters": (
        lambda h: journal.save_draft(h.sf, h.w.owner, h.draft_id, "discussed", LONG),
        "“What did we discuss?” is too long: 50,000 characters, at most 5,000.",
    ),
    "reflection field that does not exist": (
        lambda h: journal.save_draft(h.sf, h.w.owner, h.draft_id, "author_id", 2),
        "Unknown field of a reflection: author_id",
    ),
    "reflection usefulness 6": (
        lambda h: journal.save_draft(h.sf, h.w.owner, h.draft_id, "usefulness", 6),
        "“How useful was the meeting? (1–5)” is a number from 1 to 5.",
    ),
    "reflection usefulness as a word": (
        lambda h: journal.save_draft(h.sf, h.w.owner, h.draft_id, "usefulness", "great"),
        "“How useful was the meeting? (1–5)” is a number from 1 to 5.",
    ),
    "reflection answer that is not text": (
        lambda h: journal.save_draft(h.sf, h.w.owner, h.draft_id, "discussed", 123),
        "“What did we discuss?” must be text.",
    ),
    "reflection about another pair's meeting": (
        lambda h: journal.save_draft(
            h.sf, h.w.owner, h.draft_id, "meeting_id", h.w.other_meeting_id
        ),
        "This meeting does not exist or is not one of yours.",
    ),
    "reflection meeting id as text": (
        lambda h: journal.save_draft(h.sf, h.w.owner, h.draft_id, "meeting_id", "latest"),
        "Choose a meeting from the list.",
    ),
    "reflection of someone else edited": (
        lambda h: journal.edit_entry(h.sf, h.w.owner, h.peer_entry_id, 1, {"discussed": "Mine"}),
        "Only the author of a reflection can change it.",
    ),
    "reflection stale edit": (
        lambda h: journal.edit_entry(
            h.sf, h.w.owner, h.entry.id, h.entry.version - 1, {"discussed": "Old tab"}
        ),
        ENTRY_CONFLICT,
    ),
    "reflection draft shared": (
        lambda h: journal.set_shared(h.sf, h.w.owner, h.draft_id, True),
        "Save the reflection before sharing it.",
    ),
    "reflection private of a peer read": (
        lambda h: journal.get_entry(h.sf, h.w.owner, h.peer_entry_id),
        "This reflection does not exist or is not shared with you.",
    ),
    "reflection saved as final typed into again": (
        lambda h: journal.save_draft(h.sf, h.w.owner, h.entry.id, "learned", "More"),
        "This reflection was already saved as final (in another tab?). "
        "Start a new one to keep what you typed.",
    ),
    # ---------------------------------------------------------------- feedback
    "feedback topic empty": (
        lambda h: feedback.ask_feedback(h.sf, h.w.owner, h.w.peer.person_id, ""),
        "“Topic” cannot be empty.",
    ),
    "feedback asked of someone outside the pair": (
        lambda h: feedback.ask_feedback(h.sf, h.w.owner, h.w.other.person_id, "Demo"),
        NOT_PEER,
    ),
    "feedback asked of myself": (
        lambda h: feedback.ask_feedback(h.sf, h.w.owner, h.w.owner.person_id, "Demo"),
        NOT_PEER,
    ),
    "feedback wished by yesterday": (
        lambda h: feedback.ask_feedback(
            h.sf, h.w.owner, h.w.peer.person_id, "Demo", wished_by=TODAY - dt.timedelta(days=1)
        ),
        "The wished date cannot be in the past.",
    ),
    "feedback wished by 9999": (
        lambda h: feedback.ask_feedback(h.sf, h.w.owner, h.w.peer.person_id, "Demo", wished_by=FAR),
        "“Wished by” cannot be after Dec 31, 2100.",
    ),
    "feedback asked twice": (
        lambda h: feedback.ask_feedback(h.sf, h.w.owner, h.w.peer.person_id, "My demo"),
        None,
    ),
    "feedback of an unknown kind": (
        lambda h: feedback.give_feedback(h.sf, h.w.owner, h.w.peer.person_id, "rant", worked="x"),
        "Unknown kind of feedback.",
    ),
    "kudos 50 000 characters": (
        lambda h: feedback.send_kudos(h.sf, h.w.owner, h.w.peer.person_id, LONG),
        "“Kudos” is too long: 50,000 characters, at most 500.",
    ),
    "kudos of invisible characters only": (
        lambda h: feedback.send_kudos(h.sf, h.w.owner, h.w.peer.person_id, "\u200b \n\u2060"),
        "“Kudos” cannot be empty.",
    ),
    "feedback without what to improve": (
        lambda h: feedback.give_feedback(
            h.sf, h.w.owner, h.w.peer.person_id, feedback.STRUCTURED, worked="Good", improve=" "
        ),
        "“What to improve” cannot be empty.",
    ),
    "feedback request answered by its requester": (
        lambda h: feedback.answer_request(
            h.sf, h.w.owner, h.request_id, feedback.STRUCTURED, worked="a", improve="b"
        ),
        "Only the colleague who was asked can answer this request.",
    ),
    "feedback request answered by an outsider": (
        lambda h: feedback.answer_request(
            h.sf, h.w.other, h.request_id, feedback.STRUCTURED, worked="a", improve="b"
        ),
        "This feedback request does not exist or is not yours to see.",
    ),
    "feedback request answered with kudos": (
        lambda h: feedback.answer_request(h.sf, h.w.peer, h.request_id, feedback.KUDOS, worked="a"),
        "Answer a request with structured feedback, not kudos.",
    ),
    "feedback request answered twice differently": (
        lambda h: feedback.answer_request(
            h.sf, h.w.peer, h.answered_request_id, feedback.STRUCTURED, worked="x", improve="y"
        ),
        "You already answered this request; your answer was kept as it was.",
    ),
    "feedback rated as a word": (
        lambda h: feedback.acknowledge(h.sf, h.w.owner, h.answer_id, "very"),
        "Rate how useful it was, from 1 to 5.",
    ),
    "feedback rated 0": (
        lambda h: feedback.acknowledge(h.sf, h.w.owner, h.answer_id, 0),
        "Rate how useful it was, from 1 to 5.",
    ),
    "feedback acknowledged by its giver": (
        lambda h: feedback.acknowledge(h.sf, h.w.peer, h.answer_id, 5),
        "Only the person who received this feedback can acknowledge it.",
    ),
    "feedback id beyond 64 bits": (
        lambda h: feedback.acknowledge(h.sf, h.w.owner, HUGE, 5),
        "This feedback does not exist or is not yours to see.",
    ),
    # ---------------------------------------------------------------- action items
    "action item title empty": (
        lambda h: actions.add_action(h.sf, h.w.owner, title=" ", owner_id=h.w.owner.person_id),
        "“Action item” cannot be empty.",
    ),
    "action item due yesterday": (
        lambda h: actions.add_action(
            h.sf,
            h.w.owner,
            title="Call",
            owner_id=h.w.owner.person_id,
            due_date=TODAY - dt.timedelta(days=1),
        ),
        "“Due date” cannot be in the past.",
    ),
    "action item due in 9999": (
        lambda h: actions.add_action(
            h.sf, h.w.owner, title="Call", owner_id=h.w.owner.person_id, due_date=FAR
        ),
        "“Due date” cannot be after Dec 31, 2100.",
    ),
    "action item for someone outside the pair": (
        lambda h: actions.add_action(h.sf, h.w.owner, title="Call", owner_id=h.w.other.person_id),
        "An action item belongs to you or to one of your peers.",
    ),
    "action item on a peer's reflection": (
        lambda h: actions.add_action(
            h.sf,
            h.w.owner,
            title="Call",
            owner_id=h.w.owner.person_id,
            journal_entry_id=h.peer_entry_id,
        ),
        "This reflection no longer exists.",
    ),
    # ---------------------------------------------------------------- meetings
    "meeting planned yesterday": (
        lambda h: _plan(h, first=NOW - dt.timedelta(days=1)),
        "11/1/26, 9:30\u202fAM (UTC) is in the past: plan a meeting in the future, "
        "or record a meeting that was held.",
    ),
    "meeting of 5 minutes": (lambda h: _plan(h, duration_minutes=5), MINUTES),
    "meeting of 100 000 minutes": (lambda h: _plan(h, duration_minutes=100_000), MINUTES),
    "meeting length as a word": (lambda h: _plan(h, duration_minutes="sixty"), MINUTES),
    "meeting series of 0": (lambda h: _plan(h, count=0), "Plan between 1 and 12 meetings at once."),
    "meeting series of 13": (
        lambda h: _plan(h, count=13),
        "Plan between 1 and 12 meetings at once.",
    ),
    "meeting of an unknown kind": (
        lambda h: _plan(h, kind="party"),
        "Choose a kind of meeting: regular, rehearsal or feedback review.",
    ),
    "meeting series near year 9999": (
        lambda h: _plan(h, first=dt.datetime(9999, 12, 1, 10, 0), count=12),
        "“Date” cannot be after Dec 31, 2100.",
    ),
    "meeting at the same time as another": (
        lambda h: _plan(h, first=h.planned.scheduled_at),
        "A meeting is already planned at 11/5/26, 9:30\u202fAM (UTC).",
    ),
    "meeting planned in another pair": (
        lambda h: schedule.plan_meetings(h.sf, h.w.other, h.w.match_id, NOW + dt.timedelta(days=5)),
        NOT_MEMBER,
    ),
    "meeting planned in an ended relationship": (
        lambda h: schedule.plan_meetings(
            h.sf, h.w.owner, h.ended_match_id, NOW + dt.timedelta(days=5)
        ),
        NOT_MEMBER,
    ),
    "meeting recorded as held in the future": (
        lambda h: schedule.record_held_meeting(
            h.sf, h.w.owner, h.w.match_id, NOW + dt.timedelta(hours=2)
        ),
        "A meeting in the future cannot be recorded as held: plan it instead.",
    ),
    "meeting recorded before the relationship began": (
        lambda h: schedule.record_held_meeting(
            h.sf, h.w.owner, h.w.match_id, NOW - dt.timedelta(days=400)
        ),
        "This date is before your relationship started.",
    ),
    "meeting agenda 50 000 characters": (
        lambda h: _plan(h, agenda=LONG),
        "“Agenda” is too long: 50,000 characters, at most 10,000.",
    ),
    "meeting notes saved over a newer version": (
        lambda h: notes.save_shared_text(
            h.sf,
            h.w.owner,
            h.planned.meeting_id,
            agenda="Mine",
            notes="",
            seen_version=h.planned.version - 1,
        ),
        "Your peer saved this meeting's agenda or notes meanwhile. Your text is kept below; "
        "compare it with theirs, then save again.",
    ),
    "meeting marked held before it began": (
        lambda h: schedule.set_status(
            h.sf, h.w.owner, h.planned.meeting_id, "held", h.planned.version
        ),
        "This meeting has not started yet: it can be cancelled or moved, not marked.",
    ),
    # ---------------------------------------------------------------- resources
    "resource with a javascript: address": (
        lambda h: _resource(h, url="javascript:alert(1)"),
        "Only web addresses starting with http:// or https:// can be shared.",
    ),
    "resource link without an address": (
        lambda h: _resource(h, url=""),
        "A link needs its web address (https://…).",
    ),
    "resource address with a space": (
        lambda h: _resource(h, url="https://ok.example/a b"),
        "This is not a valid web address.",
    ),
    "resource address of 3 000 characters": (
        lambda h: _resource(h, url="https://ok.example/" + "a" * 3000),
        "This web address is too long: at most 2000 characters.",
    ),
    "resource of an unknown kind": (
        lambda h: _resource(h, kind="virus"),
        "Choose a kind: link, book, talk or other.",
    ),
    "resource of a peer removed": (
        lambda h: resources.delete_resource(h.sf, h.w.owner, h.resource_id),
        "Only the person who added a resource can remove it.",
    ),
    "resource removed twice": (
        lambda h: resources.delete_resource(h.sf, h.w.owner, h.removed_resource_id),
        "This resource was already removed.",
    ),
    "resource shared twice": (
        lambda h: _resource(h, kind="book", title="PEOPLEWARE", url=""),
        "“PEOPLEWARE” is already in your resources.",
    ),
    # ---------------------------------------------------------------- relationship
    "concern empty": (
        lambda h: concerns.raise_concern(h.sf, h.w.owner, h.w.match_id, ""),
        "“Your message to the coordinator” cannot be empty.",
    ),
    "concern 50 000 characters": (
        lambda h: concerns.raise_concern(h.sf, h.w.owner, h.w.match_id, LONG),
        "“Your message to the coordinator” is too long: 50,000 characters, at most 4,000.",
    ),
    "concern about another pair": (
        lambda h: concerns.raise_concern(h.sf, h.w.other, h.w.match_id, "Help"),
        NOT_MEMBER,
    ),
    "concern about a pair that does not exist": (
        lambda h: concerns.raise_concern(h.sf, h.w.owner, HUGE, "Help"),
        "This pair or circle no longer exists.",
    ),
    "agreement cadence of 3 days": (
        lambda h: _terms(h, cadence_days=3),
        "Choose how often you meet: every week, two weeks or month.",
    ),
    "agreement meeting of 1 000 minutes": (lambda h: _terms(h, length_minutes=1000), MINUTES),
    "agreement format injected": (
        lambda h: _terms(h, meeting_format="<script>"),
        "Choose how you meet: in person, video call, phone call or mixed.",
    ),
    "agreement expectations blank": (
        lambda h: agreement.save_expectations(h.sf, h.w.owner, h.w.match_id, "   "),
        "“What I want from this relationship” cannot be empty.",
    ),
    # ---------------------------------------------------------------- enrolment
    "enrolment link with an id beyond 64 bits": (
        lambda h: enrolment.get_offer(h.sf, h.w.owner, HUGE),
        "This programme does not exist or is not open to participants.",
    ),
    "enrolment link with a negative id": (
        lambda h: enrolment.withdraw(h.sf, h.w.owner, -1),
        "This programme does not exist or is not open to participants.",
    ),
}
# Checked by its own test below, on a world of its own: its first send creates a goal.
REPLAYS = {"goal double submit with its key"}


def snapshot(sf: sessionmaker[Session]) -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    with sf() as s:
        return {
            table.name: sorted(repr(tuple(row)) for row in s.execute(select(table)).all())
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def hostile(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Hostile]:
    """One world per database for the whole catalogue: no row may change it (each row
    checks that), so building it once keeps the catalogue fast."""
    if request.param == "sqlite":
        store = _sqlite_store(sqlite_template, tmp_path_factory.mktemp("hostile"))
    else:
        # A database of its own: the other tests empty the shared one before each test.
        pg_url = request.getfixturevalue("pg_url")
        admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS tandem_hostile"))
            conn.execute(text("CREATE DATABASE tandem_hostile"))
        admin.dispose()
        engine = make_engine(pg_url.replace("/tandem_test?", "/tandem_hostile?"))
        upgrade(engine)
        store = Store(engine=engine, sf=make_session_factory(engine))
    yield hostile_world(store.sf)
    store.engine.dispose()


def test_the_catalogue_has_at_least_sixty_rows():
    assert len(CATALOGUE) >= 60


@pytest.mark.parametrize("case", [c for c in CATALOGUE if c not in REPLAYS])
def test_a_hostile_input_gets_its_exact_message_and_changes_nothing(hostile, case):
    clock.set_now(NOW)
    call, message = CATALOGUE[case]
    before = snapshot(hostile.sf)
    if message is None:
        call(hostile)  # a harmless repeat: answered with what exists
    else:
        with pytest.raises(TandemError) as e:
            call(hostile)
        assert str(e.value) == message
    assert snapshot(hostile.sf) == before


def test_a_create_form_sent_twice_with_its_key_returns_the_first_result(sf):
    h = hostile_world(sf)
    first = _goal(h, title="Negotiate", key="goal-form-key-1")
    before = snapshot(sf)
    again = _goal(h, title="Speak at the all-hands", key="goal-form-key-1")
    assert again.id == first.id and again.title == "Negotiate"  # not a second goal
    assert snapshot(sf) == before


FRENCH = {
    "goal title empty": "« Objectif » ne peut pas être vide.",
    "goal target date in 9999": "« Date cible » ne peut pas être après le 31 déc. 2100.",
    "goal title with a right-to-left override": "« Objectif » contient des caractères "
    "invisibles qui inversent le sens du texte : supprimez-les.",
    "feedback rated as a word": "Notez son utilité, de 1 à 5.",
}


@pytest.mark.parametrize("case", list(FRENCH))
def test_the_message_is_in_the_reader_s_language(hostile, case):
    clock.set_now(NOW)
    call, _ = CATALOGUE[case]
    i18n.set_language("fr")
    try:
        with pytest.raises(TandemError) as e:
            call(hostile)
    finally:
        i18n.set_language("en")
    assert str(e.value) == FRENCH[case]


# --------------------------------------------------------------------------- stored literally

INJECTIONS = [
    "<script>alert(1)</script>",
    "**bold** _it_ [x](javascript:alert(1)) ![i](https://evil.example/p.png)",
    '=HYPERLINK("https://evil.example")',
    "'; DROP TABLE goal; --",
    "{{7*7}} ${7*7} %s %(x)s",
    ":material/home: :red[alert] $\\sqrt{x}$",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_html_markdown_and_formulas_are_stored_exactly_as_typed(sf, text):
    w = make_world(sf)
    goal = goals.create_goal(
        sf, w.owner, title=text, outcome=text, target_date=TODAY + dt.timedelta(days=9)
    )
    entry = journal.finalise(sf, w.owner, None, {"discussed": text})
    given = feedback.send_kudos(sf, w.owner, w.peer.person_id, text)
    with sf() as s:
        assert s.get_one(Goal, goal.id).title == text
        assert s.get_one(Goal, goal.id).outcome == text
        assert s.get_one(JournalEntry, entry.id).discussed == text
        assert s.get_one(Feedback, given.id).worked == text
