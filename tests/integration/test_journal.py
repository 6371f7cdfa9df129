"""The reflection journal: drafts kept server-side, finalising, sharing, limits."""

from __future__ import annotations

import pytest

from core.growth import actions, journal
from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.integration.journey_builders import make_world


def test_a_draft_is_saved_field_by_field_and_resumed(sf):
    w = make_world(sf)
    assert journal.current_draft(sf, w.owner) is None
    state = journal.save_draft(sf, w.owner, None, "discussed", "My presentation")
    again = journal.save_draft(sf, w.owner, state.entry_id, "learned", "Slow down")
    assert again.entry_id == state.entry_id and again.version > state.version
    journal.save_draft(sf, w.owner, state.entry_id, "usefulness", 4)
    journal.save_draft(sf, w.owner, state.entry_id, "meeting_id", w.meeting_id)
    draft = journal.current_draft(sf, w.owner)
    assert draft is not None and draft.id == state.entry_id
    assert draft.status == "draft" and not draft.shared
    assert draft.answers["discussed"] == "My presentation"
    assert draft.answers["learned"] == "Slow down"
    assert (draft.usefulness, draft.meeting_id, draft.match_id) == (4, w.meeting_id, w.match_id)
    assert journal.my_entries(sf, w.owner).entries == []  # drafts are not entries yet


def test_a_draft_is_never_visible_to_the_peer(sf):
    w = make_world(sf)
    state = journal.save_draft(sf, w.owner, None, "discussed", "Secret draft")
    # Even a draft flagged shared directly in the database stays hidden.
    with sf.begin() as s:
        from db.models import JournalEntry

        s.get(JournalEntry, state.entry_id).shared = True
    assert journal.peer_entries(sf, w.peer).entries == []
    with pytest.raises(NotFound):
        journal.get_entry(sf, w.peer, state.entry_id)
    with pytest.raises(InvalidInput, match="Save the reflection before sharing it."):
        journal.set_shared(sf, w.owner, state.entry_id, True)


def test_finalise_needs_at_least_one_answer(sf):
    w = make_world(sf)
    state = journal.save_draft(sf, w.owner, None, "usefulness", 3)
    with pytest.raises(InvalidInput, match="Answer at least one prompt"):
        journal.finalise(sf, w.owner, state.entry_id, {"discussed": "   "})
    assert journal.current_draft(sf, w.owner).status == "draft"


def test_finalise_saves_the_latest_answers_and_twice_is_idempotent(sf):
    w = make_world(sf)
    state = journal.save_draft(sf, w.owner, None, "discussed", "first words")
    entry = journal.finalise(
        sf, w.owner, state.entry_id, {"discussed": "final words", "next_step": "Book a room"}
    )
    assert entry.status == "final" and entry.id == state.entry_id
    assert entry.answered == [("discussed", "final words"), ("next_step", "Book a room")]
    twice = journal.finalise(sf, w.owner, state.entry_id, {"discussed": "final words"})
    assert twice.id == entry.id and twice.answers == entry.answers
    assert journal.current_draft(sf, w.owner) is None
    assert [e.id for e in journal.my_entries(sf, w.owner).entries] == [entry.id]


def test_finalising_without_a_draft_twice_creates_one_entry(sf):
    w = make_world(sf)
    one = journal.finalise(sf, w.owner, None, {"learned": "Ask first"})
    two = journal.finalise(sf, w.owner, None, {"learned": "Ask first"})
    assert one.id == two.id
    assert len(journal.my_entries(sf, w.owner).entries) == 1


def test_saving_a_draft_that_was_finalised_elsewhere_is_refused_clearly(sf):
    w = make_world(sf)
    state = journal.save_draft(sf, w.owner, None, "discussed", "tab one")
    journal.finalise(sf, w.owner, state.entry_id)
    with pytest.raises(Conflict, match="already saved as final"):
        journal.save_draft(sf, w.owner, state.entry_id, "learned", "tab two")


def test_a_50000_character_answer_is_refused_with_a_message_and_nothing_changes(sf):
    w = make_world(sf)
    state = journal.save_draft(sf, w.owner, None, "discussed", "kept")
    with pytest.raises(InvalidInput) as e:
        journal.save_draft(sf, w.owner, state.entry_id, "discussed", "x" * 50_000)
    assert str(e.value) == "“What did we discuss?” is too long: 50,000 characters, at most 5,000."
    assert journal.current_draft(sf, w.owner).answers["discussed"] == "kept"
    with pytest.raises(InvalidInput, match="at most 5,000"):
        journal.finalise(sf, w.owner, state.entry_id, {"learned": "y" * 5001})
    assert journal.save_draft(sf, w.owner, state.entry_id, "learned", "y" * 5000)


def test_the_message_is_in_french_for_a_french_speaker(sf):
    from core.kernel import i18n

    w = make_world(sf)
    i18n.set_language("fr")
    try:
        with pytest.raises(InvalidInput) as e:
            journal.save_draft(sf, w.owner, None, "learned", "x" * 5001)
    finally:
        i18n.set_language("en")
    assert str(e.value).startswith("« Ce que j’ai appris »")


def test_html_and_markdown_are_stored_exactly_as_typed(sf):
    w = make_world(sf)
    typed = "<script>alert('x')</script>\n**not bold** [link](http://evil.example)"
    entry = journal.finalise(sf, w.owner, None, {"discussed": typed})
    journal.set_shared(sf, w.owner, entry.id, True)
    assert journal.get_entry(sf, w.peer, entry.id).answers["discussed"] == typed


def test_scales_and_fields_are_validated(sf):
    w = make_world(sf)
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        journal.save_draft(sf, w.owner, None, "usefulness", 6)
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        journal.save_draft(sf, w.owner, None, "wellbeing", 0)
    with pytest.raises(InvalidInput, match="Unknown field"):
        journal.save_draft(sf, w.owner, None, "author_id", 3)
    with pytest.raises(NotFound, match="not one of yours"):
        journal.save_draft(sf, w.owner, None, "meeting_id", w.other_meeting_id)
    assert journal.current_draft(sf, w.owner) is None  # nothing half-created


def test_sharing_and_unsharing_an_entry(sf):
    w = make_world(sf)
    shared = journal.finalise(sf, w.owner, None, {"discussed": "share me"})
    journal.finalise(sf, w.owner, None, {"discussed": "keep me private"})
    entry = journal.set_shared(sf, w.owner, shared.id, True)
    assert entry.shared and entry.shared_with == ("Ben",)
    assert journal.set_shared(sf, w.owner, shared.id, True).shared  # idempotent
    seen = journal.peer_entries(sf, w.peer).entries
    assert [e.answers["discussed"] for e in seen] == ["share me"]
    assert seen[0].author_name == "Ana" and not seen[0].mine
    journal.set_shared(sf, w.owner, shared.id, False)
    assert journal.peer_entries(sf, w.peer).entries == []
    with pytest.raises(NotAllowed):
        journal.set_shared(sf, w.peer, shared.id, True)


def test_a_shared_entry_is_hidden_again_once_the_match_ended(sf):
    w = make_world(sf)
    entry = journal.finalise(sf, w.owner, None, {"discussed": "x"})
    journal.set_shared(sf, w.owner, entry.id, True)
    with sf.begin() as s:
        from db.models import Match

        s.get(Match, w.match_id).status = "ended"
    assert journal.peer_entries(sf, w.peer).entries == []
    with pytest.raises(NotFound):
        journal.get_entry(sf, w.peer, entry.id)


def test_a_stale_edit_of_an_entry_is_a_conflict(sf):
    w = make_world(sf)
    entry = journal.finalise(sf, w.owner, None, {"discussed": "v1"})
    edited = journal.edit_entry(sf, w.owner, entry.id, entry.version, {"discussed": "v2"})
    with pytest.raises(Conflict, match="changed meanwhile"):
        journal.edit_entry(sf, w.owner, entry.id, entry.version, {"discussed": "old tab"})
    assert journal.get_entry(sf, w.owner, entry.id).answers["discussed"] == "v2"
    with pytest.raises(InvalidInput, match="at least one prompt"):
        journal.edit_entry(sf, w.owner, entry.id, edited.version, {"discussed": ""})


def test_meeting_choices_are_past_meetings_of_my_live_matches(sf):
    from tests.integration.journey_builders import make_meeting

    w = make_world(sf)
    with sf.begin() as s:
        future = make_meeting(s, w.match_id, days_ago=-3, status="planned")
        cancelled = make_meeting(s, w.match_id, days_ago=5, status="cancelled")
        older = make_meeting(s, w.match_id, days_ago=16)
    choices = journal.meeting_choices(sf, w.owner)
    assert [c.id for c in choices] == [w.meeting_id, older.id]
    assert choices[0].peers == "Ben"
    assert future.id not in {c.id for c in choices} and cancelled.id not in {c.id for c in choices}
    assert journal.meeting_choices(sf, w.other) != []
    assert w.meeting_id not in {c.id for c in journal.meeting_choices(sf, w.other)}


def test_discarding_a_draft_removes_it_and_the_items_noted_in_it(sf):
    w = make_world(sf)
    state = journal.save_draft(sf, w.owner, None, "discussed", "scratch")
    actions.add_action(
        sf, w.owner, title="Send slides", owner_id=w.peer.person_id, journal_entry_id=state.entry_id
    )
    journal.delete_entry(sf, w.owner, state.entry_id)
    journal.delete_entry(sf, w.owner, state.entry_id)  # twice is fine
    assert journal.current_draft(sf, w.owner) is None
    assert actions.open_actions(sf, w.peer) == []


def test_pages_of_entries_say_when_there_are_more(sf):
    w = make_world(sf)
    for i in range(3):
        journal.finalise(sf, w.owner, None, {"discussed": f"entry {i}"})
        clock.advance(minutes=5)
    page = journal.my_entries(sf, w.owner, limit=2)
    assert [e.answers["discussed"] for e in page.entries] == ["entry 2", "entry 1"]
    assert page.has_more
    assert not journal.my_entries(sf, w.owner, limit=3).has_more


def test_a_page_of_entries_counts_every_entry_not_only_those_shown(sf):
    """The tabs say how many reflections there are: 3, not the 2 of the first page; the
    peer counts what was shared with them alone."""
    w = make_world(sf)
    for i in range(3):
        entry = journal.finalise(sf, w.owner, None, {"discussed": f"entry {i}"})
        if i:
            journal.set_shared(sf, w.owner, entry.id, True)
        clock.advance(minutes=5)
    journal.save_draft(sf, w.owner, None, "discussed", "a draft is not an entry")
    mine = journal.my_entries(sf, w.owner, limit=2)
    assert (mine.total, len(mine.entries), mine.has_more) == (3, 2, True)
    assert journal.my_entries(sf, w.owner, limit=5).total == 3
    theirs = journal.peer_entries(sf, w.peer, limit=1)
    assert (theirs.total, len(theirs.entries), theirs.has_more) == (2, 1, True)


def test_answers_saved_from_many_fields_at_once_are_all_kept_in_the_draft(sf):
    """On PostgreSQL the saves race for one draft row; the losers try again (journal's retry)."""
    import threading

    w = make_world(sf)
    state = journal.save_draft(sf, w.owner, None, "discussed", "first")
    fields = ("situation", "handling", "reaction")
    barrier = threading.Barrier(len(fields))
    errors: list[BaseException] = []

    def leave(field: str) -> None:
        barrier.wait()
        try:
            journal.save_draft(sf, w.owner, state.entry_id, field, f"typed in {field}")
        except BaseException as e:  # noqa: BLE001 - the test reports every failure
            errors.append(e)

    threads = [threading.Thread(target=leave, args=(f,)) for f in fields]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    answers = journal.current_draft(sf, w.owner).answers
    assert [answers[f] for f in fields] == [f"typed in {f}" for f in fields]
