"""Concerns: what participants chose to tell the coordinator (and why a pair paused or ended)."""

import streamlit as st

from core.kernel.i18n import format_date, t
from core.relationship import concerns
from ui.actions import act, flash
from ui.page import guard
from ui.widgets import md_escape, plain
from ui.zone import local_time, viewer_zone

store, viewer = guard("coord_concerns")
TZ = viewer_zone(store, viewer)  # stored in UTC, shown in my zone (ui.zone)

st.title(t("Concerns"))
st.caption(
    t(
        "Participants raise a concern, or give a reason when they pause or end their relationship. "
        "You see only the words they chose to send."
    )
)


def _handled(concern_id: int) -> None:
    act("coord_concerns", concerns.mark_concern_handled, concern_id, done=t("Marked handled."))


flash("coord_concerns")

only_open = st.toggle(t("Open only"), value=True, key="concerns_open_only")
rows = concerns.concerns_for_coordinator(store.sf, viewer, only_open=only_open)
if not rows:
    st.info(t("No open concern.") if only_open else t("No concern yet."))
for row in rows:
    with st.container(border=True, key=f"concern_{row.concern_id}"):
        st.markdown(
            f"**{md_escape(t(concerns.CONCERN_KINDS.get(row.kind, row.kind)))}** · "
            + md_escape(
                t(
                    "{name}, {date}",
                    name=row.raised_by,
                    date=local_time(row.created_at, TZ, "d MMM y, HH:mm"),
                )
            )
        )
        st.caption(
            " · ".join(
                x
                for x in (
                    md_escape(row.programme or ""),
                    t(concerns.CONCERN_STATUSES.get(row.status, row.status))
                    + (
                        " " + t("on {date}", date=format_date(row.handled_at))
                        if row.handled_at
                        else ""
                    ),
                )
                if x
            )
        )
        if row.pair:
            st.markdown(t("**Pair or circle:** {names}", names=md_escape(", ".join(row.pair))))
        if row.body:
            plain(row.body)
        elif row.is_fit_flag:
            st.caption(t("A pairing-fit check flagged this pair: a member rated the fit as poor."))
        else:
            st.caption(t("No words were sent."))
        if row.is_open:
            st.button(
                t("Mark handled"),
                key=f"concern_handled_{row.concern_id}",
                on_click=_handled,
                args=(row.concern_id,),
            )
