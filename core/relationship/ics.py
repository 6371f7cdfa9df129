"""Meetings as an iCalendar (.ics) file, to add them to any calendar.

UTC times, a stable UID per meeting (exported again, a meeting updates in place),
a summary in the reader's language; never the agenda or notes, which stay private
to the pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from icalendar import Calendar, Event

from core.kernel import clock
from core.kernel.i18n import t
from core.relationship.meetings import KINDS, MeetingView
from db.models import MeetingStatus

ICS_DOMAIN = "tandem"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC)


def ics_bytes(
    meetings: Sequence[MeetingView], peer_names: Sequence[str], *, with_place: bool = True
) -> bytes:
    """An iCalendar file for ``meetings``: UTC times, a stable UID per meeting, a
    summary in the current language; never the agenda or notes (private to the pair).
    ``with_place=False`` leaves the place out too (a file sent by e-mail)."""
    cal = Calendar()
    cal.add("prodid", "-//Tandem//Peer mentoring//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    stamp = _utc(clock.now().replace(microsecond=0))
    who = ", ".join(peer_names)
    for m in meetings:
        event = Event()
        event.add("uid", f"tandem-meeting-{m.meeting_id}@{ICS_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(m.scheduled_at))
        event.add("dtend", _utc(m.ends_at))
        event.add("sequence", m.version)
        event.add(
            "summary", t("Peer mentoring: {kind} with {names}", kind=t(KINDS[m.kind]), names=who)
        )
        event.add("description", t("Planned in Tandem. The agenda is in Tandem."))
        if m.place and with_place:
            event.add("location", m.place)
        cancelled = m.status in (MeetingStatus.CANCELLED, MeetingStatus.MOVED)
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
