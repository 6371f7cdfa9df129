"""After publishing: answers, the declined-never-again rule, re-pairing, do-not-pair (staff only)."""

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock
from core.kernel.errors import InvalidInput, NotAllowed
from core.matching import do_not_pair, edits, proposals, published, suggestions
from db.models import AuditLog
from tests.builders import (
    PASSWORD,
    enrol,
    make_pool,
    make_user,
    selects,
    statements_run,
    suggestions_of,
)
from tests.integration.test_match_service import DEPARTMENTS


def _viewer(sf, username):
    from core.accounts.auth import sign_in

    return sign_in(sf, username, PASSWORD).viewer


@pytest.fixture
def published_world(sf):
    """Six people paired and published; p000's proposal declined by p000."""
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    pid, people = make_pool(sf, 6, name="Spring", departments=DEPARTMENTS)
    suggestions.run_matching(sf, coord, pid)
    assert proposals.publish(sf, coord, pid) == 3
    return coord, pid, people


def _match_of(sf, coord, pid, person_id):
    view = published.after_publishing(sf, coord, pid)
    return next(r for r in view.proposals if person_id in {m.person_id for m in r.members})


def test_after_publishing_each_member_answer_is_shown_with_its_time_and_counted(
    sf, published_world
):
    coord, pid, people = published_world
    first = _match_of(sf, coord, pid, people["p000"])
    clock.set_now(dt.datetime(2026, 11, 28, 10))
    proposals.respond(sf, _viewer(sf, "p000"), first.match_id, accept=False)
    other = next(
        r
        for r in published.after_publishing(sf, coord, pid).proposals
        if r.match_id != first.match_id
    )
    accepter = other.members[0]
    proposals.respond(sf, _viewer(sf, _username(people, accepter.person_id)), other.match_id, True)
    view = published.after_publishing(sf, coord, pid)
    assert len(view.proposals) == 3
    assert (view.waiting, view.accepted, view.declined) == (3, 1, 1)
    answers = {m.person_id: (m.response, m.responded_at) for r in view.proposals for m in r.members}
    assert answers[people["p000"]] == ("declined", dt.datetime(2026, 11, 28, 10))
    assert answers[accepter.person_id] == ("accepted", dt.datetime(2026, 11, 28, 10))
    # Both members of the declined pair are unmatched again, and said so.
    assert {u.person_id for u in view.unmatched} == {m.person_id for m in first.members}
    assert all(u.declined_before for u in view.unmatched)


def _enrol_late(sf, pid, *names):
    """People who enrol after the first publication: their person ids."""
    from db.models import Programme

    ids = [make_user(sf, name, ["participant"]).person_id for name in names]
    with sf.begin() as s:
        for person_id in ids:
            enrol(s, s.get_one(Programme, pid), person_id, languages=["en"])
    return ids


def _username(people, person_id):
    return next(u for u, i in people.items() if i == person_id)


def test_a_declined_pairing_is_never_proposed_again_in_the_programme(sf, published_world):
    coord, pid, people = published_world
    first = _match_of(sf, coord, pid, people["p000"])
    proposals.respond(sf, _viewer(sf, "p000"), first.match_id, accept=False)
    pair = {m.person_id for m in first.members}
    # A late enrolment gives the matcher other choices; the declined pair must not return.
    _enrol_late(sf, pid, "late")
    for _ in range(3):
        suggestions.run_matching(sf, coord, pid)
        for row in suggestions_of(sf, pid):
            assert not pair <= {m.person_id for m in row.members}
    # By hand too, with the reason in the "why not" sentence.
    with pytest.raises(InvalidInput, match="the proposal was declined"):
        edits.set_members(sf, coord, pid, None, sorted(pair))


def test_re_pairing_touches_only_the_waiting_pool_and_publishes_just_those(sf, published_world):
    coord, pid, people = published_world
    before = published.after_publishing(sf, coord, pid)
    first = _match_of(sf, coord, pid, people["p000"])
    proposals.respond(sf, _viewer(sf, "p000"), first.match_id, accept=False)
    kept = {r.match_id: {m.person_id for m in r.members} for r in before.proposals}
    del kept[first.match_id]
    late = _enrol_late(sf, pid, "late1", "late2")
    waiting = {p.person_id for p in suggestions.pool(sf, coord, pid)}
    assert waiting == {m.person_id for m in first.members} | set(late)
    suggestions.run_matching(sf, coord, pid)
    new = suggestions_of(sf, pid)
    assert {m.person_id for r in new for m in r.members} <= waiting
    assert proposals.publish(sf, coord, pid) == len(new) == 2
    after = published.after_publishing(sf, coord, pid)
    for match_id, members in kept.items():  # the earlier proposals are untouched
        row = next(r for r in after.proposals if r.match_id == match_id)
        assert {m.person_id for m in row.members} == members and row.status == "published"
    assert not after.unmatched


def test_a_pair_made_by_hand_from_the_waiting_pool_publishes_alone(sf, published_world):
    coord, pid, people = published_world
    ids = _enrol_late(sf, pid, "late1", "late2")
    edits.set_members(sf, coord, pid, None, ids)
    assert proposals.publish(sf, coord, pid) == 1
    assert len(published.after_publishing(sf, coord, pid).proposals) == 4


def test_the_do_not_pair_list_is_edited_by_staff_audited_and_obeyed(sf, published_world):
    coord, pid, people = published_world
    a, b = _enrol_late(sf, pid, "late1", "late2")
    entry = do_not_pair.add_entry(sf, coord, pid, a, b, "  Sister and brother ")
    assert entry.reason == "Sister and brother"
    assert [e.entry_id for e in do_not_pair.list_entries(sf, coord, pid)] == [entry.entry_id]
    with pytest.raises(InvalidInput, match="do-not-pair list: Sister and brother"):
        edits.set_members(sf, coord, pid, None, [a, b])
    with pytest.raises(InvalidInput):
        do_not_pair.add_entry(sf, coord, pid, b, a, "again")
    do_not_pair.remove_entry(sf, coord, entry.entry_id)
    assert do_not_pair.list_entries(sf, coord, pid) == []
    edits.set_members(sf, coord, pid, None, [a, b])
    with sf.begin() as s:
        actions = s.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()
        details = " ".join(str(d) for d in s.scalars(select(AuditLog.detail)))
    assert "do_not_pair_added" in actions and "do_not_pair_removed" in actions
    assert "Sister" not in details


@pytest.mark.parametrize(
    "bad", [(None, 1, "x"), (1, 1, "x"), (1, 2, ""), (1, 2, "x" * 301), (1, 999_999, "x")]
)
def test_a_bad_do_not_pair_entry_is_refused_and_nothing_is_recorded(sf, published_world, bad):
    coord, pid, people = published_world
    a, b, reason = bad
    ids = {1: people["p000"], 2: people["p001"]}
    with pytest.raises(InvalidInput):
        do_not_pair.add_entry(sf, coord, pid, ids.get(a, a), ids.get(b, b), reason)
    assert do_not_pair.list_entries(sf, coord, pid) == []


def test_participants_never_read_or_edit_the_do_not_pair_list(sf, published_world):
    coord, pid, people = published_world
    entry = do_not_pair.add_entry(sf, coord, pid, people["p000"], people["p002"], "Dispute")
    p000 = _viewer(sf, "p000")
    for call in (
        lambda: do_not_pair.list_entries(sf, p000, pid),
        lambda: do_not_pair.add_entry(sf, p000, pid, people["p001"], people["p003"], "x"),
        lambda: do_not_pair.remove_entry(sf, p000, entry.entry_id),
        lambda: published.after_publishing(sf, p000, pid),
    ):
        with pytest.raises(NotAllowed):
            call()
    # Nothing a participant reads about their proposals carries the reason.
    seen = repr(proposals.my_proposals(sf, p000))
    assert "Dispute" not in seen
    assert do_not_pair.list_entries(sf, coord, pid)[0].reason == "Dispute"


def test_circles_never_regroup_a_member_with_those_whose_circle_they_declined(sf):
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    pid, people = make_pool(sf, 8, name="Circles", format="circles", circle_size=4)
    suggestions.run_matching(sf, coord, pid)
    proposals.publish(sf, coord, pid)
    circle = _match_of(sf, coord, pid, people["p000"])
    proposals.respond(sf, _viewer(sf, "p000"), circle.match_id, accept=False)
    others = {m.person_id for m in circle.members} - {people["p000"]}
    suggestions.run_matching(sf, coord, pid)
    for row in suggestions_of(sf, pid):
        ids = {m.person_id for m in row.members}
        if people["p000"] in ids:
            assert not ids & others


@pytest.mark.parametrize("relationship", ["reverse", "career", "life", "onboarding"])
@pytest.mark.parametrize("format", ["circles", "both"])
def test_a_one_to_one_relationship_in_circles_is_refused_with_the_reason(sf, relationship, format):
    from core.programmes import programmes as prog
    from tests.integration.test_programmes import ready_form

    coord = make_user(sf, "coord", ["coordinator"])
    form = ready_form(name="Reverse", relationship_type=relationship, format=format)
    with pytest.raises(InvalidInput, match="are 1:1"):
        prog.create_programme(sf, coord, form)
    made = prog.create_programme(
        sf, coord, ready_form(name="Reverse", relationship_type=relationship, format="pairs")
    )
    assert made.format == "pairs"
    circles = prog.create_programme(sf, coord, ready_form(name="Peers", format=format))
    assert circles.relationship_type == "peer"


def test_accepted_pairs_are_counted_always_and_listed_when_asked(sf, published_world):
    coord, pid, people = published_world
    first = _match_of(sf, coord, pid, people["p000"])
    for m in first.members:
        proposals.respond(sf, _viewer(sf, _username(people, m.person_id)), first.match_id, True)
    short = published.after_publishing(sf, coord, pid)
    full = published.after_publishing(sf, coord, pid, running=True)
    assert first.match_id not in {r.match_id for r in short.proposals}
    assert [r.status for r in full.proposals if r.match_id == first.match_id] == ["active"]
    assert short.running == full.running == 1
    assert (short.waiting, short.accepted, short.declined) == (4, 2, 0)
    assert (full.waiting, full.accepted, full.declined) == (4, 2, 0)


def test_given_the_pool_the_page_read_after_publishing_lists_the_same_unmatched_without_reading_them_again(
    sf, store, published_world
):
    coord, pid, people = published_world
    first = _match_of(sf, coord, pid, people["p000"])
    proposals.respond(sf, _viewer(sf, "p000"), first.match_id, accept=False)
    pool = suggestions.pool(sf, coord, pid)
    # The SELECTs (not BEGIN, not a PRAGMA).
    with statements_run(sf) as statements:
        given = published.after_publishing(sf, coord, pid, pool=pool)
    with_pool = len(selects(statements))
    with statements_run(sf) as statements:
        read = published.after_publishing(sf, coord, pid)
    without = len(selects(statements))
    assert given == read and len(given.unmatched) == 2
    assert all(u.declined_before for u in given.unmatched)
    assert with_pool == without - 1
