"""Every migration keeps every row: each revision goes up, down and up again with data.

The revisions are read from the migration scripts, so a new revision is covered
without touching this file. One database per backend is seeded once, at head,
with the demo company (what `make run` shows) plus one synthetic row in every
table the demo leaves empty; then the walk goes down revision by revision. At
each parent revision P, tables that are empty there get a synthetic row, and
P -> R -> P -> R must keep every row of every table that exists at both
revisions (row counts and the content of the columns both revisions share).

Private text is encrypted at rest from revision 0008 (db/crypto.py): the same text is
stored in clear before and as a sealed value after, so the snapshots compare what an
encrypted column says (its decrypted text), not how it is stored.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import logging
import os
import re
import sqlite3
import stat
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, func, inspect, select

import db.engine as engine_module
import tandem as cli
from core.kernel.config import encryption_ring
from db import crypto
from db.engine import make_engine, make_session_factory
from db.migrate import (
    BACKUPS_KEPT,
    MigrationError,
    alembic_config,
    backups_of,
    current_revision,
    head_revision,
    upgrade,
)
from demo import company as demo
from tests.integration.test_schema import fresh_pg_url

Snapshot = dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]


def _revisions() -> list[tuple[str, str | None]]:
    """(revision, parent) pairs from head down to the first revision."""
    pairs = []
    for script in ScriptDirectory.from_config(alembic_config()).walk_revisions():
        parent = script.down_revision
        assert not isinstance(parent, tuple | list), (
            f"revision {script.revision} merges branches: teach this test to walk merges"
        )
        pairs.append((script.revision, parent))
    return pairs


def _migrate(engine: Engine, action: Callable[[Config, str], None], revision: str) -> None:
    # The same path as db.migrate: a connection handed to db/migrations/env.py.
    with engine.connect() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        action(cfg, revision)
        conn.commit()


def _up(engine: Engine, revision: str) -> None:
    _migrate(engine, command.upgrade, revision)


def _down(engine: Engine, revision: str | None) -> None:
    _migrate(engine, command.downgrade, revision or "base")


def _user_tables(engine: Engine) -> MetaData:
    md = MetaData()
    md.reflect(engine)
    if "alembic_version" in md.tables:
        md.remove(md.tables["alembic_version"])
    return md


def _norm(value: Any) -> Any:
    """A hashable, comparable form of a raw value (JSON as sorted text)."""
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, decimal.Decimal | dt.datetime | dt.date | dt.time):
        return str(value)
    return value


PRIVATE = {(t.name, c) for t in crypto.protected_tables() for c in t.columns}


def _opened(table: str, column: str, value: Any) -> Any:
    """What an encrypted column says: its decrypted text (values in clear stay as they are)."""
    if (table, column) not in PRIVATE or not isinstance(value, str):
        return value
    if not crypto.looks_sealed(value):
        return value
    ring = crypto.installed() or encryption_ring()
    return crypto.open_value(ring, f"{table}.{column}", value)[0]


def _snapshot(engine: Engine) -> Snapshot:
    """Every row of every table, as raw values (no type processing that could hide a change).

    Encrypted values are compared by the text they hold (see the module's docstring).
    """
    snap: Snapshot = {}
    md = _user_tables(engine)
    with engine.connect() as conn:
        for table in md.sorted_tables:
            names = tuple(c.name for c in table.columns)
            quoted = ", ".join(conn.dialect.identifier_preparer.quote(n) for n in names)
            tname = conn.dialect.identifier_preparer.quote(table.name)
            rows = conn.exec_driver_sql(f"SELECT {quoted} FROM {tname}").fetchall()
            snap[table.name] = (
                names,
                [
                    tuple(_norm(_opened(table.name, n, v)) for n, v in zip(names, row, strict=True))
                    for row in rows
                ],
            )
        conn.rollback()
    return snap


def _lost(before: Snapshot, after: Snapshot, step: str) -> list[str]:
    """What `after` lacks of `before`, for tables both have, on the columns both have."""
    problems = []
    for name in sorted(set(before) & set(after)):
        cols_b, rows_b = before[name]
        cols_a, rows_a = after[name]
        common = [c for c in cols_b if c in cols_a]
        ib = [cols_b.index(c) for c in common]
        ia = [cols_a.index(c) for c in common]
        kb = Counter(tuple(r[i] for i in ib) for r in rows_b)
        ka = Counter(tuple(r[i] for i in ia) for r in rows_a)
        if kb != ka:
            missing = list((kb - ka).elements())
            extra = list((ka - kb).elements())
            problems.append(
                f"{step}: table {name}: {len(rows_b)} rows before, {len(rows_a)} after"
                f" ({len(missing)} lost or changed, e.g. {missing[:2]}; {len(extra)} new,"
                f" e.g. {extra[:2]}; columns compared: {common})"
            )
    return problems


# ----------------------------------------------------------------- synthetic rows

# A column limited to a list, as SQLite keeps it (x IN (...)) and as PostgreSQL rewrites it
# (x::text = ANY (ARRAY['a'::character varying, ...])); a range (x BETWEEN a AND b).
_IN_LIST = re.compile(r"""["`]?(\w+)["`]?\s+IN\s*\(([^)]*)\)""", re.IGNORECASE)
_ANY_ARRAY = re.compile(
    r"""["`]?(\w+)["`]?(?:::[\w ]+?)?\s*=\s*ANY\s*\(\s*\(?ARRAY\[([^\]]*)\]""", re.IGNORECASE
)
_BETWEEN = re.compile(r"""["`]?(\w+)["`]?\s+BETWEEN\s+(-?\d+)\s+AND\s+(-?\d+)""", re.IGNORECASE)


def _values_for_checks(checks: list[str]) -> dict[str, Any]:
    """Column values that satisfy simple CHECK constraints (lists and ranges)."""
    values: dict[str, Any] = {}
    for sql in checks:
        for col, items in _IN_LIST.findall(sql) + _ANY_ARRAY.findall(sql):
            first = items.split(",")[0].strip().split("::")[0].strip()
            values[col] = int(first) if re.fullmatch(r"-?\d+", first) else first.strip("'")
        for col, low, _high in _BETWEEN.findall(sql):
            values[col] = int(low)
    return values


def _checked_values(conn: Any, table: Table) -> dict[str, Any]:
    checks = inspect(conn).get_check_constraints(table.name)
    return _values_for_checks([str(c.get("sqltext", "")) for c in checks])


def _synthetic_value(column: Any, table: Table) -> Any:
    try:
        kind = column.type.python_type
    except NotImplementedError:
        kind = str
    if kind is bool:
        return False
    if kind is int:
        return 1
    if kind is float:
        return 1.0
    if kind is decimal.Decimal:
        return decimal.Decimal("1")
    if kind is dt.datetime:
        return dt.datetime(2026, 1, 5, 9, 30)
    if kind is dt.date:
        return dt.date(2026, 1, 5)
    if kind is dt.time:
        return dt.time(9, 30)
    if kind is dict:
        return {}
    if kind is list:
        return []
    if kind is bytes:
        return b"synthetic"
    text = f"synthetic {table.name}.{column.name}"
    length = getattr(column.type, "length", None)
    return text[:length] if length else text


def _synthetic_row(conn: Any, table: Table) -> dict[str, Any]:
    row: dict[str, Any] = {}
    pk = list(table.primary_key.columns)
    # A single integer key with no foreign key: the database numbers it.
    numbered = len(pk) == 1 and not pk[0].foreign_keys and _synthetic_value(pk[0], table) == 1
    skip = {pk[0].name} if numbered else set()
    for fk in table.foreign_key_constraints:
        target = fk.referred_table
        cols = [e.column for e in fk.elements]
        found = conn.execute(select(*cols).order_by(*cols).limit(1)).first()
        for element, i in zip(fk.elements, range(len(cols)), strict=True):
            if found is None and not element.parent.nullable:
                raise AssertionError(
                    f"cannot build a synthetic {table.name} row: {target.name} is empty"
                )
            row[element.parent.name] = None if found is None else found[i]
    checked = _checked_values(conn, table)
    for column in table.columns:
        if column.name in row or column.name in skip:
            continue
        row[column.name] = checked.get(column.name, _synthetic_value(column, table))
    return row


def _fill_empty_tables(engine: Engine) -> list[str]:
    """One synthetic row in every empty table, parents first. Returns the tables filled."""
    md = _user_tables(engine)
    filled = []
    with engine.connect() as conn:
        for table in md.sorted_tables:
            if conn.execute(select(func.count()).select_from(table)).scalar():
                continue
            row = _synthetic_row(conn, table)
            try:
                conn.execute(table.insert().values(**row))
            except Exception as e:  # noqa: BLE001 - re-raised with the advice
                raise AssertionError(
                    f"cannot build a synthetic {table.name} row ({e}): seed that table in the "
                    "demo (core/demo_*.py) or teach _synthetic_row its constraint"
                ) from e
            filled.append(table.name)
        conn.commit()
    return filled


def test_synthetic_rows_satisfy_list_and_range_checks_as_each_database_reports_them():
    sqlite_style = ["kind IN ('pulse', 'fit')", "score BETWEEN 1 AND 5", '"m" IN (3, 4)']
    pg_style = [
        "kind::text = ANY (ARRAY['pulse'::character varying, 'fit'::character varying]::text[])",
        "m = ANY (ARRAY[3, 4])",
        "n >= 1 AND n <= 5",
    ]
    assert _values_for_checks(sqlite_style) == {"kind": "pulse", "score": 1, "m": 3}
    assert _values_for_checks(pg_style) == {"kind": "pulse", "m": 3}


# ----------------------------------------------------------------- the walk


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_engine(request: pytest.FixtureRequest, tmp_path: Any) -> Any:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'roundtrip.db'}")
    else:
        engine = make_engine(fresh_pg_url(request.getfixturevalue("pg_url")))
    yield engine
    engine.dispose()


def test_every_revision_goes_up_down_and_up_again_without_losing_a_row(fresh_engine):
    engine = fresh_engine
    revisions = _revisions()
    assert len(revisions) >= 7  # 0001 … 0007 at least; new revisions are walked too

    _up(engine, "head")
    assert demo.seed_demo(make_session_factory(engine))
    _fill_empty_tables(engine)
    head = _snapshot(engine)
    assert all(rows for _cols, rows in head.values()), "a table at head has no row"

    problems: list[str] = []
    at_r = head
    for rev, parent in revisions:
        name = parent or "base"
        _down(engine, parent)
        at_p = _snapshot(engine)
        problems += _lost(at_r, at_p, f"downgrade {rev} -> {name}")
        _fill_empty_tables(engine)
        at_p = _snapshot(engine)
        _up(engine, rev)
        at_r = _snapshot(engine)
        problems += _lost(at_p, at_r, f"upgrade {name} -> {rev}")
        _down(engine, parent)
        problems += _lost(at_p, _snapshot(engine), f"downgrade {rev} -> {name} (round trip)")
        _up(engine, rev)
        at_r = _snapshot(engine)
        problems += _lost(at_p, at_r, f"upgrade {name} -> {rev} again")
        _down(engine, parent)
        at_r = _snapshot(engine)  # P, where the next step starts
        problems += _lost(at_p, at_r, f"downgrade {rev} -> {name} again")
    assert problems == [], "rows lost by a migration:\n" + "\n".join(problems)


# ----------------------------------------------------------------- upgrading a real database


def _at(engine: Engine, revision: str) -> Snapshot:
    """The database at ``revision`` with a row in every table; returns its snapshot."""
    _up(engine, revision)
    _fill_empty_tables(engine)
    return _snapshot(engine)


@pytest.fixture
def sqlite_file_engine(tmp_path: Any) -> Any:
    # One pooled connection: what the migration leaves on it is what the app gets next.
    engine = make_engine(f"sqlite:///{tmp_path / 'tandem.db'}", pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _driver_connection(engine: Engine) -> Any:
    with engine.connect() as conn:
        return conn.connection.driver_connection


def _foreign_keys_on(engine: Engine, driver_connection: Any) -> bool:
    """Foreign keys are on, on the very connection the migration used (not a new one)."""
    with engine.connect() as conn:
        assert conn.connection.driver_connection is driver_connection
        return bool(conn.exec_driver_sql("PRAGMA foreign_keys").scalar())


def test_a_0004_database_keeps_every_survey_answer_when_the_server_upgrades_it(fresh_engine):
    before = _at(fresh_engine, "0004")
    assert before["survey_answer"][1], "the 0004 database has survey answers"
    result = upgrade(fresh_engine)
    assert (result.from_revision, result.to_revision) == ("0004", head_revision())
    assert _lost(before, _snapshot(fresh_engine), "upgrade 0004 -> head") == []


def test_a_database_already_at_0005_upgrades_to_head_and_a_second_upgrade_changes_nothing(
    fresh_engine,
):
    before = _at(fresh_engine, "0005")
    assert upgrade(fresh_engine).from_revision == "0005"
    after = _snapshot(fresh_engine)
    assert _lost(before, after, "upgrade 0005 -> head") == []
    again = upgrade(fresh_engine)
    assert not again.changed and again.backup is None
    assert _snapshot(fresh_engine) == after


def test_foreign_keys_are_back_on_after_a_migration_on_the_reused_connection(
    sqlite_file_engine,
):
    _at(sqlite_file_engine, "0004")
    used = _driver_connection(sqlite_file_engine)
    upgrade(sqlite_file_engine)
    assert _foreign_keys_on(sqlite_file_engine, used)


def test_a_migration_that_would_leave_a_dangling_reference_is_refused_and_changes_nothing(
    sqlite_file_engine,
):
    _at(sqlite_file_engine, "0004")
    # An answer to a question that does not exist (written with foreign keys off).
    with closing(sqlite3.connect(sqlite_file_engine.url.database)) as raw:
        raw.execute("PRAGMA foreign_keys=OFF")
        raw.execute(
            "INSERT INTO survey_answer (response_id, question_id, value_int) VALUES (1, 999, 3)"
        )
        raw.commit()
    before = _snapshot(sqlite_file_engine)
    used = _driver_connection(sqlite_file_engine)
    with pytest.raises(MigrationError, match="referring to missing rows.*survey_answer"):
        upgrade(sqlite_file_engine)
    assert _foreign_keys_on(sqlite_file_engine, used)
    assert current_revision(sqlite_file_engine) == "0004"
    assert _snapshot(sqlite_file_engine) == before


def test_a_migration_started_inside_a_transaction_is_refused_on_sqlite(sqlite_file_engine):
    with sqlite_file_engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")  # begins a transaction
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        with pytest.raises(MigrationError, match="outside a transaction"):
            command.upgrade(cfg, "head")
    assert current_revision(sqlite_file_engine) is None


# ----------------------------------------------------------------- backups (SQLite)


def test_upgrading_a_sqlite_file_with_rows_first_writes_an_owner_only_backup_beside_it(
    sqlite_file_engine, caplog
):
    db = Path(sqlite_file_engine.url.database)
    before = _at(sqlite_file_engine, "0004")
    with caplog.at_level(logging.WARNING, logger="tandem.migrate"):
        result = upgrade(sqlite_file_engine)
    backup = result.backup
    assert backup is not None and backup.parent == db.parent
    assert re.fullmatch(rf"tandem\.db\.before-{head_revision()}-\d{{8}}T\d{{6}}Z\.bak", backup.name)
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert str(backup) in caplog.text
    copy = make_engine(f"sqlite:///{backup}")
    try:
        assert current_revision(copy) == "0004"
        assert _snapshot(copy) == before
    finally:
        copy.dispose()
    assert backups_of(db) == [backup]


def test_an_empty_or_in_memory_database_is_not_backed_up(sqlite_file_engine, tmp_path):
    _up(sqlite_file_engine, "0004")  # tables, no rows
    assert upgrade(sqlite_file_engine).backup is None
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    memory = make_engine("sqlite://")
    try:
        assert upgrade(fresh).backup is None
        assert upgrade(memory).backup is None
    finally:
        fresh.dispose()
        memory.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".bak")) == []


def test_only_the_newest_backups_are_kept(sqlite_file_engine):
    db = Path(sqlite_file_engine.url.database)
    older = [db.parent / f"tandem.db.before-0005-2026010{i}T120000Z.bak" for i in range(1, 6)]
    for path in older:
        path.write_bytes(b"")
    unrelated = db.parent / "tandem.db.bak"
    unrelated.write_bytes(b"")
    _at(sqlite_file_engine, "0004")
    backup = upgrade(sqlite_file_engine).backup
    assert backups_of(db) == [*older[-(BACKUPS_KEPT - 1) :], backup]
    assert unrelated.exists()


def test_the_migrate_command_says_where_the_backup_is(tmp_path, monkeypatch, capsys):
    db = tmp_path / "tandem.db"
    engine = make_engine(f"sqlite:///{db}")
    _at(engine, "0004")
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert cli.main(["migrate"]) == 0
    out = capsys.readouterr().out
    (backup,) = backups_of(db)
    assert str(backup) in out
    assert f"from 0004 to {head_revision()}" in out
    assert cli.main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert backups_of(db) == [backup]


# ----------------------------------------------------------------- data files owner-only


@pytest.fixture
def umask_022() -> Any:
    old = os.umask(0o022)  # the usual default, under which SQLite alone creates 0644 files
    yield
    os.umask(old)


def test_the_data_folder_the_database_its_wal_shm_lock_and_backups_are_owner_only(
    tmp_path, monkeypatch, umask_022
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(engine_module, "ROOT", tmp_path)
    url = engine_module.default_url()
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    engine = make_engine(url)
    try:
        _at(engine, "0004")
        upgrade(engine)  # writes a backup
        with engine.begin() as conn:  # a real write through the WAL
            conn.exec_driver_sql("UPDATE person SET full_name = full_name || ' '")
        names = {p.name for p in data.iterdir()}
        assert {"tandem.db", "tandem.db-wal", "tandem.db-shm", "tandem.db.migrate-lock"} <= names
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir()}
        assert modes == dict.fromkeys(modes, 0o600), modes
        assert len(backups_of(data / "tandem.db")) == 1
    finally:
        engine.dispose()
