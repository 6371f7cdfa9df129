"""My peer: who they are and why we were matched, our agreement, our meetings, shared
resources, and — at the bottom — pausing, ending or raising a concern.

One module per tab in ui/my_peer/."""

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from core.relationship import lifecycle, meeting_rules, meetings, peer_view
from ui.my_peer import ending, tab_agreement, tab_meetings, tab_resources, tab_who
from ui.my_peer.common import TOP, Shown, show
from ui.page import guard
from ui.widgets import pick
from ui.zone import viewer_zone, zone_name

store, viewer = guard("my_peer")
ss = st.session_state

# --------------------------------------------------------------------------- which match

show(TOP)
choices = peer_view.my_matches(store.sf, viewer)
if not choices:
    st.title(t("My peer"))
    st.info(
        t(
            "You are not matched yet. When the coordinator publishes the matches, your peer appears here."
        )
    )
    st.stop()

by_id = {c.match_id: c for c in choices}
FORM_PREFIXES = ("agreement_", "plan_", "held_", "res_", "pause_", "end_", "concern_")


def _forget_forms() -> None:
    """Another match was chosen: its forms start from its own saved values."""
    for key in [k for k in ss if str(k).startswith(FORM_PREFIXES)]:
        del ss[key]


if len(choices) > 1:
    match_id = pick(
        t("Programme"),
        by_id,
        lambda c: f"{c.programme} — {', '.join(c.peer_names)}",
        key="my_peer_match",
        on_change=_forget_forms,
    )
else:
    match_id = choices[0].match_id

try:
    page = peer_view.my_peer_page(store.sf, viewer, match_id)
except TandemError as e:
    st.error(str(e))
    st.stop()
shown = Shown(
    match_id=match_id,
    me=viewer.person_id,
    view=page.view,
    overview=page.overview,
    shared=page.shared,
    tz=viewer_zone(store, viewer),
    zone=zone_name(store, viewer),
    peer_zones=page.peer_zones,
)

view, overview, agreement = shown.view, shown.overview, shown.view.agreement
st.title(t("My circle") if view.is_circle else t("My peer"))
st.caption(
    t(
        "{programme} · {status} since {date}",
        programme=view.programme,
        status=t(lifecycle.MATCH_STATUSES.get(view.status, view.status)),
        date=format_date(view.paused_at or view.started_at),
    )
)

# What needs attention, above the tabs so it is seen first.
if view.is_paused:
    st.info(t("This relationship is paused. Resume it at the bottom of the page."))
if agreement.not_confirmed:
    you = t("you")
    waiting = [you if m.person_id == viewer.person_id else m.name for m in agreement.not_confirmed]
    st.warning(t("Agreement not confirmed yet by: {names}.", names=", ".join(waiting)))
if overview.overdue and not view.is_paused:
    st.warning(
        t(
            "No meeting held for more than {days} days (your rhythm is every {cadence} days): plan one now.",
            days=int(meeting_rules.OVERDUE_FACTOR * overview.cadence_days),
            cadence=overview.cadence_days,
        )
    )
if overview.next_meeting:
    nxt = overview.next_meeting
    st.markdown(
        t(
            "**Next meeting:** {when} — {kind}",
            when=shown.when(nxt.scheduled_at),
            kind=t(meetings.KINDS[nxt.kind]),
        )
    )

tab_peer, tab_terms, tab_dates, tab_shared = st.tabs(
    [t("Who and why"), t("Agreement"), t("Meetings"), t("Resources")]
)
with tab_peer:
    tab_who.render(view)
with tab_terms:
    tab_agreement.render(shown)
with tab_dates:
    tab_meetings.render(shown)
with tab_shared:
    tab_resources.render(shown)
ending.render(shown)
