"""A mentoring programme's matches: one mentor and one mentee each, however they are made
(the run, a hand-made match, a swap), and a mentor suggested up to their capacity can be
published (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock, i18n
from core.kernel.errors import InvalidInput
from core.matching import edits, proposals, suggestions
from db.models import Enrolment, Match, MatchMember
from tests.builders import make_pool, make_user, statements_run, suggestions_of, viewer_named
from tests.sql_plans import sqlite_plan

# p000, p001: mentors (capacity 2 and 1); p002 … p004: mentees.
ROLES = {"p000": ("mentor", 2), "p001": ("mentor", 1)}


@pytest.fixture
def world(sf):
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    pid, people = make_pool(sf, 5, name="Career", relationship_type="career", format="pairs")
    with sf.begin() as s:
        for e in s.scalars(select(Enrolment).where(Enrolment.programme_id == pid)):
            username = next(u for u, i in people.items() if i == e.person_id)
            e.role, e.mentor_capacity = ROLES.get(username, ("mentee", 1))
    return coord, pid, people


def _shapes(sf, pid):
    """Each suggestion as (kind, {person: role})."""
    with sf() as s:
        matches = s.scalars(select(Match).where(Match.programme_id == pid)).all()
        return sorted(
            (m.kind, tuple(sorted((mm.person_id, mm.role) for mm in m.members))) for m in matches
        )


def _roles(people, shapes):
    names = {i: u for u, i in people.items()}
    return sorted((kind, tuple(sorted((names[i], r) for i, r in ms))) for kind, ms in shapes)


def test_the_run_pairs_each_mentee_with_a_mentor_and_a_busy_mentor_can_be_published(sf, world):
    coord, pid, people = world
    summary = suggestions.run_matching(sf, coord, pid)
    assert summary.suggestions == 3 and summary.people_matched == 5
    shapes = _roles(people, _shapes(sf, pid))
    assert all(kind == "mentoring" for kind, _ in shapes)
    assert all(sorted(r for _, r in members) == ["mentee", "mentor"] for _, members in shapes)
    # p000 mentors two people: two suggestions, and they publish (a mentor is not "in two
    # suggestions at once" within their capacity).
    assert sum(("p000", "mentor") in members for _, members in shapes) == 2
    assert proposals.publish(sf, coord, pid) == 3


def test_a_hand_made_match_is_a_mentor_and_a_mentee_with_their_roles(sf, world):
    coord, pid, people = world
    row = edits.set_members(sf, coord, pid, None, [people["p002"], people["p001"]])
    assert row.kind == "mentoring"
    assert {m.person_id: m.role for m in row.members} == {
        people["p001"]: "mentor",
        people["p002"]: "mentee",
    }
    for wrong, why in (
        (["p002", "p003"], "one mentor and one mentee"),
        (["p000", "p001"], "one mentor and one mentee"),
        (["p000", "p003", "p004"], "one mentor and one mentee"),
    ):
        with pytest.raises(InvalidInput, match=why):
            edits.set_members(sf, coord, pid, None, [people[u] for u in wrong])
    assert len(_shapes(sf, pid)) == 1  # nothing else was made


def test_the_same_pair_scores_the_same_whichever_order_it_is_given_in(sf, world):
    coord, pid, people = world
    a = edits.set_members(sf, coord, pid, None, [people["p002"], people["p001"]])
    b = edits.set_members(sf, coord, pid, a.match_id, [people["p001"], people["p002"]])
    assert a.score == b.score and a.reasons == b.reasons


def test_a_mentor_keeps_their_other_mentees_within_capacity(sf, world):
    coord, pid, people = world
    first = edits.set_members(sf, coord, pid, None, [people["p000"], people["p002"]])
    second = edits.set_members(sf, coord, pid, None, [people["p000"], people["p003"]])
    assert {first.match_id, second.match_id} == {
        m for m in _match_ids(sf, pid)
    }  # p000 mentors both (capacity 2)
    with pytest.raises(InvalidInput, match=r"as many people as they offered \(2\)"):
        edits.set_members(sf, coord, pid, None, [people["p000"], people["p004"]])
    # A mentee taken into a new match leaves the old one, which is removed.
    third = edits.set_members(sf, coord, pid, None, [people["p001"], people["p002"]])
    assert set(_match_ids(sf, pid)) == {second.match_id, third.match_id}
    assert proposals.publish(sf, coord, pid) == 2


def test_publishing_names_whoever_is_in_more_suggestions_than_their_places(sf, world):
    """A mentor who offered fewer places meanwhile, and a mentee left in two suggestions
    (written by hand, as a concurrent fix could): publishing refuses and says who, how many
    suggestions and, for the mentor, how many places — in the coordinator's language."""
    coord, pid, people = world
    first = edits.set_members(sf, coord, pid, None, [people["p000"], people["p002"]])
    edits.set_members(sf, coord, pid, None, [people["p000"], people["p003"]])
    edits.set_members(sf, coord, pid, None, [people["p001"], people["p004"]])
    with sf.begin() as s:
        s.scalars(
            select(Enrolment).where(
                Enrolment.programme_id == pid, Enrolment.person_id == people["p000"]
            )
        ).one().mentor_capacity = 1
        s.add(MatchMember(match_id=first.match_id, person_id=people["p004"], role="mentee"))
    with pytest.raises(InvalidInput) as refused:
        proposals.publish(sf, coord, pid)
    said = str(refused.value)
    assert "P000 is in 2 suggestions but offered 1 place." in said
    assert "P004 is in 2 suggestions at once." in said
    assert said.index("P000") < said.index("P004")  # by name
    i18n.set_language("fr")
    try:
        with pytest.raises(
            InvalidInput, match="P000 est dans 2 suggestions mais a proposé 1 place"
        ):
            proposals.publish(sf, coord, pid)
    finally:
        i18n.set_language("en")
    with sf() as s:  # nothing was published
        statuses = s.scalars(select(Match.status).where(Match.programme_id == pid)).all()
    assert set(statuses) == {"suggested"}


def test_a_swap_that_would_pair_two_mentors_is_refused(sf, world):
    coord, pid, people = world
    a = edits.set_members(sf, coord, pid, None, [people["p000"], people["p002"]])
    b = edits.set_members(sf, coord, pid, None, [people["p001"], people["p003"]])
    with pytest.raises(InvalidInput, match="one mentor and one mentee"):
        edits.swap(sf, coord, a.match_id, people["p002"], b.match_id, people["p001"])
    x, y = edits.swap(sf, coord, a.match_id, people["p002"], b.match_id, people["p003"])
    assert {m.person_id: m.role for m in x.members} == {
        people["p000"]: "mentor",
        people["p003"]: "mentee",
    }
    assert {m.person_id: m.role for m in y.members}[people["p002"]] == "mentee"


def _match_ids(sf, pid):
    with sf() as s:
        return (
            s.scalars(select(MatchMember.match_id).join(Match).where(Match.programme_id == pid))
            .unique()
            .all()
        )


def test_the_pool_shows_each_waiting_persons_role(sf, world):
    coord, pid, people = world
    roles = {p.person_id: p.role for p in suggestions.pool(sf, coord, pid)}
    assert roles == {i: ROLES.get(u, ("mentee", 1))[0] for u, i in people.items()}


def test_a_mentor_with_a_place_left_stays_in_the_pool_for_the_next_run(sf, world):
    coord, pid, people = world
    edits.set_members(sf, coord, pid, None, [people["p000"], people["p002"]])
    assert proposals.publish(sf, coord, pid) == 1
    # p000 offered two places and took one: still waiting, with one place.
    waiting = {p.person_id for p in suggestions.pool(sf, coord, pid)}
    assert waiting == {people[u] for u in ("p000", "p001", "p003", "p004")}
    assert suggestions.pool_size(sf, coord, pid) == 4
    # The coordinator's list of who still waits names the mentor as such.
    from core.matching import published

    after = published.after_publishing(sf, coord, pid, people=True)
    assert {u.person_id: u.role for u in after.unmatched}[people["p000"]] == "mentor"
    summary = suggestions.run_matching(sf, coord, pid)
    assert summary.suggestions == 2 and summary.people_matched == 4
    shapes = _roles(people, _shapes(sf, pid))
    assert sum(("p000", "mentor") in members for _, members in shapes) == 2  # one live, one new
    assert proposals.publish(sf, coord, pid) == 2
    assert suggestions.pool_size(sf, coord, pid) == 0  # every place taken
    with pytest.raises(InvalidInput, match="pool"):
        edits.set_members(sf, coord, pid, None, [people["p000"], people["p004"]])


def test_an_onboarding_pair_is_told_apart_by_hire_dates_as_the_run_pairs_them(sf):
    """The run pairs new hires with tenured buddies by hire date, whatever role they enrolled
    with: its suggestions publish, and a hand-made pair puts the one hired first as buddy."""
    from db.models import Person

    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    pid, people = make_pool(sf, 5, name="Welcome", relationship_type="onboarding", format="pairs")
    today = clock.today()
    hired = {  # two buddies, two new hires (all enrolled as "peer"), one date unknown
        "p000": today - dt.timedelta(days=1_000),
        "p001": today - dt.timedelta(days=800),
        "p002": today - dt.timedelta(days=20),
        "p003": today - dt.timedelta(days=30),
        "p004": None,
    }
    with sf.begin() as s:
        for username, day in hired.items():
            s.get_one(Person, people[username]).hire_date = day
    summary = suggestions.run_matching(sf, coord, pid)
    assert summary.suggestions == 2
    assert all(kind == "mentoring" for kind, _ in _shapes(sf, pid))
    buddies = {i for _, members in _shapes(sf, pid) for i, role in members if role == "mentor"}
    assert buddies == {people["p000"], people["p001"]}
    assert proposals.publish(sf, coord, pid) == 2  # refused before: nobody enrolled as mentor
    # Lists name them buddy and new hire, the buddy first; each sees who the other is.
    rows = suggestions_of(sf, pid, ("published",))
    assert sorted(tuple(m.role for m in r.members) for r in rows) == [("buddy", "new_hire")] * 2
    assert {r.members[0].person_id for r in rows} == buddies
    (mine,) = proposals.my_proposals(sf, viewer_named(sf, "p000"))
    assert [p.role for p in mine.peers] == ["new_hire"]
    newcomer = next(
        r.members[1].person_id for r in rows if r.members[0].person_id == people["p000"]
    )
    (theirs,) = proposals.my_proposals(sf, viewer_named(sf, _username(people, newcomer)))
    assert [(p.person_id, p.role) for p in theirs.peers] == [(people["p000"], "buddy")]
    # By hand, in a new programme of the same people: the one hired first is the buddy.
    pid2, again = make_pool(
        sf, 3, name="Welcome 2", prefix="q", relationship_type="onboarding", format="pairs"
    )
    with sf.begin() as s:
        s.get_one(Person, again["q000"]).hire_date = today - dt.timedelta(days=10)
        s.get_one(Person, again["q001"]).hire_date = today - dt.timedelta(days=900)
    row = edits.set_members(sf, coord, pid2, None, [again["q000"], again["q001"]])
    assert [(m.person_id, m.role) for m in row.members] == [
        (again["q001"], "buddy"),
        (again["q000"], "new_hire"),
    ]
    with pytest.raises(InvalidInput, match="hire dates"):
        edits.set_members(sf, coord, pid2, None, [again["q000"], again["q002"]])  # unknown


def _username(people, person_id):
    return next(u for u, i in people.items() if i == person_id)


def test_the_pool_counts_each_mentors_matches_once_not_once_an_enrolment(store, world):
    """Where help goes one way the pool keeps mentors with a place left: their live matches
    are grouped once and joined (SQLite's plan: no subquery run again for each enrolment —
    a company's mentoring programme of 8 000 enrolments took 7 s to list its pool), and
    the pool is the same as it was."""
    coord, pid, people = world
    edits.set_members(store.sf, coord, pid, None, [people["p000"], people["p002"]])
    assert proposals.publish(store.sf, coord, pid) == 1
    with statements_run(store.engine) as statements:
        assert suggestions.pool_size(store.sf, coord, pid) == 4
    if store.engine.dialect.name == "sqlite":
        plan = sqlite_plan(store, statements, "count(*)")
        assert "CORRELATED" not in plan, plan
