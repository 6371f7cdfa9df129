"""The admin's reads stay cheap at company scale: the accounts list reads the fields it
shows (not whole accounts and people), the latest SMTP errors come from an index of the few
notifications that have one, not from reading every notification ever queued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import event, insert

from core.accounts import accounts
from core.kernel import clock
from core.notify import admin
from db.models import LoginThrottle, Notification
from tests.builders import make_account, make_user


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


@pytest.fixture
def statements(store) -> Iterator[list[tuple[str, object]]]:  # type: ignore[no-untyped-def]
    seen: list[tuple[str, object]] = []

    def _keep(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, params))

    event.listen(store.engine, "before_cursor_execute", _keep)
    yield seen
    event.remove(store.engine, "before_cursor_execute", _keep)


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
    query, params = next(q for q in statements if "last_error IS NOT NULL" in q[0])
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {query}", params)  # type: ignore[arg-type]
        plan = " | ".join(str(row[-1]) for row in rows)
    assert "USING INDEX ix_notification_errors" in plan, plan
    assert "TEMP B-TREE" not in plan, plan


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
    rows = accounts.list_accounts(sf, ada, limit=20)
    assert [r.username for r in rows] == ["ada"] + [f"user{i:02d}" for i in range(19)]
    by_name = {r.username: r for r in rows}
    assert by_name["ada"].roles == ("admin",)
    assert by_name["user03"].roles == ("coordinator", "participant")
    assert by_name["user04"].roles == ("participant",)
    assert by_name["user07"].locked_until is not None and by_name["user08"].locked_until is None
    assert by_name["user04"].email == "u04@corp.example" and by_name["user04"].is_active
    assert [r.username for r in accounts.list_accounts(sf, ada, "U2")] == [
        f"user{i}" for i in range(20, 30)
    ]
    assert [r.username for r in accounts.list_accounts(sf, ada, "u05@corp")] == ["user05"]
