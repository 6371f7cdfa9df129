"""The viewer's time zone: the one saved on their profile, else the one their browser reports.

Times are stored in UTC everywhere; every page shows and reads them in this zone.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.accounts import accounts
from core.kernel.access import Viewer
from core.kernel.i18n import format_datetime
from core.kernel.store import Store
from core.relationship import meetings


def zone_name(store: Store, viewer: Viewer) -> str:
    """The IANA name of the viewer's zone ("UTC" when neither profile nor browser says)."""
    return accounts.my_time_zone(store.sf, viewer) or st.context.timezone or "UTC"


def viewer_zone(store: Store, viewer: Viewer) -> dt.tzinfo:
    return meetings.zone(zone_name(store, viewer))


# A meeting's time as pages show it: "Tue 1 Dec 2026, 09:00" ("mar. 1 déc. 2026, 09:00").
MEETING_TIME = "EEE d MMM y, HH:mm"


def local_time(when: dt.datetime | None, zone: dt.tzinfo, fmt: str = "short") -> str:
    """A stored (UTC) time as the viewer reads it, in their ``zone`` ("—" for none)."""
    return format_datetime(None if when is None else meetings.to_local(when, zone), fmt)
