"""Protected tables kept between views: each built once per version of what it reads.

A part of the dashboard (a table of :class:`core.insights.view.Family`: enrolment, goals,
each activity series, meetings, skills, surveys, retention) is the same for every filter,
coordinator and language: it holds every week, period and department, protected together. A server
keeps each one built under its database, its part, its scope (programme, k, today, the
departments offered, the periods) and the versions of the database tables its queries
read (:func:`db.freshness.table_versions`; of the tables whose rows belong to one
programme — enrolments, goals, matches and what belongs to a match — its programme's alone:
:func:`db.freshness.scoped`). A write to any of those tables, through any server, changes
their version: the next view builds the part again, so a figure is never older than the
data; a write in another programme leaves it. A write elsewhere — a sign-in, a reflection for the goals part —
leaves the part as it is. The parts that read the time of day (``TIMED``: a meeting
planned this morning is held or "not marked yet" this afternoon) are kept ``ttl`` seconds
at most, as the dashboard's own cache did; the others depend on the day alone (today is
part of the scope).

The activity series count rows by the week they were created in, the meetings by the week
they are scheduled in (``WEEKLY``: the part → its table). Their closed weeks are kept
apart, under the version of that table's past (:func:`db.freshness.past`): a reflection
written this week rebuilds the reflections part from the kept weeks and this week's rows
alone (:func:`core.kernel.bags.weekly_bags`), a meeting of this week the meetings part.

A part may read one of its tables through a narrow view, cheaper to read than the part is
to build (:class:`Narrow`: the enrolment part takes from the meetings each match's meetings
held, up to three). A write to that table alone, or the part's time up, reads the view
again: the same as when the part was built, the part is kept (a meeting planned, or held by
a pair already at three; ten minutes gone by with no meeting held meanwhile).

A server also writes each part it builds to the database (:mod:`core.insights.shared_parts`,
under the same versions), and takes a part it misses in memory from there while those
versions hold: a second server, or this one restarted, builds only what was written since.

``READS`` lists the tables of each part and ``TIMED`` the parts that read the clock's time;
tests/integration/test_table_cache.py checks both: the tables against every table the
part's queries name, the others' figures at two times of one day.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.insights.shared_parts import Shelf, row_key
from core.kernel.bags import Bag, Closed
from db.freshness import later, past, scoped, table_versions, version_now, week_split

T = TypeVar("T")

# What the pairs' parts read: their matches, members, meetings and agreements.
_PAIRS = ("agreement", "match", "match_member", "meeting", "person", "programme", "programme_kpi")

# Every part also reads its programme's row (its dates, its cadence).
READS: dict[str, tuple[str, ...]] = {
    "enrol": ("enrolment", "match", "match_member", "meeting", "person", "programme"),
    "goals": ("goal", "person", "programme"),
    "reflections": ("enrolment", "journal_entry", "match", "person", "programme"),
    "feedback_given": ("enrolment", "feedback", "match", "person", "programme"),
    "feedback_requested": ("enrolment", "feedback_request", "match", "person", "programme"),
    "meetings": _PAIRS,
    # the active pairs and their members, which meetings leave as they are
    "pairs": ("agreement", "match", "match_member", "person", "programme"),
    # the pairs needing a check-in, named: the meetings part's states, members, next meetings
    "checkins": _PAIRS,
    # each pair's next planned meeting: any meeting written, even for a later week
    "next_meetings": ("match", "meeting", later("meeting")),
    "skills": ("enrolment", "person", "programme", "self_assessment"),
    "needs": ("enrolment", "enrolment_skill", "person", "programme", "skill"),
    "surveys": (
        "programme",
        "survey",
        "survey_answer",
        "survey_question",
        "survey_response",
    ),
    "retention": ("enrolment", "person", "programme"),
    # enrolled participants per department: what a programme's scope offers as filters
    "sizes": ("enrolment", "person"),
    # enrolled, matched, active matches and their members (Home's cards, the survey list)
    "headcounts": ("enrolment", "match", "match_member", "person"),
}


# The parts whose figures change with the time of day (meetings held up to now).
TIMED = frozenset({"enrol", "meetings", "checkins", "next_meetings"})

# The parts counted by the week their rows were created in (a meeting: scheduled in,
# db.freshness.COUNTED_BY): part → that table.
WEEKLY: dict[str, str] = {
    "reflections": "journal_entry",
    "feedback_given": "feedback",
    "feedback_requested": "feedback_request",
    "meetings": "meeting",
}


@dataclass(frozen=True)
class Narrow:
    """All a part takes from ``table``, one of the tables it reads: ``read`` reads it (in the
    view's transaction), cheaper than building the part. The part must read nothing else of
    that table, and read the time of day (``TIMED``) through it alone: the same reading, the
    same part — after a write to that table, or once the part's time is up."""

    table: str
    read: Callable[[], Hashable]


class _Kept(NamedTuple):
    scope: Hashable
    versions: tuple[str, ...]  # of the tables the part reads (``READS``)
    built: float  # time.monotonic() when built
    value: Any
    reading: Hashable | None  # its narrow reading (None: none, or unsure)


class TableCache:
    """Built parts, safe to share between the threads of one server (two views missing
    together both build; the last one stays).

    Each part is kept in one place per programme (``Scope.slot``; Home's counts and the
    department sizes: per set of programmes and per programme): a part built again for
    newer versions, the next day or another k, takes the place of the stale one (they never
    come back). What a server keeps thus grows with the programmes it serves, never with
    the days or the writes: a warm-up of twenty running programmes keeps them all. The
    periods picked by hand (``Scope.custom``) are kept apart, the ``custom`` latest parts
    of them, so trying periods never pushes out the presets; ``size`` is a last bound.
    """

    def __init__(
        self, ttl: float = 600.0, size: int = 4096, custom: int = 48, shared: Shelf | None = None
    ) -> None:
        self.ttl, self.size, self.custom = ttl, size, custom
        # the parts kept in the database for every server (none: this server's alone)
        self.shared = shared
        # (database, part, slot) → the part kept
        self._built: OrderedDict[Hashable, _Kept] = OrderedDict()
        # the same, for the periods picked by hand
        self._custom: OrderedDict[Hashable, _Kept] = OrderedDict()
        # (database, part, programme) → ((k, week, versions), the closed weeks' bags)
        self._closed: OrderedDict[Hashable, tuple[Hashable, dict[Any, Bag]]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self.taken = 0  # parts taken from the database (another server built them)

    def part(
        self,
        s: Session,
        name: str,
        scope: Hashable,
        build: Callable[[], T],
        narrow: Narrow | None = None,
    ) -> T:
        """Part ``name`` of ``scope``: kept, or built by ``build`` (in ``s``'s transaction);
        ``narrow``: what it takes from one of its tables, read again when only that table
        was written."""
        if self.shared is not None:
            self.shared.touch()  # its writes wait while views read
        custom = bool(getattr(scope, "custom", False))
        shelf, limit = (self._custom, self.custom) if custom else (self._built, self.size)
        key = (str(_engine(s).url), name, getattr(scope, "slot", scope))
        programmes = programmes_of(scope)
        tables = scoped(READS[name], programmes)
        versions = table_versions(s, tables)
        # the narrow table's versions (its programmes' and the unknown one, when scoped)
        narrowed = (
            {}
            if narrow is None
            else {tables.index(n): n for n in scoped([narrow.table], programmes)}
        )
        at = set(narrowed)
        now = time.monotonic()
        with self._lock:
            found = shelf.get(key)
            expired = found is not None and name in TIMED and now - found.built >= self.ttl
            if (
                found is not None
                and not expired
                and found.scope == scope
                and found.versions == versions
            ):
                shelf.move_to_end(key)
                self.hits += 1
                value: T = found.value
                return value
            # only the narrowly read table written since, or the time of day gone by (the
            # part reads it through that table alone): its reading tells
            again = (
                found is not None
                and found.reading is not None
                and found.scope == scope
                and _all_but(found.versions, versions, at)
            )
        row = None if custom else self._row_key(s, name, key[2])
        if row is not None and not again:
            # another server's, or this one's before a restart
            taken = self._take(s, row, name, scope, versions, at, now)
            expired = taken is not None and name in TIMED and now - taken.built >= self.ttl
            if taken is not None and taken.versions == versions and not expired:
                with self._lock:
                    self._keep(shelf, key, taken, limit)
                    self.taken += 1
                value = taken.value
                return value
            if taken is not None and taken.reading is not None:
                found, again = taken, True
        reading = None if narrow is None else narrow.read()
        if again and found is not None and reading == found.reading:
            with self._lock:  # the same as a part built now
                self._keep(shelf, key, found._replace(versions=versions, built=now), limit)
                self.hits += 1
            self._share(s, row, versions, scope, found.value, reading)
            kept: T = found.value
            return kept
        with self._lock:
            self.misses += 1
        value = build()
        if any(version_now(s, n) != versions[i] for i, n in narrowed.items()):
            reading = None  # written while the part was built: which state it shows is unsure
        with self._lock:
            self._keep(shelf, key, _Kept(scope, versions, now, value, reading), limit)
        self._share(s, row, versions, scope, value, reading)
        return value

    def _row_key(self, s: Session, name: str, slot: Hashable) -> str | None:
        """Where the database keeps this part for every server; None: not there (no shared
        shelf, a database in memory, a slot of no stable name)."""
        if self.shared is None or _engine(s).url.database in (None, "", ":memory:"):
            return None
        return row_key(name, slot)

    def _take(
        self,
        s: Session,
        row: str,
        name: str,
        scope: Hashable,
        versions: tuple[str, ...],
        at: set[int],
        now: float,
    ) -> _Kept | None:
        """The part kept in the database, when it is of ``scope`` and its versions are
        ``versions`` (or differ at the narrow table's alone: its reading then tells); built
        when the database says, on this server's clock. Its part is read only when it may
        serve (not a timed part whose time is up, unless a reading can tell)."""
        assert self.shared is not None
        found = self.shared.find(s, row)
        if found is None or not (
            found.versions == versions or _all_but(found.versions, versions, at)
        ):
            return None
        age = (_wall_now() - found.built_at).total_seconds()
        if name in TIMED and age >= self.ttl and not at:
            return None
        opened = found.open()
        if opened is None or opened[0] != scope:
            return None
        _, value, reading = opened
        return _Kept(scope, found.versions, now - max(age, 0.0), value, reading)

    def _share(
        self,
        s: Session,
        row: str | None,
        versions: tuple[str, ...],
        scope: Hashable,
        value: Any,
        reading: Hashable | None,
    ) -> None:
        if row is not None and self.shared is not None:
            self.shared.put(_engine(s), row, versions, _wall_now(), scope, value, reading)

    def closed(self, s: Session, name: str, programme_id: int, k: int, today: dt.date) -> Closed:
        """The closed weeks of part ``name`` (a ``WEEKLY`` one) as of ``today``: kept while
        the tables it reads and its table's past keep their versions."""
        split = week_split(dt.datetime.combine(today, dt.time()))
        key = (str(s.get_bind().engine.url), name, programme_id)
        weekly = WEEKLY[name]
        tables = [past(t) if t == weekly else t for t in READS[name]]
        versions = table_versions(s, scoped(tables, [programme_id]))
        stamp = (k, split, versions)
        with self._lock:
            found = self._closed.get(key)
            if found is not None and found[0] == stamp:
                self._closed.move_to_end(key)
                return Closed(split, found[1], lambda bags: None)

        def keep(bags: dict[Any, Bag]) -> None:
            with self._lock:
                self._keep(self._closed, key, (stamp, bags), self.size)

        return Closed(split, None, keep)

    def _keep(
        self, shelf: OrderedDict[Hashable, Any], key: Hashable, entry: Any, limit: int
    ) -> None:
        """Put ``entry`` under ``key`` (the newest), the least recently read dropped past
        ``limit``; the lock held."""
        shelf[key] = entry
        shelf.move_to_end(key)
        while len(shelf) > limit:
            shelf.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._built.clear()
            self._custom.clear()
            self._closed.clear()


def _engine(s: Session) -> Engine:
    return s.get_bind().engine


def _wall_now() -> dt.datetime:
    """Now, naive UTC: when a part kept in the database was built (a server's monotonic
    clock means nothing to another server)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def programmes_of(scope: Hashable) -> tuple[int, ...] | None:
    """The programmes a part's ``scope`` is of, whose rows alone it reads of the tables
    versioned per programme (``db.freshness.PER_PROGRAMME``; a
    :class:`core.insights.scope.Scope`, a programme's id, or a tuple of them: Home's
    counts); None: not told, every programme's."""
    if isinstance(scope, int):
        return (scope,)
    if isinstance(scope, tuple) and all(isinstance(p, int) for p in scope):
        return scope
    programme_id = getattr(scope, "programme_id", None)
    return None if programme_id is None else (programme_id,)


def _all_but(old: tuple[str, ...], new: tuple[str, ...], at: set[int]) -> bool:
    """Versions ``old`` and ``new`` differ at the indexes ``at`` alone (or nowhere); none
    given: never."""
    return bool(at) and all(
        a == b for i, (a, b) in enumerate(zip(old, new, strict=True)) if i not in at
    )


def kept_or_built(
    tables: TableCache | None,
    s: Session,
    name: str,
    scope: Hashable,
    build: Callable[[], T],
    narrow: Narrow | None = None,
) -> T:
    """Part ``name`` of ``scope``: from the server's ``tables`` when given, else built now."""
    return build() if tables is None else tables.part(s, name, scope, build, narrow)
