"""AppTest: the time zone on My profile, and My peer showing both zones of a pair."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Person
from tests.pages.conftest import texts

PROFILE, MY_PEER = "pages/profile.py", "pages/my_peer.py"


def _zone(store, name: str) -> str | None:
    with store.sf.begin() as s:
        return s.scalar(select(Person.time_zone).where(Person.full_name == name))


def test_a_participant_saves_a_time_zone_and_a_peer_sees_both_times(open_app, demo_store):
    at = open_app("hugo", page=PROFILE)  # hugo reads Tandem in English
    assert at.selectbox(key="profile_zone").value == "UTC"  # the browser's (none here: UTC)
    at.selectbox(key="profile_zone").set_value("America/Montreal").run()
    assert not at.exception
    assert "Time zone saved" in " ".join(x.value for x in at.success)
    assert _zone(demo_store, "Hugo Bernard") == "America/Montreal"

    camille = open_app("camille", page=MY_PEER)  # her peer: a meeting time in both zones
    assert not camille.exception
    assert "Montreal)" in texts(camille)
    at.button(key="profile_zone_browser").click().run()
    assert _zone(demo_store, "Hugo Bernard") is None
    assert at.selectbox(key="profile_zone").value == "UTC"
