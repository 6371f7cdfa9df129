"""The company generator (demo/large.py) is seeded, reproducible, and feeds the dashboard."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import create_engine, text

from core.accounts.auth import viewer_of
from core.insights import dashboard, figures, tna
from core.kernel import clock
from core.kernel.store import open_store
from db import crypto
from db.folding import fold
from db.models import Account, Person
from demo.large import generate

TODAY = dt.date(2026, 11, 27)
SIZE = 0.03  # 300 people: the same shape as the 10 000-person company, in seconds


def _plain(table: str, row: dict) -> tuple:
    """A row as its text reads: private values decrypted, their random row uid left out
    (encryption at rest stores the same text differently each time, by design)."""
    private = {c for t in crypto.protected_tables() if t.name == table for c in t.columns}
    return tuple(
        crypto.open_value(crypto.active(), f"{table}.{k}", v)[0] if k in private and v else v
        for k, v in row.items()
        if not (private and k == crypto.UID_COLUMN)
    )


def _fingerprint(url: str) -> str:
    digest = hashlib.sha256()
    engine = create_engine(url)
    with engine.connect() as conn:
        for table in (
            "person",
            "enrolment",
            "match_member",
            "meeting",
            "journal_entry",
            "goal",
            "survey_answer",
        ):
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2")).mappings():
                digest.update(repr(_plain(table, dict(row))).encode())
    engine.dispose()
    return digest.hexdigest()


def test_the_same_seed_and_day_give_the_same_company(tmp_path):
    a, b = (f"sqlite:///{tmp_path / name}" for name in ("a.db", "b.db"))
    counts_a = generate(a, seed=7, today=TODAY, size=SIZE)
    counts_b = generate(b, seed=7, today=TODAY, size=SIZE)
    counts_a.pop("seconds"), counts_b.pop("seconds")
    assert counts_a == counts_b
    assert counts_a["person"] == 300 and counts_a["journal_entry"] == 6000
    assert _fingerprint(a) == _fingerprint(b)
    c = f"sqlite:///{tmp_path / 'c.db'}"
    generate(c, seed=8, today=TODAY, size=SIZE)
    assert _fingerprint(c) != _fingerprint(a)


def test_the_generated_company_fills_the_dashboard(tmp_path):
    url = f"sqlite:///{tmp_path / 'company.db'}"
    generate(url, seed=7, today=TODAY, size=SIZE)
    clock.set_now(dt.datetime.combine(TODAY, dt.time(15)))
    store = open_store(url, migrate=False)
    with store.sf() as s:
        account = s.query(Account).filter_by(username="coord").one()
        coord = viewer_of(account, s.get_one(Person, account.person_id))
    running = [p for p in dashboard.options(store.sf, coord).programmes if p.status == "running"]
    assert len(running) == 2
    d = dashboard.dashboard(store.sf, coord, figures.Filters(programme_id=running[0].id))
    assert d.headline.match_rate.value is not None and d.headline.match_rate.value > 0.7
    assert d.headline.meetings_held.value and d.headline.reflections.value
    assert {p.x for p in d.health.buckets if p.value} >= {"on_track", "check_in"}
    assert d.kpis and d.checkins
    # skills offered and wanted: the training needs and the directory have something to show
    with store.sf() as s:
        per_enrolment = s.execute(
            text(
                "SELECT enrolment_id, sum(kind = 'offered'), sum(kind = 'wanted'), "
                "count(DISTINCT skill_id) = count(*) FROM enrolment_skill GROUP BY enrolment_id"
            )
        ).all()
        enrolments = s.scalar(text("SELECT count(*) FROM enrolment"))
    assert len(per_enrolment) == enrolments
    assert all(1 <= o <= 3 and 1 <= w <= 3 and apart for _, o, w, apart in per_enrolment)
    grid = tna.needs_grid(store.sf, coord, running[0].id)
    assert {t.skill for t in grid.totals if t.wanted and t.offered}
    # e-mails as a company writes them: "Héloïse Nicolas" is heloise.nicolas.…@
    with store.sf() as s:
        people = s.execute(text("SELECT full_name, email FROM person")).all()
    accented = [(name, email) for name, email in people if not name.isascii()]
    assert accented
    for name, email in people:
        if not email.endswith("@bigco.example"):
            continue  # the coordinator's and the admin's accounts
        first, last = name.split(" ", 1)
        assert email.startswith(f"{fold(first)}.{fold(last)}."), (name, email)
    store.engine.dispose()


def test_the_generator_refuses_a_database_that_already_holds_people(tmp_path):
    url = f"sqlite:///{tmp_path / 'full.db'}"
    generate(url, seed=7, today=TODAY, size=0.01)
    with pytest.raises(SystemExit, match="already holds people"):
        generate(url, seed=7, today=TODAY, size=0.01)
