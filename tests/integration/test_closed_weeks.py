"""Closed weeks kept apart (core.kernel.bags.weekly_bags, TableCache.closed): a write of this
week's rows leaves the version of a table's past as it is (db.freshness), so the activity
parts count this week alone again; any write of an older row, or one whose rows cannot be
seen, makes the kept weeks stale. Either way the dashboard is the one computed afresh."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, select, update

from core.growth import journal
from core.insights import dashboard
from core.insights.table_cache import TableCache
from core.kernel import bags, clock
from db.freshness import past, table_versions, week_split
from db.models import JournalEntry
from demo import company
from tests.builders import viewer_named
from tests.integration.kept_parts import (
    calls,
    coord_camille_and_cache,
    every_filter,
    final_entries,
)

TABLE = "journal_entry"


@pytest.fixture
def world(sf, monkeypatch):  # type: ignore[no-untyped-def]
    # Mid-week: in the last hour of Sunday every write counts as past (SKEW), which the
    # tests of this week's writes must not meet whenever they run.
    clock.set_now(week_split(clock.now()) + dt.timedelta(days=2, hours=12))
    company.seed_demo(sf)
    # The demo's tables are small enough to be read whole: make them as large as a
    # company's for the policy, so that the closed weeks are kept.
    monkeypatch.setattr(bags, "DETAIL_UNITS", 3)
    return sf


def _versions(sf) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The versions of the journal table and of its past."""
    with sf() as s:
        whole, before, _ = table_versions(s, [TABLE, past(TABLE)])
    return whole, before


def _write(sf, entry_id: int, created: dt.datetime) -> None:  # type: ignore[no-untyped-def]
    with sf.begin() as s:
        s.get_one(JournalEntry, entry_id).created_at = created


def _an_entry(sf) -> int:  # type: ignore[no-untyped-def]
    with sf() as s:
        found = s.scalar(select(JournalEntry.id).order_by(JournalEntry.id))
    assert found is not None
    return found


def test_a_row_of_this_week_leaves_the_past_version_and_an_older_one_changes_it(world) -> None:
    entry, now = _an_entry(world), clock.now()
    this_week = max(week_split(now), now - dt.timedelta(hours=2))
    _write(world, entry, this_week)  # was older: the past changes
    whole, before = _versions(world)
    _write(world, entry, this_week + dt.timedelta(minutes=1))  # this week's row, still
    after = _versions(world)
    assert after[0] != whole and after[1] == before
    _write(world, entry, week_split(now) - dt.timedelta(minutes=1))  # moved to last week
    assert _versions(world)[1] != before


def test_a_deleted_older_row_and_a_statement_change_the_past_version(world) -> None:
    entry = _an_entry(world)
    _write(world, entry, week_split(clock.now()) - dt.timedelta(days=3))
    before = _versions(world)[1]
    with world.begin() as s:
        s.delete(s.get_one(JournalEntry, entry))
    deleted = _versions(world)[1]
    assert deleted != before
    with world.begin() as s:  # rows the session cannot see: counted as past
        s.execute(update(JournalEntry).where(JournalEntry.id < 0).values(shared=True))
    assert _versions(world)[1] != deleted
    stated = _versions(world)[1]
    with world.begin() as s:
        s.execute(delete(JournalEntry).where(JournalEntry.id < 0))
    assert _versions(world)[1] != stated


def test_in_the_last_hour_of_sunday_a_row_of_this_week_counts_as_past(world) -> None:
    """Two servers' clocks a little apart at midnight: the writer errs towards stale."""
    entry = _an_entry(world)
    sunday = week_split(clock.now()) + dt.timedelta(days=6, hours=23, minutes=30)
    clock.set_now(sunday)
    _write(world, entry, sunday - dt.timedelta(hours=1))
    before = _versions(world)[1]
    _write(world, entry, sunday - dt.timedelta(minutes=30))
    assert _versions(world)[1] != before


def _reads():  # type: ignore[no-untyped-def]
    """The ``others`` of every fetch_bags call: > 0 when the closed weeks were kept."""
    return calls(bags, "fetch_bags", lambda *args, **kwargs: kwargs.get("others", 0))


def _kept(sf, coord, cache) -> list[dashboard.Dashboard]:  # type: ignore[no-untyped-def]
    return [dashboard.dashboard(sf, coord, f, cache) for f in every_filter(sf)]


def _same_as_afresh(sf, coord, cache) -> list[dashboard.Dashboard]:  # type: ignore[no-untyped-def]
    kept = _kept(sf, coord, cache)
    assert kept == [dashboard.dashboard(sf, coord, f) for f in every_filter(sf)]
    return kept


def test_a_reflection_of_this_week_counts_this_week_alone_and_the_view_is_the_fresh_one(
    world,
) -> None:
    coord, camille, cache = coord_camille_and_cache(world)
    before = _same_as_afresh(world, coord, cache)
    assert cache._closed  # the demo's closed weeks are kept (as large as a company's)
    journal.finalise(world, camille, None, {"discussed": "A new habit", "learned": "Patience"})
    with _reads() as others:
        after = _kept(world, coord, cache)
    # The reflection's programme (its match's) reads its reflections again, this week
    # alone (its closed weeks are kept); the other programmes' parts are kept: the journal
    # is versioned per programme (db.freshness.PER_PROGRAMME).
    kept = {key[2] for key in cache._closed if key[1] == "reflections"}
    assert kept and len(others) == 1 and others[0] > 0
    assert after == _same_as_afresh(world, coord, cache)
    assert [d.headline.reflections for d in after] != [d.headline.reflections for d in before]


def test_an_older_reflection_deleted_makes_the_kept_weeks_stale(world) -> None:
    coord, camille, cache = coord_camille_and_cache(world)
    _same_as_afresh(world, coord, cache)
    with world() as s:
        older = [
            e
            for e in final_entries(world, camille.person_id)
            if s.get_one(JournalEntry, e).created_at < week_split(clock.now())
        ]
    assert older
    before = [d.headline.reflections for d in _same_as_afresh(world, coord, cache)]
    journal.delete_entry(world, camille, older[0])
    with _reads() as others:
        after = _kept(world, coord, cache)
    assert others and all(n == 0 for n in others)  # read whole again
    assert after == _same_as_afresh(world, coord, cache)
    assert [d.headline.reflections for d in after] != before


def test_a_new_week_reads_every_week_again(world) -> None:
    coord, cache = viewer_named(world, "coord"), TableCache()
    _same_as_afresh(world, coord, cache)
    clock.set_now(week_split(clock.now()) + dt.timedelta(days=7, hours=9))
    with _reads() as others:
        _kept(world, coord, cache)
    assert others and all(n == 0 for n in others)
    _same_as_afresh(world, coord, cache)


def test_a_small_table_is_never_split(sf) -> None:
    """Below DETAIL_UNITS a table is read whole (its cells know what they count): the
    closed weeks are not kept, every view reads it all."""
    company.seed_demo(sf)
    coord, cache = viewer_named(sf, "coord"), TableCache()
    _same_as_afresh(sf, coord, cache)
    assert not cache._closed


def _camilles_match(sf, camille) -> int:  # type: ignore[no-untyped-def]
    from core.relationship.membership import live_matches_of

    with sf() as s:
        return live_matches_of(s, camille.person_id)[0].id


def _meeting_versions(sf) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with sf() as s:
        whole, before, _ = table_versions(s, ["meeting", past("meeting")])
    return whole, before


def test_a_meeting_is_of_the_past_by_the_week_it_is_scheduled_in(world) -> None:
    """db.freshness.COUNTED_BY: the meetings are counted by the week they are scheduled in,
    so a meeting of this week, recorded or changed, leaves the meetings' past as it is,
    and one of a closed week changes it whenever it is written."""
    from core.relationship import schedule
    from db.models import Meeting

    _, camille, _ = coord_camille_and_cache(world)
    match_id, now = _camilles_match(world, camille), clock.now()
    whole, before = _meeting_versions(world)
    held = schedule.record_held_meeting(world, camille, match_id, now - dt.timedelta(hours=2))
    assert _meeting_versions(world) != (whole, before)
    assert _meeting_versions(world)[1] == before  # written now, of this week
    last_week = week_split(now) - dt.timedelta(days=2)
    schedule.record_held_meeting(world, camille, match_id, last_week)
    assert _meeting_versions(world)[1] != before  # written now, of a closed week
    moved = _meeting_versions(world)[1]
    with world.begin() as s:  # this week's meeting moved to last week
        s.get_one(Meeting, held.meeting_id).scheduled_at = last_week + dt.timedelta(hours=3)
    assert _meeting_versions(world)[1] != moved


def test_a_meeting_of_this_week_counts_this_week_alone_and_the_view_is_the_fresh_one(
    world,
) -> None:
    """The meetings part keeps its closed weeks like the activity series: a meeting held
    this week counts this week's meetings alone again; one recorded late, for last week,
    makes the kept weeks stale (read whole again). Either way the view is the fresh one."""
    from core.relationship import schedule

    coord, camille, cache = coord_camille_and_cache(world)
    before = _same_as_afresh(world, coord, cache)
    assert any(key[1] == "meetings" for key in cache._closed)
    match_id, now = _camilles_match(world, camille), clock.now()

    def meetings_read() -> list[int]:
        with calls(bags, "fetch_bags", lambda *a, **kw: (a[4], kw.get("others", 0))) as seen:
            _kept(world, coord, cache)
        return [others for kind, others in seen if kind == "meeting"]

    schedule.record_held_meeting(world, camille, match_id, now - dt.timedelta(hours=2))
    counted = meetings_read()
    # this week alone where the closed weeks are kept (the programmes with meetings
    # enough), whole elsewhere
    kept = {key[2] for key in cache._closed if key[1] == "meetings"}
    assert len([n for n in counted if n > 0]) == len(kept)
    after = _same_as_afresh(world, coord, cache)
    assert after != before
    schedule.record_held_meeting(world, camille, match_id, week_split(now) - dt.timedelta(days=2))
    counted = meetings_read()
    assert len(counted) >= len(kept) and all(n == 0 for n in counted)  # read whole again
    assert _same_as_afresh(world, coord, cache) != after
