"""Programme dashboard (coordinators): is the programme working? Charts first, numbers after.

Every figure comes from core.insights.metrics (aggregates only, protected by core.kernel.privacy:
a figure over fewer than k people is hidden, and so is one that would give such a
group back by subtraction), cached for 60 s per choice of filters: a write on
another server shows up within a minute. Only the department filters the programme
can offer are listed (core.insights.metrics.department_choices).
"""

import streamlit as st

from core.insights import charts, dashboard, exports, figures, report
from core.insights.figures import Figure, Filters
from core.kernel import clock
from core.kernel.access import COORDINATOR, require_role
from core.kernel.i18n import format_date, format_number, format_percent, get_language, t
from core.kernel.privacy import NOT_OFFERED
from ui import nav
from ui.page import guard
from ui.widgets import md_escape

store, viewer = guard("coord_dashboard")
require_role(viewer, COORDINATOR)  # the cache below is shared: check before reading it
st.title(t("Programme dashboard"))


@st.cache_data(ttl=60, show_spinner=False)
def load(
    db: str, lang: str, pid: int | None, dept: str | None, start, end, _store, _viewer
) -> figures.Dashboard:
    # db and lang are part of the key: another database, or another language, another answer.
    return dashboard.dashboard(_store.sf, _viewer, Filters(pid, dept, start, end))


@st.cache_data(ttl=60, show_spinner=False)
def printable(
    db: str, lang: str, key: tuple, _d: figures.Dashboard, title: str, dept, period
) -> str:
    return report.report_html(_d, programme=title, department=dept, period=period)


DB = str(store.engine.url)
LANG = get_language()
# Not cached: a small read, and a programme created a moment ago must be listed.
choices = dashboard.options(store.sf, viewer)
programmes, departments = choices.programmes, choices.departments
if not programmes:
    st.info(t("No programme yet. Create one on the Programmes page."))
    st.stop()

# --------------------------------------------------------------------------- filters

ALL = 0  # "every running programme" in the programme filter
by_id = {p.id: p for p in programmes}
mine = [p for p in programmes if p.created_by_id == viewer.person_id and p.status == "running"]
running = [p for p in programmes if p.status == "running"]
default = (mine or running or programmes)[0].id
labels = {p.id: p.name for p in programmes} | {ALL: t("Every running programme")}
order = [p.id for p in programmes] + [ALL]
c1, c2, c3 = st.columns([3, 2, 2])
pid = c1.selectbox(
    t("Programme"),
    order,
    index=order.index(default),
    format_func=labels.__getitem__,
    key="dash_programme",
)
offered = dashboard.department_choices(store.sf, viewer, pid or None)
dept_labels = {"": t("All departments")} | {d: d for d in offered.offered}
dept = c2.selectbox(
    t("Department"), list(dept_labels), format_func=dept_labels.__getitem__, key="dash_department"
)
period_labels = {code: t(label) for code, label in dashboard.PERIODS.items()}
if pid == ALL:
    period_labels.pop("programme")
period = c3.selectbox(
    t("Period"), list(period_labels), format_func=period_labels.__getitem__, key="dash_period"
)
programme = by_id.get(pid)
start, end = dashboard.period_bounds(period, programme, clock.today())
d = load(DB, LANG, pid or None, dept or None, start, end, store, viewer)
k = d.k
st.caption(
    t(
        "Charts over time follow the period, in whole weeks from Monday ({start} – {end}); "
        "match rate, pair health, engagement, KPIs and retention are as of today. A figure "
        "over fewer than {k} people is hidden, and so is any figure that would give such a "
        "group back by subtraction from the others (a total, another filter or period). "
        "Updated every minute.",
        start=format_date(start) if start else t("the beginning"),
        end=format_date(end),
        k=k,
    )
)
if offered.withheld:
    st.caption(
        t(
            "Departments not offered as a filter: {names}. Each has fewer than {k} "
            "participants, or the other departments together would be fewer than {k}; "
            "their people are counted with the other departments.",
            names=", ".join(offered.withheld),
            k=k,
        )
    )
PAIRS_NOTE = t(
    "Pairs and circles can span departments, so this part is shown for all departments only."
)
WEEKLY_NOTE = t(
    "Week by week, this chart is shown for all departments together only: one department "
    "in one week is too few people to protect. The numbers above cover the department."
)
if (
    programme is not None
    and d.match_rate.overall.denominator == 0
    and not d.match_rate.overall.suppressed
):
    st.info(
        t(
            "Nobody is enrolled in this programme yet: the charts fill in as people enrol, "
            "meet and answer surveys."
        )
    )


def hidden(reason: str) -> str:
    return figures.hidden_text(k, reason or "small")


def metric(col, label: str, fig: Figure, fmt=format_number, **kwargs) -> None:
    """A headline number; a hidden one says why (in short, and in full on hover)."""
    if fig.suppressed:
        kwargs.pop("delta", None)
        kwargs["help"] = hidden(fig.reason).capitalize() + "."
        col.metric(
            label,
            "—",
            delta=figures.hidden_label(k, fig.reason or "small"),
            delta_color="off",
            delta_arrow="off",
            **kwargs,
        )
    else:
        col.metric(label, "—" if fig.value is None else fmt(fig.value), **kwargs)


def versus(gap: str, target: str) -> str:
    return t("{gap} vs {target}", gap=gap, target=target)


# --------------------------------------------------------------------------- headline

h = d.headline
target = d.match_rate.target
row1 = st.columns(4)
metric(row1[0], t("Enrolled"), h.enrolled)
metric(
    row1[1],
    t("Match rate"),
    h.match_rate,
    format_percent,
    delta=None
    if h.match_rate.value is None
    else versus(
        t("{n} pts", n=f"{round((h.match_rate.value - target) * 100):+d}"), format_percent(target)
    ),
    help=t(
        "Participants in an active match ÷ participants enrolled. Good programmes aim for 70% or more."
    ),
)
metric(row1[2], t("Active pairs and circles"), h.active_matches)
row1[3].metric(
    t("Pairs needing a check-in"),
    format_number(len(d.checkins)),
    help=t(
        "No first meeting 14 days after the match, a meeting overdue, or two meetings in a row cancelled, moved or missed."
    ),
)
row2 = st.columns(4)
metric(row2[0], t("Meetings held"), h.meetings_held, help=t("In the period."))
metric(
    row2[1],
    t("Engaged participants"),
    h.engaged,
    help=t("Participants with at least 3 meetings held."),
)
metric(row2[2], t("Goals achieved"), h.goals_achieved, help=t("In the period."))
metric(
    row2[3],
    t("Net Promoter Score"),
    h.nps,
    help=t("% of 9–10 answers − % of 0–6 answers to “would you recommend the programme”."),
)

# --------------------------------------------------------------------------- charts


def chart(
    title: str, built, empty: str | None = None, key: str = "", part: str = "", points=()
) -> None:
    st.markdown(f"**{md_escape(title)}**")
    if part and part in d.not_offered:
        st.caption(WEEKLY_NOTE if part in figures.WEEKLY_SECTIONS else PAIRS_NOTE)
    elif "all" in d.not_offered:
        st.caption(hidden(NOT_OFFERED))
    elif built is None and any(p.suppressed for p in points):
        st.caption(
            t(
                "Every figure of this chart is hidden: each covers fewer than {k} people, or "
                "would reveal such a group by subtraction from the others.",
                k=k,
            )
        )
    elif built is None:
        st.caption(empty or t("Nothing to show for these filters yet."))
    else:
        # Streamlit does not take the height from the spec: give it the chart's own.
        st.altair_chart(built, width="stretch", height=charts.pixel_height(built), key=key or None)


built = charts.all_charts(d)
left, right = st.columns(2, gap="large")
with left:
    chart(
        t("Match rate by department, against the 70% target"),
        built["match_rate"],
        key="c_match_rate",
    )
with right:
    chart(
        t("Pair health"),
        built["health"],
        t("No active pair or circle yet."),
        key="c_health",
        part="health",
        points=d.health.buckets,
    )
left, right = st.columns(2, gap="large")
with left:
    chart(
        t("Enrolment over time"),
        built["enrolment"],
        key="c_enrolment",
        part="enrolment",
        points=d.enrolment,
    )
    if d.enrolment and not any(p.series == "enrolled" for p in d.enrolment) and not dept:
        st.caption(
            t(
                "The running total is not drawn: a week with fewer than {k} newcomers or "
                "leavers would show in its jumps.",
                k=k,
            )
        )
with right:
    chart(
        t("Meetings per week: held, cancelled, moved, missed"),
        built["meetings"],
        t("No meeting planned in this period."),
        key="c_meetings",
        part="meetings",
        points=d.meetings,
    )
left, right = st.columns(2, gap="large")
with left:
    chart(
        t("Meetings held per participant"),
        built["engagement"],
        key="c_engagement",
        points=d.engagement.distribution,
    )
with right:
    chart(
        t("Goals set and achieved"),
        built["goals"],
        t("No goal set in this period."),
        key="c_goals",
        part="goals_weekly",
        points=d.goals.weekly,
    )
left, right = st.columns(2, gap="large")
with left:
    chart(
        t("Journal and feedback activity (counts only)"),
        built["activity"],
        t("No reflection or feedback in this period."),
        key="c_activity",
        part="activity",
        points=d.activity,
    )
with right:
    chart(
        t("Net Promoter Score over time"),
        built["nps"],
        t("No survey answer in this period."),
        key="c_nps",
        points=d.surveys.nps_by_survey,
    )
left, right = st.columns(2, gap="large")
with left:
    chart(
        t("Survey answers"),
        built["survey_questions"],
        t("No survey answer in this period."),
        key="c_survey",
    )
with right:
    skills_empty = t(
        "No end-of-programme self-assessment yet, or fewer than {k} people with both.", k=k
    )
    chart(
        t("Mentor-skills self-assessment: at enrolment and at the end"),
        built["skills"],
        skills_empty,
        key="c_skills",
    )

# --------------------------------------------------------------------------- KPIs

st.subheader(t("KPIs against their targets"))


def kpi_value(kpi: figures.Kpi, value: float) -> str:
    if kpi.unit == "share":
        return format_percent(value)
    if kpi.unit == "score":
        return format_number(value, 1)
    return format_number(value)


def kpi_delta(kpi: figures.Kpi) -> str | None:
    if kpi.actual is None:
        return None
    gap = kpi.actual - kpi.target
    if kpi.unit == "share":
        return versus(t("{n} pts", n=f"{round(gap * 100):+d}"), kpi_value(kpi, kpi.target))
    sign = "+" if gap >= 0 else "-"  # ASCII: Streamlit colours the delta by its first character
    return versus(sign + kpi_value(kpi, abs(gap)), kpi_value(kpi, kpi.target))


if not d.kpis:
    st.caption(
        t("No KPI set for this programme. KPIs and their targets are set on the Programmes page.")
    )
else:
    cols = st.columns(4)
    for i, kpi in enumerate(d.kpis):
        label = kpi.label if pid else f"{kpi.programme} — {kpi.label}"
        if kpi.suppressed:
            value, delta = "—", figures.hidden_label(k, kpi.reason or "small")
        elif kpi.actual is None:
            value, delta = "—", None
        else:
            value, delta = kpi_value(kpi, kpi.actual), kpi_delta(kpi)
        cols[i % 4].metric(
            label,
            value,
            delta=delta,
            delta_color="off" if kpi.suppressed else "normal",
            delta_arrow="off" if kpi.suppressed else "auto",
            border=True,
            help=(hidden(kpi.reason).capitalize() + ".")
            if kpi.suppressed
            else (None if kpi.actual is not None else t("Not measurable yet.")),
        )

# --------------------------------------------------------------------------- retention

st.subheader(t("Retention: still employed after 6 and 12 months"))
st.caption(
    t(
        "Of the people eligible for the programme on its first day: participants against "
        "eligible colleagues who did not take part (leave dates from the people import)."
    )
)
if built["retention"] is not None:
    st.altair_chart(
        built["retention"],
        width="stretch",
        height=charts.pixel_height(built["retention"]),
        key="c_retention",
    )
pending = sorted({(r.months, r.horizon) for r in d.retention.rows if r.pending})
for months, horizon in pending:
    st.caption(
        t(
            "After {months} months: measurable from {date}.",
            months=months,
            date=format_date(horizon),
        )
    )
st.info(d.retention.caveat, icon=":material/info:")

# --------------------------------------------------------------------------- check-ins

st.subheader(t("Pairs needing a check-in"))
if any(spec.page_id == "coord_needs" for spec in nav.PAGES):
    st.page_link(
        "pages/coord_needs.py",
        label=t("Training needs: skills wanted and offered, by department"),
        icon=":material/insights:",
    )
if not d.checkins:
    st.caption(t("No pair or circle needs a check-in."))
else:
    st.caption(
        t("Names and dates only, so that you can reach out; what the pairs wrote is never shown.")
    )
    st.dataframe(
        [
            {
                t("Members"): ", ".join(c.members),
                t("Programme"): c.programme,
                t("Matched on"): format_date(c.started),
                t("Last meeting held"): format_date(c.last_meeting),
                t("Next meeting"): format_date(c.next_meeting),
                t("Why"): figures.label(c.reason),
            }
            for c in d.checkins
        ],
        hide_index=True,
        column_config={
            t("Members"): st.column_config.TextColumn(width="medium"),
            t("Why"): st.column_config.TextColumn(width="large"),
        },
        key="dash_checkins",
    )

# --------------------------------------------------------------------------- exports

st.subheader(t("Exports"))
rows = exports.rows(d)
title = labels[pid]
stamp = clock.today().isoformat()
period_text = f"{format_date(start) if start else '…'} – {format_date(end)}"
about = [
    (t("Programme"), title),
    (t("Department"), dept_labels[dept]),
    (t("Period"), period_text),
    (t("Hidden under"), t("fewer than {k} people", k=k)),
    (t("Also hidden"), t("any figure that would reveal such a group by subtraction")),
]
e1, e2, e3 = st.columns(3)
e1.download_button(
    t("Download the aggregates (CSV)"),
    exports.to_csv(rows),
    file_name=f"tandem-dashboard-{stamp}.csv",
    mime="text/csv",
    on_click="ignore",
    key="dash_csv",
    icon=":material/download:",
)
e2.download_button(
    t("Download the aggregates (XLSX)"),
    exports.to_xlsx(rows, about),
    file_name=f"tandem-dashboard-{stamp}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
    key="dash_xlsx",
    icon=":material/table_view:",
)
REPORT = ("dash_report", pid, dept, period, LANG)
with e3:
    if st.session_state.get("dash_report_for") != REPORT:
        if st.button(
            t("Prepare the printable report"), key="dash_report_prepare", icon=":material/print:"
        ):
            st.session_state["dash_report_for"] = REPORT
            st.rerun()
    else:
        with st.spinner(t("Drawing the charts…")):
            html = printable(DB, LANG, REPORT + (start, end), d, title, dept or None, period_text)
        st.download_button(
            t("Download the report (HTML, print to PDF)"),
            html,
            file_name=f"tandem-report-{stamp}.html",
            mime="text/html",
            on_click="ignore",
            key="dash_report_download",
            icon=":material/download:",
        )

# --------------------------------------------------------------------------- the numbers

with st.expander(t("All the numbers behind the charts")):
    st.dataframe(
        [
            dict(
                zip(
                    exports.header(),
                    [r.section, r.item, r.series, r.value, r.note],
                    strict=True,
                )
            )
            for r in rows
        ],
        hide_index=True,
        key="dash_numbers",
    )
