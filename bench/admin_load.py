"""What a year of a 10 000-person company leaves for its admin, which demo/large.py does not
make: accounts, audit lines (sign-ins, sign-outs, failures, changes) and the e-mail outbox.
The page bench adds them to its copy of the company so the admin pages have something to read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select

from core.kernel.access import PARTICIPANT
from core.kernel.store import Store
from db.models import Account, AccountRole, AuditLog, Notification, Person

ADMIN_LOAD = {"accounts": 3000, "audit": 200_000, "notifications": 50_000}


def admin_load(store: Store) -> dict[str, int]:
    """Top the company up to ADMIN_LOAD: accounts, a year of audit lines, the outbox."""
    now = dt.datetime.now().replace(microsecond=0)
    actions = ["login"] * 6 + ["logout"] * 3 + ["login_failed", "password_changed"]
    with store.sf.begin() as s:
        have = int(s.scalar(select(func.count()).select_from(Account)) or 0)
        people = s.scalars(
            select(Person.id).where(~Person.id.in_(select(Account.person_id))).order_by(Person.id)
        ).all()[: max(0, ADMIN_LOAD["accounts"] - have)]
        if people:
            s.execute(
                insert(Account),
                [
                    {
                        "person_id": p,
                        "username": f"user{p}",
                        "password_hash": "!",
                        "is_active": p % 50 != 0,
                        "language": "fr" if p % 3 == 0 else "en",
                        "created_at": now - dt.timedelta(days=400),
                        "last_login_at": now - dt.timedelta(days=p % 60),
                    }
                    for p in people
                ],
            )
            ids = s.scalars(select(Account.id).where(Account.person_id.in_(people))).all()
            s.execute(insert(AccountRole), [{"account_id": a, "role": PARTICIPANT} for a in ids])
        names = s.scalars(select(Account.username).order_by(Account.id)).all()
        lines = int(s.scalar(select(func.count()).select_from(AuditLog)) or 0)
        for start in range(lines, ADMIN_LOAD["audit"], 20_000):
            stop = min(start + 20_000, ADMIN_LOAD["audit"])
            s.execute(
                insert(AuditLog),
                [
                    {
                        "at": now - dt.timedelta(minutes=2.6 * i),
                        "actor_username": names[i % len(names)],
                        "action": actions[i % len(actions)],
                        "target": f"account:{names[(i * 7) % len(names)]}" if i % 11 == 0 else None,
                        "detail": {"source": f"10.0.{i % 250}.{i % 200}"},
                    }
                    for i in range(start, stop)
                ],
            )
        queued = int(s.scalar(select(func.count()).select_from(Notification)) or 0)
        for start in range(queued, ADMIN_LOAD["notifications"], 20_000):
            stop = min(start + 20_000, ADMIN_LOAD["notifications"])
            s.execute(
                insert(Notification),
                [
                    {
                        "key": f"bench:{i}",
                        "kind": "digest",
                        "person_id": 1 + i % 10_000,
                        "to_address": f"person{i % 10_000}@example.com",
                        "locale": "en",
                        "subject": "Something is waiting for you in Tandem",
                        "body": "Open Tandem to see it.",
                        "delivery": "immediately",
                        "status": "failed" if i % 97 == 0 else "sent" if i > 200 else "pending",
                        "attempts": 1,
                        "next_attempt_at": now - dt.timedelta(minutes=10 * i),
                        "last_error": "550 mailbox unavailable" if i % 97 == 0 else None,
                        "created_at": now - dt.timedelta(minutes=10 * i),
                        "sent_at": None if i % 97 == 0 or i <= 200 else now,
                    }
                    for i in range(start, stop)
                ],
            )
    if store.engine.dialect.name == "postgresql":
        # Visibility map and statistics as autovacuum keeps them on a live server: right
        # after a bulk insert, PostgreSQL reads the heap for every index entry it counts.
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("account", "account_role", "audit_log", "notification"):
                conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
    return {
        "accounts": len(names),
        "audit": max(lines, ADMIN_LOAD["audit"]),
        "notifications": max(queued, ADMIN_LOAD["notifications"]),
    }
