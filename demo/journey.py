"""Demo goals, reflection journal and action items for camille and hugo (and a few others).

Camille and Hugo each have goals with steps (some done, one shared each), journal
entries after their meetings (some shared, some private, one draft) and action
items (open and done). A few other pairs get private goals and entries, so the
coordinator's counts have something to count. Uses its own random generator, so
the other seeders' data do not shift when this one changes.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ActionItem, Goal, GoalComment, GoalStep, JournalEntry, Match, Meeting
from demo.context import DemoContext


def _meetings(s: Session, ctx: DemoContext) -> list[Meeting]:
    """The pair's held meetings, oldest first; three of them if nobody seeded any."""
    now = ctx.now
    existing = list(
        s.scalars(
            select(Meeting)
            .where(
                Meeting.match_id == ctx.pair.id,
                Meeting.scheduled_at <= now,
                Meeting.status == "held",
            )
            .order_by(Meeting.scheduled_at)
        )
    )
    if existing:
        return existing
    made = []
    for days, agenda in (
        (21, "Getting to know each other; what we each want from the pairing."),
        (9, "Camille's quarterly review deck; Hugo's code-review feedback."),
        (2, "Rehearsal of the first five minutes of the review."),
    ):
        when = (now - dt.timedelta(days=days)).replace(hour=9, minute=30, second=0, microsecond=0)
        meeting = Meeting(
            match_id=ctx.pair.id,
            scheduled_at=when,
            duration_minutes=60,
            kind="rehearsal" if days == 2 else "regular",
            status="held",
            place="Video call",
            agenda=agenda,
            created_by_id=ctx.camille.id,
            created_at=when - dt.timedelta(days=7),
            updated_at=when,
        )
        s.add(meeting)
        made.append(meeting)
    s.flush()
    return made


def _goal(
    s: Session,
    ctx: DemoContext,
    owner_id: int,
    match_id: int | None,
    title: str,
    *,
    category: str,
    outcome: str,
    target_days: int,
    steps: list[tuple[str, int | None, bool]] | None = None,
    shared: bool = False,
    status: str = "active",
    manual: int | None = None,
    age_days: int = 20,
) -> Goal:
    now = ctx.now
    created = now - dt.timedelta(days=age_days)
    goal = Goal(
        owner_id=owner_id,
        programme_id=ctx.programme.id,
        match_id=match_id,
        title=title,
        outcome=outcome,
        category=category,
        target_date=now.date() + dt.timedelta(days=target_days),
        status=status,
        visibility="shared" if shared else "private",
        manual_progress=manual,
        created_at=created,
        updated_at=created,
        achieved_at=now - dt.timedelta(days=2) if status == "achieved" else None,
        steps=[
            GoalStep(
                position=i,
                title=step,
                due_date=now.date() + dt.timedelta(days=due) if due is not None else None,
                done_at=now - dt.timedelta(days=max(1, age_days - 3 * (i + 1))) if done else None,
            )
            for i, (step, due, done) in enumerate(steps or [])
        ],
    )
    s.add(goal)
    return goal


def _entry(
    s: Session,
    author_id: int,
    match_id: int,
    meeting: Meeting | None,
    at: dt.datetime,
    *,
    status: str = "final",
    shared: bool = False,
    usefulness: int | None = None,
    wellbeing: int | None = None,
    **answers: str,
) -> JournalEntry:
    entry = JournalEntry(
        author_id=author_id,
        match_id=match_id,
        meeting_id=meeting.id if meeting else None,
        status=status,
        shared=shared,
        usefulness=usefulness,
        wellbeing=wellbeing,
        created_at=at,
        updated_at=at,
        **answers,
    )
    s.add(entry)
    s.flush()
    return entry


def _action(
    s: Session,
    ctx: DemoContext,
    entry: JournalEntry,
    owner_id: int,
    title: str,
    due_days: int | None,
    done: bool = False,
) -> None:
    s.add(
        ActionItem(
            match_id=entry.match_id,
            journal_entry_id=entry.id,
            meeting_id=entry.meeting_id,
            owner_id=owner_id,
            created_by_id=entry.author_id,
            title=title,
            due_date=ctx.now.date() + dt.timedelta(days=due_days) if due_days is not None else None,
            done_at=entry.created_at + dt.timedelta(days=2) if done else None,
            created_at=entry.created_at,
        )
    )


def _camille_and_hugo(s: Session, ctx: DemoContext) -> None:
    camille, hugo, pair = ctx.camille.id, ctx.hugo.id, ctx.pair.id
    recent: list[Meeting | None] = list(_meetings(s, ctx)[-3:])
    first, second, last = (recent + [None, None, None])[:3]

    review = _goal(
        s,
        ctx,
        camille,
        pair,
        "Present our campaign results at the quarterly review",
        category="skill",
        outcome="A 10-minute talk with three charts; at least two questions from the leadership team.",
        target_days=30,
        steps=[
            ("Draft the storyline", None, True),
            ("Build three key charts with Hugo", None, True),
            ("Rehearse the talk with Hugo", 10, False),
            ("Present at the quarterly review", 30, False),
        ],
        shared=True,
    )
    _goal(
        s,
        ctx,
        camille,
        pair,
        "Write my own SQL for the weekly campaign report",
        category="skill",
        outcome="The weekly report runs from my own query, without asking the data team.",
        target_days=60,
        steps=[
            ("Finish the SQL basics course", None, True),
            ("Rewrite the report query", 21, False),
        ],
    )
    _goal(
        s,
        ctx,
        camille,
        pair,
        "Protect two focus mornings a week",
        category="wellbeing",
        outcome="No meeting before noon on Tuesdays and Thursdays, four weeks in a row.",
        target_days=28,
        manual=40,
    )
    feedback = _goal(
        s,
        ctx,
        hugo,
        pair,
        "Give clear, kind feedback in code reviews",
        category="skill",
        outcome="Two teammates say my review comments are clear and helpful.",
        target_days=45,
        steps=[
            ("Read about the situation–behaviour–impact model", None, True),
            ("Use it on three code reviews", 14, False),
            ("Ask two teammates how it landed", 30, False),
        ],
        shared=True,
    )
    _goal(
        s,
        ctx,
        hugo,
        pair,
        "Speak at the engineering all-hands",
        category="career",
        outcome="A 5-minute lightning talk on our test pipeline.",
        target_days=75,
        steps=[("Pick a topic", None, True), ("Outline the talk with Camille", 12, False)],
    )
    _goal(
        s,
        ctx,
        hugo,
        pair,
        "Onboard the new intern",
        category="project",
        outcome="The intern ships a first change in their second week.",
        target_days=5,
        steps=[("Prepare a starter task", None, True), ("Pair on the first change", None, True)],
        status="achieved",
        age_days=30,
    )
    s.flush()
    s.add_all(
        [
            GoalComment(
                goal_id=review.id,
                author_id=hugo,
                body="Your storyline is much clearer now. Keep the three-charts rule!",
                created_at=ctx.now - dt.timedelta(days=8),
            ),
            GoalComment(
                goal_id=feedback.id,
                author_id=camille,
                body="Try starting with what worked: it made your last comment land well.",
                created_at=ctx.now - dt.timedelta(days=6),
            ),
        ]
    )

    def after(meeting: Meeting | None, hours: int) -> dt.datetime:
        base = meeting.scheduled_at if meeting else ctx.now - dt.timedelta(days=3)
        return base + dt.timedelta(hours=hours)

    shared = _entry(
        s,
        camille,
        pair,
        first,
        after(first, 2),
        shared=True,
        usefulness=5,
        wellbeing=4,
        discussed="What we each want from the pairing; my quarterly review talk.",
        went_well="Hugo asked good questions about my audience before giving advice.",
        learned="Start from the decision the audience has to make, not from the data.",
        next_step="Draft the storyline and send it to Hugo.",
    )
    _action(s, ctx, shared, camille, "Send Hugo the draft storyline", None, done=True)
    private = _entry(
        s,
        camille,
        pair,
        second,
        after(second, 3),
        usefulness=4,
        wellbeing=3,
        discussed="The budget slide of my review deck.",
        situation="My manager challenged the budget figures in front of the team last week.",
        handling="I said I would check and came back the next day with the numbers.",
        reaction="I felt nervous and a bit embarrassed; I rushed my answer.",
        went_less_well="I did not ask what exactly worried my manager.",
        differently="Ask one clarifying question before answering.",
        learned="A pause and a question buy time and show I listen.",
        next_step="Rehearse the opening two minutes with Hugo.",
    )
    _action(s, ctx, private, camille, "Rehearse the opening two minutes", 5)
    _action(s, ctx, private, hugo, "Share the SQL course link with Camille", 3)
    _entry(
        s,
        camille,
        pair,
        last,
        after(last, 1),
        status="draft",
        discussed="Rehearsal of the first five minutes.",
        went_well="The opening story worked.",
    )
    hugo_shared = _entry(
        s,
        hugo,
        pair,
        first,
        after(first, 5),
        shared=True,
        usefulness=4,
        discussed="Feedback in code reviews; Camille's talk.",
        learned="Describing the impact of a change is kinder than judging the code.",
        next_step="Try situation–behaviour–impact on my next three reviews.",
    )
    _action(s, ctx, hugo_shared, hugo, "Try situation–behaviour–impact on three reviews", 7)
    _action(s, ctx, hugo_shared, camille, "Book a room for the rehearsal", 2)
    _entry(
        s,
        hugo,
        pair,
        second,
        after(second, 4),
        usefulness=4,
        wellbeing=2,
        discussed="My all-hands talk idea.",
        reaction="I doubt anyone cares about our test pipeline.",
        learned="Camille thinks the story of the flaky test is the hook.",
    )


def _others(s: Session, ctx: DemoContext) -> None:
    """Private goals and entries for the other pairs, so the counts are not empty."""
    rng = random.Random(4)  # our own generator: other seeders' data do not shift
    others = {p.id for p in ctx.participants}
    matches = [
        m
        for m in s.scalars(select(Match).where(Match.programme_id == ctx.programme.id))
        if m.id != ctx.pair.id and m.status == "active"
    ]
    titles = [
        ("Run a meeting that ends on time", "skill"),
        ("Prepare for a team-lead role", "career"),
        ("Automate the monthly close checklist", "project"),
        ("Take a proper lunch break every day", "wellbeing"),
        ("Negotiate the next vendor contract", "skill"),
    ]
    for match in matches:
        for member in match.members:
            if member.person_id not in others:
                continue
            for title, category in rng.sample(titles, rng.randint(1, 2)):
                done = rng.randint(0, 3)
                _goal(
                    s,
                    ctx,
                    member.person_id,
                    match.id,
                    title,
                    category=category,
                    outcome="",
                    target_days=rng.randint(20, 90),
                    steps=[(f"Step {i + 1}", None, i < done) for i in range(3)],
                    status="achieved" if done == 3 and rng.random() < 0.5 else "active",
                    shared=rng.random() < 0.3,
                )
            for _ in range(rng.randint(0, 3)):
                _entry(
                    s,
                    member.person_id,
                    match.id,
                    None,
                    ctx.now - dt.timedelta(days=rng.randint(1, 20)),
                    shared=rng.random() < 0.3,
                    usefulness=rng.randint(2, 5),
                    discussed="Our last conversation.",
                    learned="Something useful.",
                )


def seed_journey(ctx: DemoContext) -> None:
    """Goals, journal entries and action items for the demo."""
    s = ctx.s
    _camille_and_hugo(s, ctx)
    _others(s, ctx)
    s.flush()
