"""The running programme, "Peer mentoring — Autumn 2026": its skills, its enrolment, its pairs.

The coordinator adds the skills and creates the programme 80 days ago, opens
enrolment ten days later; 32 people enrol over the window (a rush when it opens,
another before it closes, what the dashboard's "enrolment over time" chart is
for); the programme starts 35 days ago, and camille and hugo were paired 24 days
ago with twelve other pairs.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.matching import engine as matching
from core.programmes import announcements, skills
from core.programmes import enrolment as enrolments
from core.programmes import programmes as programme_service
from core.programmes.answers import EnrolmentForm
from db.models import (
    Match,
    MatchMember,
    MatchStatus,
    MemberResponse,
    Person,
    Programme,
    ProgrammeStatus,
    Skill,
)
from demo.context import DemoContext, Staff, at, services, signed_in
from demo.surveys import Story, draw_story

NAME = "Peer mentoring — Autumn 2026"
SKILLS = {
    "Communication": ["Public speaking", "Writing", "Negotiation", "Difficult conversations"],
    "Leadership": ["Giving feedback", "Delegation", "Running meetings", "Coaching"],
    "Technical": ["SQL", "Python", "Data visualisation", "Excel modelling"],
    "Ways of working": ["Time management", "Prioritisation", "Stakeholder management"],
}
THEMES = ["career", "leadership", "visibility", "balance"]
MATCHING = {
    "skills": 5,
    "themes": 3,
    "level": 3,
    "cross_department": 1,
    "location": 1,
    "language": 1,
}
KPIS = {
    "match_rate": 0.7,
    "nps": 30.0,
    "engaged_share": 0.6,
    "goal_completion": 0.5,
    "meetings_per_pair": 6.0,
    "satisfaction": 4.0,
}


def _demo_fit(weights: dict) -> matching.Score:
    """Camille and Hugo scored by the engine, from what they enrolled with."""
    languages = frozenset({"fr", "en"})
    availability = frozenset({"tue-pm", "thu-am"})
    camille = matching.Candidate(
        person_id=1,
        name="Camille Martin",
        department="Marketing",
        location="Paris",
        offered=frozenset({"Public speaking", "Writing"}),
        wanted=frozenset({"SQL", "Data visualisation"}),
        themes=frozenset({"career", "visibility"}),
        level="L3",
        languages=languages,
        availability=availability,
    )
    hugo = matching.Candidate(
        person_id=2,
        name="Hugo Bernard",
        department="Engineering",
        location="Lyon",
        offered=frozenset({"SQL", "Python"}),
        wanted=frozenset({"Public speaking", "Giving feedback"}),
        themes=frozenset({"career", "leadership"}),
        level="L3",
        languages=languages,
        availability=availability,
    )
    return matching.score(camille, hugo, matching.Weights.from_settings(weights))


def seed_running_programme(
    s: Session, rng: random.Random, now: dt.datetime, staff: Staff
) -> tuple[DemoContext, Story]:
    """Skills, the Autumn programme with its enrolments and pairs, the first announcements."""
    today = now.date()
    sf, coord = services(s), signed_in(s, staff.coord)
    start, end = today - dt.timedelta(days=35), today + dt.timedelta(days=90)
    opens, closes = today - dt.timedelta(days=70), today - dt.timedelta(days=40)

    at(now - dt.timedelta(days=81))
    for category, names in SKILLS.items():
        for name in names:
            skills.add_skill(sf, coord, name, category)
    by_name = {
        sk.name: sk
        for sk in s.scalars(select(Skill).where(Skill.programme_id.is_(None)).order_by(Skill.id))
    }

    at(now - dt.timedelta(days=80))
    form = programme_service.ProgrammeForm(
        name=NAME,
        description="Colleagues at the same level help each other grow, in pairs, over four months.",
        objectives=("upskilling", "retention"),
        kpis=KPIS,
        format="pairs",
        relationship_type="peer",
        levels=("L2", "L3", "L4"),
        cadence_days=14,
        session_minutes=60,
        start_date=start,
        end_date=end,
        enrolment_opens=opens,
        enrolment_closes=closes,
        guidelines=(
            "Meet every two weeks for an hour. Come with a situation, not a status report. "
            "Listen first; ask before advising. What is said in the pair stays in the pair."
        ),
        suggested_topics=(
            "A presentation you have to give",
            "Giving feedback to a colleague",
            "Saying no and prioritising",
            "Your next career step",
        ),
        charter=(
            "I keep what my peer tells me confidential. I come prepared and on time. "
            "I give honest, kind and specific feedback. I can end the pairing at any time, no fault."
        ),
        support_contact="coord@tandem.example",
        # The form adds the other settings at their defaults, as a coordinator saving it would.
        matching=MATCHING,
    )
    programme = programme_service.create_programme(sf, coord, form)
    at(dt.datetime.combine(opens, dt.time(8)))  # the first enrolments come at nine
    programme_service.change_status(
        sf, coord, programme.id, ProgrammeStatus.ENROLMENT, expected_version=programme.version
    )

    # What each person enrols with, drawn in the order they enrol.
    cohort = [staff.camille, staff.hugo] + staff.others[:30]
    answers = {
        staff.camille.id: (
            ["Public speaking", "Writing"],
            ["SQL", "Data visualisation"],
            ["career", "visibility"],
        ),
        staff.hugo.id: (
            ["SQL", "Python"],
            ["Public speaking", "Giving feedback"],
            ["career", "leadership"],
        ),
    }
    for p in staff.others[:30]:
        picks = rng.sample(list(by_name), 4)
        answers[p.id] = (picks[:2], picks[2:], rng.sample(THEMES, 2))

    pair = _pairs(s, rng, now, programme, staff)
    ctx = DemoContext(
        s=s,
        rng=rng,
        now=now,
        programme=programme,
        pair=pair,
        camille=staff.camille,
        hugo=staff.hugo,
        coord=staff.coord,
        admin=staff.admin,
        participants=list(staff.others),
        skills=by_name,
    )
    story = draw_story(ctx, cohort)

    for person, when in zip(cohort, _enrolment_times(programme), strict=True):
        offered, wanted, themes = answers[person.id]
        ctx.at(when)
        enrolments.save_enrolment(
            ctx.sf,
            ctx.as_(person),
            programme.id,
            EnrolmentForm(
                offered=[by_name[n].id for n in offered],
                wanted=[by_name[n].id for n in wanted],
                goal_themes=themes,
                availability=["tue-pm", "thu-am"],
                work_mode="either",
                languages=["fr", "en"],
                self_assessment=story.baselines[person.id],
                charter_accepted=True,
            ),
        )
    ctx.at(dt.datetime.combine(start, dt.time(8)))
    programme_service.change_status(
        sf, coord, programme.id, ProgrammeStatus.RUNNING, expected_version=programme.version
    )

    ctx.at(now - dt.timedelta(days=30))
    announcements.publish_announcement(
        ctx.sf,
        ctx.coordinator,
        programme_id=None,
        title="Welcome to Tandem",
        body="Peer mentoring is open to every colleague. Read the guidelines on your match page and plan your first meeting within two weeks.",
    )
    ctx.at(now - dt.timedelta(days=3))
    announcements.publish_announcement(
        ctx.sf,
        ctx.coordinator,
        programme_id=programme.id,
        title="Mid-programme check-in",
        body="Half-way there! Take five minutes after your next meeting to write a reflection.",
    )
    return ctx, story


def _enrolment_times(programme: Programme) -> list[dt.datetime]:
    """When each of the 32 enrols: a rush when the window opens, another before it closes."""
    assert programme.enrolment_opens and programme.enrolment_closes
    rng = random.Random(5)  # its own seed: the other draws stay as they were
    opens = dt.datetime.combine(programme.enrolment_opens, dt.time(9))
    span = dt.datetime.combine(programme.enrolment_closes, dt.time(18)) - opens
    times = []
    for _ in range(32):
        u = rng.random()
        share = u**2 if rng.random() < 0.6 else 1 - (1 - u) ** 3
        times.append(opens + span * share)
    return times


def _pairs(
    s: Session, rng: random.Random, now: dt.datetime, programme: Programme, staff: Staff
) -> Match:
    """Camille and Hugo's pair and twelve others: rows, not the matching service.

    The matching service pairs whoever its optimum says, with computed scores; the
    demo's pairs and their dates are fixed, so every page tells the same story (the
    pair's score and reasons do come from the engine). Returns camille and hugo's.
    """
    started = now - dt.timedelta(days=24)
    fit = _demo_fit(programme.matching)
    pair = Match(
        programme_id=programme.id,
        status=MatchStatus.ACTIVE,
        kind="pair",
        score=round(fit.total, 3),
        explanation=[part.to_dict() for part in fit.parts],
        created_at=started - dt.timedelta(days=3),
        published_at=started - dt.timedelta(days=2),
        started_at=started,
        members=[
            MatchMember(
                person_id=staff.camille.id, response=MemberResponse.ACCEPTED, responded_at=started
            ),
            MatchMember(
                person_id=staff.hugo.id, response=MemberResponse.ACCEPTED, responded_at=started
            ),
        ],
    )
    s.add(pair)
    # Pair most of the other enrolled people so the programme looks alive.
    pool: list[Person] = staff.others[:30]
    for i in range(0, 24, 2):
        a, b = pool[i], pool[i + 1]
        when = now - dt.timedelta(days=rng.randint(10, 30))
        s.add(
            Match(
                programme_id=programme.id,
                status=MatchStatus.ACTIVE,
                kind="pair",
                score=float(rng.randint(40, 90)),
                explanation=[],
                created_at=when,
                published_at=when,
                started_at=when,
                members=[
                    MatchMember(
                        person_id=a.id, response=MemberResponse.ACCEPTED, responded_at=when
                    ),
                    MatchMember(
                        person_id=b.id, response=MemberResponse.ACCEPTED, responded_at=when
                    ),
                ],
            )
        )
    s.flush()
    return pair
