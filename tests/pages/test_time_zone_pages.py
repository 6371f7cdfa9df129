"""AppTest: the time zone on My profile, and My peer showing both zones of a pair."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.models import MatchMember, Meeting, MeetingStatus, Person
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


def test_the_journal_names_a_meeting_by_its_time_in_the_participants_zone(open_app, demo_store):
    """Times are stored in UTC and every page shows them in the viewer's zone: the journal's
    "After which meeting?" too (it showed the stored UTC time)."""
    with demo_store.sf.begin() as s:
        camille = s.scalar(select(Person).where(Person.full_name == "Camille Martin"))
        camille.time_zone = "Asia/Tokyo"  # UTC+9 all year: every time moves by nine hours
        held = s.scalar(
            select(Meeting.scheduled_at)
            .join(MatchMember, MatchMember.match_id == Meeting.match_id)
            .where(MatchMember.person_id == camille.id, Meeting.status == MeetingStatus.HELD)
            .order_by(Meeting.scheduled_at.desc())
            .limit(1)
        )
    assert held is not None
    at = open_app("camille", page="pages/journal.py")
    assert not at.exception
    options = at.selectbox(key="journal_meeting").options
    tokyo = (held + dt.timedelta(hours=9)).strftime("%H:%M")
    assert any(tokyo in o and "Hugo Bernard" in o for o in options), options
    assert not any(held.strftime("%H:%M") in o for o in options if "Hugo Bernard" in o), options


def test_the_audit_log_shows_each_time_in_the_admins_zone(open_app, demo_store):
    """The audit log, the accounts, announcements and imports show a stored (UTC) time in
    the reader's zone too (ui.zone.local_time): they showed it in UTC, unlabelled."""
    from core.kernel.i18n import format_datetime, speaking
    from db.models import Account, AuditLog

    with demo_store.sf.begin() as s:
        admin = s.scalar(select(Account).where(Account.username == "admin"))
        s.get_one(Person, admin.person_id).time_zone = "Asia/Tokyo"  # UTC+9 all year
    at = open_app("admin", page="pages/admin_audit.py", lang="en")
    with demo_store.sf.begin() as s:
        newest = s.scalar(select(AuditLog.at).order_by(AuditLog.at.desc()).limit(1))
    shown = at.dataframe[0].value.iloc[0, 0]
    with speaking("en"):
        assert shown == format_datetime(newest + dt.timedelta(hours=9), "short")
        assert shown != format_datetime(newest, "short")
