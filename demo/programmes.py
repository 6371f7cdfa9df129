"""Demo data for programmes: a second programme in enrolment, a draft, an announcement.

"Peer mentoring — Spring 2027" has its enrolment window open today and ~40
people enrolled with skills, themes, availability and a baseline
self-assessment: ready to be matched. Camille is not enrolled, so signing in
as her shows the enrolment form; Hugo is, so he can edit or withdraw.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select

from core.programmes import announcements
from core.programmes import enrolment as enrolments
from core.programmes import programmes as programme_service
from core.programmes.answers import AVAILABILITY, GOAL_THEMES, MENTOR_SKILLS, EnrolmentForm
from db.models import Enrolment, Person, ProgrammeStatus
from demo.context import DemoContext
from demo.people import import_people

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


def seed_programmes(ctx: DemoContext) -> None:
    """The spring cycle with its enrolments, and a draft."""
    rng = random.Random(2027)  # our own seed: other parts' draws do not move ours
    now, today = ctx.now, ctx.now.date()
    coord, source = ctx.coordinator, ctx.programme

    ctx.at(now - dt.timedelta(days=10))
    spring = programme_service.create_programme(
        ctx.sf,
        coord,
        programme_service.ProgrammeForm(
            name=SPRING,
            description=(
                "The second cycle of peer mentoring: pairs or circles of four colleagues who "
                "help each other grow, from March to June."
            ),
            objectives=("upskilling", "leadership", "inclusion"),
            kpis={"match_rate": 0.75, "nps": 35.0, "engaged_share": 0.6},
            format="both",
            circle_size=4,
            relationship_type="peer",
            levels=("L2", "L3", "L4"),
            cadence_days=14,
            session_minutes=60,
            start_date=today + dt.timedelta(days=21),
            end_date=today + dt.timedelta(days=21 + 120),
            enrolment_opens=today - dt.timedelta(days=7),
            enrolment_closes=today + dt.timedelta(days=14),
            guidelines=source.guidelines,
            suggested_topics=tuple(source.suggested_topics)
            + ("Leading without authority", "Learning a new tool"),
            charter=source.charter,
            support_contact=source.support_contact,
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
        ),
    )
    ctx.at(now - dt.timedelta(days=8))
    programme_service.change_status(
        ctx.sf, coord, spring.id, ProgrammeStatus.ENROLMENT, expected_version=spring.version
    )
    ctx.at(now - dt.timedelta(days=2))
    programme_service.create_programme(
        ctx.sf,
        coord,
        programme_service.ProgrammeForm(
            name="Onboarding buddies — 2027",
            description="Every new hire gets a buddy who has been here for more than two years.",
            objectives=("onboarding", "retention"),
            format="pairs",
            relationship_type="onboarding",
            cadence_days=7,
            session_minutes=30,
            start_date=today + dt.timedelta(days=60),
            end_date=today + dt.timedelta(days=60 + 90),
            guidelines="Meet every week during the first three months. Lunch counts.",
            suggested_topics=("Who to ask for what", "How decisions are made here"),
            charter="",
            support_contact=source.support_contact,
            matching={"skills": 1, "themes": 1, "level": 0, "cross_department": 0, "location": 5},
        ),
    )

    # Three colleagues added to the people file today (none of them enrols).
    hired = [today - dt.timedelta(days=rng.randint(200, 2500)) for _ in EXTRA_PEOPLE]
    ctx.at(now)
    import_people(
        ctx,
        [
            {
                "email": name.lower().replace(" ", ".") + "@tandem.example",
                "name": name,
                "department": dept,
                "level": level,
                "location": location,
                "hire date": hire.isoformat(),
                "language": "en",
            }
            for (name, dept, level, location), hire in zip(EXTRA_PEOPLE, hired, strict=True)
        ],
        "people.csv",
    )
    extra = list(
        ctx.s.scalars(
            select(Person).where(
                Person.email.in_(
                    [n.lower().replace(" ", ".") + "@tandem.example" for n, *_ in EXTRA_PEOPLE]
                )
            )
        )
    )
    people = list(ctx.participants) + sorted(extra, key=lambda p: p.id)
    enrolled = [ctx.hugo] + [p for p in people if p.level in ("L2", "L3", "L4")][:41]

    skill_ids = [sk.id for sk in ctx.skills.values()]
    slots, themes = list(AVAILABILITY), list(GOAL_THEMES)
    for i, person in enumerate(enrolled):
        when = now - dt.timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 8))
        picks = rng.sample(skill_ids, rng.randint(4, 6))
        split = rng.randint(2, len(picks) - 2)
        form = EnrolmentForm(
            offered=picks[:split],
            wanted=picks[split:],
            goal_themes=sorted(rng.sample(themes, 2), key=themes.index),
            availability=sorted(rng.sample(slots, rng.randint(3, 6)), key=slots.index),
            work_mode=rng.choice(["onsite", "remote", "either", "either"]),
            languages=["fr", "en"] if rng.random() < 0.7 else ["en"],
            motivation=MOTIVATIONS[i % len(MOTIVATIONS)],
            self_assessment={skill: rng.choice([2, 3, 3, 4, 4, 5]) for skill in MENTOR_SKILLS},
            charter_accepted=True,
        )
        ctx.at(when)
        enrolments.save_enrolment(ctx.sf, ctx.as_(person), spring.id, form)
    # Two people changed their minds: the coordinator's list shows them as withdrawn.
    last_two = ctx.s.scalars(
        select(Enrolment.person_id)
        .where(Enrolment.programme_id == spring.id)
        .order_by(Enrolment.id.desc())
        .limit(2)
    ).all()
    ctx.at(now - dt.timedelta(days=1))
    for person_id in reversed(last_two):
        enrolments.withdraw(ctx.sf, ctx.as_(person_id), spring.id)

    ctx.at(now - dt.timedelta(days=7))
    announcements.publish_announcement(
        ctx.sf,
        coord,
        programme_id=None,
        title=f"Enrolment is open: {SPRING}",
        body=(
            "Pairs or circles, from March to June. Tell us what you can offer and what you "
            "want to learn: enrol from the “Join a programme” page before the window closes."
        ),
    )
