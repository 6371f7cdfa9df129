"""The demo company seeded on first start (TANDEM_DEMO=1, the default of `make run`).

Logins admin, coord, camille and hugo (password ``tandem-demo``), ~40 more
participants, a running programme, and camille and hugo matched a few weeks ago.
Each capability extends :func:`seed_demo` with its own objects, so the demo
always shows every feature. Seeded data is deterministic (fixed random seed).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.auth import hash_password
from core.kernel import clock
from core.kernel.store import transaction_lock
from core.matching import engine as matching
from db.models import (
    Account,
    AccountRole,
    Announcement,
    Enrolment,
    EnrolmentSkill,
    Match,
    MatchMember,
    Person,
    Programme,
    Skill,
)

DEMO_PASSWORD = "tandem-demo"
DEMO_LOGINS = (
    ("admin", "admin"),
    ("coord", "coordinator"),
    ("camille", "participant"),
    ("hugo", "participant"),
)
DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Finance", "Operations", "People")
LEVELS = ("L2", "L3", "L4")
LOCATIONS = ("Paris", "Lyon", "Remote")
SKILLS = {
    "Communication": ["Public speaking", "Writing", "Negotiation", "Difficult conversations"],
    "Leadership": ["Giving feedback", "Delegation", "Running meetings", "Coaching"],
    "Technical": ["SQL", "Python", "Data visualisation", "Excel modelling"],
    "Ways of working": ["Time management", "Prioritisation", "Stakeholder management"],
}
FIRST = (
    "Alice Amir Bastien Chloé Dmitri Élodie Fatou Gabriel Hana Inès Jonas Karim Léa Marc Nadia "
    "Olivier Priya Quentin Rania Samuel Théo Ulla Victor Wen Yasmine Zoé Anouk Bruno Clara Diego "
    "Emma Farid Greta Hugo Iris Jules Kenji Lina Malo Noor"
).split()
LAST = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
    "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier Dupont Lambert "
    "Bonnet Francois Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel "
    "Nicolas Perrin"
).split()


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


def is_empty(sf: sessionmaker[Session]) -> bool:
    with sf.begin() as s:
        return s.scalar(select(Account.id).limit(1)) is None


def seed_demo(sf: sessionmaker[Session]) -> bool:
    """Seed the demo company into an empty database. Returns False if it was not empty."""
    with sf.begin() as s:
        transaction_lock(s, "seed")  # two servers starting together seed once
        if s.scalar(select(Account.id).limit(1)) is not None:
            return False
        _seed(s, random.Random(20261127), clock.now())
    return True


def _person(s: Session, now: dt.datetime, **fields: object) -> Person:
    person = Person(created_at=now, updated_at=now, **fields)
    s.add(person)
    return person


@dataclass
class DemoContext:
    """What the base demo created, for the capability seeders to build on."""

    rng: random.Random
    now: dt.datetime
    programme: Programme
    pair: Match
    camille: Person
    hugo: Person
    coord: Person
    admin: Person
    participants: list[Person] = field(default_factory=list)  # the ~42 others
    skills: dict[str, Skill] = field(default_factory=dict)


def _seed(s: Session, rng: random.Random, now: dt.datetime) -> None:
    today = now.date()
    hashed = hash_password(DEMO_PASSWORD)  # one hash shared by every demo account

    def account(person: Person, username: str, roles: list[str], language: str = "en") -> Account:
        acc = Account(
            person=person,
            username=username,
            password_hash=hashed,
            language=language,
            created_at=now,
            password_changed_at=now,
            roles=[AccountRole(role=r) for r in roles],
        )
        s.add(acc)
        return acc

    head = _person(
        s,
        now,
        email="nora.head@tandem.example",
        full_name="Nora Delacroix",
        department="People",
        level="L6",
        location="Paris",
        hire_date=dt.date(2015, 3, 2),
    )
    admin = _person(
        s,
        now,
        email="admin@tandem.example",
        full_name="Ada Admin",
        department="People",
        level="L5",
        location="Paris",
        hire_date=dt.date(2018, 1, 8),
    )
    coord = _person(
        s,
        now,
        email="coord@tandem.example",
        full_name="Corinne Ortega",
        department="People",
        level="L5",
        location="Lyon",
        hire_date=dt.date(2019, 9, 1),
    )
    s.flush()
    admin.manager_id = coord.manager_id = head.id
    account(admin, "admin", ["admin", "coordinator"])
    account(coord, "coord", ["coordinator"], language="fr")

    managers = {}
    for dept in DEPARTMENTS:
        managers[dept] = _person(
            s,
            now,
            email=f"lead.{dept.lower()}@tandem.example",
            full_name=f"{dept} Lead",
            department=dept,
            level="L5",
            location="Paris",
            hire_date=dt.date(2016, 5, 1),
        )
    s.flush()

    camille = _person(
        s,
        now,
        email="camille.martin@tandem.example",
        full_name="Camille Martin",
        department="Marketing",
        level="L3",
        location="Paris",
        hire_date=dt.date(2022, 4, 11),
        manager_id=managers["Marketing"].id,
        language="fr",
        directory_opt_in=True,
    )
    hugo = _person(
        s,
        now,
        email="hugo.bernard@tandem.example",
        full_name="Hugo Bernard",
        department="Engineering",
        level="L3",
        location="Lyon",
        hire_date=dt.date(2021, 10, 4),
        manager_id=managers["Engineering"].id,
        directory_opt_in=True,
    )
    s.flush()
    account(camille, "camille", ["participant"], language="fr")
    account(hugo, "hugo", ["participant"])

    others: list[tuple[Person, str]] = []
    used: set[tuple[str, str]] = set()
    while len(others) < 42:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if (first, last) in used or first in {"Camille", "Hugo"}:
            continue
        used.add((first, last))
        dept = rng.choice(DEPARTMENTS)
        ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
        username = ascii_name.decode().lower()
        p = _person(
            s,
            now,
            email=f"{username}@tandem.example",
            full_name=f"{first} {last}",
            department=dept,
            level=rng.choice(LEVELS),
            location=rng.choice(LOCATIONS),
            hire_date=today - dt.timedelta(days=rng.randint(120, 3000)),
            manager_id=managers[dept].id,
            language=rng.choice(["en", "fr"]),
            directory_opt_in=rng.random() < 0.6,
        )
        others.append((p, username))
    s.flush()
    for p, username in others:
        account(p, username, ["participant"], language=p.language)

    skills = []
    for category, names in SKILLS.items():
        for name in names:
            sk = Skill(name=name, category=category)
            s.add(sk)
            skills.append(sk)
    s.flush()
    by_name = {sk.name: sk for sk in skills}

    programme = Programme(
        name="Peer mentoring — Autumn 2026",
        description="Colleagues at the same level help each other grow, in pairs, over four months.",
        objectives=["upskilling", "retention"],
        format="pairs",
        relationship_type="peer",
        eligibility={"levels": list(LEVELS)},
        cadence_days=14,
        session_minutes=60,
        start_date=today - dt.timedelta(days=35),
        end_date=today + dt.timedelta(days=90),
        enrolment_opens=today - dt.timedelta(days=70),
        enrolment_closes=today - dt.timedelta(days=40),
        guidelines=(
            "Meet every two weeks for an hour. Come with a situation, not a status report. "
            "Listen first; ask before advising. What is said in the pair stays in the pair."
        ),
        suggested_topics=[
            "A presentation you have to give",
            "Giving feedback to a colleague",
            "Saying no and prioritising",
            "Your next career step",
        ],
        charter=(
            "I keep what my peer tells me confidential. I come prepared and on time. "
            "I give honest, kind and specific feedback. I can end the pairing at any time, no fault."
        ),
        support_contact="coord@tandem.example",
        status="running",
        matching={
            "skills": 5,
            "themes": 3,
            "level": 3,
            "cross_department": 1,
            "location": 1,
            "language": 1,
        },
        created_by_id=coord.id,
        created_at=now - dt.timedelta(days=80),
        updated_at=now - dt.timedelta(days=80),
    )
    s.add(programme)
    s.flush()

    def enrol(p: Person, offered: list[str], wanted: list[str], themes: list[str]) -> None:
        e = Enrolment(
            programme_id=programme.id,
            person_id=p.id,
            goal_themes=themes,
            availability=["tue-pm", "thu-am"],
            work_mode="either",
            languages=["fr", "en"],
            motivation="",
            charter_accepted_at=now - dt.timedelta(days=50),
            created_at=now - dt.timedelta(days=50),
            updated_at=now - dt.timedelta(days=50),
        )
        e.skills = [EnrolmentSkill(skill_id=by_name[n].id, kind="offered") for n in offered] + [
            EnrolmentSkill(skill_id=by_name[n].id, kind="wanted") for n in wanted
        ]
        s.add(e)

    enrol(
        camille,
        ["Public speaking", "Writing"],
        ["SQL", "Data visualisation"],
        ["career", "visibility"],
    )
    enrol(hugo, ["SQL", "Python"], ["Public speaking", "Giving feedback"], ["career", "leadership"])
    for p, _ in others[:30]:
        picks = rng.sample(list(by_name), 4)
        enrol(
            p,
            picks[:2],
            picks[2:],
            rng.sample(["career", "leadership", "visibility", "balance"], 2),
        )

    started = now - dt.timedelta(days=24)
    # The pair's score and reasons come from the real matching engine, like any match.
    fit = _demo_fit(programme.matching)
    pair = Match(
        programme_id=programme.id,
        status="active",
        kind="pair",
        score=round(fit.total, 3),
        explanation=[part.to_dict() for part in fit.parts],
        created_at=started - dt.timedelta(days=3),
        published_at=started - dt.timedelta(days=2),
        started_at=started,
        members=[
            MatchMember(person_id=camille.id, response="accepted", responded_at=started),
            MatchMember(person_id=hugo.id, response="accepted", responded_at=started),
        ],
    )
    s.add(pair)
    # Pair most of the other enrolled people so the programme looks alive.
    pool = [p for p, _ in others[:30]]
    for i in range(0, 24, 2):
        a, b = pool[i], pool[i + 1]
        when = now - dt.timedelta(days=rng.randint(10, 30))
        s.add(
            Match(
                programme_id=programme.id,
                status="active",
                kind="pair",
                score=float(rng.randint(40, 90)),
                explanation=[],
                created_at=when,
                published_at=when,
                started_at=when,
                members=[
                    MatchMember(person_id=a.id, response="accepted", responded_at=when),
                    MatchMember(person_id=b.id, response="accepted", responded_at=when),
                ],
            )
        )
    s.add(
        Announcement(
            programme_id=None,
            author_id=coord.id,
            title="Welcome to Tandem",
            body="Peer mentoring is open to every colleague. Read the guidelines on your match page and plan your first meeting within two weeks.",
            published_at=now - dt.timedelta(days=30),
            created_at=now - dt.timedelta(days=30),
        )
    )
    s.add(
        Announcement(
            programme_id=programme.id,
            author_id=coord.id,
            title="Mid-programme check-in",
            body="Half-way there! Take five minutes after your next meeting to write a reflection.",
            published_at=now - dt.timedelta(days=3),
            created_at=now - dt.timedelta(days=3),
        )
    )
    s.flush()
    ctx = DemoContext(
        rng=rng,
        now=now,
        programme=programme,
        pair=pair,
        camille=camille,
        hugo=hugo,
        coord=coord,
        admin=admin,
        participants=[p for p, _ in others],
        skills=by_name,
    )
    _extend(s, ctx)


def _extend(s: Session, ctx: DemoContext) -> None:
    """Each capability seeds its own demo objects here (one call per line)."""
    # --- capability seeders: add one line each below ---
    from demo.meetings import seed_meetings  # first: later seeders build on its meetings

    seed_meetings(s, ctx)
    from demo.people import seed_people  # (imported here: it imports demo.company)

    seed_people(s, ctx)
    from demo.programmes import seed_programmes  # (imported here: it imports demo.company)

    seed_programmes(s, ctx)
    from demo.feedback import seed_feedback

    seed_feedback(s, ctx)
    from demo.surveys import seed_surveys  # (imported here: it imports demo.company)

    seed_surveys(s, ctx)
    from demo.journey import seed_journey  # (imported here: it imports demo.company)

    seed_journey(s, ctx)
    from demo.privacy import seed_privacy  # (imported here: it imports demo.company)

    seed_privacy(s, ctx)
    from demo.dashboard import seed_dashboard  # last: spreads the enrolments over time

    seed_dashboard(s, ctx)
