"""Command line: `python -m tandem migrate | seed-demo | create-admin | rekey | purge | notify`."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy import Engine

from core.accounts.setup import create_admin_cli
from core.kernel.config import install_encryption
from core.kernel.errors import TandemError
from core.kernel.store import open_store
from core.notify import outbox, sources
from core.privacy import retention
from db import crypto
from db.engine import make_engine
from db.migrate import MigrationError, upgrade
from demo import company as demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tandem")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="upgrade the schema to the newest version")
    sub.add_parser("seed-demo", help="seed the demo company into an empty database")
    admin = sub.add_parser("create-admin", help="create an admin account")
    admin.add_argument("--username")
    admin.add_argument("--email")
    admin.add_argument("--name")
    rekey = sub.add_parser(
        "rekey", help="re-encrypt private text with the newest key (resumable, in batches)"
    )
    rekey.add_argument("--batch", type=int, default=500, help="rows per transaction")
    sub.add_parser(
        "purge", help="erase private text of closed programmes past their retention period"
    )
    sub.add_parser(
        "notify",
        help="queue what waits for people and send the e-mails due (a scheduler runs it)",
    )
    args = parser.parse_args(argv)

    if args.command == "migrate":
        return _migrate()
    try:
        store = open_store()  # checks the encryption keys, upgrades the schema
    except (TandemError, MigrationError) as e:
        print(e, file=sys.stderr)
        return 1
    if args.command == "rekey":
        return _rekey(store.engine, args.batch)
    if args.command == "purge":
        print(retention.summary(retention.purge(store.sf)))
        return 0
    if args.command == "notify":
        report = outbox.run(store.sf, sources.collect)
        print(f"Notifications: {report.summary()}")
        for reason in sorted(set(report.errors)):
            print(f"  SMTP: {reason}", file=sys.stderr)
        return 0
    if args.command == "seed-demo":
        print("Demo seeded." if demo.seed_demo(store.sf) else "Database not empty: nothing seeded.")
    elif args.command == "create-admin":
        username = args.username or input("Username: ")
        email = args.email or input("E-mail: ")
        name = args.name or input("Full name: ")
        password = getpass.getpass("Password (10+ characters): ")
        if getpass.getpass("Repeat password: ") != password:
            print("The passwords differ.", file=sys.stderr)
            return 1
        try:
            create_admin_cli(
                store.sf, email=email, full_name=name, username=username, password=password
            )
        except TandemError as e:
            print(e, file=sys.stderr)
            return 1
        print(f"Admin {username} created.")
    return 0


def _rekey(engine: Engine, batch: int) -> int:
    ring = crypto.active()
    print(f"Re-encrypting private text with key {ring.primary.kid} (keys: {', '.join(ring.ids)})")
    counts = crypto.reencrypt(
        engine,
        ring,
        batch=max(1, batch),
        progress=lambda table, n: print(f"  {table}: {n} values re-encrypted so far", flush=True),
    )
    rewritten = sum(counts.rewritten.values())
    current = sum(counts.current.values())
    unreadable = sum(counts.unreadable.values())
    print(f"Done: {rewritten} re-encrypted, {current} already under the newest key.")
    if unreadable:
        print(
            f"{unreadable} values do not decrypt with the configured keys and were left as "
            f"they are ({', '.join(f'{t}: {n}' for t, n in sorted(counts.unreadable.items()))}).",
            file=sys.stderr,
        )
        return 1
    print("Older keys can now be removed from the configuration.")
    return 0


def _migrate() -> int:
    engine = make_engine()
    try:
        install_encryption(engine)  # a missing or wrong key: said here, before any change
        result = upgrade(engine)
    except (MigrationError, TandemError) as e:
        print(e, file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if result.backup is not None:
        print(f"Backup of the database before the upgrade: {result.backup}")
    if result.changed:
        start = result.from_revision or "an empty database"
        print(f"Schema upgraded from {start} to {result.to_revision}.")
    else:
        print("Schema is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
