"""The admin's reads stay cheap at company scale: the accounts list reads the fields it
shows (not whole accounts and people), the latest SMTP errors come from an index of the few
notifications that have one, not from reading every notification ever queued, and the audit
log filtered by action is counted and paged from an index of (action, time)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from core.accounts import accounts
from core.kernel import audit, clock
from core.notify import admin
from db.models import AuditLog, LoginThrottle, Notification
from tests.builders import make_account, make_user
from tests.sql_plans import sqlite_plan


def _queue(sf, person_id: int, n: int, error_every: int) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    with sf.begin() as s:
        s.execute(
            insert(Notification),
            [
                {
                    "key": f"test:{i}",
                    "kind": "digest",
                    "person_id": person_id,
                    "to_address": "ada@example.com",
                    "locale": "en",
                    "subject": "Something is waiting",
                    "body": "Open Tandem.",
                    "delivery": "immediately",
                    "status": "failed" if i % error_every == 0 else "sent",
                    "attempts": 1,
                    "next_attempt_at": now - dt.timedelta(minutes=i),
                    "last_error": f"550 refused {i}" if i % error_every == 0 else None,
                    "created_at": now - dt.timedelta(minutes=i),
                }
                for i in range(n)
            ],
        )


def test_the_accounts_page_lists_the_ten_latest_smtp_errors_newest_first_with_the_counts(sf):
    ada = make_user(sf, "ada", ["admin"])
    _queue(sf, ada.person_id, 300, error_every=7)
    status = admin.mail_status(sf, ada)
    assert [f.error for f in status.failures] == [f"550 refused {i}" for i in range(0, 70, 7)]
    assert status.counts["failed"] == 43 and status.counts["sent"] == 257


def test_the_latest_smtp_errors_are_read_from_their_index_not_from_the_whole_outbox(
    store, statements
):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("the plan is read with SQLite's EXPLAIN QUERY PLAN (PostgreSQL: see 0015)")
    ada = make_user(store.sf, "ada", ["admin"])
    _queue(store.sf, ada.person_id, 50, error_every=7)
    statements.clear()
    admin.mail_status(store.sf, ada)
    plan = sqlite_plan(store, statements, "last_error IS NOT NULL")
    assert "USING INDEX ix_notification_errors" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


def _log(sf, n: int, now: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    actions = ["login", "logout", "login_failed"]
    with sf.begin() as s:
        s.execute(
            insert(AuditLog),
            [
                {
                    "at": now - dt.timedelta(hours=i),
                    "actor_username": f"user{i % 9}",
                    "action": actions[i % 3],
                    "detail": {},
                }
                for i in range(n)
            ],
        )


def test_the_audit_log_filtered_by_action_counts_and_pages_that_actions_lines_of_the_period(sf):
    ada = make_user(sf, "ada", ["admin"])
    now = clock.now().replace(microsecond=0)
    _log(sf, 24 * 40, now)  # forty days, a line an hour
    today = clock.today()
    since = today - dt.timedelta(days=9)
    page = audit.read_log(
        sf, ada, actions=["login_failed"], since=since, until=today, limit=20, offset=40
    )
    # From the start of the day nine days ago to now: a failed sign-in every 3 hours.
    expected = [
        line
        for i in range(24 * 40)
        if i % 3 == 2 and (line := now - dt.timedelta(hours=i)).date() >= since
    ]
    assert page.total == len(expected)
    assert [x.action for x in page.lines] == ["login_failed"] * 20
    assert [x.at for x in page.lines] == expected[40:60]


def test_the_audit_log_filtered_by_action_reads_its_index_not_every_line_of_that_action(
    store, statements
):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("the plan is read with SQLite's EXPLAIN QUERY PLAN (PostgreSQL: see 0015)")
    ada = make_user(store.sf, "ada", ["admin"])
    _log(store.sf, 300, clock.now())
    statements.clear()
    today = clock.today()
    audit.read_log(
        store.sf, ada, actions=["logout"], since=today - dt.timedelta(days=3), until=today
    )
    count = sqlite_plan(store, statements, "count(*)")
    assert "COVERING INDEX ix_audit_log_action_at" in count, count
    lines = sqlite_plan(store, statements, "ORDER BY audit_log.at DESC")
    assert "USING INDEX ix_audit_log_action_at" in lines, lines
    assert "TEMP B-TREE" not in lines, lines


def test_the_accounts_list_gives_each_account_its_roles_and_lock_by_name_and_filters_and_stops_at_the_limit(
    sf,
):
    ada = make_user(sf, "ada", ["admin"])
    with sf.begin() as s:
        for i in range(30):
            roles = ("participant", "coordinator") if i % 3 == 0 else ("participant",)
            make_account(s, f"user{i:02d}", roles, password=None, email=f"u{i:02d}@corp.example")
        s.add(
            LoginThrottle(
                username="user07",
                source="*",
                failures=5,
                locked_until=clock.now() + dt.timedelta(minutes=10),
            )
        )
    first = accounts.list_accounts(sf, ada, limit=20)
    rows = first.rows
    assert (first.total, first.page, first.pages) == (31, 1, 2)
    assert [r.username for r in rows] == ["ada"] + [f"user{i:02d}" for i in range(19)]
    by_name = {r.username: r for r in rows}
    assert by_name["ada"].roles == ("admin",)
    assert by_name["user03"].roles == ("coordinator", "participant")
    assert by_name["user04"].roles == ("participant",)
    assert by_name["user07"].locked_until is not None and by_name["user08"].locked_until is None
    assert by_name["user04"].email == "u04@corp.example" and by_name["user04"].is_active
    assert [r.username for r in accounts.list_accounts(sf, ada, "U2").rows] == [
        f"user{i}" for i in range(20, 30)
    ]
    assert [r.username for r in accounts.list_accounts(sf, ada, "u05@corp").rows] == ["user05"]
    # The second page holds the rest, in the same order; a page past the end is the last.
    second = accounts.list_accounts(sf, ada, limit=20, page=2)
    assert [r.username for r in second.rows] == [f"user{i:02d}" for i in range(19, 30)]
    assert accounts.list_accounts(sf, ada, limit=20, page=9).rows == second.rows
