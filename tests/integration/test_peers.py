"""Who counts as my peer: other members of my live matches only."""

from __future__ import annotations

from core.relationship.membership import live_matches_of, peers_of
from tests.builders import make_match, make_participant, make_programme


def test_peers_are_the_other_members_of_live_matches_only(sf) -> None:
    a = make_participant(sf, "ana")
    b = make_participant(sf, "ben")
    c = make_participant(sf, "cid")
    d = make_participant(sf, "dan")
    e = make_participant(sf, "eve")
    with sf.begin() as s:
        p = make_programme(s)
        circle = make_match(s, p, [a.person_id, b.person_id, c.person_id], status="active")
        make_match(s, p, [a.person_id, d.person_id], status="ended")
        make_match(s, p, [a.person_id, e.person_id], status="suggested")
    with sf() as s:
        assert peers_of(s, a.person_id) == {b.person_id, c.person_id}
        assert peers_of(s, b.person_id) == {a.person_id, c.person_id}
        assert peers_of(s, d.person_id) == set()
        assert peers_of(s, a.person_id, match_id=circle.id + 1) == set()
        assert peers_of(s, a.person_id, match_id=circle.id) == {b.person_id, c.person_id}
        assert [m.id for m in live_matches_of(s, a.person_id)] == [circle.id]


def test_a_paused_or_published_match_still_counts_as_live(sf) -> None:
    a = make_participant(sf, "ana")
    b = make_participant(sf, "ben")
    c = make_participant(sf, "cid")
    with sf.begin() as s:
        p = make_programme(s)
        make_match(s, p, [a.person_id, b.person_id], status="paused")
        make_match(s, p, [a.person_id, c.person_id], status="published")
    with sf() as s:
        assert peers_of(s, a.person_id) == {b.person_id, c.person_id}
