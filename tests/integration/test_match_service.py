"""Suggest, review, publish and answer matches (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from sqlalchemy import select, update

from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.matching import edits, proposals, suggestions
from core.matching.rows import suggestion_row
from db.models import DoNotPair, Enrolment, Match, Person
from tests.builders import (
    enrol,
    make_pool,
    make_programme,
    make_user,
    selects,
    statements_run,
    suggestions_of,
)

# p000 … p005: even people offer SQL and want public speaking, odd people the other way.
DEPARTMENTS = ("Sales", "Engineering", "Sales", "Engineering", "Finance", "People")


@pytest.fixture
def world(sf):
    """A coordinator and a programme in enrolment with six enrolled people."""
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    programme_id, people = make_pool(sf, 6, name="Spring", departments=DEPARTMENTS)
    return coord, programme_id, people


def _viewer(sf, username):
    from core.accounts.auth import sign_in
    from tests.builders import PASSWORD

    return sign_in(sf, username, PASSWORD).viewer


def test_matching_pairs_everyone_with_reasons_and_a_certificate(sf, world):
    coord, pid, people = world
    summary = suggestions.run_matching(sf, coord, pid)
    assert summary.suggestions == 3 and summary.people_matched == 6 and not summary.left_out
    assert summary.gap == 0
    rows = suggestions_of(sf, pid)
    for row in rows:
        assert any("can help" in r for r in row.reasons)
        depts = {m.department for m in row.members}
        assert len(row.members) == 2
    assert sorted(p for r in rows for p in (m.person_id for m in r.members)) == sorted(
        people.values()
    )
    assert suggestions.last_run(sf, coord, pid).suggestions == 3
    del depts


def test_a_do_not_pair_rule_is_never_broken_even_by_hand(sf, world):
    coord, pid, people = world
    with sf.begin() as s:
        s.add(
            DoNotPair(
                person_a_id=people["p000"],
                person_b_id=people["p001"],
                reason="same role opening",
                created_at=clock.now(),
            )
        )
    suggestions.run_matching(sf, coord, pid)
    rows = suggestions_of(sf, pid)
    assert not any(
        {m.person_id for m in r.members} == {people["p000"], people["p001"]} for r in rows
    )
    with pytest.raises(InvalidInput, match="same role opening"):
        edits.set_members(sf, coord, pid, rows[0].match_id, [people["p000"], people["p001"]])


def test_a_swap_updates_the_scores_and_a_forbidden_swap_is_refused_with_its_reason(sf, world):
    coord, pid, people = world
    suggestions.run_matching(sf, coord, pid)
    a, b = suggestions_of(sf, pid)[:2]
    pa, pb = a.members[0].person_id, b.members[0].person_id
    new_a, new_b = edits.swap(sf, coord, a.match_id, pa, b.match_id, pb)
    assert pb in {m.person_id for m in new_a.members} and pa in {m.person_id for m in new_b.members}
    with sf.begin() as s:
        other = next(m.person_id for m in new_a.members if m.person_id != pb)
        s.add(
            DoNotPair(
                person_a_id=other,
                person_b_id=pa,
                reason="conflict of interest",
                created_at=clock.now(),
            )
        )
    with pytest.raises(InvalidInput, match="conflict of interest"):
        edits.swap(sf, coord, new_a.match_id, pb, new_b.match_id, pa)


def test_publishing_is_all_or_nothing(sf, world):
    coord, pid, people = world
    suggestions.run_matching(sf, coord, pid)
    with sf.begin() as s:  # someone leaves the company between suggestion and publish
        s.get(Person, people["p000"]).is_active = False
    with pytest.raises(InvalidInput, match="Nothing was published"):
        proposals.publish(sf, coord, pid)
    with sf.begin() as s:
        assert {m.status for m in s.scalars(select(Match))} == {"suggested"}
    with sf.begin() as s:
        s.get(Person, people["p000"]).is_active = True
    assert proposals.publish(sf, coord, pid) == 3
    with pytest.raises(InvalidInput, match="no suggestion to publish"):
        proposals.publish(sf, coord, pid)


def test_everyone_accepting_makes_the_match_active_and_a_decline_returns_people_to_the_pool(
    sf, world
):
    coord, pid, people = world
    suggestions.run_matching(sf, coord, pid)
    proposals.publish(sf, coord, pid)
    first, second = suggestions_of(sf, pid, statuses=("published",))[:2]
    x, y = (_viewer(sf, m.name.lower()) for m in first.members)
    assert proposals.respond(sf, x, first.match_id, True) == "published"
    assert proposals.respond(sf, x, first.match_id, True) == "published"  # a double click
    assert proposals.respond(sf, y, first.match_id, True) == "active"
    proposal = proposals.my_proposals(sf, x)[0]
    assert proposal.status == "active" and proposal.reasons

    z = _viewer(sf, second.members[0].name.lower())
    assert proposals.respond(sf, z, second.match_id, False) == "declined"
    assert [r.match_id for r in suggestions.declined(sf, coord, pid)] == [second.match_id]
    waiting = {p.person_id for p in suggestions.pool(sf, coord, pid)}
    assert {m.person_id for m in second.members} <= waiting
    assert not {m.person_id for m in first.members} & waiting
    with pytest.raises(Conflict):
        proposals.respond(sf, z, second.match_id, True)


def test_nobody_else_can_answer_a_proposal(sf, world):
    coord, pid, people = world
    suggestions.run_matching(sf, coord, pid)
    proposals.publish(sf, coord, pid)
    row = suggestions_of(sf, pid, statuses=("published",))[0]
    outsider = make_user(sf, "zed", ["participant"])
    with pytest.raises(NotAllowed):
        proposals.respond(sf, outsider, row.match_id, True)


def test_bad_pools_get_clear_messages(sf, world):
    coord, pid, people = world
    with sf.begin() as s:
        empty = make_programme(s, "Empty", status="enrolment").id
        draft = make_programme(s, "Draft", status="draft").id
        one = make_programme(s, "One", status="enrolment")
        enrol(s, one, people["p000"])
        one_id = one.id
    with pytest.raises(InvalidInput, match="Nobody is waiting"):
        suggestions.run_matching(sf, coord, empty)
    with pytest.raises(InvalidInput, match="enrolment is open or the programme runs"):
        suggestions.run_matching(sf, coord, draft)
    summary = suggestions.run_matching(sf, coord, one_id)
    assert summary.suggestions == 0 and summary.left_out[0].reason.startswith(
        "Only one participant"
    )


def test_participants_cannot_run_the_matching(sf, world):
    _, pid, _ = world
    participant = _viewer(sf, "p000")
    with pytest.raises(NotAllowed):
        suggestions.run_matching(sf, participant, pid)


def test_the_suggestion_list_is_a_few_queries_however_many_matches(sf):
    """At company scale the review list reads its matches and their members in bulk."""
    coord = make_user(sf, "coord", ["coordinator"])
    pid, people = make_pool(sf, 40, name="Big")
    suggestions.run_matching(sf, coord, pid)
    with statements_run(sf) as statements:
        rows = suggestions_of(sf, pid)
    assert len(rows) == 20 and len(statements) <= 5, statements
    # The same rows as one match at a time: members by name, reasons with their names.
    with sf.begin() as s:
        one_by_one = [suggestion_row(s, s.get_one(Match, r.match_id)) for r in rows]
    assert rows == one_by_one
    assert all(
        [m.name for m in r.members] == sorted(m.name for m in r.members) and r.reasons for r in rows
    )
    assert sorted(m.person_id for r in rows for m in r.members) == sorted(people.values())


def test_publishing_reads_the_pool_once_however_many_suggestions(sf):
    """A company's thousands of suggestions: publishing read the pool once a suggestion."""
    coord = make_user(sf, "coord", ["coordinator"])
    sizes = {}
    for n in (8, 40):
        pid, _ = make_pool(sf, n, name=f"Pool {n}", prefix=f"n{n}_")
        suggestions.run_matching(sf, coord, pid)
        with statements_run(sf) as statements:
            assert proposals.publish(sf, coord, pid) == n // 2
        sizes[n] = len(selects(statements))
    assert sizes[40] == sizes[8], sizes


def test_a_refused_publication_names_who_left_the_pool_in_one_query(sf):
    """Every suggestion's people withdrew meanwhile: publishing refuses each suggestion and
    names its people, looked up once for all the suggestions, not once a suggestion."""
    coord = make_user(sf, "coord", ["coordinator"])
    sizes = {}
    for n in (8, 40):
        pid, people = make_pool(sf, n, name=f"Left {n}", prefix=f"l{n}_")
        suggestions.run_matching(sf, coord, pid)
        with sf.begin() as s:
            s.execute(
                update(Enrolment).where(Enrolment.programme_id == pid).values(status="withdrawn")
            )
        with statements_run(sf) as statements, pytest.raises(InvalidInput) as refused:
            proposals.publish(sf, coord, pid)
        said = str(refused.value)
        assert said.count("Not in this programme's pool") == n // 2
        assert all(u.capitalize() in said for u in people), said
        sizes[n] = len(selects(statements))
    assert sizes[40] == sizes[8], sizes


def test_a_group_is_checked_the_same_whether_its_people_are_looked_up_or_the_pool_read(
    sf, world, monkeypatch
):
    from core.matching import candidates

    coord, pid, people = world
    asked = [
        [people["p000"], people["p001"]],
        [people["p002"], people["p003"], people["p004"]],
        [people["p005"], 10_000],  # someone not in the pool
    ]
    found = {}
    for how, few in (("by ids", 200), ("whole pool", 1)):
        monkeypatch.setattr(candidates, "FEW_IDS", few)
        with sf() as s:
            p = candidates.programme(s, pid)
            found[how] = [
                str(g) if isinstance(g, InvalidInput) else g
                for g in candidates.check_groups(s, p, asked)
            ]
    assert found["by ids"] == found["whole pool"]
    assert [type(g).__name__ for g in found["by ids"]] == ["Group", "Group", "str"]


def test_a_suggestion_page_filters_counts_and_cuts_in_the_database(sf, world):
    coord, pid, people = world
    with sf.begin() as s:  # an accented name, to be found without its accent or case
        s.get_one(Person, people["p000"]).full_name = "Élodie Ângström"
    suggestions.run_matching(sf, coord, pid)
    every = suggestions_of(sf, pid)

    def page(**kw):
        return suggestions.suggestion_page(sf, coord, pid, limit=kw.pop("limit", 10), **kw)

    whole = page()
    assert (whole.kept, whole.total) == (3, 3) == (len(every), len(every))
    assert [r.match_id for r in whole.rows] == [r.match_id for r in every]
    assert [r.reasons for r in whole.rows] == [r.reasons for r in every]
    best = page(limit=2)
    assert [r.match_id for r in best.rows] == [r.match_id for r in every[:2]]
    assert (best.kept, best.total) == (3, 3)
    hers = next(r for r in every if people["p000"] in {m.person_id for m in r.members})
    for needle in ("elodie ANGSTROM", "Élodie", "ngstr"):
        assert [r.match_id for r in page(needle=needle).rows] == [hers.match_id], needle
    finance = [r.match_id for r in every if any(m.department == "Finance" for m in r.members)]
    assert [r.match_id for r in page(needle="finance").rows] == finance
    for nothing in ("%", "_", "nobody"):
        assert page(needle=nothing).kept == 0, nothing
    top = max(r.score for r in every)
    assert [r.score for r in page(min_score=top).rows] == [top] * sum(r.score == top for r in every)
    assert suggestions.suggestion_count(sf, coord, pid) == 3
