"""Feedback exchange: who sees what, validation, double submits, acknowledging."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from core.growth import feedback as fb
from core.growth import feedback_reads as fb_reads
from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from db.models import Feedback, FeedbackRequest, Match, Programme
from tests.builders import enrol, make_circle, make_participant, make_user

NOW = dt.datetime(2026, 11, 20, 10, 0)


@dataclass
class Circle:
    requester: Viewer
    giver: Viewer
    other_member: Viewer
    outsider: Viewer
    coordinator: Viewer
    admin: Viewer
    match_id: int
    programme_id: int


@pytest.fixture
def circle(sf) -> Circle:
    clock.set_now(NOW)
    requester, giver, other = group = make_circle(sf, ("camille", "hugo", "lea"))
    outsider = make_participant(sf, "omar")  # enrolled in the same programme, not matched
    with sf.begin() as s:
        enrol(s, s.get_one(Programme, group.programme_id), outsider.person_id)
    coordinator = make_user(sf, "coord", ("coordinator",))
    admin = make_user(sf, "admin", ("admin", "coordinator"))
    return Circle(
        requester, giver, other, outsider, coordinator, admin, group.match_id, group.programme_id
    )


def ask(sf, c: Circle, topic: str = "My presentation", **kw) -> fb.RequestView:
    return fb.ask_feedback(
        sf, c.requester, c.giver.person_id, topic, kw.pop("context", "Was it clear?"), **kw
    )


def _request(sf, viewer, request_id):  # type: ignore[no-untyped-def]
    """A request I made, as the page lists it."""
    return next(r for r in fb_reads.my_requests(sf, viewer).items if r.id == request_id)


def _feedback(sf, viewer, feedback_id):  # type: ignore[no-untyped-def]
    """Feedback I gave or received, as the page lists it."""
    return next(
        f
        for f in fb_reads.received_page(sf, viewer).items + fb_reads.given_page(sf, viewer).items
        if f.id == feedback_id
    )


STRUCTURED = {
    "worked": "Clear story.",
    "improve": "Slow down.",
    "suggestion": "One number per slide.",
}


def test_a_request_answered_acknowledged_and_rated_goes_through_every_state(sf, circle):
    request = ask(sf, circle, wished_by=NOW.date() + dt.timedelta(days=3))
    assert request.status == fb.OPEN
    assert [r.id for r in fb_reads.pending(sf, circle.giver).to_answer] == [request.id]

    answer = fb.answer_request(sf, circle.giver, request.id, fb.STRUCTURED, **STRUCTURED)
    assert _request(sf, circle.requester, request.id).status == fb.ANSWERED
    assert list(fb_reads.pending(sf, circle.giver).to_answer) == []
    got = list(fb_reads.received_page(sf, circle.requester).items)
    assert [(f.id, f.topic, f.giver_name, f.worked) for f in got] == [
        (answer.id, "My presentation", "Hugo", "Clear story.")
    ]
    assert [f.id for f in fb_reads.pending(sf, circle.requester).to_acknowledge] == [answer.id]

    acked = fb.acknowledge(sf, circle.requester, answer.id, 4)
    assert acked.usefulness == 4 and acked.acknowledged_at == NOW
    assert fb_reads.pending(sf, circle.requester).total == 0
    assert (
        fb_reads.given_page(sf, circle.giver).items[0].usefulness == 4
    )  # the giver learns it helped


def test_an_sbi_answer_needs_situation_behaviour_and_impact(sf, circle):
    request = ask(sf, circle)
    with pytest.raises(InvalidInput, match="Impact"):
        fb.answer_request(
            sf, circle.giver, request.id, fb.SBI, situation="Monday", behaviour="You paused"
        )
    answer = fb.answer_request(
        sf,
        circle.giver,
        request.id,
        fb.SBI,
        situation="Monday",
        behaviour="You paused",
        impact="People asked questions",
    )
    assert [label for label, _ in answer.fields()] == ["Situation", "Behaviour", "Impact"]


# --------------------------------------------------------------------------- who sees what

ROLES = ("requester", "giver", "other_member", "outsider", "coordinator", "admin")
SEES = {"requester": True, "giver": True}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_two_people_involved_ever_see_a_request_and_its_answer(sf, circle, role):
    request = ask(sf, circle, context="PRIVATE-CONTEXT")
    fb.answer_request(
        sf,
        circle.giver,
        request.id,
        fb.STRUCTURED,
        worked="PRIVATE-WORKED",
        improve="PRIVATE-IMPROVE",
    )
    fb.send_kudos(sf, circle.giver, circle.requester.person_id, "PRIVATE-KUDOS")
    viewer: Viewer = getattr(circle, role)
    sees = SEES.get(role, False)

    visible_text = " ".join(
        [
            f.worked + f.improve
            for f in fb_reads.received_page(sf, viewer).items
            + fb_reads.given_page(sf, viewer).items
        ]
        + [
            r.context
            for r in [
                *fb_reads.my_requests(sf, viewer).items,
                *fb_reads.settled_requests(sf, viewer).items,
            ]
        ]
    )
    for secret in ("PRIVATE-CONTEXT", "PRIVATE-WORKED", "PRIVATE-KUDOS"):
        assert (secret in visible_text) is sees, (role, secret)

    if not sees:
        assert fb_reads.pending(sf, viewer).total == 0


def test_feedback_is_asked_of_a_peer_only_never_of_someone_outside_my_circle(sf, circle):
    with pytest.raises(NotAllowed):
        fb.ask_feedback(sf, circle.requester, circle.outsider.person_id, "Anything")
    with pytest.raises(NotAllowed):
        fb.send_kudos(sf, circle.outsider, circle.requester.person_id, "Hi")
    with pytest.raises(NotAllowed):
        fb.ask_feedback(sf, circle.requester, circle.requester.person_id, "Myself")
    assert {p.name for p in fb_reads.my_peers(sf, circle.requester)} == {"Hugo", "Lea"}


def test_an_ended_match_gives_no_new_feedback_partner(sf, circle):
    with sf.begin() as s:
        s.get_one(Match, circle.match_id).status = "ended"
    with pytest.raises(NotAllowed):
        ask(sf, circle)
    assert fb_reads.my_peers(sf, circle.requester) == []


def test_only_the_colleague_asked_can_answer_or_decline(sf, circle):
    request = ask(sf, circle)
    with pytest.raises(NotAllowed):
        fb.answer_request(sf, circle.requester, request.id, fb.STRUCTURED, **STRUCTURED)
    with pytest.raises(NotFound):
        fb.answer_request(sf, circle.other_member, request.id, fb.STRUCTURED, **STRUCTURED)
    with pytest.raises(NotFound):
        fb.decline_request(sf, circle.outsider, request.id)


def test_only_the_recipient_acknowledges(sf, circle):
    answer = fb.give_feedback(
        sf, circle.giver, circle.requester.person_id, fb.STRUCTURED, **STRUCTURED
    )
    with pytest.raises(NotAllowed):
        fb.acknowledge(sf, circle.giver, answer.id, 5)
    with pytest.raises(NotFound):
        fb.acknowledge(sf, circle.other_member, answer.id, 5)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("topic", ["", "   ", "\n"])
def test_an_empty_topic_is_refused(sf, circle, topic):
    with pytest.raises(InvalidInput, match="Topic"):
        ask(sf, circle, topic=topic)


def test_fifty_thousand_characters_are_refused_with_the_count_and_nothing_is_stored(sf, circle):
    request = ask(sf, circle)
    with pytest.raises(InvalidInput, match="50,?000|50000"):
        fb.answer_request(
            sf, circle.giver, request.id, fb.STRUCTURED, worked="x" * 50_000, improve="y"
        )
    with pytest.raises(InvalidInput, match="too long"):
        ask(sf, circle, topic="t" * 50_000)
    with pytest.raises(InvalidInput, match="too long"):
        fb.send_kudos(sf, circle.giver, circle.requester.person_id, "k" * 50_000)
    with sf.begin() as s:
        assert s.scalar(select(Feedback.id)) is None
        assert s.get_one(FeedbackRequest, request.id).status == fb.OPEN


def test_html_and_markdown_are_stored_exactly_as_typed(sf, circle):
    html = '<script>alert("x")</script> **bold** [link](http://evil.example)'
    request = ask(sf, circle, topic="<b>Pitch</b>", context=html)
    answer = fb.answer_request(
        sf, circle.giver, request.id, fb.STRUCTURED, worked=html, improve="<i>"
    )
    with sf.begin() as s:
        stored = s.get_one(Feedback, answer.id)
        assert (stored.worked, stored.improve) == (html, "<i>")
        assert s.get_one(FeedbackRequest, request.id).topic == "<b>Pitch</b>"
        assert s.get_one(FeedbackRequest, request.id).context == html


def test_a_wished_date_in_the_past_is_refused_and_today_is_fine(sf, circle):
    with pytest.raises(InvalidInput, match="past"):
        ask(sf, circle, wished_by=NOW.date() - dt.timedelta(days=1))
    assert ask(sf, circle, wished_by=NOW.date()).wished_by == NOW.date()


@pytest.mark.parametrize("rating", [0, 6, None, -1])
def test_usefulness_is_rated_from_one_to_five(sf, circle, rating):
    answer = fb.give_feedback(
        sf,
        circle.giver,
        circle.requester.person_id,
        fb.SBI,
        situation="s",
        behaviour="b",
        impact="i",
    )
    with pytest.raises(InvalidInput, match="1 to 5"):
        fb.acknowledge(sf, circle.requester, answer.id, rating)
    assert _feedback(sf, circle.requester, answer.id).acknowledged_at is None


def test_acknowledging_again_changes_the_rating_and_keeps_the_first_time(sf, circle):
    answer = fb.give_feedback(
        sf, circle.giver, circle.requester.person_id, fb.STRUCTURED, **STRUCTURED
    )
    fb.acknowledge(sf, circle.requester, answer.id, 2)
    clock.advance(hours=1)
    again = fb.acknowledge(sf, circle.requester, answer.id, 5)
    assert (again.usefulness, again.acknowledged_at) == (5, NOW)


def test_kudos_are_acknowledged_without_a_rating(sf, circle):
    kudos = fb.send_kudos(sf, circle.giver, circle.requester.person_id, "Great job")
    acked = fb.acknowledge(sf, circle.requester, kudos.id, 3)
    assert acked.acknowledged_at == NOW and acked.usefulness is None


def test_a_request_cannot_be_answered_with_kudos(sf, circle):
    request = ask(sf, circle)
    with pytest.raises(InvalidInput):
        fb.answer_request(sf, circle.giver, request.id, fb.KUDOS, worked="Thanks")


# --------------------------------------------------------------------------- double submits


def test_the_same_answer_submitted_twice_is_stored_once(sf, circle):
    request = ask(sf, circle)
    first = fb.answer_request(sf, circle.giver, request.id, fb.STRUCTURED, **STRUCTURED)
    second = fb.answer_request(sf, circle.giver, request.id, fb.STRUCTURED, **STRUCTURED)
    assert first.id == second.id
    with sf.begin() as s:
        assert len(s.scalars(select(Feedback)).all()) == 1


def test_a_different_second_answer_is_refused_and_the_first_kept(sf, circle):
    request = ask(sf, circle)
    first = fb.answer_request(sf, circle.giver, request.id, fb.STRUCTURED, **STRUCTURED)
    with pytest.raises(Conflict, match="already answered"):
        fb.answer_request(sf, circle.giver, request.id, fb.STRUCTURED, worked="Other", improve="x")
    assert _feedback(sf, circle.giver, first.id).worked == "Clear story."


def test_a_declined_request_cannot_be_answered_and_an_answered_one_cannot_be_declined(sf, circle):
    declined = ask(sf, circle, topic="One")
    assert fb.decline_request(sf, circle.giver, declined.id).status == fb.DECLINED
    assert fb.decline_request(sf, circle.giver, declined.id).status == fb.DECLINED  # idempotent
    with pytest.raises(Conflict, match="declined"):
        fb.answer_request(sf, circle.giver, declined.id, fb.STRUCTURED, **STRUCTURED)
    answered = ask(sf, circle, topic="Two")
    fb.answer_request(sf, circle.giver, answered.id, fb.STRUCTURED, **STRUCTURED)
    with pytest.raises(Conflict, match="already answered"):
        fb.decline_request(sf, circle.giver, answered.id)
    assert [r.status for r in fb_reads.my_requests(sf, circle.requester).items] == [
        fb.ANSWERED,
        fb.DECLINED,
    ]


def test_the_requests_i_settled_are_listed_newest_first_apart_from_the_open_ones(sf, circle):
    one = ask(sf, circle, topic="One")
    clock.advance(hours=1)
    two = ask(sf, circle, topic="Two")
    clock.advance(hours=1)
    three = ask(sf, circle, topic="Three")
    fb.decline_request(sf, circle.giver, one.id)
    fb.answer_request(sf, circle.giver, two.id, fb.STRUCTURED, **STRUCTURED)
    settled = fb_reads.settled_requests(sf, circle.giver)
    assert [(r.topic, r.status) for r in settled.items] == [
        ("Two", fb.ANSWERED),
        ("One", fb.DECLINED),
    ]
    assert not settled.has_more
    first = fb_reads.settled_requests(sf, circle.giver, limit=1)
    assert [r.topic for r in first.items] == ["Two"] and first.has_more
    assert [r.id for r in fb_reads.pending(sf, circle.giver).to_answer] == [three.id]
    assert fb_reads.settled_requests(sf, circle.requester).items == ()  # asked by, not of, me


def test_asking_the_same_thing_twice_makes_one_request(sf, circle):
    first = ask(sf, circle)
    second = ask(sf, circle)
    assert first.id == second.id
    assert len(fb_reads.my_requests(sf, circle.requester).items) == 1


def test_the_same_kudos_clicked_twice_is_sent_once(sf, circle):
    a = fb.send_kudos(sf, circle.giver, circle.requester.person_id, "Thanks!")
    b = fb.send_kudos(sf, circle.giver, circle.requester.person_id, "Thanks!")
    assert a.id == b.id
    clock.advance(hours=1)  # the same words another day are a new kudos
    assert fb.send_kudos(sf, circle.giver, circle.requester.person_id, "Thanks!").id != a.id


def test_home_lists_requests_to_answer_and_feedback_to_acknowledge(sf, circle):
    request = ask(sf, circle)
    kudos = fb.send_kudos(sf, circle.requester, circle.giver.person_id, "Thanks!")
    waiting = fb_reads.pending(sf, circle.giver)
    assert [r.id for r in waiting.to_answer] == [request.id]
    assert [f.id for f in waiting.to_acknowledge] == [kudos.id]
    assert waiting.total == 2


def test_an_overdue_request_is_flagged(sf, circle):
    request = ask(sf, circle, wished_by=NOW.date())
    assert not request.overdue
    clock.advance(days=2)
    assert fb_reads.pending(sf, circle.giver).to_answer[0].overdue
