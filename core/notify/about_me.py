"""What waits for a participant: each function yields one item per person and event.

Never private text: no goal, step or action title, no journal, feedback or request topic,
no agenda — only that something waits, when, and (for a meeting or a request) with whom.
Every query is set-based: one per kind, whatever the size of the company.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.kernel.i18n import format_date, speaking, t
from core.kernel.zones import local_time, zone_label
from core.notify.letters import letter
from core.notify.message import Attachment, Kind, Outgoing
from core.notify.recipients import addressed, outgoing, recipients
from core.people.names import names_of
from core.relationship.ics import ics_bytes
from core.relationship.meeting_rules import meeting_overdue
from core.relationship.meetings import view_of
from core.surveys.questions import RESULT_KINDS
from db.models import (
    ActionItem,
    Agreement,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    FeedbackRequest,
    Match,
    MatchMember,
    MatchStatus,
    Meeting,
    MeetingStatus,
    MemberResponse,
    Programme,
    RequestStatus,
    Survey,
    SurveyResponse,
)

MEETING_NOTICE = dt.timedelta(hours=24)  # "tomorrow": a meeting starting within 24 hours
FRESH = dt.timedelta(days=14)  # older requests, feedback and surveys are not announced


def proposals(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """A published pairing still waiting for this member's answer."""
    rows = s.execute(
        select(MatchMember.match_id, MatchMember.person_id, Programme.name)
        .join(Match, Match.id == MatchMember.match_id)
        .join(Programme, Programme.id == Match.programme_id)
        .where(
            Match.status == MatchStatus.PUBLISHED, MatchMember.response == MemberResponse.PENDING
        )
    ).all()
    for (match_id, _person_id, programme), r in addressed(s, rows):
        yield letter(r, Kind.PROPOSAL, f"match:{match_id}", programme=programme)


def meetings_tomorrow(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """A planned meeting starting within 24 hours, with its calendar file, in the reader's
    time zone; a meeting moved to another time is announced again."""
    meetings = list(
        s.scalars(
            select(Meeting)
            .join(Match, Match.id == Meeting.match_id)
            .where(
                Meeting.status == MeetingStatus.PLANNED,
                Meeting.scheduled_at > now,
                Meeting.scheduled_at <= now + MEETING_NOTICE,
                Match.status.in_((MatchStatus.ACTIVE, MatchStatus.PUBLISHED)),
            )
        )
    )
    members: dict[int, list[int]] = defaultdict(list)
    for match_id, person_id in s.execute(
        select(MatchMember.match_id, MatchMember.person_id).where(
            MatchMember.match_id.in_({m.match_id for m in meetings})
        )
    ):
        members[match_id].append(person_id)
    names = names_of(s, (p for ids in members.values() for p in ids))
    who = recipients(s, names)
    for m in meetings:
        for person_id in members[m.match_id]:
            if person_id not in who:
                continue
            r = who[person_id]
            peers = [names[p] for p in members[m.match_id] if p != person_id and p in names]
            local = local_time(m.scheduled_at, r.zone)
            with speaking(r.language):
                when = t(
                    "{date} at {time} ({zone})",
                    date=format_date(local, "full"),
                    time=f"{local.hour}:{local.minute:02d}",
                    zone=zone_label(r.zone),
                )
                yield outgoing(
                    r,
                    Kind.MEETING_TOMORROW,
                    f"meeting:{m.id}:{m.scheduled_at.isoformat()}",
                    t("Tandem: your peer-mentoring meeting tomorrow"),
                    t(
                        "Hello {name},\n\nYour meeting with {peers} is on {when}. The calendar invitation is attached; the agenda is in Tandem.",
                        name=r.name,
                        peers=", ".join(peers) or "—",
                        when=when,
                    ),
                    "my_peer",
                    (
                        Attachment(
                            "meeting.ics",
                            "text/calendar",
                            ics_bytes([view_of(m)], peers, with_place=False),
                        ),
                    ),
                )


def meetings_overdue(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """An active pair or circle with no meeting held on its rhythm (DESIGN.md's rule,
    core.relationship.meeting_rules); once for each gap since the last held meeting."""
    today = now.date()
    last_held = dict(
        s.execute(
            select(Meeting.match_id, func.max(Meeting.scheduled_at))
            .where(Meeting.status == MeetingStatus.HELD)
            .group_by(Meeting.match_id)
        )
        .tuples()
        .all()
    )
    planned = set(
        s.scalars(
            select(Meeting.match_id).where(
                Meeting.status == MeetingStatus.PLANNED, Meeting.scheduled_at > now
            )
        )
    )
    rows = s.execute(
        select(Match.id, Match.started_at, Agreement.cadence_days, Programme.cadence_days)
        .join(Programme, Programme.id == Match.programme_id)
        .outerjoin(Agreement, Agreement.match_id == Match.id)
        .where(Match.status == MatchStatus.ACTIVE, Match.started_at.is_not(None))
    ).all()
    late = {}
    for match_id, started, agreed, programme_cadence in rows:
        held = last_held.get(match_id)
        since = (held or started).date()
        cadence = int(agreed or programme_cadence or 14)
        if match_id not in planned and meeting_overdue(
            held.date() if held else None, started.date(), cadence, today
        ):
            late[match_id] = since
    members = s.execute(
        select(MatchMember.match_id, MatchMember.person_id).where(MatchMember.match_id.in_(late))
    ).all()
    for (match_id, _person_id), r in addressed(s, members):
        since = late[match_id]
        yield letter(
            r, Kind.MEETING_OVERDUE, f"match:{match_id}:since:{since.isoformat()}", date=since
        )


def feedback_requests(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """A request for my feedback, still open (asked in the last 14 days)."""
    rows = s.execute(
        select(FeedbackRequest.id, FeedbackRequest.giver_id, FeedbackRequest.requester_id).where(
            FeedbackRequest.status == RequestStatus.OPEN,
            FeedbackRequest.giver_id.is_not(None),
            FeedbackRequest.created_at >= now - FRESH,
        )
    ).all()
    names = names_of(s, (r[2] for r in rows))
    for (request_id, _giver_id, requester_id), r in addressed(s, rows):
        with speaking(r.language):
            asker = names.get(requester_id, t("A colleague"))
        yield letter(r, Kind.FEEDBACK_REQUEST, f"request:{request_id}", asker=asker)


def feedback_received(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """Feedback or kudos given to me and not acknowledged yet (given in the last 14 days)."""
    rows = s.execute(
        select(Feedback.id, Feedback.recipient_id).where(
            Feedback.acknowledged_at.is_(None), Feedback.created_at >= now - FRESH
        )
    ).all()
    for (feedback_id, _person_id), r in addressed(s, rows):
        yield letter(r, Kind.FEEDBACK_RECEIVED, f"feedback:{feedback_id}")


def actions_due(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """My action items due today or before and not done; once for each due date."""
    today = now.date()
    rows = s.execute(
        select(ActionItem.id, ActionItem.owner_id, ActionItem.due_date).where(
            ActionItem.done_at.is_(None),
            ActionItem.due_date.is_not(None),
            ActionItem.due_date <= today,
            ActionItem.due_date >= today - FRESH,
        )
    ).all()
    for (action_id, _person_id, due), r in addressed(s, rows):
        yield letter(r, Kind.ACTION_DUE, f"action:{action_id}:due:{due.isoformat()}", date=due)


def surveys_open(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """A pulse or end survey open in my programme that I have not answered (the rule of
    core.surveys.answering.open_surveys, for everybody at once)."""
    answered = select(SurveyResponse.id).where(
        SurveyResponse.survey_id == Survey.id, SurveyResponse.person_id == Enrolment.person_id
    )
    rows = s.execute(
        select(Survey.id, Survey.closes_at, Programme.name, Enrolment.person_id)
        .join(Programme, Programme.id == Survey.programme_id)
        .join(Enrolment, Enrolment.programme_id == Survey.programme_id)
        .where(
            Survey.kind.in_(RESULT_KINDS),
            Survey.opens_at <= now,
            Survey.opens_at >= now - FRESH,
            Survey.closes_at.is_(None) | (Survey.closes_at > now),
            Enrolment.status == EnrolmentStatus.ENROLLED,
            ~answered.exists(),
        )
        .order_by(Survey.id, Enrolment.person_id)
    ).all()
    for (survey_id, closes, programme, _person_id), r in addressed(s, rows, person=3):
        with speaking(r.language):
            body = (
                t(
                    "Hello {name},\n\nA survey of “{programme}” is open until {date}. Your answers help the programme.",
                    name=r.name,
                    programme=programme,
                    date=format_date(closes, "long"),
                )
                if closes
                else t(
                    "Hello {name},\n\nA survey of “{programme}” is open. Your answers help the programme.",
                    name=r.name,
                    programme=programme,
                )
            )
            yield outgoing(
                r,
                Kind.SURVEY_OPEN,
                f"survey:{survey_id}",
                t("Tandem: a short survey waits for your answers"),
                body,
                "surveys",
            )
