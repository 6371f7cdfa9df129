"""Withdrawing from a running programme ends the person's match (issue 11)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.relationship import lifecycle
from db.models import AuditLog, Enrolment, Match, Meeting
from tests.builders import make_circle, make_pair

NOW = dt.datetime(2026, 11, 2, 9, 30)


@pytest.fixture(autouse=True)
def _now():
    clock.set_now(NOW)


def _match(sf, match_id: int) -> tuple[str, list[int]]:
    with sf.begin() as s:
        m = s.get_one(Match, match_id)
        return m.status, sorted(x.person_id for x in m.members)


def test_withdrawing_ends_my_pair_and_cancels_its_planned_meetings(sf):
    pair = make_pair(sf)
    camille, hugo = pair.members
    with sf.begin() as s:
        s.add(
            Meeting(
                match_id=pair.match_id,
                scheduled_at=NOW + dt.timedelta(days=3),
                status="planned",
                created_at=NOW,
                updated_at=NOW,
            )
        )
    lifecycle.withdraw(sf, camille, pair.programme_id)
    assert _match(sf, pair.match_id)[0] == "ended"
    with sf.begin() as s:
        assert {m.status for m in s.scalars(select(Meeting))} == {"cancelled"}
        mine = s.scalar(select(Enrolment).where(Enrolment.person_id == camille.person_id))
        assert mine.status == "withdrawn"
        assert (
            s.scalars(select(AuditLog).where(AuditLog.action == "match_left_on_withdrawal"))
            .one()
            .target
            == f"match {pair.match_id}"
        )


def test_a_circle_goes_on_without_me_while_two_remain_then_ends(sf):
    circle = make_circle(sf, ("ann", "bob", "cyd"))
    ann, bob, cyd = circle.members
    lifecycle.withdraw(sf, ann, circle.programme_id)
    assert _match(sf, circle.match_id) == ("active", sorted([bob.person_id, cyd.person_id]))
    lifecycle.withdraw(sf, bob, circle.programme_id)
    assert _match(sf, circle.match_id)[0] == "ended"


def test_withdrawing_twice_changes_nothing_more_and_never_touches_another_programme(sf):
    first = make_pair(sf, "camille", "hugo")
    other = make_pair(sf, "ines", "jules")
    camille = first.members[0]
    lifecycle.withdraw(sf, camille, first.programme_id)
    lifecycle.withdraw(sf, camille, first.programme_id)
    assert _match(sf, first.match_id)[0] == "ended"
    assert _match(sf, other.match_id)[0] == "active"
    with pytest.raises(NotFound):  # not enrolled there
        lifecycle.withdraw(sf, camille, other.programme_id)
    assert _match(sf, other.match_id)[0] == "active"


# --------------------------------------------------------------------------- coordinator


def test_a_coordinator_ends_a_pair_with_a_reason_only_staff_keep(sf):
    from core.insights import home
    from tests.builders import make_user

    pair = make_pair(sf)
    camille, hugo = pair.members
    coord = make_user(sf, "coord", ("coordinator",))
    with pytest.raises(InvalidInput):  # a reason is required
        lifecycle.end_by_coordinator(sf, coord, pair.match_id, "   ")
    assert _match(sf, pair.match_id)[0] == "active"
    with pytest.raises(NotAllowed):
        lifecycle.end_by_coordinator(sf, camille, pair.match_id, "I want out")
    lifecycle.end_by_coordinator(sf, coord, pair.match_id, "Hugo leaves the company: SECRET-HR")
    assert _match(sf, pair.match_id)[0] == "ended"
    with pytest.raises(Conflict, match="already ended"):  # a double submit
        lifecycle.end_by_coordinator(sf, coord, pair.match_id, "again")
    with pytest.raises(NotFound):
        lifecycle.end_by_coordinator(sf, coord, pair.match_id + 999, "gone")
    # The members are told on Home that it ended, never why.
    [card] = home.recently_ended(sf, camille)
    assert card.match_id == pair.match_id and card.peers == ("Hugo",)
    assert "SECRET" not in repr(home.recently_ended(sf, camille))
    assert "SECRET" not in repr(home.my_matches(sf, hugo))
    clock.set_now(NOW + dt.timedelta(days=31))
    assert home.recently_ended(sf, camille) == []
