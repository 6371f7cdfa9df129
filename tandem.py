"""Command line: `python -m tandem migrate | seed-demo | create-admin`."""

from __future__ import annotations

import argparse
import getpass
import sys

from core.accounts.setup import create_admin_cli
from core.kernel.errors import TandemError
from core.kernel.store import open_store
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
    args = parser.parse_args(argv)

    if args.command == "migrate":
        return _migrate()
    store = open_store()  # upgrades the schema
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


def _migrate() -> int:
    engine = make_engine()
    try:
        result = upgrade(engine)
    except MigrationError as e:
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
