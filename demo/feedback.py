"""Demo feedback: camille and hugo exchanged feedback; other pairs show some activity.

camille asked hugo about her all-hands presentation (answered, acknowledged,
rated 5/5); hugo asked camille about his sprint demo (answered in SBI form,
rated 4/5); camille's request about a negotiation waits for hugo's answer; and
camille sent hugo kudos he has not acknowledged yet — so hugo's Home shows both.
"""

from __future__ import annotations

import datetime as dt

from core.growth import feedback
from demo.context import DemoContext

DAY = dt.timedelta(days=1)


def _ask(
    ctx: DemoContext,
    requester: int,
    giver: int,
    topic: str,
    context: str,
    days_ago: int,
    wished_in_days: int,
) -> int:
    """``requester`` asks ``giver`` for feedback ``days_ago`` days ago; returns the request's id."""
    ctx.ago(days_ago)
    wished = (ctx.now - dt.timedelta(days=days_ago - wished_in_days)).date()
    return feedback.ask_feedback(ctx.sf, ctx.as_(requester), giver, topic, context, wished).id


def _answer(
    ctx: DemoContext,
    giver: int,
    request_id: int,
    kind: str,
    days_ago: int,
    **values: str,
) -> int:
    """``giver`` answers the request ``days_ago`` days ago; returns the feedback's id."""
    ctx.ago(days_ago)
    return feedback.answer_request(ctx.sf, ctx.as_(giver), request_id, kind, **values).id


def _acknowledge(
    ctx: DemoContext, recipient: int, feedback_id: int, days_ago: int, usefulness: int
) -> None:
    ctx.ago(days_ago)
    feedback.acknowledge(ctx.sf, ctx.as_(recipient), feedback_id, usefulness)


def seed_feedback(ctx: DemoContext) -> None:
    """camille and hugo's feedback, and some in six other pairs."""
    camille, hugo = ctx.camille.id, ctx.hugo.id

    asked = _ask(
        ctx,
        camille,
        hugo,
        "My presentation at the marketing all-hands",
        "First time I presented our campaign results to 80 people. "
        "Was the story clear? Did I rush the numbers?",
        days_ago=14,
        wished_in_days=5,
    )
    given = _answer(
        ctx,
        hugo,
        asked,
        feedback.STRUCTURED,
        days_ago=10,
        worked="You opened with the customer story, so everyone knew why the numbers mattered. "
        "Your pace on the first half was calm and easy to follow.",
        improve="On the results slide you read the figures aloud one by one; "
        "people lost track after the third.",
        suggestion="Next time, keep one number per slide and say what it means before showing it.",
    )
    _acknowledge(ctx, camille, given, days_ago=9, usefulness=5)

    demo = _ask(
        ctx,
        hugo,
        camille,
        "My sprint demo to the sales team",
        "I want sales to understand what the new export does for their clients.",
        days_ago=9,
        wished_in_days=4,
    )
    given = _answer(
        ctx,
        camille,
        demo,
        feedback.SBI,
        days_ago=6,
        situation="Tuesday's sprint demo, when a sales rep asked how clients would use it.",
        behaviour="You answered with a live example on a real client file instead of the slide.",
        impact="The room got it at once: two reps asked for the feature the same afternoon.",
    )
    _acknowledge(ctx, hugo, given, days_ago=5, usefulness=4)

    _ask(
        ctx,
        camille,
        hugo,
        "The budget negotiation with our agency",
        "We meet the agency on Thursday; I will try the approach we discussed. "
        "Could you tell me afterwards how firm I sounded when they pushed back?",
        days_ago=2,
        wished_in_days=7,
    )

    ctx.ago(1)
    feedback.give_feedback(
        ctx.sf,
        ctx.as_(camille),
        hugo,
        feedback.KUDOS,
        worked="Thanks for walking me through that SQL query step by step — "
        "I ran the next one on my own this morning!",
    )

    # A little activity in other pairs, so the coordinator's counts are not empty.
    others = ctx.other_pairs()
    topics = (
        "A difficult conversation with a supplier",
        "My first team meeting as a lead",
        "The quarterly forecast review",
        "A pitch to a new client",
    )
    for i, match in enumerate(others[:6]):
        a, b = (mm.person_id for mm in match.members[:2])
        request = _ask(ctx, a, b, topics[i % len(topics)], "", days_ago=8 + i, wished_in_days=5)
        if i % 3 == 2:
            continue  # still open
        given = _answer(
            ctx,
            b,
            request,
            feedback.STRUCTURED,
            days_ago=6 + i,
            worked="Clear structure and good questions.",
            improve="Leave more silence after a question.",
            suggestion="Count to five before speaking again.",
        )
        if i % 2 == 0:
            _acknowledge(ctx, a, given, days_ago=5 + i, usefulness=4)
