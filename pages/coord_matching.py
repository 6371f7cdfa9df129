"""Matching (coordinator): suggest pairs or circles, fix them by hand, publish; then follow the
answers, re-pair the waiting pool (declined, late) and keep the do-not-pair list."""

import streamlit as st

from core.kernel.i18n import format_number, format_percent, t, tn
from core.matching import published, suggestions
from core.matching.candidates import MATCHABLE_STATES
from core.programmes import programmes
from ui.actions import act, flash
from ui.matching import do_not_pair, ending, review
from ui.matching import published as published_ui
from ui.page import guard
from ui.widgets import md_escape, opened, pick
from ui.zone import viewer_zone

store, viewer = guard("coord_matching")
st.title(t("Matching"))

choices = [p for p in programmes.list_programmes(store.sf, viewer) if p.status in MATCHABLE_STATES]
if not choices:
    st.info(t("No programme is open for enrolment or running: there is nobody to match."))
    st.stop()
by_id = {p.programme_id: p for p in choices}
pid = pick(
    t("Programme"),
    by_id,
    lambda p: f"{p.name} ({programmes.status_label(p.status)})",
    key="matching_programme",
)
RUN, PUBLISH = f"matching-run-{pid}", f"matching-publish-{pid}"

BY_HAND = f"matching_by_hand_{pid}"
# Counted here; listed (review.LISTED of thousands) where they are drawn.
n_suggested = suggestions.suggestion_count(store.sf, viewer, pid)
n_waiting = suggestions.pool_size(store.sf, viewer, pid)
# The people waiting (thousands at company scale) are read where they are drawn: a few,
# the suggestions' fixes, the unmatched list or the "by hand" form once opened.
read = (
    n_waiting <= published_ui.FEW
    or (bool(n_suggested) and review.make_tab_open())
    or published_ui.unmatched_open(pid)
    or opened(BY_HAND)
)
waiting = suggestions.pool(store.sf, viewer, pid) if read else []
after = published.after_publishing(
    store.sf,
    viewer,
    pid,
    running=bool(st.session_state.get(published_ui.SHOW_RUNNING)),
    pool=waiting,
    people=read,
)
published_any = bool(after.proposals or after.running)
summary = suggestions.last_run(store.sf, viewer, pid)
if summary and summary.suggestions and not n_suggested:
    summary = None  # that run's suggestions were published: the figures above say what now

if published_any:
    published_ui.counts(after, n_waiting)
    if not n_suggested:
        flash(PUBLISH)  # "n matches published." above what they now are
    published_ui.proposals(after, viewer_zone(store, viewer))
    ending.render(after)
    published_ui.unmatched(pid, after, n_waiting)

left, right = st.columns([2, 1])
if published_any and not n_waiting:
    left.caption(t("Nobody is waiting to be matched: everyone enrolled has a proposal."))
elif published_any:
    left.caption(
        tn(
            "{n} person waiting to be matched (declined, enrolled late or left out). Matching again runs on them only: published proposals stay as they are.",
            "{n} people waiting to be matched (declined, enrolled late or left out). Matching again runs on them only: published proposals stay as they are.",
            n_waiting,
        )
    )
else:
    left.caption(
        tn(
            "{n} person waiting to be matched. Running the matching replaces the suggestions not yet published.",
            "{n} people waiting to be matched. Running the matching replaces the suggestions not yet published.",
            n_waiting,
        )
    )
right.button(
    t("Match the waiting pool") if published_any else t("Suggest matches"),
    type="primary",
    key="run_matching",
    on_click=act,
    args=(RUN, suggestions.run_matching, pid),
    width="stretch",
    disabled=not n_waiting,
)
flash(RUN)

if summary:
    a, b, c, d = st.columns(4)
    a.metric(t("Suggestions"), format_number(summary.suggestions))
    b.metric(
        t("People matched"),
        f"{format_number(summary.people_matched)} / {format_number(summary.pool)}",
    )
    if summary.gap is not None:
        c.metric(
            t("Distance from the optimum"),
            format_number(summary.gap, 1),
            help=t(
                "Upper bound on the best possible total score minus the total found. 0 proves the suggestions optimal."
            ),
        )
    elif summary.baseline is not None:
        c.metric(
            t("Fit vs random circles"),
            format_percent(summary.total_weight / summary.baseline - 1)
            if summary.baseline
            else "—",
            help=t("Total within-circle fit compared with a random grouping of the same people."),
        )
    d.metric(t("Computed in"), t("{s} s", s=format_number(summary.seconds, 2)))
    if summary.left_out:
        with st.expander(t("Left unmatched ({n})", n=len(summary.left_out)), expanded=True):
            for person in summary.left_out:
                st.markdown(f"- **{md_escape(person.name)}** — {md_escape(person.reason)}")

if n_suggested:
    review.render(
        pid,
        waiting,
        lambda needle, min_score, limit: suggestions.suggestion_page(
            store.sf, viewer, pid, needle=needle, min_score=min_score, limit=limit
        ),
        already=bool(published_any),
    )
else:
    for where in (f"matching-remove-{pid}", f"matching-swap-{pid}"):  # the last one removed
        flash(where)
    if not published_any:
        st.info(t("No suggestion yet. Click “Suggest matches” to compute them."))
        flash(PUBLISH)
    if n_waiting >= 2:
        with st.expander(t("Make a pair or circle by hand"), key=BY_HAND, on_change="rerun") as box:
            if box.open:
                review.make_form(pid, waiting)
    else:
        flash(f"matching-make-{pid}")

do_not_pair.render(store, viewer, pid)
