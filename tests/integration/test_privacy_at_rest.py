"""Private text encrypted at rest (issue 13): on disk, in a dump, with the wrong key, tampered."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError

from core.growth import actions, feedback, goals, journal
from core.kernel import clock, config
from core.kernel.errors import TandemError
from core.kernel.store import open_store
from core.relationship import agreement, concerns, notes, resources, schedule
from db import crypto
from db.migrate import MigrationError
from db.models import (
    ActionItem,
    AgreementMember,
    Concern,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
    Meeting,
    Resource,
)
from tests.builders import make_pair
from tests.pg import PG_BIN

NOW = dt.datetime(2026, 3, 10, 9, 0)


def write_everything(sf, marker: str, names: tuple[str, str] = ("camille", "hugo")) -> set[str]:
    """Every service that stores private text, each field with its own marked text."""
    clock.set_now(NOW)
    group = make_pair(sf, *names, started_days_ago=3)
    a, b = group
    m = group.match_id
    written: set[str] = set()

    def mark(field: str) -> str:
        value = f"{marker}-{field}"
        written.add(value)
        return value

    journal.save_draft(sf, a, None, "discussed", mark("draft"))
    journal.finalise(sf, a, None, {f: mark(f"journal-{f}") for f in journal.TEXT_FIELDS})
    actions.add_action(sf, a, title=mark("action"), owner_id=a.person_id)
    goal = goals.create_goal(
        sf,
        a,
        title=mark("goal"),
        target_date=dt.date(2026, 6, 1),
        outcome=mark("outcome"),
        steps=[mark("step")],
    )
    goals.add_comment(sf, a, goal.id, mark("comment"))
    request = feedback.ask_feedback(
        sf, a, b.person_id, topic=mark("topic"), context=mark("context")
    )
    feedback.answer_request(
        sf,
        b,
        request.id,
        "structured",
        worked=mark("worked"),
        improve=mark("improve"),
        suggestion=mark("suggestion"),
    )
    feedback.give_feedback(
        sf,
        b,
        a.person_id,
        "sbi",
        situation=mark("situation"),
        behaviour=mark("behaviour"),
        impact=mark("impact"),
    )
    feedback.send_kudos(sf, b, a.person_id, mark("kudos"))
    (meeting,) = schedule.plan_meetings(
        sf, a, m, NOW + dt.timedelta(days=2), agenda=mark("planned-agenda")
    )
    notes.save_shared_text(
        sf,
        b,
        meeting.meeting_id,
        agenda=mark("agenda"),
        notes=mark("notes"),
        seen_version=meeting.version,
    )
    schedule.record_held_meeting(sf, a, m, NOW - dt.timedelta(days=1), notes=mark("held-notes"))
    concerns.raise_concern(sf, a, m, mark("concern"))
    agreement.save_expectations(sf, a, m, mark("expectations"))
    resources.add_resource(
        sf, a, m, kind="book", title=mark("resource"), note=mark("resource-note")
    )
    written.discard(f"{marker}-planned-agenda")  # replaced by the shared agenda
    return written


PROTECTED_MODELS = (
    ActionItem,
    AgreementMember,
    Concern,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
    Meeting,
    Resource,
)


def read_back(sf) -> set[str]:
    """Every private value, as the application reads it."""
    found: set[str] = set()
    with sf() as s:
        for model in PROTECTED_MODELS:
            for row in s.scalars(select(model)):
                found.update(getattr(row, k) for k in crypto.PROTECTED[model])
    return found


def test_every_protected_model_is_wired_for_encryption():
    assert set(crypto.PROTECTED) == set(PROTECTED_MODELS)
    assert {t.name for t in crypto.protected_tables()} == {
        m.__tablename__ for m in PROTECTED_MODELS
    }


def test_a_marker_written_through_every_service_is_not_in_the_sqlite_file_nor_its_wal(
    sqlite_store,
):
    marker = "Zq" + secrets.token_hex(6)
    written = write_everything(sqlite_store.sf, marker)
    assert written <= read_back(sqlite_store.sf)  # reads back intact
    path = Path(make_url(str(sqlite_store.engine.url)).database or "")
    wal = path.with_name(path.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the writes are (at least) in the WAL
    for f in (path, wal):
        assert marker.encode() not in f.read_bytes(), f
    sqlite_store.engine.dispose()  # checkpoint: everything into the main file
    assert marker.encode() not in path.read_bytes()


@pytest.mark.postgres
def test_a_marker_written_through_every_service_is_not_in_pg_dump_output(pg_url):
    from tests.conftest import _pg_store

    store = _pg_store(pg_url)
    marker = "Zq" + secrets.token_hex(6)
    try:
        written = write_everything(store.sf, marker)
        assert written <= read_back(store.sf)
    finally:
        store.engine.dispose()
    url = make_url(pg_url)
    cmd = [
        str(PG_BIN / "pg_dump"),
        "-h",
        str(url.query["host"]),
        "-p",
        str(url.query["port"]),
        "-U",
        "postgres",
        "tandem_test",
    ]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    dump = subprocess.run(cmd, check=True, capture_output=True).stdout
    assert b"COPY public.journal_entry" in dump and b"enc1:" in dump  # a real dump, with rows
    assert marker.encode() not in dump


def test_the_same_text_is_stored_differently_each_time_and_bound_to_its_row(sf):
    clock.set_now(NOW)
    a, _b = make_pair(sf)
    with sf.begin() as s:
        for _ in range(2):
            s.add(ActionItem(owner_id=a.person_id, title="Same words", created_at=NOW))
    with sf.begin() as s:
        rows = s.execute(text("SELECT uid, title FROM action_item ORDER BY id")).all()
    (uid1, stored1), (uid2, stored2) = rows
    assert stored1 != stored2 and uid1 != uid2
    for uid, stored in rows:
        assert stored.startswith("enc1:") and "Same words" not in stored
        assert crypto.open_value(crypto.active(), "action_item.title", stored) == (
            "Same words",
            uid,
        )
    with pytest.raises(crypto.Undecryptable):  # another column's value does not open here
        crypto.open_value(crypto.active(), "goal.title", stored1)


def test_a_tampered_ciphertext_is_reported_not_shown(sf, caplog):
    clock.set_now(NOW)
    a, _b = make_pair(sf)
    actions.add_action(sf, a, title="Call the client", owner_id=a.person_id)
    with sf.begin() as s:
        stored = s.execute(text("SELECT title FROM action_item")).scalar_one()
        flipped = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]
        s.execute(text("UPDATE action_item SET title = :v"), {"v": flipped})
    with caplog.at_level("WARNING", logger="tandem.crypto"):
        [item] = actions.my_actions(sf, a)
    assert item.title == config.unreadable_text()
    assert "Call the client" not in item.title
    assert "action_item.title" in caplog.text and "Call the client" not in caplog.text


def test_a_ciphertext_moved_to_another_row_is_not_shown(sf):
    clock.set_now(NOW)
    a, _b = make_pair(sf)
    actions.add_action(sf, a, title="Mine", owner_id=a.person_id)
    actions.add_action(sf, a, title="Other", owner_id=a.person_id)
    with sf.begin() as s:
        first, second = s.execute(text("SELECT id, title FROM action_item ORDER BY id")).all()
        s.execute(
            text("UPDATE action_item SET title = :v WHERE id = :i"), {"v": first[1], "i": second[0]}
        )
    titles = sorted(i.title for i in actions.my_actions(sf, a))
    assert titles == sorted(["Mine", config.unreadable_text()])


def test_plain_text_reaching_an_encrypted_column_through_sql_is_refused(sf):
    clock.set_now(NOW)
    a, _b = make_pair(sf)
    actions.add_action(sf, a, title="Mine", owner_id=a.person_id)
    with pytest.raises(StatementError) as update_err, sf.begin() as s:
        s.execute(update(ActionItem).values(title="in clear"))
    with pytest.raises(StatementError) as compare_err, sf.begin() as s:
        s.scalars(select(ActionItem).where(ActionItem.title == "Mine")).all()
    for err in (update_err, compare_err):
        assert isinstance(err.value.orig, crypto.PlaintextRefused)
    assert [i.title for i in actions.my_actions(sf, a)] == ["Mine"]


def _encrypted_db(tmp_path: Path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'keyed.db'}"
    store = open_store(url)
    clock.set_now(NOW)
    a, _b = make_pair(store.sf)
    actions.add_action(store.sf, a, title="Private", owner_id=a.person_id)
    store.engine.dispose()
    return url


@pytest.fixture
def restore_ring():
    ring = crypto.installed()
    yield ring
    crypto.install(ring)


def test_a_wrong_key_is_a_clear_start_up_error(tmp_path, monkeypatch, restore_ring):
    url = _encrypted_db(tmp_path, monkeypatch)
    monkeypatch.setenv(config.ENCRYPTION_KEYS_ENV, secrets.token_urlsafe(48))
    with pytest.raises(
        TandemError, match="cannot read this database: its private text was written with key"
    ):
        open_store(url)


def test_a_missing_key_is_a_clear_start_up_error_and_no_key_is_generated(
    tmp_path, monkeypatch, restore_ring
):
    url = _encrypted_db(tmp_path, monkeypatch)
    monkeypatch.delenv(config.ENCRYPTION_KEYS_ENV)
    monkeypatch.setattr(config, "state_dir", lambda: tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(config, "_secrets_files", lambda: [])
    with pytest.raises(TandemError, match="No encryption key is configured"):
        open_store(url)
    assert not (tmp_path / config.ENCRYPTION_KEYS_FILE).exists()


def test_a_first_start_without_a_key_generates_an_owner_only_key_file(
    tmp_path, monkeypatch, restore_ring
):
    monkeypatch.delenv(config.ENCRYPTION_KEYS_ENV)
    monkeypatch.setattr(config, "state_dir", lambda: tmp_path)
    monkeypatch.setattr(config, "_secrets_files", lambda: [])
    store = open_store(f"sqlite:///{tmp_path / 'fresh.db'}")
    store.engine.dispose()
    key_file = tmp_path / config.ENCRYPTION_KEYS_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert crypto.installed() is not None
    assert crypto.installed().ids == crypto.KeyRing(key_file.read_text().split()).ids


def test_a_weak_key_is_refused(monkeypatch, restore_ring):
    monkeypatch.setenv(config.ENCRYPTION_KEYS_ENV, "secret")
    monkeypatch.setattr(config, "_secrets_files", lambda: [])
    with pytest.raises(TandemError, match="encryption key"):
        config.encryption_ring()


def test_rekey_moves_every_value_to_the_newest_key_in_batches_and_resumes(
    tmp_path, monkeypatch, restore_ring
):
    old = crypto.installed()
    assert old is not None
    url = f"sqlite:///{tmp_path / 'rekey.db'}"
    store = open_store(url)
    marker = "Zq" + secrets.token_hex(6)
    written = write_everything(store.sf, marker)
    new_secret = secrets.token_urlsafe(48)
    ring = crypto.KeyRing([new_secret, os.environ[config.ENCRYPTION_KEYS_ENV]])
    crypto.install(ring)
    assert written <= read_back(store.sf)  # old values still read under the new ring

    # A run stopped after its first batch: only some values moved.
    seen: list[str] = []

    class Stop(Exception):
        pass

    def stop_after_first(table: str, _n: int) -> None:
        seen.append(table)
        raise Stop

    with pytest.raises(Stop):
        crypto.reencrypt(store.engine, ring, batch=2, progress=stop_after_first)
    first = crypto.reencrypt(store.engine, ring, batch=2)
    assert sum(first.current.values()) > 0  # what the stopped run did is not redone
    again = crypto.reencrypt(store.engine, ring, batch=2)
    assert sum(again.rewritten.values()) == 0 and not again.unreadable
    with store.engine.connect() as conn:
        assert crypto.sample_key_ids(conn) == {ring.primary.kid}
    crypto.install(crypto.KeyRing([new_secret]))  # the old key can go
    assert written <= read_back(store.sf)
    store.engine.dispose()


def test_the_rekey_command_moves_a_database_to_a_new_key(
    tmp_path, monkeypatch, capsys, restore_ring
):
    import tandem as cli

    old_secret = os.environ[config.ENCRYPTION_KEYS_ENV]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = open_store(url)
    written = write_everything(store.sf, "Zq" + secrets.token_hex(6))
    store.engine.dispose()
    new_secret = secrets.token_urlsafe(48)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv(config.ENCRYPTION_KEYS_ENV, f"{new_secret},{old_secret}")
    assert cli.main(["rekey", "--batch", "3"]) == 0
    assert "Older keys can now be removed" in capsys.readouterr().out
    monkeypatch.setenv(config.ENCRYPTION_KEYS_ENV, new_secret)  # the old key is gone
    store = open_store(url)
    assert written <= read_back(store.sf)
    store.engine.dispose()


def test_a_downgrade_without_the_key_refuses_and_changes_nothing(store, restore_ring):
    from tests.integration.test_migration_roundtrip import _down, _up

    marker = "Zq" + secrets.token_hex(6)
    written = write_everything(store.sf, marker)
    _down(store.engine, "0008")  # the revisions after 0008 hold no private text
    try:
        with store.engine.connect() as conn:
            before = conn.execute(
                text("SELECT uid, discussed FROM journal_entry ORDER BY id")
            ).all()
        crypto.install(
            crypto.KeyRing([secrets.token_urlsafe(48)])
        )  # not the key they were written with
        with pytest.raises(MigrationError, match="could not be decrypted with the configured keys"):
            _down(store.engine, "0007")
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0008"
            after = conn.execute(text("SELECT uid, discussed FROM journal_entry ORDER BY id")).all()
        assert after == before
    finally:
        crypto.install(restore_ring)
        # Back to the newest revision: on PostgreSQL the next tests share this database.
        _up(store.engine, "head")
    assert written <= read_back(store.sf)
