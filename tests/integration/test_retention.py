"""Retention of private text per programme and the purge command (issue 13)."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from sqlalchemy import distinct, func, select

import tandem as cli
from core.kernel import clock
from core.kernel.errors import InvalidInput, NotAllowed
from core.privacy import retention
from db.models import AuditLog, Feedback, JournalEntry, Match, Programme
from tests.builders import make_user
from tests.integration.test_privacy_at_rest import (
    NOW,
    PROTECTED_MODELS,
    read_back,
    write_everything,
)

END = dt.date(2026, 3, 31)


@pytest.fixture
def coord(sf):
    return make_user(sf, "coord", ("coordinator",))


def _close(sf, days: int | None, end: dt.date = END) -> int:
    with sf.begin() as s:
        p = s.scalars(select(Programme).order_by(Programme.id.desc())).first()
        p.status, p.end_date, p.retention_days = "closed", end, days
        return p.id


def _counts(sf, coord):
    """What the dashboard counts: entries (final, shared, authors) per programme, feedback by kind."""
    with sf() as s:
        entries = s.execute(
            select(
                Match.programme_id,
                JournalEntry.status,
                JournalEntry.shared,
                func.count(),
                func.count(distinct(JournalEntry.author_id)),
            )
            .join(Match, Match.id == JournalEntry.match_id)
            .group_by(Match.programme_id, JournalEntry.status, JournalEntry.shared)
        ).all()
        given = s.execute(
            select(Feedback.kind, Feedback.acknowledged_at.is_(None), func.count()).group_by(
                Feedback.kind, Feedback.acknowledged_at.is_(None)
            )
        ).all()
    return sorted(map(tuple, entries)), sorted(map(tuple, given))


def _rows(sf) -> dict[str, int]:
    with sf() as s:
        return {
            m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in PROTECTED_MODELS
        }


def test_by_default_a_closed_programme_keeps_private_text(sf, coord):
    marker = "Zq" + secrets.token_hex(6)
    written = write_everything(sf, marker)
    _close(sf, None, end=dt.date(2020, 1, 1))
    assert retention.purge(sf, today=dt.date(2030, 1, 1)) == []
    assert written <= read_back(sf)


def test_the_purge_empties_private_text_keeps_every_count_and_logs_counts_only(sf, coord):
    kept = write_everything(
        sf, "KEEP" + secrets.token_hex(4), ("ann", "bob")
    )  # another programme, kept
    _close(sf, None)
    marker = "Zq" + secrets.token_hex(6)
    written = write_everything(sf, marker)
    pid = _close(sf, 30)
    before_rows, before_counts = _rows(sf), _counts(sf, coord)

    assert retention.purge(sf, today=END + dt.timedelta(days=29)) == []  # not yet
    assert written <= read_back(sf)

    [done] = retention.purge(sf, today=END + dt.timedelta(days=30))
    assert done.programme_id == pid
    assert done.counts["journal_entry"] == 2 and done.counts["goal"] == 1
    left = read_back(sf)
    assert not any(marker in v for v in left)
    assert kept <= left  # the other programme keeps its text
    assert _rows(sf) == before_rows  # rows stay …
    assert _counts(sf, coord) == before_counts  # … and so does every count
    with sf() as s:
        [line] = s.scalars(select(AuditLog).where(AuditLog.action == "private_text_erased"))
        assert line.target == f"programme {pid}" and line.actor_username == retention.PURGE_ACTOR
        assert line.detail == done.counts
        assert all(isinstance(n, int) for n in line.detail.values())

    # Idempotent: nothing left to erase, nothing logged again.
    assert retention.purge(sf, today=END + dt.timedelta(days=31)) == []
    with sf() as s:
        n = s.scalar(select(func.count()).where(AuditLog.action == "private_text_erased"))
        assert n == 1


def test_a_running_programme_past_its_date_is_not_purged(sf, coord):
    marker = "Zq" + secrets.token_hex(6)
    written = write_everything(sf, marker)
    with sf.begin() as s:
        p = s.scalars(select(Programme)).one()
        p.end_date, p.retention_days = dt.date(2020, 1, 1), 0
    assert retention.purge(sf, today=NOW.date()) == []
    assert written <= read_back(sf)


def test_a_coordinator_sets_the_retention_and_a_participant_sees_the_date(sf, coord):
    write_everything(sf, "x")
    with sf() as s:
        p = s.scalars(select(Programme)).one()
        pid, version = p.id, p.version
        author = s.scalars(select(JournalEntry.author_id)).first()
    saved = retention.set_retention(sf, coord, pid, "90", expected_version=version)
    assert saved.retention_days == 90 and saved.version == version + 1
    from core.accounts.auth import viewer_of
    from db.models import Account, Person

    with sf() as s:
        account = s.scalars(select(Account).where(Account.person_id == author)).one()
        me = viewer_of(account, s.get_one(Person, author))
    [plan] = retention.my_erase_dates(sf, me)
    assert plan.erase_on == saved.end_date + dt.timedelta(days=90) and not plan.erased
    with pytest.raises(NotAllowed):
        retention.set_retention(sf, me, pid, "1", expected_version=None)
    for bad in ("-1", "abc", "1.5", "99999"):
        with pytest.raises(InvalidInput):
            retention.set_retention(sf, coord, pid, bad, expected_version=None)
    assert retention.set_retention(sf, coord, pid, "", expected_version=None).retention_days is None
    assert retention.my_erase_dates(sf, me) == []
    with sf() as s:
        assert s.scalar(select(func.count()).where(AuditLog.action == "retention_changed")) == 2


def test_the_purge_command_erases_and_says_counts_only(tmp_path, monkeypatch, capsys):
    from core.kernel.store import open_store

    url = f"sqlite:///{tmp_path / 'purge.db'}"
    store = open_store(url)
    marker = "Zq" + secrets.token_hex(6)
    write_everything(store.sf, marker)
    _close(store.sf, 0, end=dt.date(2026, 1, 1))
    store.engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    clock.set_now(dt.datetime(2026, 3, 1))
    assert cli.main(["purge"]) == 0
    out = capsys.readouterr().out
    assert "journal_entry" in out and marker not in out
    assert cli.main(["purge"]) == 0
    assert capsys.readouterr().out.strip() == "Nothing to erase."
