"""Demo: camille and hugo's agreement, meetings and resources; meetings of other pairs
(some on track, some needing a check-in); concerns for the coordinator.

Runs first among the parts, so later ones (the journal's) find these meetings.
Deterministic: no use of ``ctx.rng``, which the other parts share.
"""

from __future__ import annotations

import datetime as dt

from core.relationship import agreement, concerns, resources, schedule
from core.relationship import notes as shared_notes
from db.models import Match, MeetingStatus
from demo.context import DemoContext

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
    ctx: DemoContext,
    match: Match,
    when: dt.datetime,
    status: str,
    *,
    kind: str = "regular",
    agenda: str = "",
    notes: str = "",
    by: int | None = None,
    place: str = "",
) -> None:
    """A member plans the meeting the day before; once its time comes, it is marked."""
    member = ctx.as_(by if by is not None else match.members[0].person_id)
    ctx.at(min(when, ctx.now) - dt.timedelta(days=1))
    (planned,) = schedule.plan_meetings(
        ctx.sf, member, match.id, when, kind=kind, place=place, agenda=agenda
    )
    if status == MeetingStatus.PLANNED:
        return
    ctx.at(when)
    version = planned.version
    if notes:
        version = shared_notes.save_shared_text(
            ctx.sf, member, planned.meeting_id, agenda=agenda, notes=notes, seen_version=version
        ).version
    schedule.set_status(ctx.sf, member, planned.meeting_id, status, version)


def seed_meetings(ctx: DemoContext) -> None:
    _seed_pair(ctx)
    _seed_other_pairs(ctx)


def _seed_pair(ctx: DemoContext) -> None:
    pair, camille, hugo, now = ctx.pair, ctx.camille.id, ctx.hugo.id, ctx.now
    started = pair.started_at or now - dt.timedelta(days=24)
    day = lambda n: started + dt.timedelta(days=n)  # noqa: E731 - short and local

    # The agreement: each writes what they want from the pairing, then confirms it.
    ctx.at(day(1))
    terms = agreement.save_expectations(ctx.sf, ctx.as_(camille), pair.id, CAMILLE_WANTS)
    ctx.at(day(1) + dt.timedelta(hours=2))
    agreement.confirm_agreement(ctx.sf, ctx.as_(camille), pair.id, terms.version)
    ctx.at(day(2))
    agreement.save_expectations(ctx.sf, ctx.as_(hugo), pair.id, HUGO_WANTS)
    agreement.confirm_agreement(ctx.sf, ctx.as_(hugo), pair.id, terms.version)

    _meeting(
        ctx,
        pair,
        _at(day(3)),
        MeetingStatus.HELD,
        agenda="Get to know each other. What we each want from these months. How we will meet.",
        notes=(
            "Every two weeks, Tuesday morning, video.\n"
            "Camille: presenting to leadership; reading sales data.\n"
            "Hugo: feedback to his juniors; the all-hands talk."
        ),
        by=camille,
    )
    _meeting(
        ctx,
        pair,
        _at(day(10)),
        MeetingStatus.HELD,
        kind="rehearsal",
        agenda="Hugo rehearses his all-hands talk (10 minutes). Camille times it and notes questions.",
        notes=(
            "The talk ran 13 minutes: drop the architecture slide.\n"
            "Open with the customer story, end with one clear ask."
        ),
        by=hugo,
    )
    _meeting(
        ctx,
        pair,
        _at(day(15)),
        MeetingStatus.CANCELLED,
        agenda="SQL basics: joins, with our own sales dashboard.",
        by=camille,
    )
    _meeting(
        ctx,
        pair,
        _at(day(18)),
        MeetingStatus.HELD,
        agenda="SQL basics: joins, with our own sales dashboard.",
        notes=(
            "Camille wrote her first join on the orders table.\n"
            "Next time: group by region, then a chart."
        ),
        by=camille,
    )
    _meeting(
        ctx,
        pair,
        _at(now + dt.timedelta(days=4)),
        MeetingStatus.PLANNED,
        kind="feedback_review",
        agenda=(
            "Go over the feedback Hugo gave on Camille's team presentation.\n"
            "Plan the slides for the leadership review."
        ),
        by=hugo,
        place="Video call",
    )
    for n, by, kind, title, url, note in (
        (
            11,
            hugo,
            "book",
            "Radical Candor — Kim Scott",
            "",
            "Chapter 2 on feedback that is both kind and clear helped me prepare my 1:1s.",
        ),
        (
            12,
            camille,
            "talk",
            "The secret structure of great talks — Nancy Duarte",
            "https://www.ted.com/talks/nancy_duarte_the_secret_structure_of_great_talks",
            "For your all-hands: contrast what is with what could be.",
        ),
        (
            19,
            hugo,
            "link",
            "SQL tutorial for data analysis",
            "https://mode.com/sql-tutorial/",
            "Start with the basic section, then joins.",
        ),
    ):
        ctx.at(day(n))
        resources.add_resource(
            ctx.sf, ctx.as_(by), pair.id, kind=kind, title=title, url=url, note=note
        )


def _seed_other_pairs(ctx: DemoContext) -> None:
    """Meetings for the other active pairs, by a fixed pattern (no shared randomness)."""
    now = ctx.now
    pairs = ctx.other_pairs()
    for i, match in enumerate(pairs):
        started = match.started_at or now
        pattern = i % 4
        if pattern in (0, 3):  # on track: held every two weeks, the next one planned
            when = started + dt.timedelta(days=3 + pattern)
            while when < now - dt.timedelta(days=1):
                _meeting(ctx, match, _at(when, 8 + pattern), MeetingStatus.HELD)
                when += dt.timedelta(days=14)
            nxt = max(when, now + dt.timedelta(days=2))
            _meeting(ctx, match, _at(nxt, 8 + pattern), MeetingStatus.PLANNED)
        elif pattern == 2:  # two in a row not held: needs a check-in
            steps = [
                (3, MeetingStatus.HELD),
                (9, MeetingStatus.CANCELLED),
                (12, MeetingStatus.MISSED),
            ]
            for offset, status in steps:
                when = started + dt.timedelta(days=offset)
                if when < now - dt.timedelta(hours=2):
                    _meeting(ctx, match, _at(when, 13), status)
        # pattern 1: no meeting at all (too early to tell, or a check-in after 14 days)

    # What participants told the coordinator (only the words they chose to send).
    if len(pairs) > 5:
        ctx.at(now - dt.timedelta(days=2, hours=3))
        concerns.raise_concern(
            ctx.sf,
            ctx.as_(pairs[1].members[0].person_id),
            pairs[1].id,
            "My peer told their team about something I shared in confidence. "
            "I would like to talk about it before our next meeting.",
        )
        ctx.at(now - dt.timedelta(days=9))
        handled = concerns.raise_concern(
            ctx.sf,
            ctx.as_(pairs[5].members[1].person_id),
            pairs[5].id,
            "We cannot find a common slot: could the programme allow lunchtime meetings?",
        )
        ctx.at(now - dt.timedelta(days=8))
        concerns.mark_concern_handled(ctx.sf, ctx.coordinator, handled)
