"""Demo goals, reflection journal and action items for camille and hugo (and a few others).

Camille and Hugo each have goals with steps (some done, one shared each), journal
entries after their meetings (some shared, some private, one draft) and action
items (open and done). A few other pairs get private goals and entries, so the
coordinator's counts have something to count. Uses its own random generator, so
the other parts' data do not shift when this one changes. Each person writes through
the growth services (goals, journal, action items), at the time it happened.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from core.growth import actions, goal_steps, goals, journal
from db.models import GoalStatus, Meeting, MeetingStatus
from demo.context import DemoContext

Entry = tuple[int, int, dt.datetime]  # journal entry id, author, when written


def _held_meetings(ctx: DemoContext) -> list[Meeting]:
    """The pair's held meetings, oldest first (demo.meetings seeded them)."""
    return list(
        ctx.s.scalars(
            select(Meeting)
            .where(
                Meeting.match_id == ctx.pair.id,
                Meeting.scheduled_at <= ctx.now,
                Meeting.status == MeetingStatus.HELD,
            )
            .order_by(Meeting.scheduled_at)
        )
    )


def _goal(
    ctx: DemoContext,
    owner_id: int,
    title: str,
    *,
    category: str,
    outcome: str,
    target_days: int,
    steps: list[tuple[str, int | None, bool]] | None = None,
    shared: bool = False,
    status: str = GoalStatus.ACTIVE,
    manual: int | None = None,
    age_days: int = 20,
) -> int:
    """``owner_id`` sets the goal ``age_days`` ago, ticks its done steps every three days
    after, and marks it achieved two days ago; returns its id."""
    today, steps = ctx.now.date(), steps or []
    owner = ctx.as_(owner_id)
    ctx.ago(age_days)
    goal = goals.create_goal(
        ctx.sf,
        owner,
        title=title,
        target_date=today + dt.timedelta(days=target_days),
        category=category,
        outcome=outcome,
        manual_progress=manual,
        steps=[
            (step, today + dt.timedelta(days=due) if due is not None else None)
            for step, due, _ in steps
        ],
    )
    if shared:
        goal = goals.set_shared(ctx.sf, owner, goal.id, True)
    for i, (step, (_, _, done)) in enumerate(zip(goal.steps, steps, strict=True)):
        if done:
            ctx.ago(max(1, age_days - 3 * (i + 1)))
            goal = goal_steps.set_step_done(ctx.sf, owner, step.id, True)
    if status == GoalStatus.ACHIEVED:
        ctx.ago(2)
        goals.set_status(ctx.sf, owner, goal.id, goal.version, status)
    return goal.id


def _entry(
    ctx: DemoContext,
    author_id: int,
    meeting: Meeting | None,
    at: dt.datetime,
    *,
    draft: bool = False,
    shared: bool = False,
    **answers: str | int | None,
) -> Entry:
    """``author_id`` writes a reflection at ``at`` (a final one unless ``draft``)."""
    author = ctx.as_(author_id)
    ctx.at(at)
    values = {"meeting_id": meeting.id if meeting else None, **answers}
    if draft:
        return journal.save_draft_values(ctx.sf, author, None, values).entry_id, author_id, at
    entry = journal.finalise(ctx.sf, author, None, values)
    if shared:
        journal.set_shared(ctx.sf, author, entry.id, True)
    return entry.id, author_id, at


def _action(
    ctx: DemoContext,
    entry: Entry,
    owner_id: int,
    title: str,
    due_days: int | None,
    done: bool = False,
) -> None:
    """The entry's author notes an action item with it; done two days later if ``done``."""
    entry_id, author_id, written = entry
    ctx.at(written)
    item = actions.add_action(
        ctx.sf,
        ctx.as_(author_id),
        title=title,
        owner_id=owner_id,
        due_date=ctx.now.date() + dt.timedelta(days=due_days) if due_days is not None else None,
        journal_entry_id=entry_id,
    )
    if done:
        ctx.at(written + dt.timedelta(days=2))
        actions.set_done(ctx.sf, ctx.as_(owner_id), item.id)


def _camille_and_hugo(ctx: DemoContext) -> None:
    camille, hugo = ctx.camille.id, ctx.hugo.id
    recent: list[Meeting | None] = list(_held_meetings(ctx)[-3:])
    first, second, last = (recent + [None, None, None])[:3]

    review = _goal(
        ctx,
        camille,
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
        ctx,
        camille,
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
        ctx,
        camille,
        "Protect two focus mornings a week",
        category="wellbeing",
        outcome="No meeting before noon on Tuesdays and Thursdays, four weeks in a row.",
        target_days=28,
        manual=40,
    )
    feedback = _goal(
        ctx,
        hugo,
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
        ctx,
        hugo,
        "Speak at the engineering all-hands",
        category="career",
        outcome="A 5-minute lightning talk on our test pipeline.",
        target_days=75,
        steps=[("Pick a topic", None, True), ("Outline the talk with Camille", 12, False)],
    )
    _goal(
        ctx,
        hugo,
        "Onboard the new intern",
        category="project",
        outcome="The intern ships a first change in their second week.",
        target_days=5,
        steps=[("Prepare a starter task", None, True), ("Pair on the first change", None, True)],
        status=GoalStatus.ACHIEVED,
        age_days=30,
    )
    ctx.ago(8)
    goals.add_comment(
        ctx.sf,
        ctx.as_(hugo),
        review,
        "Your storyline is much clearer now. Keep the three-charts rule!",
    )
    ctx.ago(6)
    goals.add_comment(
        ctx.sf,
        ctx.as_(camille),
        feedback,
        "Try starting with what worked: it made your last comment land well.",
    )

    def after(meeting: Meeting | None, hours: int) -> dt.datetime:
        base = meeting.scheduled_at if meeting else ctx.now - dt.timedelta(days=3)
        return base + dt.timedelta(hours=hours)

    shared = _entry(
        ctx,
        camille,
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
    _action(ctx, shared, camille, "Send Hugo the draft storyline", None, done=True)
    private = _entry(
        ctx,
        camille,
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
    _action(ctx, private, camille, "Rehearse the opening two minutes", 5)
    _action(ctx, private, hugo, "Share the SQL course link with Camille", 3)
    _entry(
        ctx,
        camille,
        last,
        after(last, 1),
        draft=True,
        discussed="Rehearsal of the first five minutes.",
        went_well="The opening story worked.",
    )
    hugo_shared = _entry(
        ctx,
        hugo,
        first,
        after(first, 5),
        shared=True,
        usefulness=4,
        discussed="Feedback in code reviews; Camille's talk.",
        learned="Describing the impact of a change is kinder than judging the code.",
        next_step="Try situation–behaviour–impact on my next three reviews.",
    )
    _action(ctx, hugo_shared, hugo, "Try situation–behaviour–impact on three reviews", 7)
    _action(ctx, hugo_shared, camille, "Book a room for the rehearsal", 2)
    _entry(
        ctx,
        hugo,
        second,
        after(second, 4),
        usefulness=4,
        wellbeing=2,
        discussed="My all-hands talk idea.",
        reaction="I doubt anyone cares about our test pipeline.",
        learned="Camille thinks the story of the flaky test is the hook.",
    )


def _others(ctx: DemoContext) -> None:
    """Private goals and entries for the other pairs, so the counts are not empty."""
    rng = random.Random(4)  # our own generator: other parts' data do not shift
    others = {p.id for p in ctx.participants}
    titles = [
        ("Run a meeting that ends on time", "skill"),
        ("Prepare for a team-lead role", "career"),
        ("Automate the monthly close checklist", "project"),
        ("Take a proper lunch break every day", "wellbeing"),
        ("Negotiate the next vendor contract", "skill"),
    ]
    for match in ctx.other_pairs():
        for member in match.members:
            if member.person_id not in others:
                continue
            for title, category in rng.sample(titles, rng.randint(1, 2)):
                done = rng.randint(0, 3)
                target_days = rng.randint(20, 90)
                achieved = done == 3 and rng.random() < 0.5
                _goal(
                    ctx,
                    member.person_id,
                    title,
                    category=category,
                    outcome="",
                    target_days=target_days,
                    steps=[(f"Step {i + 1}", None, i < done) for i in range(3)],
                    status=GoalStatus.ACHIEVED if achieved else GoalStatus.ACTIVE,
                    shared=rng.random() < 0.3,
                )
            drawn = []
            for _ in range(rng.randint(0, 3)):
                at = ctx.now - dt.timedelta(days=rng.randint(1, 20))
                drawn.append((at, rng.random() < 0.3, rng.randint(2, 5)))
            # Written in time order, a few minutes apart on the same day: the journal
            # takes the same reflection sent twice within two minutes for a double click.
            drawn.sort(key=lambda d: d[0])
            for n, (at, shared, usefulness) in enumerate(drawn):
                _entry(
                    ctx,
                    member.person_id,
                    None,
                    at + dt.timedelta(minutes=3 * n),
                    shared=shared,
                    usefulness=usefulness,
                    discussed="Our last conversation.",
                    learned="Something useful.",
                )


def seed_journey(ctx: DemoContext) -> None:
    """Goals, journal entries and action items for the demo."""
    _camille_and_hugo(ctx)
    _others(ctx)
