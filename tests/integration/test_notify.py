"""E-mail notifications against a real local SMTP server (aiosmtpd), on SQLite and PostgreSQL:
what arrives, in whose language and time zone, once, with retries, and never private text."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from icalendar import Calendar
from sqlalchemy import select

from core.kernel import clock
from core.kernel.errors import InvalidInput
from core.notify import outbox, prefs, sources
from core.notify.message import Delivery, Kind
from db.models import (
    ActionItem,
    Concern,
    Feedback,
    FeedbackRequest,
    Goal,
    JournalEntry,
    Notification,
    Person,
    Survey,
)
from tests.builders import enrol, make_match, make_meeting, make_pair, make_programme, make_user
from tests.smtp_server import text_of

NOW = dt.datetime(2026, 12, 7, 9, 0)  # a Monday, after the digest hour
MARKER = "ZZSECRET-7f3a"


@pytest.fixture
def world(sf):  # type: ignore[no-untyped-def]
    """Camille (French, Paris) and Hugo (English, New York) in a pair with a meeting in 20
    hours, a feedback request, a feedback, an action due, a survey, a concern; Zoé and Yann
    proposed a pairing; a coordinator. Every private text holds MARKER."""
    clock.set_now(NOW)
    pair = make_pair(sf, "camille", "hugo")
    camille, hugo = pair.members
    coord = make_user(sf, "coord", ("coordinator",))
    zoe = make_user(sf, "zoe", ("participant",))
    yann = make_user(sf, "yann", ("participant",))
    with sf.begin() as s:
        c = s.get_one(Person, camille.person_id)
        c.language, c.time_zone = "fr", "Europe/Paris"
        c.account.language = "fr"
        s.get_one(Person, hugo.person_id).time_zone = "America/New_York"
        make_meeting(
            s,
            pair.match_id,
            NOW + dt.timedelta(hours=20),
            duration_minutes=45,
            place="Room 4",
            agenda=f"agenda {MARKER}",
            notes=f"notes {MARKER}",
        )
        s.add(
            FeedbackRequest(
                match_id=pair.match_id,
                requester_id=camille.person_id,
                giver_id=hugo.person_id,
                topic=f"topic {MARKER}",
                context=f"context {MARKER}",
                created_at=NOW - dt.timedelta(days=1),
            )
        )
        s.add(
            Feedback(
                match_id=pair.match_id,
                giver_id=hugo.person_id,
                recipient_id=camille.person_id,
                kind="kudos",
                worked=f"worked {MARKER}",
                created_at=NOW - dt.timedelta(days=1),
            )
        )
        s.add(
            Goal(
                owner_id=camille.person_id,
                title=f"goal {MARKER}",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        s.add(
            ActionItem(
                match_id=pair.match_id,
                owner_id=hugo.person_id,
                title=f"action {MARKER}",
                due_date=NOW.date(),
                created_at=NOW,
            )
        )
        s.add(
            JournalEntry(
                author_id=camille.person_id,
                match_id=pair.match_id,
                discussed=f"journal {MARKER}",
                created_at=NOW,
                updated_at=NOW,
            )
        )
        s.add(
            Survey(
                programme_id=pair.programme_id,
                kind="pulse",
                title="Pulse",
                opens_at=NOW - dt.timedelta(days=1),
                created_at=NOW,
            )
        )
        s.add(
            Concern(
                programme_id=pair.programme_id,
                match_id=pair.match_id,
                raised_by_id=hugo.person_id,
                body=f"concern {MARKER}",
                created_at=NOW - dt.timedelta(hours=2),
            )
        )
        other = make_programme(s, "Second cycle")
        for v in (zoe, yann):
            enrol(s, other, v.person_id)
        make_match(s, other, [zoe.person_id, yann.person_id], status="published")
    return {"camille": camille, "hugo": hugo, "coord": coord, "zoe": zoe, "pair": pair}


def _to(server, sf, viewer):  # type: ignore[no-untyped-def]
    with sf() as s:
        address = s.get_one(Person, viewer.person_id).email
    return [m for m in server.messages if str(m["To"]) == address]


def test_each_kind_arrives_once_to_the_right_people_with_a_link(sf, world, smtp_server):
    report = outbox.run(sf, sources.collect, NOW)
    assert report.failed == 0 and report.sent == report.queued > 0
    with sf() as s:
        kinds = {(row.kind, row.person_id) for row in s.scalars(select(Notification))}
    assert len(smtp_server.raw) == len(kinds) == report.sent
    h, c = world["hugo"].person_id, world["camille"].person_id
    assert (Kind.MEETING_TOMORROW, h) in kinds and (Kind.MEETING_TOMORROW, c) in kinds
    assert (Kind.FEEDBACK_REQUEST, h) in kinds and (Kind.FEEDBACK_REQUEST, c) not in kinds
    assert (Kind.FEEDBACK_RECEIVED, c) in kinds and (Kind.FEEDBACK_RECEIVED, h) not in kinds
    assert (Kind.ACTION_DUE, h) in kinds and (Kind.ACTION_DUE, c) not in kinds
    assert (Kind.SURVEY_OPEN, h) in kinds and (Kind.SURVEY_OPEN, c) in kinds
    assert (Kind.PROPOSAL, world["zoe"].person_id) in kinds and (Kind.PROPOSAL, h) not in kinds
    coord = world["coord"].person_id
    assert (Kind.CONCERN_RAISED, coord) in kinds and (Kind.CONCERN_RAISED, h) not in kinds
    assert (Kind.COORDINATOR_WEEKLY, coord) in kinds
    for message in smtp_server.messages:
        assert "https://tandem.example.org/" in text_of(message)
        assert str(message["List-Unsubscribe"]).startswith(
            "<https://tandem.example.org/unsubscribe?token="
        )


def test_running_twice_sends_nothing_more(sf, world, smtp_server):
    first = outbox.run(sf, sources.collect, NOW)
    again = outbox.run(sf, sources.collect, NOW + dt.timedelta(minutes=10))
    assert first.sent > 0 and (again.queued, again.sent) == (0, 0)
    assert len(smtp_server.raw) == first.sent


def test_two_runs_at_once_send_each_notification_once(sf, world, smtp_server):
    errors: list[BaseException] = []

    def run() -> None:
        try:
            outbox.run(sf, sources.collect, NOW)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    with sf() as s:
        rows = s.scalars(select(Notification)).all()
    assert rows and all(r.status == outbox.SENT for r in rows)
    keys = [(str(m["To"]), str(m["Subject"])) for m in smtp_server.messages]
    assert len(smtp_server.raw) == len(rows), "a notification was sent twice"
    assert len(keys) >= len({(r.to_address, r.subject) for r in rows})


def test_the_meeting_reminder_speaks_each_readers_language_and_time_and_carries_the_ics(
    sf, world, smtp_server
):
    outbox.run(sf, sources.collect, NOW)
    meeting = [
        m for m in smtp_server.messages if "ics" in str([p.get_filename() for p in m.walk()])
    ]
    assert len({str(m["To"]) for m in meeting}) == 2
    french = [m for m in meeting if "réunion" in str(m["Subject"]).lower()]
    english = [m for m in meeting if "meeting" in str(m["Subject"]).lower()]
    assert len(french) == 1 and len(english) == 1, [str(m["Subject"]) for m in meeting]
    # 09:00 UTC + 20 h = 05:00 UTC: 06:00 in Paris, 00:00 in New York.
    assert "6:00" in text_of(french[0]) and "Paris" in text_of(french[0])
    assert "0:00" in text_of(english[0]) and "New York" in text_of(english[0])
    ics = next(p for p in english[0].walk() if p.get_filename() == "meeting.ics")
    calendar = Calendar.from_ical(ics.get_payload(decode=True))
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart") == (NOW + dt.timedelta(hours=20)).replace(tzinfo=dt.UTC)


def test_no_private_text_ever_reaches_a_message_or_the_outbox(sf, world, smtp_server):
    outbox.run(sf, sources.collect, NOW)
    assert smtp_server.raw
    for raw in smtp_server.raw:
        assert MARKER.encode() not in raw
    with sf() as s:
        for row in s.scalars(select(Notification)):
            assert MARKER not in f"{row.subject} {row.body}"


def test_a_daily_choice_gathers_the_day_in_one_digest_after_seven(sf, world, smtp_server):
    hugo = world["hugo"]
    prefs.save_preferences(sf, hugo, {k: Delivery.DAILY for k in prefs.kinds_for(hugo)})
    early = dt.datetime(2026, 12, 7, 6, 0)
    report = outbox.run(sf, sources.collect, early)
    assert report.queued > 0
    assert not _to(smtp_server, sf, hugo)
    outbox.run(sf, sources.collect, dt.datetime(2026, 12, 7, 7, 5))
    digests = _to(smtp_server, sf, hugo)
    assert len(digests) == 1
    text = text_of(digests[0])
    assert "Tandem: your feedback is asked for" in text and "an action item is due" in text
    assert "daily summary" in str(digests[0]["Subject"])


def test_never_means_nothing_is_sent_and_the_row_says_so(sf, world, smtp_server):
    hugo = world["hugo"]
    prefs.save_preferences(sf, hugo, {Kind.ACTION_DUE: Delivery.NEVER})
    outbox.run(sf, sources.collect, NOW)
    assert not [m for m in _to(smtp_server, sf, hugo) if "action item" in str(m["Subject"])]
    with sf() as s:
        row = s.scalar(select(Notification).where(Notification.kind == Kind.ACTION_DUE))
    assert row is not None and row.status == outbox.SKIPPED and row.body == ""


def test_smtp_down_retries_later_with_back_off_then_sends(sf, world, smtp_server):
    smtp_server.stop()
    report = outbox.run(sf, sources.collect, NOW)
    assert report.sent == 0 and report.retried == report.queued > 0 and report.failed == 0
    with sf() as s:
        rows = s.scalars(select(Notification)).all()
    assert {r.status for r in rows} == {outbox.PENDING}
    assert all(r.attempts == 1 and r.next_attempt_at == NOW + dt.timedelta(minutes=5) for r in rows)
    smtp_server.start()
    soon = outbox.run(sf, None, NOW + dt.timedelta(minutes=1))
    assert soon.sent == 0  # not before its time
    later = outbox.run(sf, None, NOW + dt.timedelta(minutes=6))
    assert later.sent == len(rows) and len(smtp_server.raw) == len(rows)


def test_a_permanent_refusal_is_recorded_and_not_tried_again(sf, world, smtp_server):
    smtp_server.refuse("550 5.1.1 No such mailbox")
    report = outbox.run(sf, sources.collect, NOW)
    assert report.failed == report.queued > 0 and report.sent == 0
    with sf() as s:
        rows = s.scalars(select(Notification)).all()
    assert all(r.status == outbox.FAILED and r.last_error.startswith("550") for r in rows)
    smtp_server.refuse("250 OK")
    assert outbox.run(sf, None, NOW + dt.timedelta(days=1)).sent == 0


def test_a_temporary_refusal_is_retried(sf, world, smtp_server):
    smtp_server.refuse("451 4.3.0 Try again later")
    report = outbox.run(sf, sources.collect, NOW)
    assert report.retried == report.queued > 0
    smtp_server.refuse("250 OK")
    assert outbox.run(sf, None, NOW + dt.timedelta(hours=1)).sent == report.queued


def test_without_smtp_settings_notifications_wait_in_the_outbox(sf, world, monkeypatch):
    monkeypatch.delenv("TANDEM_SMTP_HOST", raising=False)
    report = outbox.run(sf, sources.collect, NOW)
    assert report.waiting_for_smtp and report.queued > 0 and report.sent == 0


def test_the_unsubscribe_link_turns_that_kind_off_without_signing_in(sf, world, smtp_server):
    outbox.run(sf, sources.collect, NOW)
    hugo = world["hugo"]
    token = prefs.unsubscribe_token(hugo.person_id, Kind.FEEDBACK_REQUEST)
    shown = prefs.read_unsubscribe(token)
    assert shown.kind == Kind.FEEDBACK_REQUEST and shown.person_id == hugo.person_id
    prefs.unsubscribe(sf, token)
    prefs.unsubscribe(sf, token)  # twice: still fine
    assert prefs.my_preferences(sf, hugo)[Kind.FEEDBACK_REQUEST] == Delivery.NEVER
    assert prefs.my_preferences(sf, hugo)[Kind.ACTION_DUE] == Delivery.IMMEDIATELY


@pytest.mark.parametrize(
    "forge",
    [
        lambda tok: tok.replace(tok.split(".")[0], str(int(tok.split(".")[0]) + 1), 1),
        lambda tok: tok.replace("feedback_request", "action_due"),
        lambda tok: tok[:-2] + ("AA" if not tok.endswith("AA") else "BB"),
        lambda tok: "",
        lambda tok: "1.proposal",
        lambda tok: "x.y.z",
    ],
)
def test_a_forged_or_altered_unsubscribe_link_changes_nothing(sf, world, forge):
    hugo = world["hugo"]
    token = prefs.unsubscribe_token(hugo.person_id, Kind.FEEDBACK_REQUEST)
    with pytest.raises(InvalidInput, match="not valid"):
        prefs.unsubscribe(sf, forge(token))
    assert set(prefs.my_preferences(sf, hugo).values()) == {Delivery.IMMEDIATELY}


def test_a_participant_cannot_choose_the_coordinators_kinds_or_an_unknown_delivery(sf, world):
    hugo = world["hugo"]
    assert Kind.COORDINATOR_WEEKLY not in prefs.kinds_for(hugo)
    assert Kind.COORDINATOR_WEEKLY in prefs.kinds_for(world["coord"])
    with pytest.raises(InvalidInput):
        prefs.save_preferences(sf, hugo, {Kind.COORDINATOR_WEEKLY: Delivery.NEVER})
    with pytest.raises(InvalidInput):
        prefs.save_preferences(sf, hugo, {Kind.ACTION_DUE: "hourly"})
    with pytest.raises(InvalidInput):
        prefs.save_preferences(sf, hugo, {"<script>": Delivery.NEVER})
    assert set(prefs.my_preferences(sf, hugo).values()) == {Delivery.IMMEDIATELY}


def test_a_deactivated_person_receives_nothing(sf, world, smtp_server):
    with sf.begin() as s:
        s.get_one(Person, world["hugo"].person_id).is_active = False
    outbox.run(sf, sources.collect, NOW)
    assert not _to(smtp_server, sf, world["hugo"])
    assert smtp_server.raw


def test_the_back_off_doubles_up_to_twelve_hours():
    assert [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3)] == [5, 10, 20]
    assert outbox.backoff(30) == dt.timedelta(hours=12)


def test_erasing_a_person_forgets_their_notifications_and_choices_and_their_name_waiting_elsewhere(
    sf, world, monkeypatch
):
    from core.privacy.erase import forget

    monkeypatch.delenv("TANDEM_SMTP_HOST", raising=False)  # everything stays pending
    camille, hugo = world["camille"], world["hugo"]
    prefs.save_preferences(sf, camille, {Kind.ACTION_DUE: Delivery.DAILY})
    outbox.run(sf, sources.collect, NOW)
    with sf() as s:
        asked = s.scalar(
            select(Notification).where(
                Notification.kind == Kind.FEEDBACK_REQUEST,
                Notification.person_id == hugo.person_id,
            )
        )
    assert asked is not None and "Camille" in asked.body  # Camille asked Hugo
    with sf.begin() as s:
        forget(s, camille.person_id, NOW)
    with sf() as s:
        left = s.scalars(select(Notification)).all()
    assert left and all(r.person_id != camille.person_id for r in left)
    assert all("Camille" not in r.body for r in left)
    assert prefs.my_preferences(sf, camille)[Kind.ACTION_DUE] == Delivery.IMMEDIATELY


def test_invitations_are_e_mailed_in_each_persons_language_with_a_link_that_works(sf, smtp_server):
    from core.accounts import invitations
    from core.notify.invitations import email_invitations
    from tests.builders import make_person

    clock.set_now(NOW)
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        ana = make_person(s, "Ana", email="ana@example.org", language="fr")
        ben = make_person(s, "Ben", email="ben@example.org")
        ids = [ana.id, ben.id]
    issued = email_invitations(sf, coord, ids)
    assert len(issued) == 2
    assert outbox.run(sf, None, NOW).sent == 2
    by_to = {str(m["To"]): m for m in smtp_server.messages}
    assert "invité" in str(by_to["ana@example.org"]["Subject"])
    assert "invited" in str(by_to["ben@example.org"]["Subject"])
    link = next(i.link for i in issued if i.person_id == ben.id)
    assert link in text_of(by_to["ben@example.org"])
    info = invitations.check_invitation(sf, invitations.token_from(link))
    assert info.name == "Ben"
    with sf() as s:  # the link left with the e-mail: the outbox keeps no body
        assert all(r.body == "" for r in s.scalars(select(Notification)))


def test_inviting_by_e_mail_without_smtp_is_refused_and_makes_no_link(sf, monkeypatch):
    from core.notify.invitations import email_invitations
    from db.models import Invitation
    from tests.builders import make_person

    monkeypatch.delenv("TANDEM_SMTP_HOST", raising=False)
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        ana = make_person(s, "Ana", email="ana@example.org")
    with pytest.raises(InvalidInput, match="not set up"):
        email_invitations(sf, coord, [ana.id])
    with sf() as s:
        assert s.scalars(select(Invitation)).all() == []
