"""My peer: the match view, the agreement, ending/pausing, concerns — members only."""

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.relationship import agreement, concerns, lifecycle, peer_view
from db.models import Concern, Enrolment, Match, Meeting, Person, Programme
from tests.builders import (
    enrol,
    make_circle,
    make_match,
    make_pair,
    make_participant,
    make_programme,
    make_user,
)

NOW = dt.datetime(2026, 3, 10, 9, 0)


@pytest.fixture
def pair(sf):
    """camille and hugo in an active pair of a running programme, and an outsider."""
    clock.set_now(NOW)
    pair = make_pair(sf, cadence_days=14, session_minutes=45, guidelines="Be kind.")
    camille, hugo = pair
    other = make_participant(sf, "zoe")
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        person = s.get_one(Person, hugo.person_id)
        person.department, person.location = "Sales", "Lyon"
        enrol(s, s.get_one(Programme, pair.programme_id), other.person_id)
        for e in s.scalars(select(Enrolment)):
            e.goal_themes = ["career"]
        s.get_one(Match, pair.match_id).explanation = [{"code": "same_level", "points": 7}]
    return {
        "camille": camille,
        "hugo": hugo,
        "other": other,
        "coord": coord,
        "match": pair.match_id,
    }


def test_a_member_sees_the_peer_and_why_they_were_matched(sf, pair):
    view = peer_view.my_peer_page(sf, pair["camille"], pair["match"]).view
    assert [p.name for p in view.peers] == ["Hugo"]
    assert view.peers[0].department == "Sales" and view.peers[0].location == "Lyon"
    assert view.peers[0].themes == ("career",)
    assert view.guidelines == "Be kind."
    assert [r.text for r in view.reasons] == [
        "You are at a similar level, so you face similar situations."
    ]
    assert view.agreement.exists is False
    assert view.agreement.cadence_days == 14 and view.agreement.length_minutes == 45


def test_a_non_member_can_neither_read_nor_change_the_match(sf, pair):
    other, m = pair["other"], pair["match"]
    for call in (
        lambda: peer_view.my_peer_page(sf, other, m).view,
        lambda: agreement.save_expectations(sf, other, m, "let me in"),
        lambda: agreement.confirm_agreement(sf, other, m, 1),
        lambda: agreement.set_terms(
            sf, other, m, cadence_days=7, meeting_format="phone", length_minutes=30, seen_version=1
        ),
        lambda: lifecycle.end_relationship(sf, other, m),
        lambda: lifecycle.pause_relationship(sf, other, m),
        lambda: concerns.raise_concern(sf, other, m, "hi"),
    ):
        with pytest.raises(NotAllowed):
            call()
    with pytest.raises(NotAllowed):
        peer_view.my_peer_page(sf, pair["coord"], m)


def test_each_member_confirms_and_the_page_knows_who_has_not(sf, pair):
    c, h, m = pair["camille"], pair["hugo"], pair["match"]
    agreement.save_expectations(sf, c, m, "Practise public speaking")
    view = agreement.confirm_agreement(sf, c, m, 1)
    assert [x.name for x in view.not_confirmed] == ["Hugo"]
    assert not view.all_confirmed
    agreement.save_expectations(sf, h, m, "Learn to give feedback")
    view = agreement.confirm_agreement(sf, h, m, 1)
    assert view.all_confirmed
    assert view.member(c.person_id).expectations == "Practise public speaking"


def test_confirming_twice_changes_nothing(sf, pair):
    c, m = pair["camille"], pair["match"]
    agreement.save_expectations(sf, c, m, "x")
    first = agreement.confirm_agreement(sf, c, m, 1).member(c.person_id).confirmed_at
    clock.advance(minutes=5)
    again = agreement.confirm_agreement(sf, c, m, 1).member(c.person_id).confirmed_at
    assert first == again == NOW


def test_confirming_needs_my_expectations_first(sf, pair):
    with pytest.raises(InvalidInput, match="before you confirm"):
        agreement.confirm_agreement(sf, pair["camille"], pair["match"], 1)


def test_changing_the_terms_after_a_confirmation_resets_every_confirmation(sf, pair):
    c, h, m = pair["camille"], pair["hugo"], pair["match"]
    for v in (c, h):
        agreement.save_expectations(sf, v, m, "grow")
        agreement.confirm_agreement(sf, v, m, 1)
    saved = agreement.set_terms(
        sf, h, m, cadence_days=7, meeting_format="in_person", length_minutes=30, seen_version=1
    )
    assert saved.confirmations_reset is True
    assert saved.agreement.cadence_days == 7 and saved.agreement.meeting_format == "in_person"
    assert {x.name for x in saved.agreement.not_confirmed} == {"Camille", "Hugo"}
    # Camille confirms what she saw before the change: refused, she reads again first.
    with pytest.raises(Conflict, match="terms changed"):
        agreement.confirm_agreement(sf, c, m, 1)
    view = agreement.confirm_agreement(sf, c, m, saved.agreement.version)
    assert [x.name for x in view.not_confirmed] == ["Hugo"]


def test_saving_the_same_terms_resets_nothing(sf, pair):
    c, m = pair["camille"], pair["match"]
    agreement.save_expectations(sf, c, m, "grow")
    agreement.confirm_agreement(sf, c, m, 1)
    saved = agreement.set_terms(
        sf, c, m, cadence_days=14, meeting_format="video", length_minutes=45, seen_version=1
    )
    assert saved.confirmations_reset is False
    assert saved.agreement.member(c.person_id).confirmed_at is not None


def test_two_members_changing_the_terms_at_once_get_a_conflict(sf, pair):
    c, h, m = pair["camille"], pair["hugo"], pair["match"]
    agreement.set_terms(
        sf, c, m, cadence_days=7, meeting_format="video", length_minutes=60, seen_version=1
    )
    with pytest.raises(Conflict, match="changed the agreement meanwhile"):
        agreement.set_terms(
            sf, h, m, cadence_days=30, meeting_format="phone", length_minutes=60, seen_version=1
        )


@pytest.mark.parametrize(
    ("cadence", "fmt", "length"), [(10, "video", 60), (7, "carrier pigeon", 60), (7, "video", 5)]
)
def test_terms_outside_the_choices_are_refused(sf, pair, cadence, fmt, length):
    with pytest.raises(InvalidInput):
        agreement.set_terms(
            sf,
            pair["camille"],
            pair["match"],
            cadence_days=cadence,
            meeting_format=fmt,
            length_minutes=length,
            seen_version=1,
        )


def test_expectations_are_validated_and_stored_as_typed(sf, pair):
    c, m = pair["camille"], pair["match"]
    with pytest.raises(InvalidInput):
        agreement.save_expectations(sf, c, m, "   ")
    with pytest.raises(InvalidInput, match="too long"):
        agreement.save_expectations(sf, c, m, "x" * 50_000)
    view = agreement.save_expectations(sf, c, m, "<b>bold</b> **md**")
    assert view.member(c.person_id).expectations == "<b>bold</b> **md**"


def test_a_circle_of_three_needs_every_member_to_confirm(sf):
    clock.set_now(NOW)
    circle = make_circle(sf, format="circles")
    (a, b, c), match_id = circle, circle.match_id
    view = peer_view.my_peer_page(sf, a, match_id).view
    assert view.is_circle and {p.name for p in view.peers} == {"Bob", "Cyd"}
    for v in (a, b):
        agreement.save_expectations(sf, v, match_id, "learn")
        confirmed = agreement.confirm_agreement(sf, v, match_id, 1)
    assert [x.name for x in confirmed.not_confirmed] == ["Cyd"]
    agreement.save_expectations(sf, c, match_id, "learn")
    assert agreement.confirm_agreement(sf, c, match_id, 1).all_confirmed


def test_my_matches_lists_live_matches_across_programmes(sf, pair):
    with sf.begin() as s:
        prog2 = make_programme(s, name="Spring")
        make_match(s, prog2, [pair["camille"].person_id, pair["other"].person_id])
        ended = make_match(s, prog2, [pair["camille"].person_id, pair["hugo"].person_id])
        ended.status = "ended"
    choices = peer_view.my_matches(sf, pair["camille"])
    assert [(c.programme, c.peer_names) for c in choices] == [
        ("Pilot", ("Hugo",)),
        ("Spring", ("Zoe",)),
    ]


# --------------------------------------------------------------------------- end, pause


def _concerns(sf):
    with sf.begin() as s:
        return [(c.kind, c.body, c.raised_by_id) for c in s.scalars(select(Concern))]


def test_ending_sends_only_the_words_chosen_and_cancels_planned_meetings(sf, pair):
    c, m = pair["camille"], pair["match"]
    with sf.begin() as s:
        s.add(
            Meeting(
                match_id=m,
                scheduled_at=NOW + dt.timedelta(days=3),
                agenda="private agenda",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    lifecycle.end_relationship(sf, c, m, "  We have different schedules.  ")
    with sf.begin() as s:
        match = s.get_one(Match, m)
        assert (match.status, match.ended_at, match.end_reason) == ("ended", NOW, None)
        assert s.scalar(select(Meeting.status)) == "cancelled"
    assert _concerns(sf) == [("end", "We have different schedules.", c.person_id)]
    with pytest.raises(NotAllowed):  # an ended match gives no access any more
        peer_view.my_peer_page(sf, c, m)


def test_ending_without_a_reason_sends_nothing_to_the_coordinator(sf, pair):
    lifecycle.end_relationship(sf, pair["hugo"], pair["match"])
    assert _concerns(sf) == []


def test_pause_then_resume(sf, pair):
    h, m = pair["hugo"], pair["match"]
    lifecycle.pause_relationship(sf, h, m, "Parental leave")
    view = peer_view.my_peer_page(sf, pair["camille"], m).view
    assert (view.status, view.paused_at) == ("paused", NOW)
    with pytest.raises(Conflict, match="already paused"):
        lifecycle.pause_relationship(sf, h, m)
    lifecycle.resume_relationship(sf, pair["camille"], m)
    view = peer_view.my_peer_page(sf, h, m).view
    assert (view.status, view.paused_at) == ("active", None)
    with pytest.raises(Conflict, match="not paused"):
        lifecycle.resume_relationship(sf, h, m)
    assert _concerns(sf) == [("pause", "Parental leave", h.person_id)]


def test_a_relationship_not_yet_accepted_cannot_be_paused(sf, pair):
    with sf.begin() as s:
        s.get_one(Match, pair["match"]).status = "published"
    with pytest.raises(InvalidInput, match="Only an active"):
        lifecycle.pause_relationship(sf, pair["camille"], pair["match"])


def test_a_concern_carries_only_the_words_given_and_a_double_click_sends_it_once(sf, pair):
    c, m = pair["camille"], pair["match"]
    agreement.save_expectations(sf, c, m, "my private expectations")
    first = concerns.raise_concern(sf, c, m, "My peer repeated what I said.")
    again = concerns.raise_concern(sf, c, m, "My peer repeated what I said.")
    assert first == again
    assert _concerns(sf) == [("concern", "My peer repeated what I said.", c.person_id)]
    with pytest.raises(InvalidInput):
        concerns.raise_concern(sf, c, m, "   ")


def test_the_coordinator_lists_concerns_and_marks_them_handled(sf, pair):
    c, coord = pair["camille"], pair["coord"]
    cid = concerns.raise_concern(sf, c, pair["match"], "Breach of confidentiality")
    rows = concerns.concerns_for_coordinator(sf, coord)
    assert [(r.kind, r.body, r.raised_by, r.programme, r.status) for r in rows] == [
        ("concern", "Breach of confidentiality", "Camille", "Pilot", "open")
    ]
    clock.advance(hours=2)
    concerns.mark_concern_handled(sf, coord, cid)
    concerns.mark_concern_handled(sf, coord, cid)  # twice: no harm
    assert concerns.concerns_for_coordinator(sf, coord, only_open=True) == []
    row = concerns.concerns_for_coordinator(sf, coord)[0]
    assert (row.status, row.handled_at) == ("handled", NOW + dt.timedelta(hours=2))


def test_participants_cannot_read_or_handle_concerns(sf, pair):
    cid = concerns.raise_concern(sf, pair["camille"], pair["match"], "help")
    with pytest.raises(NotAllowed):
        concerns.concerns_for_coordinator(sf, pair["camille"])
    with pytest.raises(NotAllowed):
        concerns.mark_concern_handled(sf, pair["hugo"], cid)
