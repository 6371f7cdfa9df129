"""The viewer's time zone: the one saved on their profile, else the one their browser reports.

Times are stored in UTC everywhere; every page shows and reads them in this zone.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.accounts import accounts
from core.kernel.access import Viewer
from core.kernel.store import Store
from core.relationship import meetings


def zone_name(store: Store, viewer: Viewer) -> str:
    """The IANA name of the viewer's zone ("UTC" when neither profile nor browser says)."""
    return accounts.my_time_zone(store.sf, viewer) or st.context.timezone or "UTC"


def viewer_zone(store: Store, viewer: Viewer) -> dt.tzinfo:
    return meetings.zone(zone_name(store, viewer))
