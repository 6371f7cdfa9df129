"""The dashboard parts a server keeps between views (core.insights.table_cache): a view
through them is the view computed afresh, whatever was written in between; a write
rebuilds the parts that read what it wrote, and only those; two servers each keep their
own and see each other's writes at once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.sql.util import find_tables

from core.growth import journal
from core.insights import dashboard, home
from core.insights.figures import Filters
from core.insights.table_cache import READS, TIMED, TableCache
from core.insights.view import Family
from core.kernel import clock
from core.kernel.settings import k_threshold
from db.models import Programme
from demo import company
from tests.builders import viewer_named
from tests.integration.kept_parts import (
    coord_camille_and_cache,
    every_filter,
    final_entries,
    member_of,
    parts_built,
)

PARTS = tuple(READS)


@pytest.fixture
def world(sf):  # type: ignore[no-untyped-def]
    company.seed_demo(sf)
    return sf


def _afresh_and_cached(sf, viewer, cache):  # type: ignore[no-untyped-def]
    return [
        (dashboard.dashboard(sf, viewer, f), dashboard.dashboard(sf, viewer, f, cache))
        for f in every_filter(sf)
    ]


def test_each_part_names_in_reads_every_table_its_queries_read(world) -> None:
    """…and none reads a column whose write leaves its table's version (db.freshness.UNREAD:
    a row's bookkeeping, private text, a person's own settings, an enrolment's matching
    answers)."""
    import re

    from db.freshness import UNREAD

    engine = world.kw["bind"]
    named: set[str] = set()
    sql: list[str] = []
    # a table's own name or an alias of it (goal_1), then one of its unread columns
    bookkeeping = re.compile(
        "|".join(
            rf"\b{table}(?:_\d+)?\.(?:{'|'.join(sorted(columns))})\b"
            for table, columns in UNREAD.items()
        )
    )

    def record(_conn, clause, *_args) -> None:  # type: ignore[no-untyped-def]
        sql.append(str(clause.compile(dialect=engine.dialect)))
        for table in find_tables(
            clause, include_aliases=True, include_joins=True, include_selects=True
        ):
            name = getattr(getattr(table, "element", table), "name", None)
            if isinstance(name, str) and not name.startswith("%("):
                named.add(name)

    event.listen(engine, "before_execute", record)
    try:
        with world.begin() as s:
            k = k_threshold(s)
            for programme in s.scalars(select(Programme)).all():
                for part in PARTS:
                    family = Family(s, programme, k, (None, clock.today()))
                    named.clear()
                    sql.clear()
                    getattr(family, part)
                    assert not [q for q in sql if bookkeeping.search(q)], part
                    assert named, part
                    assert named <= set(READS[part]), (part, named - set(READS[part]))
    finally:
        event.remove(engine, "before_execute", record)


def test_a_view_through_the_kept_parts_is_the_view_computed_afresh(world) -> None:
    coord, cache = viewer_named(world, "coord"), TableCache()
    first = _afresh_and_cached(world, coord, cache)
    assert cache.misses and all(afresh == kept for afresh, kept in first)
    misses = cache.misses
    again = _afresh_and_cached(world, coord, cache)
    assert cache.misses == misses and cache.hits  # nothing written: every part kept
    assert [kept for _, kept in again] == [kept for _, kept in first]


def test_a_deleted_reflection_rebuilds_the_reflections_part_only_and_shows_at_once(
    world,
) -> None:
    coord, camille, cache = coord_camille_and_cache(world)
    before = _afresh_and_cached(world, coord, cache)
    entry = final_entries(world, camille.person_id)[0]
    journal.delete_entry(world, camille, entry)
    with parts_built() as built:
        after = _afresh_and_cached(world, coord, cache)
    assert set(built) == {"reflections"}
    assert all(afresh == kept for afresh, kept in after)
    total = [d.headline.reflections for d, _ in before]
    assert total != [d.headline.reflections for d, _ in after]  # the deletion shows


def test_a_sign_in_or_a_setting_rebuilds_nothing_and_the_k_setting_rebuilds_everything(
    world,
) -> None:
    from db.models import Setting

    coord, cache = viewer_named(world, "coord"), TableCache()
    _afresh_and_cached(world, coord, cache)
    misses = cache.misses
    with world.begin() as s:
        s.merge(Setting(key="unrelated", value="1"))
    _afresh_and_cached(world, coord, cache)
    assert cache.misses == misses
    with world.begin() as s:
        s.merge(Setting(key="k", value=str(k_threshold(s) + 1)))  # k is in every part's scope
    after = _afresh_and_cached(world, coord, cache)
    assert cache.misses > misses
    assert all(afresh == kept for afresh, kept in after)


def test_private_text_settings_or_matching_answers_rebuild_nothing_a_department_does(
    world,
) -> None:
    from sqlalchemy import update

    from core.accounts import accounts
    from core.growth import goals
    from core.people import directory
    from core.relationship import notes
    from db.models import Enrolment, Goal, MatchMember, Meeting, Person

    coord, camille, cache = coord_camille_and_cache(world)
    before = _afresh_and_cached(world, coord, cache)
    misses = cache.misses
    accounts.set_language(world, camille, "en")
    accounts.set_time_zone(world, camille, "Pacific/Auckland")
    directory.set_opt_in(world, camille, True)
    directory.set_opt_in(world, camille, False)
    with world.begin() as s:  # an enrolment's matching answers, as the enrolment form writes them
        for e in s.scalars(select(Enrolment).where(Enrolment.person_id == camille.person_id)):
            e.availability, e.motivation = ["mon_am"], "Another reason"
            e.languages, e.mentor_capacity, e.updated_at = ["de"], 3, clock.now()
    with world.begin() as s:
        meeting = s.scalars(
            select(Meeting)
            .join(MatchMember, MatchMember.match_id == Meeting.match_id)
            .where(MatchMember.person_id == camille.person_id)
        ).first()
        goal = s.scalars(select(Goal).where(Goal.owner_id == camille.person_id)).first()
        assert meeting is not None and goal is not None
        seen, mine = meeting.version, (goal.id, goal.version, goal.category, goal.target_date)
    notes.save_shared_text(
        world, camille, meeting.id, agenda="Agenda", notes="What we said", seen_version=seen
    )
    goal_id, version, category, target = mine
    goals.update_goal(
        world,
        camille,
        goal_id,
        version,
        title="Renamed",
        outcome="Other words",
        category=category,
        target_date=target,
    )
    with world.begin() as s:  # a statement setting them alone
        s.execute(update(Person).where(Person.id == camille.person_id).values(time_zone=None))
    with parts_built() as built:
        after = _afresh_and_cached(world, coord, cache)
    assert built == [] and cache.misses == misses
    assert after == before
    with world.begin() as s:
        person = s.get_one(Person, camille.person_id)
        person.department = "Finance" if person.department != "Finance" else "Engineering"
    with parts_built() as built:
        moved = _afresh_and_cached(world, coord, cache)
    assert {"enrol", "goals", "reflections"} <= set(built)
    assert all(afresh == kept for afresh, kept in moved)


def _running_and_opened(sf):  # type: ignore[no-untyped-def]
    """The demo's running programme and its next cycle, open for enrolment."""
    from db.models import ProgrammeStatus

    with sf() as s:
        status = dict(s.execute(select(Programme.id, Programme.status)).tuples().all())
    (running,) = (p for p, st in status.items() if st == ProgrammeStatus.RUNNING)
    (opened,) = (p for p, st in status.items() if st == ProgrammeStatus.ENROLMENT)
    return running, opened


def _built_after(sf, coord, cache, write) -> set[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    """(part, programme) of every part built by the views of every filter after ``write``
    (a function of a session, committed); each view through the kept parts is the fresh one."""
    with sf.begin() as s:
        write(s)
    with parts_built(programmes=True) as built:
        views = _afresh_and_cached(sf, coord, cache)
    assert all(afresh == kept for afresh, kept in views)
    return {(name, p) for name, ps in built for p in ps or (None,)}


def test_an_enrolment_or_a_goal_in_one_programme_rebuilds_no_part_of_another(world) -> None:
    """Enrolments and goals are versioned per programme (db.freshness.PER_PROGRAMME):
    everyone enrolling in the next cycle, or leaving it, or a goal set in it, keeps every
    part of the running programme — each part reads its own programme's rows alone, which
    the fresh views hold — and builds the next cycle's again; a statement over the
    enrolments (whose programmes it does not tell) builds every programme's."""
    from sqlalchemy import update

    from db.models import Enrolment, EnrolmentStatus, Goal, Person

    coord, cache = viewer_named(world, "coord"), TableCache()
    running, opened = _running_and_opened(world)
    _afresh_and_cached(world, coord, cache)

    def built_after(write) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
        return _built_after(world, coord, cache, write)

    def everyone_enrols(s) -> None:  # type: ignore[no-untyped-def]
        enrolled = select(Enrolment.person_id).where(Enrolment.programme_id == opened)
        for person in s.scalars(select(Person.id).where(Person.id.not_in(enrolled))):
            s.add(Enrolment(programme_id=opened, person_id=person, **clock.stamps()))
        first = s.scalars(select(Enrolment).where(Enrolment.programme_id == opened)).first()
        first.status, first.withdrawn_at = EnrolmentStatus.WITHDRAWN, clock.now()

    built = built_after(everyone_enrols)
    assert ("enrol", opened) in built and ("sizes", opened) in built
    assert {p for _, p in built} == {opened}

    def one_leaves_the_running_programme(s) -> None:  # type: ignore[no-untyped-def]
        e = s.scalars(
            select(Enrolment).where(
                Enrolment.programme_id == running, Enrolment.status == EnrolmentStatus.ENROLLED
            )
        ).first()
        e.status, e.withdrawn_at = EnrolmentStatus.WITHDRAWN, clock.now()

    built = built_after(one_leaves_the_running_programme)
    assert ("enrol", running) in built and {p for _, p in built} == {running}

    def a_statement(s) -> None:  # type: ignore[no-untyped-def]
        s.execute(
            update(Enrolment)
            .where(Enrolment.programme_id == opened)
            .values(status=EnrolmentStatus.ENROLLED, withdrawn_at=None)
        )

    built = built_after(a_statement)
    assert {("enrol", running), ("enrol", opened)} <= built

    def a_goal_set_in(programme: int):  # type: ignore[no-untyped-def]
        def write(s) -> None:  # type: ignore[no-untyped-def]
            owner = s.scalar(
                select(Enrolment.person_id).where(Enrolment.programme_id == programme).limit(1)
            )
            s.add(Goal(owner_id=owner, programme_id=programme, title="Speak up", **clock.stamps()))

        return write

    for programme in (opened, running):
        built = built_after(a_goal_set_in(programme))
        assert ("goals", programme) in built and {p for _, p in built} == {programme}


def test_a_pair_or_its_reflections_feedback_or_meetings_rebuild_no_part_of_another_programme(
    world,
) -> None:
    """Matches are versioned per programme, and their members, agreements, reflections,
    feedback, requests and meetings by their match's (db.freshness.PER_PROGRAMME): written
    in the next cycle they keep every part of the running programme and build the next
    cycle's; a meeting planned for a later week builds its next meetings alone; a
    free-standing reflection (no match: counted wherever its author is enrolled) builds
    every programme's reflections."""
    from db.models import (
        Agreement,
        Enrolment,
        Feedback,
        FeedbackRequest,
        JournalEntry,
        JournalStatus,
        Match,
        MeetingStatus,
    )
    from tests.builders import make_match, make_meeting

    coord, cache = viewer_named(world, "coord"), TableCache()
    running, opened = _running_and_opened(world)
    with world.begin() as s:  # a pair of the next cycle, before anything is kept
        a, b, c, d = s.scalars(
            select(Enrolment.person_id).where(Enrolment.programme_id == opened).limit(4)
        ).all()
        match = make_match(s, s.get_one(Programme, opened), [a, b]).id
    _afresh_and_cached(world, coord, cache)
    now = clock.now()
    writes = {
        "enrol": lambda s: make_match(s, s.get_one(Programme, opened), [c, d]),
        "pairs": lambda s: s.add(Agreement(match_id=match, cadence_days=7, updated_at=now)),
        "reflections": lambda s: s.add(
            JournalEntry(author_id=a, match_id=match, status=JournalStatus.FINAL, **clock.stamps())
        ),
        "feedback_given": lambda s: s.add(
            Feedback(match_id=match, giver_id=a, recipient_id=b, worked="Clear", created_at=now)
        ),
        "feedback_requested": lambda s: s.add(
            FeedbackRequest(
                match_id=match, requester_id=b, giver_id=a, topic="Pace", created_at=now
            )
        ),
        "meetings": lambda s: make_meeting(
            s, match, now - dt.timedelta(minutes=5), status=MeetingStatus.HELD
        ),
        "next_meetings": lambda s: make_meeting(s, match, now + dt.timedelta(days=15)),
    }
    for part, write in writes.items():
        built = _built_after(world, coord, cache, write)
        assert (part, opened) in built and {p for _, p in built} == {opened}, part
    built = _built_after(
        world,
        coord,
        cache,
        lambda s: s.add(
            JournalEntry(author_id=a, match_id=None, status=JournalStatus.FINAL, **clock.stamps())
        ),
    )
    assert {("reflections", running), ("reflections", opened)} <= built
    # The pair deleted: the database sets its reflections free (no match), which then count
    # wherever their author is enrolled — in the running programme too, unseen by the
    # flush: a deleted match counts as every programme's.
    with world.begin() as s:
        author = s.scalar(
            select(Enrolment.person_id).where(Enrolment.programme_id == running).limit(1)
        )
        s.add(Enrolment(programme_id=opened, person_id=author, **clock.stamps()))
        s.flush()
        pair = make_match(s, s.get_one(Programme, opened), [author, a]).id
        s.add(
            JournalEntry(
                author_id=author, match_id=pair, status=JournalStatus.FINAL, **clock.stamps()
            )
        )
    _afresh_and_cached(world, coord, cache)
    built = _built_after(world, coord, cache, lambda s: s.delete(s.get_one(Match, pair)))
    assert {("reflections", running), ("reflections", opened)} <= built


def test_a_meeting_planned_for_a_later_week_rebuilds_only_the_next_meetings(world) -> None:
    """Figures count meetings planned up to the end of this week, held or missed: the next
    meeting planned for a later week is invisible to them until its week comes (and a part
    is built for one day) — only the pairs' next meetings show it; cancelling it, or
    planning one this week, is not."""
    from core.relationship import schedule
    from db.freshness import week_split
    from db.models import Match, MatchMember, MatchStatus

    coord, camille, cache = coord_camille_and_cache(world)
    with world.begin() as s:
        match_id = s.scalar(
            select(Match.id)
            .join(MatchMember, MatchMember.match_id == Match.id)
            .where(MatchMember.person_id == camille.person_id, Match.status == MatchStatus.ACTIVE)
        )
    assert match_id is not None
    before = _afresh_and_cached(world, coord, cache)
    later = week_split(clock.now()) + dt.timedelta(days=15, hours=10)
    with parts_built() as built:
        (planned,) = schedule.plan_meetings(world, camille, match_id, later)
        schedule.plan_meetings(world, camille, match_id, later + dt.timedelta(days=1), count=3)
        after = _afresh_and_cached(world, coord, cache)
    assert set(built) == {"next_meetings"} and after == before
    with parts_built() as built:  # taken back: a cancelled meeting counts (pair health)
        schedule.set_status(world, camille, planned.meeting_id, "cancelled", planned.version)
        cancelled = _afresh_and_cached(world, coord, cache)
    # no meeting held more or less: the enrolment part's engagement read again, the same
    assert "meetings" in built and "enrol" not in built
    assert all(afresh == kept for afresh, kept in cancelled)
    with parts_built() as built:  # within the hour: this week (or, late on Sunday, its skew)
        schedule.plan_meetings(world, camille, match_id, clock.now() + dt.timedelta(hours=1))
        soon = _afresh_and_cached(world, coord, cache)
    assert "meetings" in built and "enrol" not in built
    assert all(afresh == kept for afresh, kept in soon)


def _held(sf, programme_id):  # type: ignore[no-untyped-def]
    """Each active match of the programme → its meetings held so far."""
    from core.insights.headcounts import held_per_match
    from db.models import Match, MatchStatus

    with sf() as s:
        per_match = held_per_match(Match.programme_id == programme_id)
        held = dict(s.execute(select(per_match.c.match_id, per_match.c.n)).tuples().all())
        active = s.scalars(
            select(Match.id).where(
                Match.programme_id == programme_id, Match.status == MatchStatus.ACTIVE
            )
        ).all()
    return {match: held.get(match, 0) for match in active}


@pytest.mark.parametrize("before", [0, 1, 2, 3])
def test_a_meeting_held_rebuilds_the_enrolment_part_when_it_moves_a_pair_below_three(
    world, before
) -> None:
    """The enrolment part counts each member's meetings held up to three (the engagement
    buckets): a meeting held by a pair at 0, 1 or 2 moves its members and rebuilds the part
    (every view the fresh one); by a pair already at three it changes no bucket and the
    part is kept (the meetings part, which reads every meeting, is built again)."""
    from core.relationship import schedule

    coord, cache = viewer_named(world, "coord"), TableCache()
    programme_id = every_filter(world)[0].programme_id
    match_id = next(m for m, n in sorted(_held(world, programme_id).items()) if n == before)
    member = member_of(world, match_id)
    first = _afresh_and_cached(world, coord, cache)
    with parts_built() as built:
        schedule.record_held_meeting(
            world, member, match_id, clock.now() - dt.timedelta(hours=2, minutes=before)
        )
        after = _afresh_and_cached(world, coord, cache)
    assert _held(world, programme_id)[match_id] == before + 1
    assert "meetings" in built and "pairs" not in built  # the pairs' members: kept
    assert ("enrol" in built) == (before < 3)
    assert all(afresh == kept for afresh, kept in after)
    engagement = [d.engagement for d, _ in first], [d.engagement for d, _ in after]
    if before >= 3:
        assert engagement[0] == engagement[1]


def test_a_pairs_new_cadence_rebuilds_its_programmes_pairs_and_shows_at_once(world) -> None:
    """The active pairs (members, start, cadence) are kept while only meetings are written;
    an agreement's new cadence builds them again, and pair health follows at once."""
    from core.relationship import agreement
    from db.models import Match

    coord, cache = viewer_named(world, "coord"), TableCache()
    programme_id = every_filter(world)[0].programme_id
    match_id = next(m for m, n in sorted(_held(world, programme_id).items()) if n >= 1)
    member = member_of(world, match_id)
    _afresh_and_cached(world, coord, cache)
    with world() as s:
        terms = agreement.agreement_view(s, s.get_one(Match, match_id))
    cadence = next(c for c in agreement.CADENCES if c != terms.cadence_days)
    with parts_built() as built:
        agreement.set_terms(
            world,
            member,
            match_id,
            cadence_days=cadence,
            meeting_format=terms.meeting_format,
            length_minutes=terms.length_minutes,
            seen_version=terms.version,
        )
        after = _afresh_and_cached(world, coord, cache)
    assert {"pairs", "meetings"} <= set(built)
    assert all(afresh == kept for afresh, kept in after)


def test_a_meeting_written_while_the_enrolment_part_is_built_leaves_it_to_be_built_again(
    world, request
) -> None:
    """The part's reading of the meetings is kept only when no meeting was written while
    the part was built (on PostgreSQL a transaction reads each statement's own state: the
    part may show the meeting or not). A write then makes the next view build it again."""
    from core.insights.table_cache import Narrow
    from core.relationship import schedule

    if "postgres" not in request.node.name:
        pytest.skip("a SQLite view's transaction holds the write lock: no write meanwhile")
    programme_id = every_filter(world)[0].programme_id
    match_id = next(m for m, n in sorted(_held(world, programme_id).items()) if n >= 3)
    member, cache, builds = member_of(world, match_id), TableCache(), []

    def build() -> int:
        builds.append(1)
        if len(builds) == 1:  # another server records a meeting meanwhile
            schedule.record_held_meeting(world, member, match_id, clock.now())
        return len(builds)

    def view() -> int:
        with world.begin() as s:
            return cache.part(s, "enrol", ("scope",), build, Narrow("meeting", lambda: b"same"))

    assert view() == 1
    assert view() == 2  # not kept: built again
    assert view() == 2  # kept


def test_a_pair_needing_a_check_in_shows_its_next_meeting_at_once_though_its_list_is_kept(
    world,
) -> None:
    """The check-in list is kept, and a meeting planned for a later week bumps no table
    (db.freshness.LATER), only the meetings' ``later`` version: the next meetings alone are
    read again, and the list shows the meeting at once, as a fresh view does."""
    from core.relationship import schedule
    from db.freshness import week_split

    coord, cache = viewer_named(world, "coord"), TableCache()
    f = Filters(None, None, None, clock.today())
    waiting = dashboard.dashboard(world, coord, f, cache).checkins
    pair = next(c for c in waiting if c.next_meeting is None)
    member = member_of(world, pair.match_id)
    later = week_split(clock.now()) + dt.timedelta(days=15, hours=10)
    with parts_built() as built:
        schedule.plan_meetings(world, member, pair.match_id, later)
        kept = dashboard.dashboard(world, coord, f, cache).checkins
    assert set(built) == {"next_meetings"}
    [now] = [c for c in kept if c.match_id == pair.match_id]
    assert now.next_meeting == later.date()
    assert kept == dashboard.dashboard(world, coord, f).checkins


def test_the_training_needs_are_kept_and_a_new_skill_shows_at_once(world) -> None:
    from core.insights import tna
    from db.models import Enrolment, EnrolmentSkill, Skill

    coord, camille, cache = coord_camille_and_cache(world)
    with world.begin() as s:
        enrolment = s.scalars(
            select(Enrolment).where(Enrolment.person_id == camille.person_id)
        ).first()
        assert enrolment is not None
        pid, eid = enrolment.programme_id, enrolment.id
        mine = {x.skill_id for x in enrolment.skills}
        other = next(k.id for k in s.scalars(select(Skill)) if k.id not in mine)
    fresh = tna.needs_grid(world, coord, pid)
    assert tna.needs_grid(world, coord, pid, cache) == fresh
    with parts_built() as built:
        assert tna.needs_grid(world, coord, pid, cache) == fresh
    assert built == []
    with world.begin() as s:
        s.add(EnrolmentSkill(enrolment_id=eid, skill_id=other, kind="wanted"))
    with parts_built() as built:
        after = tna.needs_grid(world, coord, pid, cache)
    assert "needs" in built
    assert after == tna.needs_grid(world, coord, pid) != fresh


def test_two_servers_keep_their_own_parts_and_see_each_others_writes_at_once(world) -> None:
    from db.engine import make_session_factory

    other = make_session_factory(world.kw["bind"])
    coord, camille = viewer_named(world, "coord"), viewer_named(world, "camille")
    one, two = TableCache(), TableCache()
    f = Filters(None, None, None, clock.today())
    seen = dashboard.dashboard(other, coord, f, two)
    assert dashboard.dashboard(world, coord, f, one) == seen
    entry = final_entries(world, camille.person_id)[0]
    journal.delete_entry(world, camille, entry)  # through the first server
    now = dashboard.dashboard(other, coord, f, two)
    assert now == dashboard.dashboard(other, coord, f)
    assert now.headline.reflections != seen.headline.reflections


def test_a_part_that_reads_the_time_of_day_is_built_again_once_its_time_is_up(world) -> None:
    """…but the enrolment part, whose time of day is its meetings held up to now: read
    again (Narrow), the same, it is kept."""
    coord, cache = viewer_named(world, "coord"), TableCache(ttl=0.0)
    f = Filters(None, None, None, clock.today())
    dashboard.dashboard(world, coord, f, cache)
    with parts_built() as built:
        dashboard.dashboard(world, coord, f, cache)
    assert built and set(built) == set(TIMED) - {"enrol"}


def test_a_meeting_held_whose_time_comes_builds_the_enrolment_part_again(world) -> None:
    """A meeting marked held before its time counts once its time has come: the enrolment
    part's time up, its reading differs and the part is built again, as a fresh view."""
    from db.models import Meeting, MeetingStatus

    day = clock.today()
    clock.set_now(dt.datetime.combine(day, dt.time(10)))
    coord, cache = viewer_named(world, "coord"), TableCache(ttl=0.0)
    programme_id = every_filter(world)[0].programme_id
    match_id = next(m for m, n in sorted(_held(world, programme_id).items()) if n == 2)
    with world.begin() as s:  # written past the services, which refuse it
        s.add(
            Meeting(
                match_id=match_id,
                scheduled_at=dt.datetime.combine(day, dt.time(11)),
                duration_minutes=60,
                status=MeetingStatus.HELD,
                created_by_id=member_of(world, match_id).person_id,
                **clock.stamps(),
            )
        )
    f = Filters(None, None, None, day)
    before = dashboard.dashboard(world, coord, f, cache)
    with parts_built() as built:
        assert dashboard.dashboard(world, coord, f, cache) == before
    assert "enrol" not in built
    clock.set_now(dt.datetime.combine(day, dt.time(12)))
    with parts_built() as built:
        after = dashboard.dashboard(world, coord, f, cache)
    assert "enrol" in built
    assert after == dashboard.dashboard(world, coord, f)
    assert after.engagement != before.engagement


def test_the_parts_kept_all_day_give_the_same_figures_at_any_time_of_the_day(world) -> None:
    """Only the TIMED parts read the clock's time: every other part, built at 06:00 and at
    23:00 of one day, hides and counts the same — printed the same, so in the same order,
    even when PostgreSQL's statistics change in between (autovacuum runs ANALYZE whenever it
    likes; fresh statistics turned a grouping into a hash and its rows into another order)."""

    def figures(part):  # type: ignore[no-untyped-def]
        return repr(part)

    day = clock.today()
    seen: dict[tuple[int, str], list[str]] = {}
    for hour in (6, 23):
        clock.set_now(dt.datetime.combine(day, dt.time(hour)))
        with world.begin() as s:
            if hour == 23 and s.get_bind().dialect.name == "postgresql":
                s.execute(text("ANALYZE"))
            k = k_threshold(s)
            for programme in s.scalars(select(Programme)).all():
                family = Family(s, programme, k, (None, clock.today()))
                for part in set(PARTS) - TIMED:
                    seen.setdefault((programme.id, part), []).append(figures(getattr(family, part)))
    differ = {key: pair for key, pair in seen.items() if pair[0] != pair[1]}
    assert seen and not differ, differ


def test_the_oldest_parts_are_dropped_past_the_size(world) -> None:
    coord, cache = viewer_named(world, "coord"), TableCache(size=3)
    dashboard.dashboard(world, coord, Filters(None, None, None, clock.today()), cache)
    assert len(cache._built) == 3


def test_a_part_built_again_for_newer_data_replaces_the_stale_one(world) -> None:
    """A server saving reflections all day keeps one reflections part, not one per save."""
    coord, camille, cache = coord_camille_and_cache(world)
    f = Filters(None, None, None, clock.today())
    dashboard.dashboard(world, coord, f, cache)
    kept = len(cache._built)
    entries = final_entries(world, camille.person_id)
    assert len(entries) >= 2
    for entry in entries[:2]:
        journal.delete_entry(world, camille, entry)
        misses = cache.misses
        dashboard.dashboard(world, coord, f, cache)
        assert cache.misses > misses  # built again
        assert len(cache._built) == kept


@pytest.mark.parametrize("k", [3, 5, 10])
def test_each_activity_series_protected_alone_hides_what_the_three_together_hide(world, k):
    """The parts split the activity table by series: no relation joins two series, so the
    same cells are hidden, with the same counts."""
    from core.insights.activity import ACTIVITY_SERIES, activity_table
    from core.insights.scope import scope_of

    def cells(series):  # type: ignore[no-untyped-def]
        weekly = {("w", r, w): c for r, weeks in series.weekly.items() for w, c in weeks.items()}
        totals = {
            ("t", r, p): c for r, periods in series.totals.items() for p, c in periods.items()
        }
        return {key: (c.hidden, c.bag.n, c.bag.people) for key, c in {**weekly, **totals}.items()}

    compared = hidden = 0
    with world.begin() as s:
        for programme in s.scalars(select(Programme)).all():
            scope = scope_of(s, programme, k, (None, clock.today()))
            together = activity_table(s, scope)
            for name in ACTIVITY_SERIES:
                alone = activity_table(s, scope, (name,)).series[name]
                assert cells(alone) == cells(together.series[name]), (programme.id, name)
                compared += len(cells(alone))
                hidden += sum(bool(h) for h, _, _ in cells(alone).values())
    assert compared and hidden  # the demo hides some of them


def test_the_parts_built_at_start_serve_every_preset_period_of_every_running_programme(
    world,
) -> None:
    coord, cache = viewer_named(world, "coord"), TableCache()
    running, presets = _presets(world)
    with world() as s:
        others = len(s.scalars(select(Programme.id)).all()) - len(running)
    assert running and others
    # every part of every running programme, Home's counts of every programme, and the
    # departments each other programme offers as a filter (the dashboard's options)
    assert dashboard.warm(world, cache) == len(running) * len(PARTS) + 1 + others
    with parts_built() as built:
        dashboard.options(world, coord, cache)
    assert not built
    today = clock.today()
    asked = [
        Filters(None, None, *dashboard.period_bounds(code, None, today)) for code in ("4w", "all")
    ] + presets
    with parts_built() as built:
        kept = [dashboard.dashboard(world, coord, f, cache) for f in asked]
    assert not built
    assert kept == [dashboard.dashboard(world, coord, f) for f in asked]
    misses = cache.misses
    assert home.programme_counts(world, coord, cache) == home.programme_counts(world, coord)
    assert cache.misses == misses  # Home's cards: counted by the warm-up


def test_home_counts_kept_by_a_server_are_counted_again_after_a_write_through_another(
    world,
) -> None:
    """Home's cards are kept under the versions of the tables they count: a new enrolment,
    written through any server, shows on the next view."""
    from db.engine import make_session_factory
    from db.models import Enrolment, EnrolmentStatus, Person

    coord, cache = viewer_named(world, "coord"), TableCache()
    before = home.programme_counts(world, coord, cache)
    assert home.programme_counts(world, coord, cache) == before
    other = make_session_factory(world.kw["bind"])  # another server's sessions
    with other.begin() as s:
        pid = before[0].programme_id
        taken = select(Enrolment.person_id).where(Enrolment.programme_id == pid)
        person = s.scalar(select(Person.id).where(Person.id.not_in(taken)).limit(1))
        assert person is not None
        s.add(
            Enrolment(
                programme_id=pid,
                person_id=person,
                status=EnrolmentStatus.ENROLLED,
                **clock.stamps(),
            )
        )
    after = home.programme_counts(world, coord, cache)
    assert after == home.programme_counts(world, coord)  # the fresh figures
    assert after != before


def test_a_ticked_step_rebuilds_no_part_and_the_view_is_the_fresh_one(world) -> None:
    from core.growth import goal_steps
    from db.models import Goal, GoalStep

    coord, camille, cache = coord_camille_and_cache(world)
    _afresh_and_cached(world, coord, cache)
    with world() as s:
        step = s.scalar(
            select(GoalStep.id)
            .join(Goal, Goal.id == GoalStep.goal_id)
            .where(Goal.owner_id == camille.person_id, GoalStep.done_at.is_(None))
        )
    assert step is not None
    goal_steps.set_step_done(world, camille, step, True)
    with parts_built() as built:
        after = _afresh_and_cached(world, coord, cache)
    assert not built
    assert all(afresh == kept for afresh, kept in after)


def test_the_surveys_page_reads_the_dashboards_surveys_part_and_the_fresh_figures(world) -> None:
    """The coordinator's survey results, rounds and mentor-skills growth are read from the
    same protected tables as the dashboard's surveys and skills parts: built once for both,
    the same figures."""
    from core.insights import skills_growth, survey_results

    coord, cache = viewer_named(world, "coord"), TableCache()
    with world() as s:
        ids = s.scalars(select(Programme.id).order_by(Programme.id)).all()

    def read(tables):  # type: ignore[no-untyped-def]
        return [
            (
                survey_results.programme_surveys(world, coord, pid, tables),
                survey_results.survey_results(world, coord, pid, tables=tables),
                skills_growth.mentor_skills_growth(world, coord, pid, None, tables),
            )
            for pid in ids
        ]

    afresh = read(None)
    assert read(cache) == afresh and cache.misses
    with parts_built() as built:
        assert read(cache) == afresh
        for f in every_filter(world):
            dashboard.dashboard(world, coord, f, cache)
    # the dashboard took the parts the surveys page built
    assert "surveys" not in built and "skills" not in built


def test_a_view_reads_the_tables_versions_once_a_transaction(world, statements) -> None:
    """A view checks some twenty kept parts against the versions of the tables they read:
    the versions are read once, not once a part (a round trip each on PostgreSQL)."""
    coord, cache = viewer_named(world, "coord"), TableCache()
    f = Filters(None, None, None, clock.today())
    dashboard.dashboard(world, coord, f, cache)
    statements.clear()
    dashboard.dashboard(world, coord, f, cache)
    reads = [
        q
        for q, params in statements
        if any(str(v).startswith("data_version:") for v in _values(params))
    ]
    assert cache.hits > 10 and len(reads) == 1, reads


def _values(params) -> list[object]:  # type: ignore[no-untyped-def]
    if isinstance(params, dict):
        return list(params.values())
    return list(params or ())


def _presets(sf):  # type: ignore[no-untyped-def]
    """The running programmes' ids, and every preset period of each, as the filters ask."""
    from core.insights.figures import ProgrammeOption
    from db.models import ProgrammeStatus

    today = clock.today()
    asked = []
    with sf() as s:
        running = s.scalars(
            select(Programme).where(Programme.status == ProgrammeStatus.RUNNING)
        ).all()
        for p in running:
            option = ProgrammeOption(p.id, p.name, p.status, p.start_date, p.enrolment_opens, None)
            for code in dashboard.PERIODS:
                asked.append(Filters(p.id, None, *dashboard.period_bounds(code, option, today)))
        return [p.id for p in running], asked


def test_a_company_running_many_programmes_finds_every_one_kept_after_the_warm_up(world) -> None:
    """What a server keeps grows with the programmes it serves: the warm-up's parts of the
    first programmes are not dropped to make room for the last ones' (a fixed number of
    parts did, past five running programmes)."""
    from tests.builders import make_programme

    with world.begin() as s:
        for i in range(8):
            make_programme(s, f"Cohort {i}")
    coord, cache = viewer_named(world, "coord"), TableCache()
    running, asked = _presets(world)
    assert len(running) * len(PARTS) > 64
    dashboard.warm(world, cache)
    with parts_built() as built:
        for f in asked:
            dashboard.dashboard(world, coord, f, cache)
    assert not built


def test_periods_a_coordinator_picks_by_hand_never_push_out_the_presets(world) -> None:
    """Each period picked by hand is kept apart (a few of them, the latest): trying twenty
    periods leaves every preset of every running programme kept."""
    coord, cache = viewer_named(world, "coord"), TableCache()
    running, asked = _presets(world)
    pid = running[0]
    dashboard.warm(world, cache)
    today = clock.today()
    monday = today - dt.timedelta(days=today.weekday())
    for weeks in range(2, 22):
        start = monday - dt.timedelta(weeks=weeks)
        dashboard.dashboard(world, coord, Filters(pid, None, start, today), cache)
    with parts_built() as built:
        for f in asked:
            dashboard.dashboard(world, coord, f, cache)
    assert not built
    assert len(cache._custom) <= cache.custom  # the latest periods picked by hand, no more
