"""Demo: camille and hugo's agreement, meetings and resources; meetings of other pairs
(some on track, some needing a check-in); concerns for the coordinator.

Runs first among the capability seeders, so later ones (the journal's) find these
meetings. Deterministic: no use of ``ctx.rng``, which the other seeders share.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Agreement, AgreementMember, Concern, Match, Meeting, Resource
from demo.company import DemoContext

CAMILLE_WANTS = (
    "Become confident presenting to the leadership team. "
    "Read our sales data on my own instead of waiting for the analysts."
)
HUGO_WANTS = (
    "Give clearer, kinder feedback to the two juniors I work with. "
    "Rehearse my talk for the engineering all-hands."
)


def _at(day: dt.datetime, hour: int = 9) -> dt.datetime:
    """A round meeting time (UTC) on ``day``'s date."""
    return dt.datetime.combine(day.date(), dt.time(hour, 0))


def _meeting(
    s: Session,
    match: Match,
    when: dt.datetime,
    status: str,
    *,
    kind: str = "regular",
    agenda: str = "",
    notes: str = "",
    by: int | None = None,
    place: str = "",
    minutes: int = 60,
    now: dt.datetime | None = None,
) -> Meeting:
    created = min(when, now or when) - dt.timedelta(days=1)
    meeting = Meeting(
        match_id=match.id,
        scheduled_at=when,
        duration_minutes=minutes,
        kind=kind,
        status=status,
        place=place,
        agenda=agenda,
        notes=notes,
        created_by_id=by if by is not None else match.members[0].person_id,
        created_at=created,
        updated_at=max(created, min(when, now or when)),
    )
    s.add(meeting)
    return meeting


def seed_meetings(s: Session, ctx: DemoContext) -> None:
    _seed_pair(s, ctx)
    _seed_other_pairs(s, ctx)
    s.flush()


def _seed_pair(s: Session, ctx: DemoContext) -> None:
    pair, camille, hugo, now = ctx.pair, ctx.camille.id, ctx.hugo.id, ctx.now
    started = pair.started_at or now - dt.timedelta(days=24)
    agreement = Agreement(
        match_id=pair.id,
        cadence_days=14,
        meeting_format="video",
        length_minutes=60,
        updated_at=started + dt.timedelta(days=1),
    )
    s.add(agreement)
    s.flush()
    s.add_all(
        [
            AgreementMember(
                agreement_id=agreement.id,
                person_id=camille,
                expectations=CAMILLE_WANTS,
                confirmed_at=started + dt.timedelta(days=1, hours=2),
            ),
            AgreementMember(
                agreement_id=agreement.id,
                person_id=hugo,
                expectations=HUGO_WANTS,
                confirmed_at=started + dt.timedelta(days=2),
            ),
        ]
    )
    day = lambda n: started + dt.timedelta(days=n)  # noqa: E731 - short and local
    _meeting(
        s,
        pair,
        _at(day(3)),
        "held",
        agenda="Get to know each other. What we each want from these months. How we will meet.",
        notes=(
            "Every two weeks, Tuesday morning, video.\n"
            "Camille: presenting to leadership; reading sales data.\n"
            "Hugo: feedback to his juniors; the all-hands talk."
        ),
        by=camille,
    )
    _meeting(
        s,
        pair,
        _at(day(10)),
        "held",
        kind="rehearsal",
        agenda="Hugo rehearses his all-hands talk (10 minutes). Camille times it and notes questions.",
        notes=(
            "The talk ran 13 minutes: drop the architecture slide.\n"
            "Open with the customer story, end with one clear ask."
        ),
        by=hugo,
    )
    _meeting(
        s,
        pair,
        _at(day(15)),
        "cancelled",
        agenda="SQL basics: joins, with our own sales dashboard.",
        by=camille,
    )
    _meeting(
        s,
        pair,
        _at(day(18)),
        "held",
        agenda="SQL basics: joins, with our own sales dashboard.",
        notes=(
            "Camille wrote her first join on the orders table.\n"
            "Next time: group by region, then a chart."
        ),
        by=camille,
    )
    _meeting(
        s,
        pair,
        _at(now + dt.timedelta(days=4)),
        "planned",
        kind="feedback_review",
        agenda=(
            "Go over the feedback Hugo gave on Camille's team presentation.\n"
            "Plan the slides for the leadership review."
        ),
        by=hugo,
        place="Video call",
        now=now,
    )
    s.add_all(
        [
            Resource(
                match_id=pair.id,
                added_by_id=hugo,
                kind="book",
                title="Radical Candor — Kim Scott",
                note="Chapter 2 on feedback that is both kind and clear helped me prepare my 1:1s.",
                created_at=day(11),
            ),
            Resource(
                match_id=pair.id,
                added_by_id=camille,
                kind="talk",
                title="The secret structure of great talks — Nancy Duarte",
                url="https://www.ted.com/talks/nancy_duarte_the_secret_structure_of_great_talks",
                note="For your all-hands: contrast what is with what could be.",
                created_at=day(12),
            ),
            Resource(
                match_id=pair.id,
                added_by_id=hugo,
                kind="link",
                title="SQL tutorial for data analysis",
                url="https://mode.com/sql-tutorial/",
                note="Start with the basic section, then joins.",
                created_at=day(19),
            ),
        ]
    )


def _seed_other_pairs(s: Session, ctx: DemoContext) -> None:
    """Meetings for the other active pairs, by a fixed pattern (no shared randomness)."""
    now = ctx.now
    pairs = s.scalars(
        select(Match)
        .where(
            Match.programme_id == ctx.programme.id,
            Match.status == "active",
            Match.id != ctx.pair.id,
        )
        .order_by(Match.id)
    ).all()
    for i, match in enumerate(pairs):
        started = match.started_at or now
        pattern = i % 4
        if pattern in (0, 3):  # on track: held every two weeks, the next one planned
            when = started + dt.timedelta(days=3 + pattern)
            while when < now - dt.timedelta(days=1):
                _meeting(s, match, _at(when, 8 + pattern), "held")
                when += dt.timedelta(days=14)
            nxt = max(when, now + dt.timedelta(days=2))
            _meeting(s, match, _at(nxt, 8 + pattern), "planned", now=now)
        elif pattern == 2:  # two in a row not held: needs a check-in
            steps = [(3, "held"), (9, "cancelled"), (12, "missed")]
            for offset, status in steps:
                when = started + dt.timedelta(days=offset)
                if when < now - dt.timedelta(hours=2):
                    _meeting(s, match, _at(when, 13), status)
        # pattern 1: no meeting at all (too early to tell, or a check-in after 14 days)

    # What participants told the coordinator (only the words they chose to send).
    if len(pairs) > 5:
        worried = pairs[1].members[0].person_id
        s.add(
            Concern(
                programme_id=ctx.programme.id,
                match_id=pairs[1].id,
                raised_by_id=worried,
                kind="concern",
                body=(
                    "My peer told their team about something I shared in confidence. "
                    "I would like to talk about it before our next meeting."
                ),
                status="open",
                created_at=now - dt.timedelta(days=2, hours=3),
            )
        )
        asked = pairs[5].members[1].person_id
        s.add(
            Concern(
                programme_id=ctx.programme.id,
                match_id=pairs[5].id,
                raised_by_id=asked,
                kind="concern",
                body="We cannot find a common slot: could the programme allow lunchtime meetings?",
                status="handled",
                created_at=now - dt.timedelta(days=9),
                handled_at=now - dt.timedelta(days=8),
            )
        )
