"""A person's time zone: saved on the profile, and a pair across zones sees both times."""

from __future__ import annotations

import datetime as dt

import pytest

from core.accounts import accounts
from core.kernel.errors import InvalidInput
from core.relationship import meetings, peer_view
from tests.builders import make_pair
from ui.my_peer.common import Shown


def test_a_known_zone_is_saved_a_bad_one_refused_and_empty_follows_the_browser(sf):
    pair = make_pair(sf)
    camille = pair.members[0]
    assert accounts.my_time_zone(sf, camille) == ""
    assert accounts.set_time_zone(sf, camille, " Europe/Paris ") == "Europe/Paris"
    assert accounts.my_time_zone(sf, camille) == "Europe/Paris"
    for bad in ("Europe/Pariss", "../../etc/passwd", "<b>UTC</b>", "x" * 100):
        with pytest.raises(InvalidInput):
            accounts.set_time_zone(sf, camille, bad)
    assert accounts.my_time_zone(sf, camille) == "Europe/Paris"  # nothing changed
    assert accounts.set_time_zone(sf, camille, "") == ""
    assert accounts.my_time_zone(sf, camille) == ""


def test_a_pair_across_zones_sees_both_times_and_a_pair_in_one_zone_just_one(sf):
    pair = make_pair(sf)
    camille, hugo = pair.members
    accounts.set_time_zone(sf, camille, "Europe/Paris")
    accounts.set_time_zone(sf, hugo, "America/Montreal")
    page = peer_view.my_peer_page(sf, camille, pair.match_id)
    assert page.peer_zones == ("America/Montreal",)

    def shown(zone: str, peer_zones: tuple[str, ...]) -> Shown:
        return Shown(
            match_id=pair.match_id,
            me=camille.person_id,
            view=page.view,
            overview=page.overview,
            shared=page.shared,
            tz=meetings.zone(zone),
            zone=zone,
            peer_zones=peer_zones,
        )

    winter = dt.datetime(2026, 12, 7, 8, 0)  # 8:00 UTC = 9:00 Paris = 3:00 Montréal
    text = shown("Europe/Paris", page.peer_zones).when(winter)
    assert "09:00" in text and "(9:00 Paris · 3:00 Montreal)" in text
    assert "(" not in shown("Europe/Paris", ("Europe/Paris",)).when(winter)
    # Hugo's page: his own zone first.
    hugo_page = peer_view.my_peer_page(sf, hugo, pair.match_id)
    assert hugo_page.peer_zones == ("Europe/Paris",)
