"""Fixtures: a migrated store on SQLite and on a real PostgreSQL, a controllable clock."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

os.environ.setdefault("TANDEM_BCRYPT_ROUNDS", "4")  # production uses the library default (12)
# A server builds the dashboard in the background when it starts: not while tests measure
# or count (tests/pages/test_warm_start.py turns it on).
os.environ.setdefault("TANDEM_WARM_DASHBOARD", "0")
# Every chart a test draws is checked against the Vega-Lite schema (a server skips the check).
os.environ.setdefault("TANDEM_CHECK_CHARTS", "1")
# One fixed key ring for the whole run (issue 13): every store, the page tests' demo copies
# and the browser tests' servers (which inherit the environment) read each other's text.
os.environ.setdefault(
    "TANDEM_ENCRYPTION_KEYS", "1CPEfGjdBSarjtC1kGCo7Ypv1d0m1WAFDWSqLTkDI1__4rpB-fZWbZ26aBRveHBa"
)

from hypothesis import HealthCheck, settings  # noqa: E402

# Every property test: no deadline (timing goals are the benchmarks' job, never a test's)
# and fixtures shared by the examples of a test (each example builds what it needs).
settings.register_profile(
    "tandem",
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("tandem")

from core.kernel import clock, config  # noqa: E402
from core.kernel.store import Store, open_store  # noqa: E402
from db import crypto  # noqa: E402
from db.engine import make_engine, make_session_factory  # noqa: E402
from db.folding import sort_name  # noqa: E402
from db.models import Base  # noqa: E402
from tests.builders import statements_run  # noqa: E402
from tests.pg import PgCluster  # noqa: E402
from tests.smtp_server import smtp_server  # noqa: E402, F401 - a fixture for every test

# Engines made here without open_store() (templates, PostgreSQL, migration walks) use it too.
crypto.install(config.encryption_ring(may_generate=False), unreadable=config.unreadable_text)


@pytest.fixture(autouse=True)
def _real_clock() -> Iterator[None]:
    yield
    clock.set_now(None)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for every test (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    store = open_store(f"sqlite:///{path}")
    # Closing the last connection checkpoints the WAL into the file, so a copy is whole.
    store.engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    if os.environ.get("TANDEM_SKIP_PG") == "1":
        pytest.skip("TANDEM_SKIP_PG=1: PostgreSQL tests skipped on request")
    cluster = PgCluster()
    url = cluster.start()
    engine = make_engine(url)
    from db.migrate import upgrade

    upgrade(engine)
    engine.dispose()
    yield url
    cluster.stop()


def _sqlite_store(template: Path, tmp_path: Path) -> Store:
    path = tmp_path / "tandem.db"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    return Store(engine=engine, sf=make_session_factory(engine, clock.now))


def _pg_store(url: str) -> Store:
    engine = make_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return Store(engine=engine, sf=make_session_factory(engine, clock.now))


def _sort_names_kept(store: Store) -> None:
    """Every person's stored sort key is still their name's (db.folding.sort_name), whatever
    the test did: a new write of ``full_name`` that bypasses the model's validator (a Core
    UPDATE) would leave a stale key and fail here, in whichever test runs it."""
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, full_name, sort_name FROM person")).all()
    except DBAPIError:  # a test that dropped or downgraded the schema: nothing to check
        return
    stale = [(pid, name, key) for pid, name, key in rows if key != sort_name(name)]
    assert not stale, f"person.sort_name out of date: {stale[:5]}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store: every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        s = _sqlite_store(sqlite_template, tmp_path)
    else:
        s = _pg_store(request.getfixturevalue("pg_url"))
    yield s
    _sort_names_kept(s)
    s.engine.dispose()


@pytest.fixture
def sqlite_store(sqlite_template: Path, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty SQLite store (for tests that need only one backend)."""
    s = _sqlite_store(sqlite_template, tmp_path)
    yield s
    _sort_names_kept(s)
    s.engine.dispose()


@pytest.fixture
def sf(store: Store):  # type: ignore[no-untyped-def]
    return store.sf


@pytest.fixture
def statements(store: Store) -> Iterator[list[tuple[str, object]]]:
    """The SQL statements the store runs (text, parameters) while the test runs."""
    with statements_run(store.engine) as seen:
        yield seen


@pytest.fixture
def resolved_channels(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The classes Altair resolves from a dict while the test runs (a channel given as a
    shorthand string, an ``alt.datum``/``alt.value`` or an ``alt.condition``; see
    docs/CONVENTIONS.md): each costs 2–4 ms of every view that draws it."""
    import altair.utils.schemapi as schemapi

    resolved: list[str] = []
    original = schemapi.SchemaBase.from_dict.__func__  # type: ignore[attr-defined]

    def spy(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        resolved.append(cls.__name__)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(schemapi.SchemaBase, "from_dict", classmethod(spy))
    return resolved
