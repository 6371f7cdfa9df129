"""The data version: every committed write changes it, reads and rollbacks do not."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from core.kernel import clock
from core.kernel.errors import TandemError
from db.freshness import data_version
from db.models import Person, Setting
from tests.builders import make_person


def test_a_committed_write_changes_the_version_and_a_read_does_not(sf) -> None:
    before = data_version(sf)
    with sf() as s:
        s.get(Person, 1)
        s.commit()  # a transaction that only read
    assert data_version(sf) == before
    with sf.begin() as s:
        make_person(s, "ada")
    after = data_version(sf)
    assert after != before
    assert data_version(sf) == after


def test_a_core_update_through_the_session_changes_the_version(sf) -> None:
    with sf.begin() as s:
        pid = make_person(s, "ada").id
    before = data_version(sf)
    with sf.begin() as s:
        s.execute(update(Person).where(Person.id == pid).values(department="Sales"))
    assert data_version(sf) != before


def test_a_rolled_back_write_leaves_the_version(sf) -> None:
    with sf.begin() as s:
        make_person(s, "ada")
    before = data_version(sf)
    with pytest.raises(TandemError), sf.begin() as s:
        s.add(Setting(key="anything", value="1"))
        s.flush()
        raise TandemError("refused")
    assert data_version(sf) == before
    with sf() as s:
        assert s.get(Setting, "anything") is None


def test_two_factories_on_one_database_see_each_others_writes(sf) -> None:
    """Two servers are two session factories on one database."""
    from db.engine import make_session_factory

    other = make_session_factory(sf.kw["bind"])
    before = data_version(other)
    with sf.begin() as s:
        make_person(s, "ada")
    assert data_version(other) != before


def _versions(sf, *tables):  # type: ignore[no-untyped-def]
    from db.freshness import table_versions

    with sf() as s:
        return table_versions(s, tables)


def _changed(sf, names, write) -> set[str]:  # type: ignore[no-untyped-def]
    """Which of the versions ``names`` a commit of ``write`` (a function of a session) changes."""
    before = _versions(sf, *names)
    with sf.begin() as s:
        write(s)
    after = _versions(sf, *names)  # the tables' then that of writes to unknown tables
    return {n for n, b, a in zip(names, before, after, strict=False) if a != b}


def test_a_write_changes_the_version_of_the_tables_it_wrote_and_no_other(sf) -> None:
    with sf.begin() as s:
        make_person(s, "ada")
    person, setting, star = _versions(sf, "person", "programme")
    assert person != ""
    with sf.begin() as s:
        s.add(Setting(key="anything", value="1"))
    after = _versions(sf, "person", "programme")
    assert after[0] == person  # the person table was not written
    assert after[1] == setting == ""  # nor the programme table, ever
    assert after[2] == star


def test_a_core_update_changes_the_version_of_its_table(sf) -> None:
    with sf.begin() as s:
        pid = make_person(s, "ada").id
    before = _versions(sf, "person")
    with sf.begin() as s:
        s.execute(update(Person).where(Person.id == pid).values(department="Sales"))
    assert _versions(sf, "person")[0] != before[0]


def test_a_rolled_back_write_leaves_its_tables_versions(sf) -> None:
    with sf.begin() as s:
        make_person(s, "ada")
    before = _versions(sf, "person")
    with pytest.raises(TandemError), sf.begin() as s:
        make_person(s, "bob")
        raise TandemError("refused")
    assert _versions(sf, "person") == before


def test_a_ticked_step_changes_the_data_version_but_not_its_goals_table(sf) -> None:
    """A tick bumps its goal's version and time of change (bookkeeping, which no figure
    reads): the goals' figures stay kept; a change of what figures read of the goal (its
    status) does not, and neither does a new title (private text, which no figure reads)."""
    from sqlalchemy import select

    from core.accounts.auth import viewer_of
    from core.growth import goal_steps
    from db.models import Account, Goal, GoalStep
    from demo import company

    company.seed_demo(sf)
    with sf() as s:
        account = s.scalar(select(Account).where(Account.username == "camille"))
        camille = viewer_of(account, s.get_one(Person, account.person_id))
        step = s.scalar(
            select(GoalStep)
            .join(Goal, Goal.id == GoalStep.goal_id)
            .where(Goal.owner_id == camille.person_id, GoalStep.done_at.is_(None))
        )
        assert step is not None
        goal_id, goal_version = step.goal_id, s.get_one(Goal, step.goal_id).version
    before, tables = data_version(sf), _versions(sf, "goal", "goal_step")
    goal_steps.set_step_done(sf, camille, step.id, True)
    after = _versions(sf, "goal", "goal_step")
    assert data_version(sf) != before
    assert after[0] == tables[0] and after[1] != tables[1]
    with sf() as s:
        assert s.get_one(Goal, goal_id).version == goal_version + 1  # it was bumped
    with sf.begin() as s:  # the same through the ORM: bookkeeping alone
        goal = s.get_one(Goal, goal_id)
        goal.version += 1
        goal.updated_at = clock.now()
    assert _versions(sf, "goal") == after[:1] + after[2:]
    with sf.begin() as s:
        s.get_one(Goal, goal_id).title = "Another title"
    assert _versions(sf, "goal") == after[:1] + after[2:]
    with sf.begin() as s:
        s.get_one(Goal, goal_id).status = "dropped"
    assert _versions(sf, "goal")[0] != after[0]


def test_an_enrolment_changes_its_programmes_version_and_no_other_programmes(sf) -> None:
    """``enrolment@<programme>`` changes with a write of that programme's enrolments (old
    and new programme both, when one moves), ``enrolment@?`` with a statement, whose
    programmes are not told; ``enrolment`` with any of them."""
    from db.freshness import of_programme
    from db.models import Enrolment, EnrolmentStatus, Programme
    from tests.builders import enrol, make_programme

    with sf.begin() as s:
        one, two, three = (make_programme(s, name=n) for n in ("One", "Two", "Three"))
        ids = one.id, two.id, three.id
        ada = make_person(s, "ada")
    names = ["enrolment", *(of_programme("enrolment", p) for p in (*ids, None))]

    def changed(write) -> set[str]:  # type: ignore[no-untyped-def]
        return _changed(sf, names, write)

    assert changed(lambda s: enrol(s, s.get_one(Programme, ids[0]), ada.id)) == {
        "enrolment",
        of_programme("enrolment", ids[0]),
    }

    def moved(s) -> None:  # type: ignore[no-untyped-def]
        s.scalars(select(Enrolment)).one().programme_id = ids[1]

    assert changed(moved) == {
        "enrolment",
        of_programme("enrolment", ids[0]),
        of_programme("enrolment", ids[1]),
    }
    assert changed(
        lambda s: s.execute(update(Enrolment).values(status=EnrolmentStatus.WITHDRAWN))
    ) == {"enrolment", of_programme("enrolment", None)}


def test_a_goal_changes_its_programmes_version_and_one_of_no_programme_none(sf) -> None:
    from db.freshness import of_programme
    from db.models import Goal
    from tests.builders import make_programme

    with sf.begin() as s:
        one, two = (make_programme(s, name=n) for n in ("One", "Two"))
        ids = one.id, two.id
        ada = make_person(s, "ada").id
    names = ["goal", *(of_programme("goal", p) for p in (*ids, None))]
    for programme, bumped in ((ids[1], {of_programme("goal", ids[1])}), (None, set())):
        goal = Goal(owner_id=ada, programme_id=programme, title="Listen", **clock.stamps())
        assert _changed(sf, names, lambda s, goal=goal: s.add(goal)) == {"goal", *bumped}


def test_a_meeting_or_a_reflection_changes_the_version_of_its_matchs_programme(sf) -> None:
    """Meetings, reflections, feedback and requests tell their programme by their match:
    its version changes, and its past and later ones as the table's do; a reflection of no
    match (counted wherever its author is enrolled) changes the unknown one."""
    import datetime as dt

    from db.freshness import later, of_programme, past, week_split
    from db.models import JournalEntry, JournalStatus, MeetingStatus
    from tests.builders import make_match, make_meeting, make_programme

    clock.set_now(week_split(clock.now()) + dt.timedelta(days=2, hours=12))  # mid-week
    with sf.begin() as s:
        one, two = (make_programme(s, name=n) for n in ("One", "Two"))
        ids = one.id, two.id
        ada, bob = make_person(s, "ada").id, make_person(s, "bob").id
        match = make_match(s, one, [ada, bob]).id
    meeting = ["meeting", past("meeting"), later("meeting")]
    journal = ["journal_entry", past("journal_entry")]
    names = [
        n for t in (*meeting, *journal) for n in [t, *(of_programme(t, p) for p in (*ids, None))]
    ]

    def changed(write) -> set[str]:  # type: ignore[no-untyped-def]
        return _changed(sf, names, write)

    now, first = clock.now(), of_programme("meeting", ids[0])
    assert changed(lambda s: make_meeting(s, match, now, status=MeetingStatus.HELD)) == {
        "meeting",
        first,
    }
    last_week = now - dt.timedelta(days=7)
    assert changed(lambda s: make_meeting(s, match, last_week, status=MeetingStatus.HELD)) == {
        "meeting",
        first,
        past("meeting"),
        past(first),
    }
    assert changed(lambda s: make_meeting(s, match, now + dt.timedelta(days=21))) == {
        later("meeting"),
        later(first),
    }
    assert changed(
        lambda s: s.add(
            JournalEntry(author_id=ada, match_id=None, status=JournalStatus.FINAL, **clock.stamps())
        )
    ) == {"journal_entry", of_programme("journal_entry", None)}


def test_the_programmes_of_many_matches_are_read_a_chunk_at_a_time(sf) -> None:
    """A flush writing rows of more matches than one statement may bind (a matching run's
    meetings planned, say) still tells each row's programme: none counts as unknown."""
    from db.freshness import of_programme
    from db.models import Match, MatchStatus, Meeting, MeetingStatus
    from tests.builders import make_programme

    with sf.begin() as s:
        programme = make_programme(s).id
        matches = [
            Match(
                programme_id=programme,
                status=MatchStatus.ACTIVE,
                kind="pair",
                created_at=clock.now(),
            )
            for _ in range(1_203)
        ]
        s.add_all(matches)
        s.flush()
        ids = [m.id for m in matches]
    names = ["meeting", of_programme("meeting", programme), of_programme("meeting", None)]

    def meetings(s) -> None:  # type: ignore[no-untyped-def]
        now = clock.now()  # a session of its own: none of the matches is loaded in it
        s.add_all(
            Meeting(match_id=m, scheduled_at=now, status=MeetingStatus.HELD, **clock.stamps())
            for m in ids
        )

    assert _changed(sf, names, meetings) == {"meeting", of_programme("meeting", programme)}
