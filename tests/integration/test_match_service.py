"""Suggest, review, publish and answer matches (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.matching import service as match_service
from db.models import DoNotPair, EnrolmentSkill, Match, Person, Skill
from tests.builders import enrol, make_account, make_programme, make_user


@pytest.fixture
def world(sf):
    """A coordinator and a programme in enrolment with six enrolled people."""
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    with sf.begin() as s:
        p = make_programme(s, "Spring", status="enrolment")
        sql = Skill(name="SQL", category="Technical")
        talk = Skill(name="Public speaking", category="Communication")
        s.add_all([sql, talk])
        s.flush()
        people = {}
        for name, dept, offers, wants in (
            ("ana", "Sales", sql, talk),
            ("ben", "Engineering", talk, sql),
            ("cai", "Sales", sql, talk),
            ("dan", "Engineering", talk, sql),
            ("eve", "Finance", sql, talk),
            ("fay", "People", talk, sql),
        ):
            acc = make_account(s, name, department=dept, level="L3")
            e = enrol(s, p, acc.person_id, languages=["en"])
            e.skills = [
                EnrolmentSkill(skill_id=offers.id, kind="offered"),
                EnrolmentSkill(skill_id=wants.id, kind="wanted"),
            ]
            people[name] = acc.person_id
        programme_id = p.id
    return coord, programme_id, people


def _viewer(sf, username):
    from core.accounts.auth import sign_in
    from tests.builders import PASSWORD

    return sign_in(sf, username, PASSWORD).viewer


def test_matching_pairs_everyone_with_reasons_and_a_certificate(sf, world):
    coord, pid, people = world
    summary = match_service.run_matching(sf, coord, pid)
    assert summary.suggestions == 3 and summary.people_matched == 6 and not summary.left_out
    assert summary.gap == 0
    rows = match_service.list_suggestions(sf, coord, pid)
    for row in rows:
        assert any("can help" in r for r in row.reasons)
        depts = {m.department for m in row.members}
        assert len(row.members) == 2
    assert sorted(p for r in rows for p in (m.person_id for m in r.members)) == sorted(
        people.values()
    )
    assert match_service.last_run(sf, coord, pid).suggestions == 3
    del depts


def test_a_do_not_pair_rule_is_never_broken_even_by_hand(sf, world):
    coord, pid, people = world
    with sf.begin() as s:
        s.add(
            DoNotPair(
                person_a_id=people["ana"],
                person_b_id=people["ben"],
                reason="same role opening",
                created_at=clock.now(),
            )
        )
    match_service.run_matching(sf, coord, pid)
    rows = match_service.list_suggestions(sf, coord, pid)
    assert not any({m.person_id for m in r.members} == {people["ana"], people["ben"]} for r in rows)
    with pytest.raises(InvalidInput, match="same role opening"):
        match_service.set_members(sf, coord, pid, rows[0].match_id, [people["ana"], people["ben"]])


def test_a_swap_updates_the_scores_and_a_forbidden_swap_is_refused_with_its_reason(sf, world):
    coord, pid, people = world
    match_service.run_matching(sf, coord, pid)
    a, b = match_service.list_suggestions(sf, coord, pid)[:2]
    pa, pb = a.members[0].person_id, b.members[0].person_id
    new_a, new_b = match_service.swap(sf, coord, a.match_id, pa, b.match_id, pb)
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
        match_service.swap(sf, coord, new_a.match_id, pb, new_b.match_id, pa)


def test_publishing_is_all_or_nothing(sf, world):
    coord, pid, people = world
    match_service.run_matching(sf, coord, pid)
    with sf.begin() as s:  # someone leaves the company between suggestion and publish
        s.get(Person, people["ana"]).is_active = False
    with pytest.raises(InvalidInput, match="Nothing was published"):
        match_service.publish(sf, coord, pid)
    with sf.begin() as s:
        assert {m.status for m in s.scalars(select(Match))} == {"suggested"}
    with sf.begin() as s:
        s.get(Person, people["ana"]).is_active = True
    assert match_service.publish(sf, coord, pid) == 3
    with pytest.raises(InvalidInput, match="no suggestion to publish"):
        match_service.publish(sf, coord, pid)


def test_everyone_accepting_makes_the_match_active_and_a_decline_returns_people_to_the_pool(
    sf, world
):
    coord, pid, people = world
    match_service.run_matching(sf, coord, pid)
    match_service.publish(sf, coord, pid)
    first, second = match_service.list_suggestions(sf, coord, pid, statuses=("published",))[:2]
    x, y = (_viewer(sf, m.name.lower()) for m in first.members)
    assert match_service.respond(sf, x, first.match_id, True) == "published"
    assert match_service.respond(sf, x, first.match_id, True) == "published"  # a double click
    assert match_service.respond(sf, y, first.match_id, True) == "active"
    proposal = match_service.my_proposals(sf, x)[0]
    assert proposal.status == "active" and proposal.reasons

    z = _viewer(sf, second.members[0].name.lower())
    assert match_service.respond(sf, z, second.match_id, False) == "declined"
    assert [r.match_id for r in match_service.declined(sf, coord, pid)] == [second.match_id]
    waiting = {p.person_id for p in match_service.pool(sf, coord, pid)}
    assert {m.person_id for m in second.members} <= waiting
    assert not {m.person_id for m in first.members} & waiting
    with pytest.raises(Conflict):
        match_service.respond(sf, z, second.match_id, True)


def test_nobody_else_can_answer_a_proposal(sf, world):
    coord, pid, people = world
    match_service.run_matching(sf, coord, pid)
    match_service.publish(sf, coord, pid)
    row = match_service.list_suggestions(sf, coord, pid, statuses=("published",))[0]
    outsider = make_user(sf, "zed", ["participant"])
    with pytest.raises(NotAllowed):
        match_service.respond(sf, outsider, row.match_id, True)


def test_bad_pools_get_clear_messages(sf, world):
    coord, pid, people = world
    with sf.begin() as s:
        empty = make_programme(s, "Empty", status="enrolment").id
        draft = make_programme(s, "Draft", status="draft").id
        one = make_programme(s, "One", status="enrolment")
        enrol(s, one, people["ana"])
        one_id = one.id
    with pytest.raises(InvalidInput, match="Nobody is waiting"):
        match_service.run_matching(sf, coord, empty)
    with pytest.raises(InvalidInput, match="enrolment is open or the programme runs"):
        match_service.run_matching(sf, coord, draft)
    summary = match_service.run_matching(sf, coord, one_id)
    assert summary.suggestions == 0 and summary.left_out[0].reason.startswith(
        "Only one participant"
    )


def test_participants_cannot_run_the_matching(sf, world):
    _, pid, _ = world
    ana = _viewer(sf, "ana")
    with pytest.raises(NotAllowed):
        match_service.run_matching(sf, ana, pid)
