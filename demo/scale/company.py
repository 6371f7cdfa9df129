"""The large company's people and programmes, and who enrols: rows with their ids, drawn from one seed."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from db.folding import fold, sort_name

PEOPLE = 10_000
JOURNAL_ENTRIES = 200_000
GOALS = 100_000
FEEDBACK = 50_000
SURVEY_ANSWERS = 20_000

DEPARTMENTS = {  # department → share of the company
    "Engineering": 0.20,
    "Sales": 0.13,
    "Customer Success": 0.10,
    "Operations": 0.10,
    "Marketing": 0.07,
    "Product": 0.07,
    "Finance": 0.06,
    "Data": 0.06,
    "IT": 0.06,
    "People": 0.05,
    "Legal": 0.04,
    "Procurement": 0.06,
}
LEVELS = ("L1", "L2", "L3", "L4", "L5", "L6")
LEVEL_WEIGHTS = (0.12, 0.25, 0.28, 0.2, 0.1, 0.05)
LOCATIONS = ("Paris", "Lyon", "Lille", "Nantes", "Bordeaux", "Remote")
FIRST = (
    "Alice Amir Bastien Chloé Dmitri Élodie Fatou Gabriel Hana Inès Jonas Karim Léa Marc Nadia "
    "Olivier Priya Quentin Rania Samuel Théo Ulla Victor Wen Yasmine Zoé Anouk Bruno Clara Diego "
    "Emma Farid Greta Hugo Iris Jules Kenji Lina Malo Noor Paul Rose Sofia Tom Vera Youssef Ada "
    "Basile Capucine Dorian Eva Félix Gaspard Héloïse Ibrahim Jade Lucas Manon Nina Oscar Pauline"
).split()
LAST = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre "
    "Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard Andre Mercier Dupont Lambert "
    "Bonnet Francois Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel "
    "Nicolas Perrin Morin Mathieu Clement Gauthier Dumont Lopez Fontaine Chevalier Robin Masson"
).split()
MENTOR_SKILLS = (
    "communication",
    "support",
    "reliability",
    "empathy",
    "active_listening",
    "flexibility",
    "enthusiasm",
)
SENTENCES = (
    "We talked about the quarterly presentation and how to open it.",
    "A tense meeting with a stakeholder who kept changing the scope.",
    "I asked questions first and only then proposed a plan.",
    "I felt nervous at the start, then calmer once I had a structure.",
    "Preparing the agenda together saved a lot of time.",
    "I interrupted too early and lost the thread of the discussion.",
    "Next time I will share the data before the meeting, not during it.",
    "Silence is useful: people fill it with what matters to them.",
    "Book thirty minutes to rehearse the opening with my peer.",
    "",
)
GOAL_TITLES = (
    "Present at the all-hands",
    "Lead a retrospective",
    "Give structured feedback to a colleague",
    "Learn SQL for reporting",
    "Negotiate a project deadline",
    "Delegate one recurring task",
    "Write a one-page proposal",
    "Run a workshop with another team",
)
STATUS_WEIGHTS = {"held": 0.80, "cancelled": 0.08, "moved": 0.07, "missed": 0.05}
# The company's shared skills (name, category), most wanted first: a few are in demand,
# most are offered more than wanted (a training-needs analysis has gaps to show).
SKILLS = (
    ("Giving feedback", "Leadership"),
    ("Public speaking", "Communication"),
    ("Stakeholder management", "Organisation"),
    ("Negotiation", "Communication"),
    ("Data visualisation", "Technical"),
    ("Project planning", "Organisation"),
    ("Coaching", "Leadership"),
    ("Python", "Technical"),
    ("Budgeting", "Business"),
    ("Conflict resolution", "People"),
    ("Delegation", "Leadership"),
    ("SQL", "Technical"),
    ("Time management", "Organisation"),
    ("Hiring", "People"),
    ("Customer discovery", "Business"),
    ("Cloud architecture", "Technical"),
)


class Company:
    """Everything generated, with ids assigned here (the database starts empty)."""

    def __init__(self, seed: int, today: dt.date, size: float = 1.0) -> None:
        self.rng = random.Random(seed)
        self.size = size
        self.people_count = round(PEOPLE * size)
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(12, 0))
        self.ids: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        self.ids[table] = self.ids.get(table, 0) + 1
        return self.ids[table]

    def when(self, start: dt.datetime, end: dt.datetime) -> dt.datetime:
        span = max(0.0, (end - start).total_seconds())
        return start + dt.timedelta(seconds=int(self.rng.random() * span))

    # ---------------------------------------------------------------- people

    def people(self) -> list[dict[str, Any]]:
        rng, now = self.rng, self.now
        people = []
        depts = list(DEPARTMENTS)
        heads: dict[str, int] = {}
        leads: dict[str, list[int]] = {d: [] for d in depts}
        sizes = {d: round(share * self.people_count) for d, share in DEPARTMENTS.items()}
        sizes["Engineering"] += self.people_count - sum(sizes.values())
        order: list[tuple[str, str]] = []  # (department, rank) — heads, then leads, then staff
        for d in depts:
            order.append((d, "head"))
        for d in depts:
            order += [(d, "lead")] * max(2, sizes[d] // 12)
        for d in depts:
            order += [(d, "staff")] * (sizes[d] - 1 - max(2, sizes[d] // 12))
        for i, (dept, rank) in enumerate(order):
            pid = self.next_id("person")
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if rank == "head":
                manager, level = None, "L6"
                heads[dept] = pid
            elif rank == "lead":
                manager, level = heads[dept], rng.choice(("L4", "L5"))
                leads[dept].append(pid)
            else:
                manager = rng.choice(leads[dept])
                level = rng.choices(LEVELS, LEVEL_WEIGHTS)[0]
            hire = self.today - dt.timedelta(days=int(rng.triangular(30, 5500, 700)))
            people.append(
                {
                    "id": pid,
                    # "Héloïse" writes to heloise.…, not hlose.… (accents folded first)
                    "email": fold(f"{first}.{last}.{i}").encode("ascii", "ignore").decode()
                    + "@bigco.example",
                    "full_name": f"{first} {last}",
                    "sort_name": sort_name(f"{first} {last}"),
                    "department": dept,
                    "level": level,
                    "job_title": f"{dept} {rank}",
                    "manager_id": manager,
                    "location": rng.choice(LOCATIONS),
                    "hire_date": hire,
                    "leave_date": None,
                    "language": rng.choice(("en", "fr", "fr")),
                    "is_active": True,
                    "directory_opt_in": rng.random() < 0.4,
                    "erased_at": None,
                    "created_at": now - dt.timedelta(days=800),
                    "updated_at": now - dt.timedelta(days=800),
                }
            )
        return people

    def leave_dates(self, people: list[dict[str, Any]], participants: set[int]) -> None:
        """About 11 % a year leave; participants a little less (what retention compares)."""
        rng = self.rng
        window = 900  # days of history in which people may have left
        for p in people:
            yearly = 0.085 if p["id"] in participants else 0.12
            if rng.random() < yearly * window / 365:
                leave = self.today - dt.timedelta(days=rng.randint(1, window))
                if leave > p["hire_date"] + dt.timedelta(days=60):
                    p["leave_date"] = leave
                    p["is_active"] = False

    # ---------------------------------------------------------------- skills

    def skills(
        self, enrolments: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The shared skills, and what each enrolment offers and wants (one to three of
        each, never both): offered evenly, wanted mostly among the first skills."""
        rng = self.rng
        skills = [
            {
                "id": self.next_id("skill"),
                "programme_id": None,
                "name": name,
                "category": category,
                "merged_into_id": None,
            }
            for name, category in SKILLS
        ]
        ids = [s["id"] for s in skills]
        demand = [1 / (rank + 1) for rank in range(len(ids))]
        links: list[dict[str, Any]] = []
        for e in enrolments:
            offered = rng.sample(ids, rng.randint(1, 3))
            wanted: list[int] = []
            for skill in rng.choices(ids, weights=demand, k=6):
                if skill not in offered and skill not in wanted and len(wanted) < 3:
                    wanted.append(skill)
            links += [{"enrolment_id": e["id"], "skill_id": i, "kind": "offered"} for i in offered]
            links += [
                {"enrolment_id": e["id"], "skill_id": i, "kind": "wanted"}
                for i in wanted[: rng.randint(1, 3)]
            ]
        return skills, links

    # ---------------------------------------------------------------- programmes

    def programmes(self) -> list[dict[str, Any]]:
        t = self.today
        specs = [
            (
                "Peer mentoring — Spring 2025",
                "closed",
                "pairs",
                t - dt.timedelta(days=600),
                180,
                ["L2", "L3", "L4"],
            ),
            (
                "Leadership circles — 2025/26",
                "running",
                "both",
                t - dt.timedelta(days=300),
                360,
                ["L4", "L5", "L6"],
            ),
            (
                "Peer mentoring — Autumn 2026",
                "running",
                "pairs",
                t - dt.timedelta(days=120),
                180,
                [],
            ),
        ]
        out = []
        for name, status, fmt, start, length, levels in specs:
            pid = self.next_id("programme")
            out.append(
                {
                    "id": pid,
                    "name": name,
                    "description": "Colleagues help each other grow.",
                    "objectives": ["upskilling", "retention"],
                    "format": fmt,
                    "circle_size": 4,
                    "relationship_type": "peer",
                    "eligibility": {"levels": levels} if levels else {},
                    "cadence_days": 14,
                    "session_minutes": 60,
                    "start_date": start,
                    "end_date": start + dt.timedelta(days=length),
                    "enrolment_opens": start - dt.timedelta(days=42),
                    "enrolment_closes": start - dt.timedelta(days=7),
                    "guidelines": "Meet every two weeks.",
                    "suggested_topics": [],
                    "charter": "What is said in the pair stays in the pair.",
                    "support_contact": "coord@bigco.example",
                    "status": status,
                    "matching": {"skills": 5, "themes": 3},
                    "created_by_id": None,
                    "created_at": self.now - dt.timedelta(days=700),
                    "updated_at": self.now - dt.timedelta(days=700),
                    "version": 1,
                }
            )
        return out

    # ---------------------------------------------------------------- enrolments

    def enrolments(
        self, people: list[dict[str, Any]], programmes: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], dict[int, list[int]]]:
        """Who enrols in each programme, and when; and the ids still enrolled, by programme."""
        rng = self.rng

        def employed(p: dict[str, Any], on: dt.date) -> bool:
            return p["hire_date"] <= on

        enrolments: list[dict[str, Any]] = []
        enrolled_in: dict[int, list[int]] = {}
        shares = (0.30, 0.75, 0.85)  # of the eligible people who enrol
        for prog, share in zip(programmes, shares, strict=True):
            levels = prog["eligibility"].get("levels")
            eligible = [
                p
                for p in people
                if (not levels or p["level"] in levels) and employed(p, prog["start_date"])
            ]
            chosen = rng.sample(eligible, int(len(eligible) * share))
            opens = dt.datetime.combine(prog["enrolment_opens"], dt.time(9))
            closes = dt.datetime.combine(prog["enrolment_closes"], dt.time(18))
            ids = []
            for p in chosen:
                # Most enrol in the first days and just before the window closes.
                u = rng.random()
                frac = u**2 if rng.random() < 0.6 else 1 - (1 - u) ** 3
                created = opens + (closes - opens) * frac
                withdrawn = rng.random() < 0.03
                eid = self.next_id("enrolment")
                enrolments.append(
                    {
                        "id": eid,
                        "programme_id": prog["id"],
                        "person_id": p["id"],
                        "status": "withdrawn" if withdrawn else "enrolled",
                        "role": "peer",
                        "mentor_capacity": 1,
                        "goal_themes": ["career"],
                        "availability": ["tue-pm"],
                        "work_mode": "either",
                        "languages": ["fr", "en"],
                        "motivation": "",
                        "charter_accepted_at": created,
                        "created_at": created,
                        "updated_at": created,
                        "withdrawn_at": created + dt.timedelta(days=rng.randint(3, 40))
                        if withdrawn
                        else None,
                    }
                )
                if not withdrawn:
                    ids.append(p["id"])
            enrolled_in[prog["id"]] = ids
        return enrolments, enrolled_in
