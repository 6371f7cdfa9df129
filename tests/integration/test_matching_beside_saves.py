"""A matching run solves outside any transaction (seconds for a company's pool): no one's save
waits for it, and what it writes is what the database holds when it writes (else solved again)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, update

from core.kernel import clock
from core.kernel.errors import Conflict
from core.matching import engine, suggestions
from db.models import Enrolment, EnrolmentStatus, Match, MatchMember, MatchStatus
from tests.builders import make_pool, make_user
from tests.integration.test_match_service import DEPARTMENTS


def _while_solving(monkeypatch: pytest.MonkeyPatch, during: Callable[[int], None]) -> list[int]:
    """Run ``during(n)`` inside the n-th solve (0, 1, …), as a concurrent request would."""
    calls: list[int] = []
    solve = engine.suggest

    def suggest(*args: Any, **kwargs: Any) -> engine.MatchingResult:
        during(len(calls))
        calls.append(1)
        return solve(*args, **kwargs)

    monkeypatch.setattr(suggestions.engine, "suggest", suggest)
    return calls


def _withdraw(sf, person_id: int) -> None:  # type: ignore[no-untyped-def]
    with sf.begin() as s:
        s.execute(
            update(Enrolment)
            .where(Enrolment.person_id == person_id)
            .values(status=EnrolmentStatus.WITHDRAWN)
        )


def _suggested(sf, pid: int) -> set[int]:  # type: ignore[no-untyped-def]
    with sf() as s:
        return set(
            s.scalars(
                select(MatchMember.person_id)
                .join(Match, Match.id == MatchMember.match_id)
                .where(Match.programme_id == pid, Match.status == MatchStatus.SUGGESTED)
            )
        )


@pytest.fixture
def pool(sf):  # type: ignore[no-untyped-def]
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    pid, people = make_pool(sf, 8, name="Spring", departments=DEPARTMENTS)
    return coord, pid, people


def test_a_save_made_while_the_matching_solves_does_not_wait_for_it(
    sqlite_store, monkeypatch: pytest.MonkeyPatch
) -> None:
    sf = sqlite_store.sf
    coord = make_user(sf, "coord", ["coordinator"])
    pid, _ = make_pool(sf, 8, name="Spring", departments=DEPARTMENTS)
    path = sqlite_store.engine.url.database
    saved: list[str] = []

    def save(_: int) -> None:  # another server's save, willing to wait a fifth of a second
        conn = sqlite3.connect(path, timeout=0.2, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE setting SET value = value WHERE key = 'nothing'")
            conn.execute("COMMIT")
            saved.append("saved")
        finally:
            conn.close()

    _while_solving(monkeypatch, save)
    summary = suggestions.run_matching(sf, coord, pid)
    assert saved == ["saved"]
    assert summary.suggestions == 4


def test_a_pool_that_changed_while_solving_is_solved_again(
    sf, pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    coord, pid, people = pool
    gone = people["p003"]
    calls = _while_solving(monkeypatch, lambda n: _withdraw(sf, gone) if n == 0 else None)
    suggestions.run_matching(sf, coord, pid)
    assert len(calls) == 2  # solved with p003, then again without
    assert gone not in _suggested(sf, pid)
    assert _suggested(sf, pid) == set(people.values()) - {gone}


def test_a_pool_that_keeps_changing_is_refused_and_the_last_suggestions_kept(
    sf, pool, monkeypatch: pytest.MonkeyPatch
) -> None:
    coord, pid, people = pool
    suggestions.run_matching(sf, coord, pid)
    before = _suggested(sf, pid)
    leaving = [people[f"p00{i}"] for i in range(suggestions.ATTEMPTS)]
    calls = _while_solving(monkeypatch, lambda n: _withdraw(sf, leaving[n]))
    with pytest.raises(Conflict) as refused:
        suggestions.run_matching(sf, coord, pid)
    assert "changed their answers while the matching ran" in str(refused.value)
    assert len(calls) == suggestions.ATTEMPTS
    assert _suggested(sf, pid) == before
