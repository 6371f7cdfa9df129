"""Demo data for programmes: KPIs, a second programme in enrolment, a draft, announcements.

"Peer mentoring — Spring 2027" has its enrolment window open today and ~40
people enrolled with skills, themes, availability and a baseline
self-assessment: ready to be matched. Camille is not enrolled, so signing in
as her shows the enrolment form; Hugo is, so he can edit or withdraw.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.programmes.answers import AVAILABILITY, GOAL_THEMES, MENTOR_SKILLS
from db.models import (
    Announcement,
    Enrolment,
    EnrolmentSkill,
    Person,
    Programme,
    ProgrammeKPI,
    SelfAssessment,
)

if TYPE_CHECKING:
    from demo.company import DemoContext

SPRING = "Peer mentoring — Spring 2027"
MOTIVATIONS = (
    "I want to get better at presenting to senior people.",
    "I moved teams recently and would like a sounding board outside my department.",
    "I enjoy helping colleagues and I have a few skills to share.",
    "I am preparing for my next role and want to practise giving feedback.",
    "I would like to learn how other departments work.",
    "",
)
EXTRA_PEOPLE = (
    ("Mathilde Caron", "Finance", "L3", "Lyon"),
    ("Yanis Haddad", "Operations", "L2", "Paris"),
    ("Sofia Lindqvist", "Engineering", "L4", "Remote"),
)


def seed_programmes(s: Session, ctx: DemoContext) -> None:
    """KPIs on the running programme, the spring cycle with its enrolments, a draft."""
    rng = random.Random(2027)  # our own seed: other seeders' draws do not move ours
    now, today = ctx.now, ctx.now.date()
    for metric, target in (
        ("match_rate", 0.7),
        ("nps", 30.0),
        ("engaged_share", 0.6),
        ("goal_completion", 0.5),
        ("meetings_per_pair", 6.0),
        ("satisfaction", 4.0),
    ):
        s.add(ProgrammeKPI(programme_id=ctx.programme.id, metric=metric, target=target))

    source = ctx.programme
    spring = Programme(
        name=SPRING,
        description=(
            "The second cycle of peer mentoring: pairs or circles of four colleagues who "
            "help each other grow, from March to June."
        ),
        objectives=["upskilling", "leadership", "inclusion"],
        format="both",
        circle_size=4,
        relationship_type="peer",
        eligibility={"levels": ["L2", "L3", "L4"]},
        cadence_days=14,
        session_minutes=60,
        start_date=today + dt.timedelta(days=21),
        end_date=today + dt.timedelta(days=21 + 120),
        enrolment_opens=today - dt.timedelta(days=7),
        enrolment_closes=today + dt.timedelta(days=14),
        guidelines=source.guidelines,
        suggested_topics=list(source.suggested_topics)
        + ["Leading without authority", "Learning a new tool"],
        charter=source.charter,
        support_contact=source.support_contact,
        status="enrolment",
        matching={
            "skills": 5,
            "themes": 3,
            "level": 3,
            "cross_department": 3,
            "location": 1,
            "language": 3,
            "availability": 1,
            "same_manager_forbidden": True,
            "paired_before_forbidden": True,
        },
        created_by_id=ctx.coord.id,
        created_at=now - dt.timedelta(days=10),
        updated_at=now - dt.timedelta(days=8),
        kpis=[
            ProgrammeKPI(metric="match_rate", target=0.75),
            ProgrammeKPI(metric="nps", target=35.0),
            ProgrammeKPI(metric="engaged_share", target=0.6),
        ],
    )
    draft = Programme(
        name="Onboarding buddies — 2027",
        description="Every new hire gets a buddy who has been here for more than two years.",
        objectives=["onboarding", "retention"],
        format="pairs",
        relationship_type="onboarding",
        eligibility={},
        cadence_days=7,
        session_minutes=30,
        start_date=today + dt.timedelta(days=60),
        end_date=today + dt.timedelta(days=60 + 90),
        guidelines="Meet every week during the first three months. Lunch counts.",
        suggested_topics=["Who to ask for what", "How decisions are made here"],
        charter="",
        support_contact=source.support_contact,
        status="draft",
        matching={"skills": 1, "themes": 1, "level": 0, "cross_department": 0, "location": 5},
        created_by_id=ctx.coord.id,
        created_at=now - dt.timedelta(days=2),
        updated_at=now - dt.timedelta(days=2),
    )
    s.add_all([spring, draft])
    s.flush()

    people = list(ctx.participants)
    for name, dept, level, location in EXTRA_PEOPLE:
        person = Person(
            email=name.lower().replace(" ", ".") + "@tandem.example",
            full_name=name,
            department=dept,
            level=level,
            location=location,
            hire_date=today - dt.timedelta(days=rng.randint(200, 2500)),
            language="en",
            created_at=now,
            updated_at=now,
        )
        s.add(person)
        people.append(person)
    s.flush()
    enrolled = [ctx.hugo] + [p for p in people if p.level in ("L2", "L3", "L4")][:41]

    skill_ids = [sk.id for sk in ctx.skills.values()]
    slots, themes = list(AVAILABILITY), list(GOAL_THEMES)
    for i, person in enumerate(enrolled):
        when = now - dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 8))
        picks = rng.sample(skill_ids, rng.randint(4, 6))
        split = rng.randint(2, len(picks) - 2)
        e = Enrolment(
            programme_id=spring.id,
            person_id=person.id,
            goal_themes=sorted(rng.sample(themes, 2), key=themes.index),
            availability=sorted(rng.sample(slots, rng.randint(3, 6)), key=slots.index),
            work_mode=rng.choice(["onsite", "remote", "either", "either"]),
            languages=["fr", "en"] if rng.random() < 0.7 else ["en"],
            motivation=MOTIVATIONS[i % len(MOTIVATIONS)],
            charter_accepted_at=when,
            created_at=when,
            updated_at=when,
            skills=[EnrolmentSkill(skill_id=k, kind="offered") for k in picks[:split]]
            + [EnrolmentSkill(skill_id=k, kind="wanted") for k in picks[split:]],
        )
        s.add(e)
        s.flush()
        for skill in MENTOR_SKILLS:
            s.add(
                SelfAssessment(
                    enrolment_id=e.id,
                    phase="baseline",
                    skill=skill,
                    score=rng.choice([2, 3, 3, 4, 4, 5]),
                    at=when,
                )
            )
    # Two people changed their minds: the coordinator's list shows them as withdrawn.
    spring_enrolments = s.scalars(
        select(Enrolment).where(Enrolment.programme_id == spring.id).order_by(Enrolment.id)
    ).all()
    for e in spring_enrolments[-2:]:
        e.status, e.withdrawn_at = "withdrawn", now - dt.timedelta(days=1)

    s.add(
        Announcement(
            programme_id=None,
            author_id=ctx.coord.id,
            title=f"Enrolment is open: {SPRING}",
            body=(
                "Pairs or circles, from March to June. Tell us what you can offer and what you "
                "want to learn: enrol from the “Join a programme” page before the window closes."
            ),
            published_at=now - dt.timedelta(days=7),
            created_at=now - dt.timedelta(days=7),
        )
    )
    s.flush()
