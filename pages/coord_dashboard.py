"""Programme dashboard (coordinators): is the programme working? Charts first, numbers after.

Every figure comes from core.insights.dashboard (aggregates only, protected by
core.kernel.privacy: a figure over fewer than k people is hidden, and so is one that
would give such a group back by subtraction), cached for 60 s per choice of filters:
a write on another server shows up within a minute. Only the department filters the
programme can offer are listed (the ``offered`` of core.insights.dashboard.options).
The sections are drawn by ui.dashboard.
"""

import streamlit as st

from core.insights import charts, dashboard
from core.kernel.access import COORDINATOR, require_role
from core.kernel.i18n import get_language, t
from core.kernel.store import data_version
from ui.dashboard import charts as chart_grid
from ui.dashboard import filters, lists, numbers
from ui.page import guard

store, viewer = guard("coord_dashboard")
require_role(viewer, COORDINATOR)  # the cache below is shared: check before reading it
st.title(t("Programme dashboard"))

DB = str(store.engine.url)
LANG = get_language()
# Not cached: a small read, and a programme created a moment ago must be listed.
choices = dashboard.options(store.sf, viewer)
if not choices.programmes:
    st.info(t("No programme yet. Create one on the Programmes page."))
    st.stop()

f = filters.pick(viewer, choices)
VERSION = data_version(store)  # cached figures are keyed by it: never older than the data
d = filters.load(DB, VERSION, LANG, f.pid or None, f.dept or None, f.start, f.end, store, viewer)
filters.notes(d, f)
numbers.headline(d)
built = charts.all_charts(d)
chart_grid.grid(d, built, f.dept)
lists.needs_link()
numbers.kpis(d, one_programme=bool(f.pid))
chart_grid.retention(d, built["retention"])
lists.checkins(d)
rows = lists.downloads(d, f, DB, VERSION, LANG)
lists.numbers(rows)
