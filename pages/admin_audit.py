"""Audit log (admin): sign-ins, failures, logouts and every account change."""

import datetime as dt

import pandas as pd
import streamlit as st

from core.kernel import audit
from core.kernel.errors import TandemError
from core.kernel.i18n import format_number, t, tn
from ui.page import guard
from ui.widgets import choose_many
from ui.zone import local_time, viewer_zone

store, viewer = guard("audit")
zone = viewer_zone(store, viewer)  # times stored in UTC, shown in mine
st.title(t("Audit log"))

labels = {code: t(label) for code, label in audit.ACTIONS.items()}
c1, c2, c3 = st.columns([2, 2, 2])
actions = choose_many(
    t("Actions"),
    list(labels),
    format_func=labels.get,
    key="audit_actions",
    where=c1,
)
who = c2.text_input(t("User (actor or target)"), key="audit_who")
period = c3.date_input(
    t("Period"),
    value=(dt.date.today() - dt.timedelta(days=30), dt.date.today()),
    key="audit_period",
)
since, until = period if isinstance(period, tuple) and len(period) == 2 else (None, None)
page_size = 100
page = st.number_input(t("Page"), min_value=1, value=1, step=1, key="audit_page")
try:
    result = audit.read_log(
        store.sf,
        viewer,
        actions=actions,
        actor=who,
        since=since,
        until=until,
        limit=page_size,
        offset=(int(page) - 1) * page_size,
    )
except TandemError as e:
    st.error(str(e))
    st.stop()
st.caption(tn("{count} line", "{count} lines", result.total, count=format_number(result.total)))
if not result.lines:
    st.info(t("Nothing in the log for these filters."))
else:
    st.dataframe(
        pd.DataFrame(
            {
                t("When"): [local_time(x.at, zone) for x in result.lines],
                t("Who"): [x.actor or "" for x in result.lines],
                t("Action"): [labels.get(x.action, x.action) for x in result.lines],
                t("Target"): [x.target or "" for x in result.lines],
                t("Details"): [
                    ", ".join(f"{k}: {v}" for k, v in x.detail.items()) for x in result.lines
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
