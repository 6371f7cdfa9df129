"""Demo feedback: camille and hugo exchanged feedback; other pairs show some activity.

camille asked hugo about her all-hands presentation (answered, acknowledged,
rated 5/5); hugo asked camille about his sprint demo (answered in SBI form,
rated 4/5); camille's request about a negotiation waits for hugo's answer; and
camille sent hugo kudos he has not acknowledged yet — so hugo's Home shows both.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Feedback, FeedbackRequest, Match
from demo.context import DemoContext


def _request(
    s: Session,
    ctx: DemoContext,
    requester: int,
    giver: int,
    match_id: int,
    topic: str,
    context: str,
    days_ago: int,
    wished_in_days: int,
    status: str,
) -> FeedbackRequest:
    r = FeedbackRequest(
        match_id=match_id,
        requester_id=requester,
        giver_id=giver,
        topic=topic,
        context=context,
        wished_by=(ctx.now - dt.timedelta(days=days_ago - wished_in_days)).date(),
        status=status,
        created_at=ctx.now - dt.timedelta(days=days_ago),
    )
    s.add(r)
    s.flush()
    return r


def seed_feedback(ctx: DemoContext) -> None:
    s = ctx.s
    camille, hugo, pair = ctx.camille.id, ctx.hugo.id, ctx.pair.id
    day = dt.timedelta(days=1)

    asked = _request(
        s,
        ctx,
        camille,
        hugo,
        pair,
        "My presentation at the marketing all-hands",
        "First time I presented our campaign results to 80 people. "
        "Was the story clear? Did I rush the numbers?",
        days_ago=14,
        wished_in_days=5,
        status="answered",
    )
    s.add(
        Feedback(
            request_id=asked.id,
            match_id=pair,
            giver_id=hugo,
            recipient_id=camille,
            kind="structured",
            worked="You opened with the customer story, so everyone knew why the numbers mattered. "
            "Your pace on the first half was calm and easy to follow.",
            improve="On the results slide you read the figures aloud one by one; "
            "people lost track after the third.",
            suggestion="Next time, keep one number per slide and say what it means "
            "before showing it.",
            created_at=ctx.now - 10 * day,
            acknowledged_at=ctx.now - 9 * day,
            usefulness=5,
        )
    )

    demo = _request(
        s,
        ctx,
        hugo,
        camille,
        pair,
        "My sprint demo to the sales team",
        "I want sales to understand what the new export does for their clients.",
        days_ago=9,
        wished_in_days=4,
        status="answered",
    )
    s.add(
        Feedback(
            request_id=demo.id,
            match_id=pair,
            giver_id=camille,
            recipient_id=hugo,
            kind="sbi",
            situation="Tuesday's sprint demo, when a sales rep asked how clients would use it.",
            behaviour="You answered with a live example on a real client file instead of the slide.",
            impact="The room got it at once: two reps asked for the feature the same afternoon.",
            created_at=ctx.now - 6 * day,
            acknowledged_at=ctx.now - 5 * day,
            usefulness=4,
        )
    )

    _request(
        s,
        ctx,
        camille,
        hugo,
        pair,
        "The budget negotiation with our agency",
        "We meet the agency on Thursday; I will try the approach we discussed. "
        "Could you tell me afterwards how firm I sounded when they pushed back?",
        days_ago=2,
        wished_in_days=7,
        status="open",
    )

    s.add(
        Feedback(
            match_id=pair,
            giver_id=camille,
            recipient_id=hugo,
            kind="kudos",
            worked="Thanks for walking me through that SQL query step by step — "
            "I ran the next one on my own this morning!",
            created_at=ctx.now - 1 * day,
        )
    )

    # A little activity in other pairs, so the coordinator's counts are not empty.
    others = s.scalars(
        select(Match).where(Match.programme_id == ctx.programme.id, Match.id != pair)
    ).all()
    topics = (
        "A difficult conversation with a supplier",
        "My first team meeting as a lead",
        "The quarterly forecast review",
        "A pitch to a new client",
    )
    for i, match in enumerate(others[:6]):
        a, b = (mm.person_id for mm in match.members[:2])
        answered = i % 3 != 2
        r = _request(
            s,
            ctx,
            a,
            b,
            match.id,
            topics[i % len(topics)],
            "",
            days_ago=8 + i,
            wished_in_days=5,
            status="answered" if answered else "open",
        )
        if answered:
            s.add(
                Feedback(
                    request_id=r.id,
                    match_id=match.id,
                    giver_id=b,
                    recipient_id=a,
                    kind="structured",
                    worked="Clear structure and good questions.",
                    improve="Leave more silence after a question.",
                    suggestion="Count to five before speaking again.",
                    created_at=ctx.now - (6 + i) * day,
                    acknowledged_at=ctx.now - (5 + i) * day if i % 2 == 0 else None,
                    usefulness=4 if i % 2 == 0 else None,
                )
            )
    s.flush()
