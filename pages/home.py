"""Home: what each role has going on right now."""

import streamlit as st

from core.accounts import accounts
from core.growth import actions, feedback_reads, goals
from core.insights import figures, home
from core.kernel import clock
from core.kernel.access import COORDINATOR, PARTICIPANT
from core.kernel.i18n import format_date, format_number, format_percent, t, tn
from core.relationship import meetings
from ui import survey_cards
from ui.dashboard.filters import kept_parts
from ui.page import guard
from ui.widgets import md_escape, plain
from ui.zone import local_time, viewer_zone

store, viewer = guard("home")
st.title(t("Hello, {name}", name=viewer.name.split(" ")[0]))

reset_at = accounts.reset_notice(store.sf, viewer)
if reset_at:
    with st.container(border=True, key="reset_notice"):
        st.warning(
            t(
                "An admin reset your password on {when}. If you did not ask for it, tell your coordinator or an admin.",
                when=local_time(reset_at, viewer_zone(store, viewer), "medium"),
            ),
            icon=":material/lock_reset:",
        )
        if st.button(t("Dismiss"), key="dismiss_reset_notice"):
            accounts.dismiss_reset_notice(store.sf, viewer)
            st.rerun()

RESPONSES = {
    "pending": t("waiting for your answer"),
    "accepted": t("you accepted"),
    "declined": t("you declined"),
}
PROGRAMME_STATUSES = {
    "draft": t("Draft"),
    "enrolment": t("Enrolment open"),
    "running": t("Running"),
    "closed": t("Closed"),
}
STATUSES = {"published": t("proposed"), "active": t("active"), "paused": t("paused")}

if viewer.has(PARTICIPANT):
    st.header(t("My peer mentoring"))
    cards = home.my_matches(store.sf, viewer)
    if not cards:
        st.info(
            t(
                "You are not matched yet. When the coordinator publishes the matches, your peer appears here."
            )
        )
    for ended in home.recently_ended(store.sf, viewer):
        st.info(
            t(
                "Your peer mentoring with {names} ({programme}) ended on {date}. If you want a new peer, tell your coordinator.",
                names=md_escape(", ".join(ended.peers)),
                programme=md_escape(ended.programme),
                date=format_date(ended.ended),
            ),
            icon=":material/info:",
        )
    zone = viewer_zone(store, viewer)  # read once, not once a card
    for card in cards:
        with st.container(border=True, key=f"match_card_{card.match_id}"):
            peers = ", ".join(f"{name} ({dept})" if dept else name for name, dept in card.peers)
            st.markdown(f"### {md_escape(peers)}")
            st.caption(
                t(
                    "{programme} · {status} since {date} · {response}",
                    programme=md_escape(card.programme),
                    status=STATUSES.get(card.status, card.status),
                    date=format_date(card.since),
                    response=RESPONSES.get(card.my_response, card.my_response),
                )
            )
            # My peer: the next meeting, and a warning when one is overdue.
            plan = meetings.home_card(store.sf, viewer, card.match_id)
            if plan and plan.next_at and plan.next_kind:
                st.markdown(
                    t(
                        "**Next meeting:** {when} — {kind}, with {names}",
                        when=local_time(plan.next_at, zone, "EEE d MMM, HH:mm"),
                        kind=t(meetings.KINDS[plan.next_kind]),
                        names=md_escape(", ".join(plan.peer_names)),
                    )
                )
            if plan and plan.overdue:
                st.warning(t("No meeting held for a while: plan your next one."))
            st.page_link("pages/my_peer.py", label=t("My peer"), icon=":material/diversity_3:")
    # Journey cards: my open action items and my goals' progress.
    todo, progress = (
        actions.open_actions(store.sf, viewer, 5),
        goals.goal_progress(store.sf, viewer),
    )
    if todo or progress:
        left, right = st.columns(2)
        with left.container(border=True, key="actions_card"):
            st.markdown("### " + t("My open action items"))
            for item in todo:
                parts = [md_escape(item.title)]
                if item.due_date:
                    parts.append(t("due {date}", date=format_date(item.due_date)))
                if item.overdue(clock.today()):
                    parts.append("**" + t("overdue") + "**")
                st.markdown("- " + " · ".join(parts))
            if not todo:
                st.caption(t("Nothing open."))
            st.page_link(
                "pages/journal.py", label=t("Reflection journal"), icon=":material/edit_note:"
            )
        with right.container(border=True, key="goals_card"):
            st.markdown("### " + t("My goals"))
            for g in progress:
                st.progress(g.progress, text=f"{md_escape(g.title)} · {format_percent(g.progress)}")
            if not progress:
                st.caption(t("No active goal."))
            st.page_link("pages/goals.py", label=t("My goals"), icon=":material/flag:")
    feedback_waiting = feedback_reads.pending(store.sf, viewer)
    if feedback_waiting.total:
        with st.container(border=True, key="feedback_card"):
            st.markdown("### " + t("Feedback"))
            for r in feedback_waiting.to_answer:
                st.markdown(
                    t(
                        "{name} asks for your feedback on “{topic}” (wished by {date})",
                        name=md_escape(r.requester_name),
                        topic=md_escape(r.topic),
                        date=format_date(r.wished_by),
                    )
                )
            if feedback_waiting.to_acknowledge:
                st.markdown(
                    tn(
                        "{n} piece of feedback received to acknowledge",
                        "{n} pieces of feedback received to acknowledge",
                        len(feedback_waiting.to_acknowledge),
                    )
                )
            st.page_link("pages/feedback.py", label=t("Open feedback"), icon=":material/forum:")
    survey_cards.surveys_card(store, viewer)
    survey_cards.progress_card(store, viewer)

if viewer.has(COORDINATOR):
    st.header(t("Programmes"))
    counts = home.programme_counts(store.sf, viewer, kept_parts(store))
    if not counts:
        st.info(t("No programme yet."))
    for row in counts:
        with st.container(border=True, key=f"programme_card_{row.programme_id}"):
            st.markdown(f"### {md_escape(row.name)}")
            a, b, c, d = st.columns(4)
            a.metric(t("Status"), PROGRAMME_STATUSES.get(row.status, row.status))
            # Hidden like on the dashboard: a count of 1 … k−1 people, or a rate that
            # would show how many are left out, says so instead of a number.
            for col, label, fig in (
                (b, t("Enrolled"), row.enrolled),
                (c, t("Active pairs and circles"), row.active_matches),
            ):
                if fig.suppressed:
                    col.metric(
                        label,
                        "—",
                        delta=figures.hidden_text(row.k, fig.reason),
                        delta_color="off",
                        delta_arrow="off",
                    )
                else:
                    col.metric(label, format_number(fig.value or 0))
            rate_hidden = row.matched.suppressed or row.enrolled.suppressed
            d.metric(
                t("Match rate"),
                format_percent(row.match_rate) if row.match_rate is not None else "—",
                delta=figures.hidden_text(row.k, row.matched.reason or row.enrolled.reason)
                if rate_hidden
                else None,
                delta_color="off",
                delta_arrow="off",
                help=t(
                    "Participants in an active match ÷ participants enrolled. Good programmes aim for 70% or more."
                ),
            )

st.header(t("Announcements"))
news = home.announcements_for(store.sf, viewer)
if not news:
    st.caption(t("No announcement."))
for item in news:
    with st.container(border=True):
        scope = item.programme or t("Everyone")
        st.markdown(f"**{md_escape(item.title)}**")
        st.caption(f"{format_date(item.published_at)} · {md_escape(scope)}")
        plain(item.body)
