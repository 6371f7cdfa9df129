"""The data version: a token the database holds, changed by every transaction that writes.

Figures cached in one server's memory (``st.cache_data``) are keyed by it, so a write
through any server — or any other process: the command line, the demo seeder — makes
every server's cached figures stale at once, and a figure is never older than the data.

Every session of :func:`db.engine.make_session_factory` carries the hooks: a flush or an
ORM-enabled INSERT/UPDATE/DELETE marks the session as having written; just before its
COMMIT the ``setting`` row ``data_version`` gets a new random token, in the same
transaction (rolled back with it). The row is written last, so the lock it takes on
PostgreSQL is held for the commit alone and cannot join a deadlock cycle.

Each table written gets a version of its own too (``data_version:<table>``, bumped in the
same statement, rows in name order so that two commits lock them in the same order):
figures built from some tables (:func:`table_versions`) stay valid while only other
tables are written — a sign-in does not make the dashboard's figures stale. A write
whose table cannot be told (a DML statement without one) bumps ``data_version:*``, part
of every set of table versions.

A table whose rows each belong to one programme (``PER_PROGRAMME``: enrolments, goals and
matches by their programme; members, agreements, reflections, feedback, requests and
meetings by their match's) has a
version per programme too (:func:`of_programme`: ``data_version:meeting@3``, and its past
and later ones, ``meeting@3:past``), bumped with the table's by a write of that programme's
rows (old and new programme both count; a goal of no programme bumps none); a write whose
programme cannot be told (a statement, a free-standing reflection, a row whose programme
is not loaded) bumps ``meeting@?``. Figures of one programme (:func:`scoped`) read its
version and the unknown one instead of the table's: a company running several programmes
rebuilds, after a write, the figures of the programme written alone; someone enrolling in
the next cycle leaves the running cycle's as they are.

A table whose rows carry ``created_at`` also has a version of its past
(``data_version:<table>:past``, :func:`past`): bumped only by a write that touches a row
created before this week (:func:`week_split`; old and new values of ``created_at`` both
count, and a statement whose rows cannot be seen counts as past). Figures of closed weeks
(counted from such rows, grouped by the week of ``created_at``) stay valid while people
only write rows of this week. A table counted by the week of another column has it in
``COUNTED_BY`` (a meeting: the week it is scheduled in).

A write that changes only columns no kept figure reads (``UNREAD``) changes the data
version but no table's: a row's bookkeeping (``BOOKKEEPING``, its version and the time of
its last change — a ticked step bumps its goal's), private text (``PRIVATE``: a goal's
title, a reflection's answers, a meeting's notes), a person's own settings (language,
time zone, directory listing) and an enrolment's matching answers (``OWN``). A participant
who writes their meeting notes or switches language leaves every kept part of the
dashboard valid (at company scale, building them all again is a second of a coordinator's
wait).
``tests/integration/test_table_cache.py`` holds that no part's SQL names these columns.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Table, event, inspect, select, text
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.util import identity_key

from db.crypto.column import EncryptedText
from db.models import Base, Match, MeetingStatus, Setting

KEY = "data_version"
ANY_TABLE = "*"  # a write whose table is not known
_WROTE = "tandem_wrote"
_TOUCHED = ""  # a write of bookkeeping alone: the data version only
BOOKKEEPING = frozenset({"version", "updated_at"})
# A person's own settings and an enrolment's matching answers: no kept figure reads them.
OWN: dict[str, frozenset[str]] = {
    "person": frozenset({"language", "time_zone", "directory_opt_in"}),
    "enrolment": frozenset(
        {"goal_themes", "availability", "work_mode", "languages", "motivation", "mentor_capacity"}
    ),
}
# Private text (encrypted at rest: goals, reflections, feedback, meeting agendas and notes)
# is never a figure's input (DESIGN.md, "Who sees what").
PRIVATE: dict[str, frozenset[str]] = {
    table.name: frozenset(c.name for c in table.columns if isinstance(c.type, EncryptedText))
    for table in Base.metadata.tables.values()
}
UNREAD: dict[str, frozenset[str]] = {
    name: BOOKKEEPING | PRIVATE[name] | OWN.get(name, frozenset()) for name in Base.metadata.tables
}
# Rows no kept figure counts yet, by table: (column, value) while the row is not counted,
# and the column of its time. A meeting still planned for a later week: figures count the
# meetings held or missed, and the ones planned up to the end of this week. A write of
# such rows alone (the next meeting planned, moved among later weeks, or taken back)
# changes the data version and the table's ``later`` version (:func:`later`: what the
# pairs' next meetings are read by), not the table's. Each kept part is built for one day
# (today is part of its scope): when such a meeting's week comes, the parts are new ones.
LATER: dict[str, tuple[str, str, str]] = {
    "meeting": ("status", MeetingStatus.PLANNED, "scheduled_at"),
}
# The column whose week a table's rows are counted in, where not ``created_at``: its past
# (:func:`past`) is the rows of closed weeks by that column.
COUNTED_BY: dict[str, str] = {"meeting": "scheduled_at"}
# Tables whose rows each belong to one programme, versioned per programme too, and the
# column that tells a row's: its own ``programme_id`` (None: of no programme) or its
# ``match_id`` (None: a free-standing item, counted wherever its author is enrolled: not
# known). Figures of one programme read only its rows of these (the table cache's tests
# write each in another programme and hold every kept view to the fresh one).
PER_PROGRAMME: dict[str, str] = {
    "enrolment": "programme_id",
    "goal": "programme_id",
    "match": "programme_id",
    "match_member": "match_id",
    "agreement": "match_id",
    "journal_entry": "match_id",
    "feedback": "match_id",
    "feedback_request": "match_id",
    "meeting": "match_id",
}
UNKNOWN_PROGRAMME = "?"
# The PER_PROGRAMME tables other such tables refer to with ON DELETE CASCADE or SET NULL
# (read from the schema: a match, ...): a row of them deleted changes rows the flush does not see —
# of its programme, and, set free (a reflection of no match), of others.
CASCADES = frozenset(
    fk.column.table.name
    for table in Base.metadata.tables.values()
    for fk in table.foreign_keys
    if fk.ondelete in ("CASCADE", "SET NULL")
    and table.name in PER_PROGRAMME
    and fk.column.table.name in PER_PROGRAMME
)
_NOW = "tandem_now"
_SEEN = "tandem_versions_seen"  # (the transaction, the tokens it read)
# A week starts for a writer this long before its Monday: two servers' clocks a little
# apart at midnight on Sunday can never leave a closed week's figures stale.
SKEW = dt.timedelta(hours=1)


def table_key(table: str) -> str:
    return f"{KEY}:{table}"


def past(table: str) -> str:
    """The name whose version changes when ``table``'s rows of closed weeks are written."""
    return f"{table}:past"


def later(table: str) -> str:
    """The name whose version changes when ``table``'s rows no figure counts yet
    (``LATER``) are written: a meeting planned for a later week, moved or taken back."""
    return f"{table}:later"


def of_programme(name: str, programme_id: int | str | None) -> str:
    """The name whose version changes when the rows of programme ``programme_id`` of
    ``name``'s table (a ``PER_PROGRAMME`` one; ``name`` may be its :func:`past` or
    :func:`later`) are written; None (``UNKNOWN_PROGRAMME``): rows whose programme is not
    known."""
    table, colon, suffix = name.partition(":")
    at = UNKNOWN_PROGRAMME if programme_id is None else programme_id
    return f"{table}@{at}{colon}{suffix}"


def scoped(names: Iterable[str], programme_ids: Iterable[int] | None) -> list[str]:
    """``names`` (tables, their past or later) as read by figures of these programmes
    alone: a ``PER_PROGRAMME`` table's by each programme's version and the unknown one
    (None: every programme, the table's)."""
    if programme_ids is None:
        return list(names)
    ids = sorted(set(programme_ids))
    out: list[str] = []
    for name in names:
        if name.partition(":")[0] in PER_PROGRAMME:
            out += [*(of_programme(name, p) for p in ids), of_programme(name, None)]
        else:
            out.append(name)
    return out


def week_split(now: dt.datetime) -> dt.datetime:
    """The first instant of the week of ``now`` (Monday 00:00, naive UTC): rows created
    before it are in closed weeks."""
    day = now.date()
    return dt.datetime.combine(day - dt.timedelta(days=day.weekday()), dt.time())


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _values(obj: Any, key: str) -> list[Any] | None:
    """Every value column ``key`` of ``obj`` had in this flush (None: it has no such column)."""
    state = inspect(obj)
    if key not in state.mapper.columns:
        return None
    history = state.attrs[key].history
    return [*history.added, *history.unchanged, *history.deleted]


def _counted_at(obj: Any) -> list[Any] | None:
    """Every value the time ``obj`` is counted by (``COUNTED_BY``, else ``created_at``) had
    in this flush (None: it has none)."""
    table = inspect(obj).mapper.local_table.name
    return _values(obj, COUNTED_BY.get(table, "created_at"))


def _later_only(obj: Any, split: dt.datetime) -> bool:
    """Whether ``obj`` is, before and after this flush, a row no figure counts yet
    (``LATER``): from the week after the writer's on (``split``: its week's first instant)."""
    rule = LATER.get(inspect(obj).mapper.local_table.name)
    if rule is None:
        return False
    column, value, when = rule
    states, times = _values(obj, column), _values(obj, when)
    later = split + dt.timedelta(days=7)
    return (
        bool(states and times)
        and all(v == value for v in states or ())
        and all(v is not None and v >= later for v in times or ())
    )


def _wrote(session: Session) -> set[str]:
    tables: set[str] = session.info.setdefault(_WROTE, set())
    return tables


def unread(table: str) -> frozenset[str]:
    """The columns of ``table`` no kept figure reads."""
    return UNREAD.get(table, BOOKKEEPING)


def _unread_only(obj: Any) -> bool:
    """Whether the flush changes nothing of ``obj`` (a persistent row) that a figure reads."""
    state = inspect(obj)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    return changed <= unread(state.mapper.local_table.name)


def _after_flush(session: Session, _context: Any) -> None:
    written = _wrote(session)
    now: Callable[[], dt.datetime] = session.info.get(_NOW) or _utcnow
    split = week_split(now() + SKEW)
    dirty = [o for o in session.dirty if o not in session.deleted]
    read = [o for o in dirty if not _unread_only(o)]
    rows: list[Any] = []
    later_rows: list[Any] = []
    for o in (*session.new, *read, *session.deleted):
        (later_rows if _later_only(o, split) else rows).append(o)
    if later_rows or len(read) < len(dirty):
        written.add(_TOUCHED)  # rows no figure reads: the data version alone
    programmes = _programmes(session, [*rows, *later_rows])
    for obj in session.deleted:
        if inspect(obj).mapper.local_table.name in CASCADES:
            # what the database does to the rows referring to it (deleted, or set free:
            # a reflection of no match counts wherever its author is enrolled) is not seen
            programmes.setdefault(obj, set()).add(UNKNOWN_PROGRAMME)
    for obj in later_rows:
        name = later(inspect(obj).mapper.local_table.name)
        written.update([name, *(of_programme(name, p) for p in programmes.get(obj, ()))])
    for obj in rows:
        names = [t.name for t in inspect(obj).mapper.tables if isinstance(t, Table)]
        counted = _counted_at(obj)
        if counted is not None and (not counted or any(c is None or c < split for c in counted)):
            names += [past(name) for name in names]
        written.update(names)
        written.update(of_programme(n, p) for n in names for p in programmes.get(obj, ()))


def _programmes(session: Session, rows: list[Any]) -> dict[Any, set[int | str]]:
    """The programmes each row of a ``PER_PROGRAMME`` table was or is of, in this flush
    (old and new values both; ``UNKNOWN_PROGRAMME`` when not told): by its own column, or
    by its match's, read in one query for all the rows."""
    told: dict[Any, tuple[str, list[Any]]] = {}
    for obj in rows:
        column = PER_PROGRAMME.get(inspect(obj).mapper.local_table.name)
        if column is not None:
            told[obj] = (column, _values(obj, column) or [])
    match_ids = {v for column, values in told.values() if column == "match_id" for v in values}
    match_ids.discard(None)
    of_match = _programmes_of_matches(session, match_ids)
    out: dict[Any, set[int | str]] = {}
    for obj, (column, values) in told.items():
        found: set[int | str] = set()
        if not values:
            found.add(UNKNOWN_PROGRAMME)  # not loaded
        for v in values:
            if column == "programme_id":
                if v is not None:  # of no programme: no programme's figure counts it
                    found.add(v)
            elif v is None or v not in of_match:
                found.add(UNKNOWN_PROGRAMME)  # free-standing, or its match gone
            else:
                found.add(of_match[v])
        out[obj] = found
    return out


def _programmes_of_matches(session: Session, match_ids: set[int]) -> dict[int, int]:
    """Each match's programme: from the session's own rows where loaded (a matching run's
    new matches and their members are flushed together), else read, a chunk of ids a
    statement (SQLite's limit on bound parameters); a match gone is left out."""
    found: dict[int, int] = {}
    for match_id in match_ids:
        match = session.identity_map.get(identity_key(Match, match_id))
        if match is not None and "programme_id" in inspect(match).dict:
            found[match_id] = match.programme_id
    rest = sorted(match_ids - found.keys())
    for i in range(0, len(rest), 500):
        rows = session.connection().execute(
            select(Match.id, Match.programme_id).where(Match.id.in_(rest[i : i + 500]))
        )
        found.update(rows.tuples().all())
    return found


def _sets_unread_only(state: ORMExecuteState, table: str) -> bool:
    """An UPDATE statement whose SET names columns no figure reads alone."""
    values = getattr(state.statement, "_values", None) if state.is_update else None
    if not values:
        return False  # nothing to tell by (or not an UPDATE): a write of its table
    return all(getattr(c, "key", None) in unread(table) for c in values)


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        name = table.name if isinstance(table, Table) else ANY_TABLE
        if _sets_unread_only(state, name):
            _wrote(state.session).add(_TOUCHED)
            return
        names = [name, past(name)]
        if name in PER_PROGRAMME:  # which programmes' rows: not told by a statement
            names += [of_programme(n, None) for n in names]
        _wrote(state.session).update(names)


def _before_commit(session: Session) -> None:
    session.flush()  # what is still pending is a write too
    written = session.info.pop(_WROTE, None)
    if written:
        keys = [KEY, *(table_key(t) for t in sorted(written - {_TOUCHED}))]
        values = ", ".join(f"(:k{i}, :v{i})" for i in range(len(keys)))
        session.execute(
            text(
                f"INSERT INTO setting (key, value) VALUES {values} "  # noqa: S608 - bound values
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
            {
                **{f"k{i}": key for i, key in enumerate(keys)},
                **{f"v{i}": secrets.token_hex(16) for i in range(len(keys))},
            },
        )
        session.info.pop(_WROTE, None)  # the bump itself is not a new write


def _after_rollback(session: Session) -> None:
    session.info.pop(_WROTE, None)


def install(sf: sessionmaker[Session], now: Callable[[], dt.datetime] | None = None) -> None:
    """Give every session of ``sf`` the hooks that change the version on commit;
    ``now``: the clock that tells this week (naive UTC; real time by default)."""
    if now is not None:
        sf.configure(info={_NOW: now})
    event.listen(sf, "after_flush", _after_flush)
    event.listen(sf, "do_orm_execute", _on_execute)
    event.listen(sf, "before_commit", _before_commit)
    event.listen(sf, "after_rollback", _after_rollback)


def data_version(sf: sessionmaker[Session]) -> str:
    """The current token ("" before the first write); cheap: one primary-key read."""
    with sf() as s:
        return current_version(s)


def current_version(s: Session) -> str:
    """:func:`data_version` read in ``s``'s transaction."""
    return s.scalar(select(Setting.value).where(Setting.key == KEY)) or ""


def table_versions(s: Session, tables: Iterable[str]) -> tuple[str, ...]:
    """The tokens of these tables (and of writes to unknown tables), in ``tables``' order
    then ``*``, read in ``s`` ("" for a table never written since versions were kept)."""
    found = _versions(s)
    return tuple(found.get(table_key(t), "") for t in [*tables, ANY_TABLE])


def version_now(s: Session, table: str) -> str:
    """Table ``table``'s token as committed now, not the one ``s``'s transaction read first
    (on PostgreSQL a write committed meanwhile shows; on SQLite, whose transactions see one
    state, it is the same)."""
    return s.scalar(select(Setting.value).where(Setting.key == table_key(table))) or ""


def _versions(s: Session) -> dict[str, str]:
    """Every table's token, read once a transaction of ``s``: a dashboard view asks for
    some twenty parts' sets, one round trip each on PostgreSQL. A transaction's own writes
    change no token before its commit, so what it read stays what it would read again;
    a token written meanwhile by another transaction only makes a part built now look
    older than it is (built again at the next view: the same as reading it just before)."""
    transaction = s.get_transaction()
    seen = s.info.get(_SEEN)
    if seen is not None and transaction is not None and seen[0] is transaction:
        found: dict[str, str] = seen[1]
        return found
    rows = s.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(f"{KEY}:")))
    found = {key: value for key, value in rows}
    s.info[_SEEN] = (s.get_transaction(), found)
    return found
