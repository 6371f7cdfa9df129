"""Home's programme cards at company scale: counted in SQL, a handful of queries whatever
the number of programmes, and the same figures as the dashboard's own bags and tables."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from core.insights import home
from core.insights.headcounts import anchors
from core.kernel import clock
from core.kernel.recording import recording
from db.models import MatchMember, Setting
from tests.builders import (
    enrol,
    make_match,
    make_person,
    make_programme,
    make_user,
    statements_run,
)

NOW = dt.datetime(2026, 11, 25, 12, 0)


def _statements(sf, run) -> int:  # type: ignore[no-untyped-def]
    with statements_run(sf) as seen:
        run()
    return len(seen)


def _programme_with_pairs(s, name: str, pairs: int) -> None:  # type: ignore[no-untyped-def]
    programme = make_programme(s, name)
    for _ in range(pairs):
        a, b = make_person(s), make_person(s)
        enrol(s, programme, a.id)
        enrol(s, programme, b.id)
        make_match(s, programme, [a.id, b.id])


def test_home_counts_four_programmes_in_as_many_queries_as_one(sf):
    clock.set_now(NOW)
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        _programme_with_pairs(s, "First", 4)
    one = _statements(sf, lambda: home.programme_counts(sf, coord))
    with sf.begin() as s:
        for name in ("Second", "Third", "Fourth"):
            _programme_with_pairs(s, name, 4)
    four = _statements(sf, lambda: home.programme_counts(sf, coord))
    # The per-programme loop read pair health (three queries) and the KPIs once per card.
    assert four == one
    rows = home.programme_counts(sf, coord)
    assert [(r.enrolled.value, r.matched.value, r.active_matches.value) for r in rows] == [
        (8, 8, 4)
    ] * 4


EXAMPLES = itertools.count()


@settings(
    max_examples=25,
)
@given(
    k=st.integers(2, 5),
    enrolled=st.lists(st.sampled_from(["enrolled", "withdrawn", None]), max_size=12),
    matches=st.lists(
        st.tuples(
            st.lists(st.integers(0, 11), min_size=1, max_size=3, unique=True),
            st.sampled_from(["active", "paused", "published", "ended"]),
            st.booleans(),  # every member accepted (else one still pending)
        ),
        max_size=6,
    ),
)
def test_home_figures_counted_in_sql_are_the_ones_its_bags_and_tables_give(
    sf, k, enrolled, matches
):
    """Whatever the enrolments, matches and answers (small groups included), the cards
    counted in SQL equal the figures read whole while a test records the cells."""
    clock.set_now(NOW)
    n = next(EXAMPLES)  # the database outlives an example: names must not repeat (id() does)
    coord = make_user(sf, f"coord{n}", ("coordinator",))
    with sf.begin() as s:
        s.merge(Setting(key="k", value=str(k)))
        programme = make_programme(s, f"P{n}")
        pid = programme.id
        people = [make_person(s) for _ in range(12)]
        for person, status in zip(people, enrolled, strict=False):
            if status:
                enrol(s, programme, person.id, status=status)
        for members, status, accepted in matches:
            match = make_match(s, programme, [people[i].id for i in members], status=status)
            if status == "active" and not accepted:
                s.get_one(MatchMember, (match.id, people[members[0]].id)).response = "pending"
    fast = home.programme_counts(sf, coord)
    with recording():
        exact = home.programme_counts(sf, coord)
    assert fast == exact
    # The anchors the survey list reads too: counted, or every person while recording.
    with sf() as s:
        counted = anchors(s, [pid], k)[pid]
        with recording():
            whole = anchors(s, [pid], k)[pid]
    assert [(b.n, b.people) for b in counted] == [(b.n, b.people) for b in whole]
