"""The demo company seeded on first start (TANDEM_DEMO=1, the default of `make run`).

Logins admin, coord, camille and hugo (password ``tandem-demo``), ~40 more
participants, a running programme, and camille and hugo matched a few weeks ago.
Each part of the demo (``demo/<part>.py``) adds its own history on top, so the
demo always shows every feature; this module calls them in order and nothing
imports it back. Seeded data is deterministic (fixed random seeds).

Everything that a person does in Tandem is done here through the services, as
that person signed in, at the time it happened (see :mod:`demo.context`). The
people and their accounts are rows: see :func:`_people`.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.auth import hash_password
from core.kernel import clock
from core.kernel.store import transaction_lock
from core.people import directory
from db.models import Account, AccountRole, Person
from demo import autumn, feedback, journey, meetings, people, privacy, programmes, surveys
from demo.context import Staff, clock_kept

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


def seed_demo(sf: sessionmaker[Session]) -> bool:
    """Seed the demo company into an empty database. Returns False if it was not empty."""
    with clock_kept(), sf.begin() as s:
        transaction_lock(s, "seed")  # two servers starting together seed once
        if s.scalar(select(Account.id).limit(1)) is not None:
            return False
        _seed(s, random.Random(20261127), clock.now())
    return True


def _seed(s: Session, rng: random.Random, now: dt.datetime) -> None:
    staff = _people(s, rng, now)
    ctx, story = autumn.seed_running_programme(s, rng, now, staff)
    ctx.at(now)
    for person in staff.opted_in:
        directory.set_opt_in(ctx.sf, ctx.as_(person), True)
    # --- each part seeds its own demo objects, in this order (one line each) ---
    meetings.seed_meetings(ctx)  # first: later parts build on its meetings
    people.seed_people(ctx)
    programmes.seed_programmes(ctx)
    feedback.seed_feedback(ctx)
    surveys.seed_surveys(ctx, story)
    journey.seed_journey(ctx)
    privacy.seed_privacy(ctx)
    s.flush()


def _people(s: Session, rng: random.Random, now: dt.datetime) -> Staff:
    """The company's people and the accounts of those who sign in: rows, not services.

    No service creates this history: people arrive by a coordinator's import (which
    never creates accounts), and an account gets its password from its owner (an
    invitation link, or the first admin's set-up code); the demo's accounts share
    one known password, hashed once for all of them (46 bcrypt hashes would take
    seconds at every first start).
    """
    today = now.date()
    hashed = hash_password(DEMO_PASSWORD)

    def person(**fields: object) -> Person:
        p = Person(created_at=now, updated_at=now, **fields)
        s.add(p)
        return p

    def account(p: Person, username: str, roles: list[str], language: str = "en") -> None:
        s.add(
            Account(
                person=p,
                username=username,
                password_hash=hashed,
                language=language,
                created_at=now,
                password_changed_at=now,
                roles=[AccountRole(role=r) for r in roles],
            )
        )

    head = person(
        email="nora.head@tandem.example",
        full_name="Nora Delacroix",
        department="People",
        level="L6",
        location="Paris",
        hire_date=dt.date(2015, 3, 2),
    )
    admin = person(
        email="admin@tandem.example",
        full_name="Ada Admin",
        department="People",
        level="L5",
        location="Paris",
        hire_date=dt.date(2018, 1, 8),
    )
    coord = person(
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

    managers = {
        dept: person(
            email=f"lead.{dept.lower()}@tandem.example",
            full_name=f"{dept} Lead",
            department=dept,
            level="L5",
            location="Paris",
            hire_date=dt.date(2016, 5, 1),
        )
        for dept in DEPARTMENTS
    }
    s.flush()

    camille = person(
        email="camille.martin@tandem.example",
        full_name="Camille Martin",
        department="Marketing",
        level="L3",
        location="Paris",
        hire_date=dt.date(2022, 4, 11),
        manager_id=managers["Marketing"].id,
        language="fr",
    )
    hugo = person(
        email="hugo.bernard@tandem.example",
        full_name="Hugo Bernard",
        department="Engineering",
        level="L3",
        location="Lyon",
        hire_date=dt.date(2021, 10, 4),
        manager_id=managers["Engineering"].id,
    )
    s.flush()
    account(camille, "camille", ["participant"], language="fr")
    account(hugo, "hugo", ["participant"])

    others: list[tuple[Person, str, bool]] = []
    used: set[tuple[str, str]] = set()
    while len(others) < 42:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if (first, last) in used or first in {"Camille", "Hugo"}:
            continue
        used.add((first, last))
        dept = rng.choice(DEPARTMENTS)
        ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
        username = ascii_name.decode().lower()
        p = person(
            email=f"{username}@tandem.example",
            full_name=f"{first} {last}",
            department=dept,
            level=rng.choice(LEVELS),
            location=rng.choice(LOCATIONS),
            hire_date=today - dt.timedelta(days=rng.randint(120, 3000)),
            manager_id=managers[dept].id,
            language=rng.choice(["en", "fr"]),
        )
        others.append((p, username, rng.random() < 0.6))
    s.flush()
    for p, username, _ in others:
        account(p, username, ["participant"], language=p.language)
    s.flush()
    return Staff(
        admin=admin,
        coord=coord,
        camille=camille,
        hugo=hugo,
        others=[p for p, _, _ in others],
        opted_in=[camille, hugo] + [p for p, _, opted in others if opted],
    )
