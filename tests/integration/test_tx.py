"""The kernel's one transaction and conflict rule, and the group builders the tests share."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from core.kernel import audit
from core.kernel.errors import Conflict, NotFound
from core.kernel.tx import expect_version, get_or_404, transaction
from db.models import AuditLog, Goal, Match, MatchMember, Programme
from tests.builders import make_circle, make_pair, make_pool, make_programme, make_user


def test_a_concurrent_update_of_a_versioned_row_becomes_the_callers_conflict(sf):
    with sf.begin() as s:
        pid = make_programme(s).id
    with pytest.raises(Conflict, match="^Changed meanwhile: reload.$"):
        with transaction(sf, stale="Changed meanwhile: reload.") as s:
            programme = s.get_one(Programme, pid)
            # Another server saves first (behind this session's back).
            s.execute(
                update(Programme)
                .where(Programme.id == pid)
                .values(name="First", version=Programme.version + 1)
                .execution_options(synchronize_session=False)
            )
            programme.name = "Second"
    with sf.begin() as s:
        assert s.get_one(Programme, pid).name != "Second"


def test_an_edit_made_on_an_old_copy_is_refused_with_the_callers_sentence(sf):
    pair = make_pair(sf)
    with sf.begin() as s:
        match = s.get_one(Match, pair.match_id)
        expect_version(match, None, stale="unused")  # no version given: no check
        with pytest.raises(Conflict, match="^Old copy.$"):
            expect_version(type("Row", (), {"version": 2})(), 1, stale="Old copy.")


@pytest.mark.parametrize("row_id", [None, "abc", -1, 0, 2**63, "99999999999999999999", 123456])
def test_get_or_404_refuses_any_id_no_row_has_with_the_callers_sentence(sf, row_id):
    with sf.begin() as s, pytest.raises(NotFound, match="^No such goal.$"):
        get_or_404(s, Goal, row_id, missing="No such goal.")


def test_get_or_404_returns_the_row(sf):
    pair = make_pair(sf)
    with sf.begin() as s:
        assert get_or_404(s, Match, str(pair.match_id), missing="x").id == pair.match_id


def test_audit_by_records_who_acted(sf):
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        audit.by(s, coord, "skill_added", target="SQL", programme=3)
    with sf.begin() as s:
        (line,) = s.query(AuditLog).all()
        assert (line.actor_account_id, line.actor_username, line.action, line.target) == (
            coord.account_id,
            "coord",
            "skill_added",
            "SQL",
        )
        assert line.detail == {"programme": 3}


def test_a_pair_and_a_circle_are_enrolled_members_of_one_match(sf):
    pair = make_pair(sf, "ann", "bob")
    circle = make_circle(sf, ("cyd", "dan", "eve", "fay"))
    with sf.begin() as s:
        for group, size, kind in ((pair, 2, "pair"), (circle, 4, "circle")):
            match = s.get_one(Match, group.match_id)
            assert (match.kind, match.programme_id, len(group.members)) == (
                kind,
                group.programme_id,
                size,
            )
            members = {m.person_id for m in s.query(MatchMember).filter_by(match_id=match.id)}
            assert members == {v.person_id for v in group}


def test_a_pool_offers_every_person_a_complementary_partner(sf):
    programme_id, people = make_pool(sf, 6)
    assert len(people) == 6
    with sf.begin() as s:
        programme = s.get_one(Programme, programme_id)
        assert programme.status == "enrolment"
        assert len(programme.name) > 0
