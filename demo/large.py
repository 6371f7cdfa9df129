"""A realistic company for measuring Tandem at scale: ``make demo-large``.

    python -m demo.large [--today YYYY-MM-DD] [--seed N]

Writes into DATABASE_URL (SQLite or PostgreSQL; the schema is upgraded first),
which must hold no people yet: 10 000 people in 12 departments, 3 programmes
over two years (one closed, two running), 4 000 active pairs and some circles,
meetings, 200 000 journal entries, 100 000 goals with steps, 50 000 feedback
items, 20 000 survey answers, self-assessments, KPIs and leave dates for the
retention comparison. Seeded and reproducible: the same seed and the same
``--today`` give the same rows. Sign in as ``coord`` or ``admin`` (password
``tandem-demo``).

Rows are built in Python with their ids and written in chunks: executemany
(SQLite) or COPY (PostgreSQL), with no ORM objects, so it takes minutes, not hours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Table, func, select, text

from core.accounts.auth import hash_password
from core.kernel.store import open_store
from db import crypto
from db.models import (
    Account,
    AccountRole,
    Agreement,
    Base,
    Enrolment,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalStep,
    JournalEntry,
    Match,
    MatchMember,
    Meeting,
    Person,
    Programme,
    ProgrammeKPI,
    SelfAssessment,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from demo.company import DEMO_PASSWORD

PEOPLE = 10_000
JOURNAL_ENTRIES = 200_000
GOALS = 100_000
FEEDBACK = 50_000
SURVEY_ANSWERS = 20_000
CHUNK = 5_000

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


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Writer:
    """Bulk writes of plain dicts: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        if not self.pg:
            # A large page cache: index pages stay in memory instead of thrashing the WAL.
            conn.exec_driver_sql("PRAGMA cache_size=-400000")
        self.t0 = time.monotonic()

    def write(self, table: Table, rows: Iterable[dict[str, Any]]) -> int:
        n = 0
        cols = [c.name for c in table.columns]
        json_cols = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
        for chunk in _chunks(rows):
            crypto.seal_rows(table.name, chunk)  # private text is encrypted at rest
            if self.pg:
                raw = self.conn.connection.dbapi_connection
                assert raw is not None
                names = ", ".join(f'"{c}"' for c in cols)
                with raw.cursor().copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                    for row in chunk:
                        copy.write_row(
                            [json.dumps(row.get(c)) if c in json_cols else row.get(c) for c in cols]
                        )
            else:
                full = [{c: row.get(c) for c in cols} for row in chunk]
                self.conn.execute(table.insert(), full)
            n += len(chunk)
        self.counts[table.name] = self.counts.get(table.name, 0) + n
        print(f"  {table.name}: {n:,} rows ({time.monotonic() - self.t0:.0f} s)", flush=True)
        return n

    def reset_sequences(self) -> None:
        if not self.pg:
            return
        for table in Base.metadata.sorted_tables:
            if "id" in table.columns and table.columns["id"].autoincrement is not False:
                self.conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                        f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                    )
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
                    "email": f"{first}.{last}.{i}@bigco.example".lower()
                    .encode("ascii", "ignore")
                    .decode(),
                    "full_name": f"{first} {last}",
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


def generate(url: str | None, seed: int, today: dt.date, size: float = 1.0) -> dict[str, int]:
    """Write the company into ``url``; ``size`` scales every count (tests use a small one)."""
    started = time.monotonic()
    store = open_store(url)
    with store.sf() as s:
        if s.scalar(select(func.count()).select_from(Person)):
            raise SystemExit(
                "The database already holds people: point DATABASE_URL at an empty database."
            )
    c = Company(seed, today, size)
    rng = c.rng
    now = c.now
    with store.engine.begin() as conn:
        w = Writer(conn)
        people = c.people()
        programmes = c.programmes()
        by_id = {p["id"]: p for p in people}

        def employed(p: dict[str, Any], on: dt.date) -> bool:
            return p["hire_date"] <= on

        # ------------------------------------------------------------ enrolments
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
                eid = c.next_id("enrolment")
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
        participants = {e["person_id"] for e in enrolments if e["status"] == "enrolled"}
        c.leave_dates(people, participants)
        w.write(Person.__table__, people)
        w.write(Programme.__table__, programmes)
        kpis = [
            ("match_rate", 70),
            ("engaged_share", 60),
            ("nps", 30),
            ("goal_completion", 30),
            ("retention_12m", 90),
        ]
        w.write(
            ProgrammeKPI.__table__,
            (
                {
                    "id": c.next_id("kpi"),
                    "programme_id": p["id"],
                    "metric": m,
                    "target": tgt,
                    "label": "",
                }
                for p in programmes
                for m, tgt in kpis
            ),
        )
        w.write(Enrolment.__table__, enrolments)

        # ------------------------------------------------------------ matches and meetings
        matches: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        agreements: list[dict[str, Any]] = []
        meetings: list[dict[str, Any]] = []
        held_by_match: dict[int, list[dt.datetime]] = {}
        match_people: dict[int, list[int]] = {}
        match_span: dict[int, tuple[dt.datetime, dt.datetime]] = {}
        plan = {  # programme → (pairs, circles of 4)
            1: (round(1150 * size), 0),
            2: (round(300 * size), round(150 * size)),
            3: (round(3700 * size), 0),
        }
        for prog in programmes:
            pairs, circles = plan[prog["id"]]
            pool = list(enrolled_in[prog["id"]])
            rng.shuffle(pool)
            groups = [pool[i * 2 : i * 2 + 2] for i in range(pairs)]
            offset = pairs * 2
            groups += [pool[offset + i * 4 : offset + i * 4 + 4] for i in range(circles)]
            start = dt.datetime.combine(prog["start_date"], dt.time(9))
            end = dt.datetime.combine(prog["end_date"], dt.time(18))
            closed = prog["status"] == "closed"
            for g in groups:
                if len(g) < 2:
                    continue
                mid = c.next_id("match")
                # A few late matches, so some pairs are "too early to tell".
                late = not closed and rng.random() < 0.03
                began = (
                    now - dt.timedelta(days=rng.randint(1, 12))
                    if late
                    else start + dt.timedelta(days=rng.randint(-3, 20))
                )
                matches.append(
                    {
                        "id": mid,
                        "programme_id": prog["id"],
                        "status": "ended" if closed else "active",
                        "kind": "pair" if len(g) == 2 else "circle",
                        "score": float(rng.randint(40, 95)),
                        "explanation": [],
                        "created_at": began - dt.timedelta(days=3),
                        "published_at": began - dt.timedelta(days=2),
                        "started_at": began,
                        "paused_at": None,
                        "ended_at": end if closed else None,
                        "end_reason": None,
                        "version": 1,
                    }
                )
                for pid in g:
                    members.append(
                        {
                            "match_id": mid,
                            "person_id": pid,
                            "role": "peer",
                            "response": "accepted",
                            "responded_at": began,
                        }
                    )
                cadence = rng.choice((7, 14, 14, 14, 30))
                if rng.random() < 0.8:
                    agreements.append(
                        {
                            "id": c.next_id("agreement"),
                            "match_id": mid,
                            "cadence_days": cadence,
                            "meeting_format": "video",
                            "length_minutes": 60,
                            "updated_at": began,
                            "version": 1,
                        }
                    )
                else:
                    cadence = prog["cadence_days"]
                match_people[mid] = g
                stop = min(end, now)
                match_span[mid] = (began, stop)
                # Pair vitality: most meet on cadence, some fade, a few never start.
                kind = rng.choices(
                    ("steady", "fading", "never", "flaky"), (0.72, 0.18, 0.05, 0.05)
                )[0]
                limit = rng.randint(1, 4) if kind == "fading" else 10_000
                if kind == "never":
                    continue
                at = began + dt.timedelta(days=rng.randint(4, 13), hours=rng.randint(0, 8))
                n = 0
                held: list[dt.datetime] = []
                while at < end and n < limit:
                    if at > now:
                        if at < now + dt.timedelta(days=30):
                            status = "planned"
                        else:
                            break
                    else:
                        status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
                    meetings.append(
                        {
                            "id": c.next_id("meeting"),
                            "match_id": mid,
                            "scheduled_at": at,
                            "duration_minutes": 60,
                            "kind": "regular",
                            "status": status,
                            "place": "",
                            "agenda": "",
                            "notes": "",
                            "created_by_id": g[0],
                            "created_at": at - dt.timedelta(days=7),
                            "updated_at": at,
                            "version": 1,
                        }
                    )
                    if status == "held":
                        held.append(at)
                    if status == "planned":
                        break
                    n += 1
                    at += dt.timedelta(days=cadence + rng.randint(-2, 3), hours=rng.randint(-3, 3))
                if kind == "flaky" and not closed:
                    for back in (9, 3):
                        meetings.append(
                            {
                                **meetings[-1],
                                "id": c.next_id("meeting"),
                                "scheduled_at": now - dt.timedelta(days=back),
                                "status": rng.choice(("cancelled", "missed", "moved")),
                            }
                        )
                held_by_match[mid] = held
        # A few published matches still waiting for an answer.
        paired = {m["person_id"] for m in members}
        spare = [p for p in enrolled_in[3] if p not in paired]
        for i in range(0, min(len(spare) - 1, round(60 * size)), 2):
            mid = c.next_id("match")
            matches.append(
                {
                    "id": mid,
                    "programme_id": 3,
                    "status": "published",
                    "kind": "pair",
                    "score": 50.0,
                    "explanation": [],
                    "created_at": now - dt.timedelta(days=2),
                    "published_at": now - dt.timedelta(days=2),
                    "started_at": None,
                    "paused_at": None,
                    "ended_at": None,
                    "end_reason": None,
                    "version": 1,
                }
            )
            for pid in spare[i : i + 2]:
                members.append(
                    {
                        "match_id": mid,
                        "person_id": pid,
                        "role": "peer",
                        "response": "pending",
                        "responded_at": None,
                    }
                )
        w.write(Match.__table__, matches)
        w.write(MatchMember.__table__, members)
        w.write(Agreement.__table__, agreements)
        w.write(Meeting.__table__, meetings)
        meeting_ids = {}
        for m in meetings:
            if m["status"] == "held":
                meeting_ids.setdefault(m["match_id"], []).append((m["id"], m["scheduled_at"]))

        # ------------------------------------------------------------ journal
        live = [mid for mid in match_people if match_span[mid][1] > match_span[mid][0]]
        weights = [len(match_people[m]) * (match_span[m][1] - match_span[m][0]).days for m in live]

        def journal_rows() -> Iterator[dict[str, Any]]:
            picks = rng.choices(live, weights, k=round(JOURNAL_ENTRIES * size))
            for mid in picks:
                author = rng.choice(match_people[mid])
                held = meeting_ids.get(mid)
                meeting_id = None
                if held and rng.random() < 0.7:
                    meeting_id, at = rng.choice(held)
                    created = at + dt.timedelta(hours=rng.randint(1, 48))
                else:
                    created = c.when(*match_span[mid])
                created = min(created, now)
                yield {
                    "id": c.next_id("journal"),
                    "author_id": author,
                    "match_id": mid,
                    "meeting_id": meeting_id,
                    "status": "draft" if rng.random() < 0.05 else "final",
                    "shared": rng.random() < 0.3,
                    "discussed": rng.choice(SENTENCES),
                    "situation": rng.choice(SENTENCES),
                    "handling": rng.choice(SENTENCES),
                    "reaction": "",
                    "went_well": rng.choice(SENTENCES),
                    "went_less_well": "",
                    "differently": rng.choice(SENTENCES),
                    "learned": rng.choice(SENTENCES),
                    "next_step": rng.choice(SENTENCES),
                    "usefulness": rng.randint(2, 5),
                    "wellbeing": rng.choice((None, 3, 4, 5)),
                    "created_at": created,
                    "updated_at": created,
                    "version": 1,
                }

        w.write(JournalEntry.__table__, journal_rows())

        # ------------------------------------------------------------ goals and steps
        programme_of = {m["id"]: m["programme_id"] for m in matches}
        steps: list[dict[str, Any]] = []

        def goal_rows() -> Iterator[dict[str, Any]]:
            picks = rng.choices(live, weights, k=round(GOALS * size))
            for mid in picks:
                owner = rng.choice(match_people[mid])
                start, stop = match_span[mid]
                created = c.when(start, stop)
                status = rng.choices(("active", "achieved", "dropped"), (0.5, 0.35, 0.15))[0]
                achieved = c.when(created, now) if status == "achieved" else None
                gid = c.next_id("goal")
                for pos in range(rng.randint(1, 4)):
                    done = status == "achieved" or rng.random() < 0.4
                    steps.append(
                        {
                            "id": c.next_id("step"),
                            "goal_id": gid,
                            "position": pos,
                            "title": f"Step {pos + 1}",
                            "due_date": (created + dt.timedelta(days=14 * (pos + 1))).date(),
                            "done_at": c.when(created, now) if done else None,
                        }
                    )
                yield {
                    "id": gid,
                    "owner_id": owner,
                    "programme_id": programme_of[mid],
                    "match_id": mid,
                    "title": rng.choice(GOAL_TITLES),
                    "outcome": "",
                    "category": "",
                    "target_date": (created + dt.timedelta(days=90)).date(),
                    "status": status,
                    "visibility": "shared" if rng.random() < 0.4 else "private",
                    "manual_progress": None,
                    "created_at": created,
                    "updated_at": created,
                    "achieved_at": achieved,
                    "version": 1,
                }

        w.write(Goal.__table__, goal_rows())
        w.write(GoalStep.__table__, steps)

        # ------------------------------------------------------------ feedback
        requests: list[dict[str, Any]] = []

        def feedback_rows() -> Iterator[dict[str, Any]]:
            picks = rng.choices(live, weights, k=round(FEEDBACK * size))
            for mid in picks:
                giver, recipient = rng.sample(match_people[mid], 2)
                created = c.when(*match_span[mid])
                request_id = None
                if rng.random() < 0.6:
                    request_id = c.next_id("request")
                    requests.append(
                        {
                            "id": request_id,
                            "match_id": mid,
                            "requester_id": recipient,
                            "giver_id": giver,
                            "topic": "My presentation",
                            "context": "",
                            "wished_by": None,
                            "status": "answered",
                            "created_at": created - dt.timedelta(days=rng.randint(1, 6)),
                        }
                    )
                yield {
                    "id": c.next_id("feedback"),
                    "request_id": request_id,
                    "match_id": mid,
                    "giver_id": giver,
                    "recipient_id": recipient,
                    "kind": rng.choice(("structured", "sbi", "kudos")),
                    "worked": rng.choice(SENTENCES),
                    "improve": rng.choice(SENTENCES),
                    "suggestion": rng.choice(SENTENCES),
                    "situation": "",
                    "behaviour": "",
                    "impact": "",
                    "created_at": created,
                    "acknowledged_at": created + dt.timedelta(days=1)
                    if rng.random() < 0.7
                    else None,
                    "usefulness": rng.randint(2, 5),
                }

        fb = list(feedback_rows())
        w.write(FeedbackRequest.__table__, requests)
        w.write(Feedback.__table__, fb)

        # ------------------------------------------------------------ surveys
        questions_spec = [
            ("satisfaction", "scale5"),
            ("nps", "scale10"),
            ("peer_help", "scale5"),
            ("progress", "scale5"),
            ("free", "text"),
        ]
        surveys, questions, responses, answers = [], [], [], []
        per_programme = {1: (30, 90, 170), 2: (30, 120, 240), 3: (30, 90)}
        n_surveys = sum(len(v) for v in per_programme.values())
        per_survey = round(SURVEY_ANSWERS * size) // len(questions_spec) // n_surveys
        for prog in programmes:
            start = dt.datetime.combine(prog["start_date"], dt.time(9))
            # Programme-level mood, so the NPS differs between programmes and over time.
            mood = {1: 0.3, 2: 0.7, 3: 0.5}[prog["id"]]
            for day in per_programme[prog["id"]]:
                opens = start + dt.timedelta(days=day)
                if opens > now:
                    continue
                sid = c.next_id("survey")
                surveys.append(
                    {
                        "id": sid,
                        "programme_id": prog["id"],
                        "kind": "pulse",
                        "title": f"Pulse — day {day}",
                        "opens_at": opens,
                        "closes_at": opens + dt.timedelta(days=14),
                        "created_at": opens,
                    }
                )
                qids = {}
                for pos, (code, kind) in enumerate(questions_spec):
                    qid = c.next_id("question")
                    qids[code] = qid
                    questions.append(
                        {
                            "id": qid,
                            "survey_id": sid,
                            "position": pos,
                            "code": code,
                            "kind": kind,
                            "text": "",
                        }
                    )
                who = rng.sample(
                    enrolled_in[prog["id"]], min(per_survey, len(enrolled_in[prog["id"]]))
                )
                for pid in who:
                    rid = c.next_id("response")
                    submitted = min(now, opens + dt.timedelta(hours=rng.randint(1, 300)))
                    responses.append(
                        {
                            "id": rid,
                            "survey_id": sid,
                            "person_id": pid,
                            "department": by_id[pid]["department"],
                            "submitted_at": submitted,
                        }
                    )
                    happy = rng.random() < mood + day / 1000
                    for code, kind in questions_spec:
                        if kind == "text":
                            value_int, value_text = None, rng.choice(SENTENCES) or None
                        elif kind == "scale10":
                            value_int, value_text = (
                                (
                                    rng.choice((8, 9, 9, 10, 10))
                                    if happy
                                    else rng.choice((3, 5, 6, 7, 8))
                                ),
                                None,
                            )
                        else:
                            value_int, value_text = (
                                (rng.choice((4, 4, 5)) if happy else rng.choice((2, 3, 3, 4))),
                                None,
                            )
                        answers.append(
                            {
                                "response_id": rid,
                                "question_id": qids[code],
                                "value_int": value_int,
                                "value_text": value_text,
                            }
                        )
        w.write(Survey.__table__, surveys)
        w.write(SurveyQuestion.__table__, questions)
        w.write(SurveyResponse.__table__, responses)
        w.write(SurveyAnswer.__table__, answers)

        # ------------------------------------------------------------ self-assessments
        def assessment_rows() -> Iterator[dict[str, Any]]:
            for e in enrolments:
                if e["status"] != "enrolled":
                    continue
                base = {sk: rng.randint(1, 4) for sk in MENTOR_SKILLS}
                for sk, score in base.items():
                    yield {
                        "id": c.next_id("assessment"),
                        "enrolment_id": e["id"],
                        "phase": "baseline",
                        "skill": sk,
                        "score": score,
                        "at": e["created_at"],
                    }
                if e["programme_id"] == 1 and rng.random() < 0.6:
                    for sk, score in base.items():
                        yield {
                            "id": c.next_id("assessment"),
                            "enrolment_id": e["id"],
                            "phase": "end",
                            "skill": sk,
                            "score": min(5, score + rng.choice((0, 0, 1, 1, 1, 2))),
                            "at": dt.datetime.combine(programmes[0]["end_date"], dt.time(10)),
                        }

        w.write(SelfAssessment.__table__, assessment_rows())

        # ------------------------------------------------------------ sign-in accounts
        hashed = hash_password(DEMO_PASSWORD)
        leads = [p for p in people if p["job_title"].endswith(" lead")]
        coord_person = next(p for p in leads if p["department"] == "People")
        admin_person = next(p for p in leads if p["department"] == "IT")
        accounts, roles = [], []
        for person, username, rs in (
            (admin_person, "admin", ("admin", "coordinator")),
            (coord_person, "coord", ("coordinator",)),
        ):
            aid = c.next_id("account")
            accounts.append(
                {
                    "id": aid,
                    "person_id": person["id"],
                    "username": username,
                    "password_hash": hashed,
                    "is_active": True,
                    "language": "en",
                    "sessions_revoked_before": None,
                    "last_login_at": None,
                    "password_changed_at": now,
                    "created_at": now,
                }
            )
            roles += [{"account_id": aid, "role": r} for r in rs]
        w.write(Account.__table__, accounts)
        w.write(AccountRole.__table__, roles)
        w.reset_sequences()
        counts = dict(w.counts)
    if store.engine.dialect.name == "postgresql":
        # Fresh statistics and a visibility map, so the planner can use index-only scans.
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    store.engine.dispose()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL)")
    args = parser.parse_args(argv)
    from core.kernel import clock

    today = args.today or clock.today()
    counts = generate(args.url, args.seed, today)
    seconds = counts.pop("seconds")
    width = max(len(k) for k in counts)
    for table, n in sorted(counts.items()):
        print(f"  {table:<{width}}  {n:>9,}")
    print(f"Generated in {seconds} s. Sign in as coord or admin, password {DEMO_PASSWORD}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
