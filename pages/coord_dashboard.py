"""Programme dashboard (coordinators): is the programme working? Headline numbers, then sections.

Every figure comes from core.insights.dashboard (aggregates only, protected by
core.kernel.privacy: a figure over fewer than k people is hidden, and so is one that
would give such a group back by subtraction), cached per choice of filters under the
database's data version and built from the parts this server keeps per version of the
tables they read (core.insights.table_cache): a write through any server shows at once.
Only the department filters the programme can offer are listed (the ``offered`` of
core.insights.dashboard.options).
The headline numbers are drawn above the sections (ui.dashboard.sections), one open at a
time: only its charts are built and drawn.
"""

import streamlit as st

from core.insights import dashboard
from core.kernel.access import COORDINATOR, require_role
from core.kernel.i18n import get_language, t
from core.kernel.store import data_version
from ui.dashboard import filters, numbers, sections
from ui.page import guard
from ui.zone import zone_name

store, viewer = guard("coord_dashboard")
require_role(viewer, COORDINATOR)  # the cache below is shared: check before reading it
st.title(t("Programme dashboard"))

DB = str(store.engine.url)
LANG = get_language()
# Not cached: a small read, and a programme created a moment ago must be listed; each
# programme's enrolled people per department are the server's kept part ("sizes").
choices = dashboard.options(store.sf, viewer, filters.kept_parts(store))
if not choices.programmes:
    st.info(t("No programme yet. Create one on the Programmes page."))
    st.stop()

f = filters.pick(viewer, choices)
VERSION = data_version(store)  # cached figures are keyed by it: never older than the data
d = filters.load(DB, VERSION, LANG, f.pid or None, f.dept or None, f.start, f.end, store, viewer)
filters.notes(d, f)
numbers.headline(d)
# The reader's time zone dates the printable report: read only when one is made.
sections.draw(sections.pick(), d, f, DB, VERSION, LANG, lambda: zone_name(store, viewer))
