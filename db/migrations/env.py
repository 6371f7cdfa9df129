"""Alembic environment: runs on the connection handed over by db.migrate.

Every migration run goes through ``_migrate``: on SQLite it runs with foreign
keys off (a batch migration's DROP of the old table would otherwise cascade to
its children), in one transaction that checks the foreign keys before it
commits, and foreign keys are back on afterwards (see db/migrate.py).
"""

from alembic import context

from db.engine import make_engine
from db.migrate import check_foreign_keys, foreign_keys_off
from db.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` command line: use DATABASE_URL / the default
        engine = make_engine()
        with engine.connect() as conn:
            _migrate(conn)
            conn.commit()
        return
    _migrate(connection)


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    with foreign_keys_off(connection):  # before any transaction: the PRAGMA is ignored in one
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
            compare_type=True,
            # One transaction for the whole run on SQLite too (its DDL is transactional):
            # the foreign-key check below sees every revision, and a failure undoes them all.
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            check_foreign_keys(connection)


run()
