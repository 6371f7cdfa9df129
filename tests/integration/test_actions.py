"""Action items: owner me or my peer, visible to owner and creator, on Home until done."""

from __future__ import annotations

import datetime as dt

import pytest

from core.growth import actions, journal
from core.kernel import clock
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from tests.integration.journey_builders import make_world


def test_an_item_from_a_private_entry_is_visible_to_its_owner(sf):
    w = make_world(sf)
    entry = journal.finalise(
        sf, w.owner, None, {"discussed": "private", "meeting_id": w.meeting_id}
    )
    due = clock.today() + dt.timedelta(days=3)
    item = actions.add_action(
        sf,
        w.owner,
        title="Send Ana the SQL course",
        owner_id=w.peer.person_id,
        due_date=due,
        journal_entry_id=entry.id,
    )
    assert (item.match_id, item.meeting_id, item.owner_name) == (w.match_id, w.meeting_id, "Ben")
    assert [(a.title, a.due_date) for a in actions.open_actions(sf, w.peer)] == [
        ("Send Ana the SQL course", due)
    ]
    assert actions.open_actions(sf, w.owner) == []  # Ana does not own it...
    assert [a.id for a in actions.my_actions(sf, w.owner)] == [item.id]  # ...but noted it
    # The entry itself stays private.
    with pytest.raises(NotFound):
        journal.get_entry(sf, w.peer, entry.id)


def test_open_items_are_listed_by_due_date_until_done(sf):
    w = make_world(sf)
    today = clock.today()
    late = actions.add_action(
        sf,
        w.owner,
        title="Later",
        owner_id=w.owner.person_id,
        due_date=today + dt.timedelta(days=9),
    )
    soon = actions.add_action(
        sf, w.owner, title="Soon", owner_id=w.owner.person_id, due_date=today + dt.timedelta(days=1)
    )
    actions.add_action(sf, w.owner, title="Whenever", owner_id=w.owner.person_id)
    assert [a.title for a in actions.open_actions(sf, w.owner)] == ["Soon", "Later", "Whenever"]
    done = actions.set_done(sf, w.owner, soon.id)
    assert done.done
    assert actions.set_done(sf, w.owner, soon.id).done_at == done.done_at  # idempotent
    assert [a.title for a in actions.open_actions(sf, w.owner)] == ["Later", "Whenever"]
    assert [a.title for a in actions.my_actions(sf, w.owner)] == ["Later", "Whenever", "Soon"]
    actions.set_done(sf, w.owner, soon.id, False)
    assert len(actions.open_actions(sf, w.owner)) == 3
    clock.advance(days=10)
    assert actions.open_actions(sf, w.owner)[2].overdue(clock.today()) is False  # no due date
    assert [a.id for a in actions.open_actions(sf, w.owner) if a.overdue(clock.today())] == [
        soon.id,
        late.id,
    ]


def test_the_owner_of_an_item_is_me_or_one_of_my_peers(sf):
    w = make_world(sf)
    with pytest.raises(NotAllowed, match="you or to one of your peers"):
        actions.add_action(sf, w.owner, title="Do it", owner_id=w.other.person_id)
    with pytest.raises(NotFound):
        actions.add_action(
            sf, w.owner, title="Do it", owner_id=w.owner.person_id, meeting_id=w.other_meeting_id
        )
    other_entry = journal.finalise(sf, w.other, None, {"discussed": "x"})
    with pytest.raises(NotFound):
        actions.add_action(
            sf, w.owner, title="Do it", owner_id=w.owner.person_id, journal_entry_id=other_entry.id
        )


def test_bad_items_are_refused_with_a_message(sf):
    w = make_world(sf)
    with pytest.raises(InvalidInput, match="“Action item” cannot be empty."):
        actions.add_action(sf, w.owner, title=" ", owner_id=w.owner.person_id)
    with pytest.raises(InvalidInput, match="“Due date” cannot be in the past."):
        actions.add_action(
            sf,
            w.owner,
            title="x",
            owner_id=w.owner.person_id,
            due_date=clock.today() - dt.timedelta(days=1),
        )
    with pytest.raises(InvalidInput, match="too long"):
        actions.add_action(sf, w.owner, title="x" * 50_000, owner_id=w.owner.person_id)


def test_a_double_submit_notes_the_item_once(sf):
    w = make_world(sf)
    a = actions.add_action(
        sf, w.owner, title="Book a room", owner_id=w.owner.person_id, meeting_id=w.meeting_id
    )
    b = actions.add_action(
        sf, w.owner, title="Book a room", owner_id=w.owner.person_id, meeting_id=w.meeting_id
    )
    assert a.id == b.id


def test_only_owner_or_creator_marks_an_item_done(sf):
    w = make_world(sf)
    item = actions.add_action(sf, w.owner, title="Read the book", owner_id=w.peer.person_id)
    with pytest.raises(NotFound):
        actions.set_done(sf, w.other, item.id)
    assert actions.set_done(sf, w.peer, item.id).done


def test_owner_choices_are_me_then_my_peers(sf):
    w = make_world(sf)
    assert actions.owner_choices(sf, w.owner) == [
        (w.owner.person_id, w.owner.name),
        (w.peer.person_id, "Ben"),
    ]
