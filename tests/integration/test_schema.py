"""Alembic: an empty database upgrades to head; the models and the migrations agree."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from db.engine import make_engine
from db.migrate import current_revision, head_revision, upgrade
from db.models import Base


def fresh_pg_url(pg_url: str) -> str:
    """A new, empty database in the test cluster (also used by the migration round trip)."""
    name = f"fresh_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url.replace("/tandem_test?", f"/{name}?")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        engine = make_engine(fresh_pg_url(request.getfixturevalue("pg_url")))
    yield engine
    engine.dispose()


def test_an_empty_database_upgrades_to_head(empty_engine):
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables


def test_upgrading_twice_is_harmless(empty_engine):
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()


def test_the_models_and_the_migrations_describe_the_same_schema(empty_engine):
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"db/models/ and the migrations differ: {diff}"


def test_two_servers_upgrading_at_once_both_succeed(empty_engine):
    import threading

    errors = []

    def run():
        try:
            upgrade(empty_engine)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert current_revision(empty_engine) == head_revision()
