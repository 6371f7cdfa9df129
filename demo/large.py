"""A realistic company for measuring Tandem at scale: ``make demo-large``.

    python -m demo.large [--today YYYY-MM-DD] [--seed N]

Writes into DATABASE_URL (SQLite or PostgreSQL; the schema is upgraded first),
which must hold no people yet: 10 000 people in 12 departments, 3 programmes
over two years (one closed, two running), 4 000 active pairs and some circles,
meetings, 200 000 journal entries, 100 000 goals with steps, 50 000 feedback
items, 20 000 survey answers, self-assessments, KPIs, leave dates for the
retention comparison, and 16 shared skills each enrolment offers and wants (one to
three of each: the training needs, the directory and the matcher's skill fit). Seeded and reproducible: the same seed and the same
``--today`` give the same rows. Sign in as ``coord`` or ``admin`` (password
``tandem-demo``).

Rows are built in Python with their ids and written in chunks: executemany
(SQLite) or COPY (PostgreSQL), with no ORM objects, so it takes minutes, not hours
(unlike the small demo, this is not told through the services: a service call per row
would take hours). The parts live in :mod:`demo.scale`; this module writes them in order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from sqlalchemy import func, select, text

from core.kernel import clock
from core.kernel.store import open_store
from db.models import (
    Account,
    AccountRole,
    Agreement,
    Enrolment,
    EnrolmentSkill,
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
    Skill,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from demo.company import DEMO_PASSWORD
from demo.scale.activity import History
from demo.scale.company import Company
from demo.scale.pairs import draw_pairs
from demo.scale.surveys import assessment_rows, draw_surveys, sign_in_accounts
from demo.scale.writer import Writer

KPIS = (
    ("match_rate", 70),
    ("engaged_share", 60),
    ("nps", 30),
    ("goal_completion", 30),
    ("retention_12m", 90),
)


def generate(url: str | None, seed: int, today: dt.date, size: float = 1.0) -> dict[str, float]:
    """Write the company into ``url``; ``size`` scales every count (tests use a small one)."""
    started = time.monotonic()
    store = open_store(url)
    with store.sf() as s:
        if s.scalar(select(func.count()).select_from(Person)):
            raise SystemExit(
                "The database already holds people: point DATABASE_URL at an empty database."
            )
    c = Company(seed, today, size)
    with store.engine.begin() as conn:
        w = Writer(conn)
        people = c.people()
        programmes = c.programmes()
        by_id = {p["id"]: p for p in people}
        enrolments, enrolled_in = c.enrolments(people, programmes)
        participants = {e["person_id"] for e in enrolments if e["status"] == "enrolled"}
        c.leave_dates(people, participants)
        w.write(Person, people)
        w.write(Programme, programmes)
        w.write(
            ProgrammeKPI,
            (
                {
                    "id": c.next_id("kpi"),
                    "programme_id": p["id"],
                    "metric": m,
                    "target": tgt,
                    "label": "",
                }
                for p in programmes
                for m, tgt in KPIS
            ),
        )
        w.write(Enrolment, enrolments)

        pairs = draw_pairs(c, programmes, enrolled_in)
        w.write(Match, pairs.matches)
        w.write(MatchMember, pairs.members)
        w.write(Agreement, pairs.agreements)
        w.write(Meeting, pairs.meetings)

        # Drawn while written, in this order: the seed gives the same rows every time.
        history = History(c, pairs)
        w.write(JournalEntry, history.journal_rows())
        w.write(Goal, history.goal_rows())
        w.write(GoalStep, history.steps)
        feedback = list(history.feedback_rows())
        w.write(FeedbackRequest, history.requests)
        w.write(Feedback, feedback)

        surveys, questions, responses, answers = draw_surveys(c, programmes, enrolled_in, by_id)
        w.write(Survey, surveys)
        w.write(SurveyQuestion, questions)
        w.write(SurveyResponse, responses)
        w.write(SurveyAnswer, answers)
        w.write(SelfAssessment, assessment_rows(c, enrolments, programmes))

        accounts, roles = sign_in_accounts(c, people, DEMO_PASSWORD)
        w.write(Account, accounts)
        w.write(AccountRole, roles)
        # Drawn last, so that every row above is the one the same seed always gave.
        skills, links = c.skills(enrolments)
        w.write(Skill, skills)
        w.write(EnrolmentSkill, links)
        w.reset_sequences()
        counts: dict[str, float] = dict(w.counts)
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
