"""Every text field a participant writes, with any unicode text (issue 8 §6, property-based).

For any string — emoji, right-to-left scripts, NUL and other control characters,
lone surrogates, zero-width characters, 250 characters of one-line title — a
service either stores it and the database gives back exactly the text as cleaned
by :mod:`core.kernel.text` (trimmed, control characters dropped, a one-line field on one
line), or it answers with a clear message (a TandemError), never another
exception. Each test runs on SQLite and on PostgreSQL, with a modest number of
examples, the same on every run.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.growth import actions, feedback, goals, journal
from core.kernel import clock
from core.kernel.errors import TandemError
from core.relationship import agreement, concerns, lifecycle, notes, resources, schedule
from db.models import (
    ActionItem,
    Agreement,
    AgreementMember,
    Concern,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
    Meeting,
    Resource,
)
from tests.integration.journey_builders import NOW, World, make_world

SETTINGS = settings(
    max_examples=20,
    deadline=None,
    database=None,  # no example database written into the work tree
    derandomize=True,  # the same examples on every run and in CI
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANY_CHAR = st.characters(exclude_categories=())  # every code point, surrogates included
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.text(st.sampled_from(" \t\n\r\x00\u200b\u202e\u2066\ufeffé𝔘👩‍👩‍👧ا"), max_size=20),
    st.text(ANY_CHAR, min_size=190, max_size=260),  # around the one-line limits (200, 300)
)
_n = itertools.count(1)


def _visible(ch: str, keep: str) -> bool:
    return ch in keep or unicodedata.category(ch) not in ("Cc", "Cs")


def as_line(text: str) -> str:
    """What a one-line field stores: on one line, without control characters, trimmed."""
    return "".join(ch for ch in text.replace("\n", " ") if _visible(ch, "")).strip()


def as_block(text: str) -> str:
    """What a multi-line field stores: line breaks kept, no other control character, trimmed."""
    return "".join(ch for ch in text.replace("\r\n", "\n") if _visible(ch, "\n\t")).strip()


def row(sf: sessionmaker[Session], model: type, row_id: int, column: str) -> str:
    """The stored value, read back with a fresh session."""
    with sf() as s:
        return getattr(s.get_one(model, row_id), column)


def stored_or_told(write: Callable[[str], str | None], text: str, expect: str) -> None:
    """``write`` stores ``text`` and returns what was read back, or raises a clear message."""
    clock.set_now(NOW)
    try:
        stored = write(text)
    except TandemError as e:
        assert str(e).strip()  # a sentence a person can read
        return
    if stored is not None:
        assert stored == expect


def _due() -> dt.date:
    return NOW.date() + dt.timedelta(days=30)


# Field name → (write(sf, world, text) → the value read back, or None; line or block)
Write = Callable[[sessionmaker[Session], World, str, int], str | None]


def _goal_title(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    goal = goals.create_goal(sf, w.owner, title=text, target_date=_due())
    return row(sf, Goal, goal.id, "title")


def _goal_outcome(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    goal = goals.create_goal(sf, w.owner, title=f"G{next(_n)}", outcome=text, target_date=_due())
    return row(sf, Goal, goal.id, "outcome")


def _goal_step(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str | None:
    goal = goals.create_goal(sf, w.owner, title=f"G{next(_n)}", target_date=_due(), steps=[text])
    if not goal.steps:  # a blank step line is left out, as on the form
        assert as_line(text) == ""
        return None
    return row(sf, GoalStep, goal.steps[0].id, "title")


def _goal_comment(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    goal = goals.create_goal(sf, w.owner, title=f"G{next(_n)}", target_date=_due())
    view = goals.add_comment(sf, w.owner, goal.id, text)
    return row(sf, GoalComment, view.comments[-1].id, "body")


def _journal(field: str) -> Write:
    def write(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
        entry = journal.finalise(sf, w.owner, None, {field: text})
        return row(sf, JournalEntry, entry.id, field)

    return write


def _journal_any(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    """Each example writes one of the nine prompts (drawn with the text)."""
    field = journal.TEXT_FIELDS[pick % len(journal.TEXT_FIELDS)]
    return _journal(field)(sf, w, text, pick)


def _request_topic(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    request = feedback.ask_feedback(sf, w.owner, w.peer.person_id, text)
    return row(sf, FeedbackRequest, request.id, "topic")


def _request_context(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    request = feedback.ask_feedback(sf, w.owner, w.peer.person_id, f"T{next(_n)}", text)
    return row(sf, FeedbackRequest, request.id, "context")


def _feedback(kind: str, field: str) -> Write:
    others = {name: "x" for name in feedback.KIND_FIELDS[kind]}

    def write(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
        given = feedback.give_feedback(
            sf, w.owner, w.peer.person_id, kind, **{**others, field: text}
        )
        return row(sf, Feedback, given.id, field)

    return write


FEEDBACK_FIELDS = [
    (k, f) for k in (feedback.STRUCTURED, feedback.SBI) for f in feedback.KIND_FIELDS[k]
]


def _feedback_any(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    """Each example writes one of the six fields of structured or SBI feedback."""
    kind, field = FEEDBACK_FIELDS[pick % len(FEEDBACK_FIELDS)]
    return _feedback(kind, field)(sf, w, text, pick)


def _action(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    item = actions.add_action(sf, w.owner, title=text, owner_id=w.peer.person_id)
    return row(sf, ActionItem, item.id, "title")


def _meeting(field: str) -> Write:
    def write(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
        when = NOW + dt.timedelta(days=1, minutes=15 * next(_n))
        made = schedule.plan_meetings(sf, w.owner, w.match_id, when, **{field: text})
        return row(sf, Meeting, made[0].meeting_id, field)

    return write


def _held_notes(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    when = NOW - dt.timedelta(days=10, minutes=15 * next(_n))
    held = schedule.record_held_meeting(sf, w.owner, w.match_id, when, notes=text)
    return row(sf, Meeting, held.meeting_id, "notes")


def _shared_text(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    when = NOW + dt.timedelta(days=2, minutes=15 * next(_n))
    made = schedule.plan_meetings(sf, w.owner, w.match_id, when)[0]
    saved = notes.save_shared_text(
        sf, w.peer, made.meeting_id, agenda=text, notes=text, seen_version=made.version
    )
    assert row(sf, Meeting, saved.meeting_id, "agenda") == row(
        sf, Meeting, saved.meeting_id, "notes"
    )
    return row(sf, Meeting, saved.meeting_id, "notes")


def _resource(field: str) -> Write:
    def write(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
        values = {"title": f"R{next(_n)}", "note": "", field: text}
        added = resources.add_resource(sf, w.owner, w.match_id, kind="book", **values)
        return row(sf, Resource, added.resource_id, field)

    return write


def _expectations(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    agreement.save_expectations(sf, w.owner, w.match_id, text)
    with sf() as s:
        agreement_id = s.scalar(select(Agreement.id).where(Agreement.match_id == w.match_id))
        return s.get_one(AgreementMember, (agreement_id, w.owner.person_id)).expectations


def _concern(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str:
    concern_id = concerns.raise_concern(sf, w.owner, w.match_id, text)
    return row(sf, Concern, concern_id, "body")


def _pause_reason(sf: sessionmaker[Session], w: World, text: str, pick: int = 0) -> str | None:
    try:
        lifecycle.pause_relationship(sf, w.owner, w.match_id, text)
    finally:
        try:
            lifecycle.resume_relationship(sf, w.owner, w.match_id)
        except TandemError:
            pass  # the pause itself was refused: still active
    with sf() as s:
        body = s.scalars(
            select(Concern.body)
            .where(Concern.match_id == w.match_id, Concern.kind == "pause")
            .order_by(Concern.id.desc())
        ).first()
    return body if as_block(text) else None  # no reason written: no concern sent


LINE, BLOCK = as_line, as_block
FIELDS: dict[str, tuple[Write, Callable[[str], str]]] = {
    "goal title": (_goal_title, LINE),
    "goal outcome": (_goal_outcome, BLOCK),
    "goal step": (_goal_step, LINE),
    "goal comment": (_goal_comment, BLOCK),
    "reflection answers": (_journal_any, BLOCK),
    "feedback topic": (_request_topic, LINE),
    "feedback context": (_request_context, BLOCK),
    "feedback fields": (_feedback_any, BLOCK),
    "kudos": (_feedback(feedback.KUDOS, "worked"), BLOCK),
    "action item": (_action, LINE),
    "meeting place": (_meeting("place"), LINE),
    "meeting agenda": (_meeting("agenda"), BLOCK),
    "meeting notes (held)": (_held_notes, BLOCK),
    "meeting agenda and notes (shared)": (_shared_text, BLOCK),
    "resource title": (_resource("title"), LINE),
    "resource note": (_resource("note"), BLOCK),
    "agreement expectations": (_expectations, BLOCK),
    "concern": (_concern, BLOCK),
    "pause reason": (_pause_reason, BLOCK),
}


@pytest.mark.parametrize("field", list(FIELDS))
def test_any_unicode_text_is_stored_as_cleaned_or_gets_a_clear_message(sf, field):
    write, expect = FIELDS[field]
    w = make_world(sf)

    @SETTINGS
    @given(text=TEXT, pick=st.integers(min_value=0, max_value=99))
    def check(text: str, pick: int) -> None:
        stored_or_told(lambda value: write(sf, w, value, pick), text, expect(text))

    check()
