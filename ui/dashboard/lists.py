"""The dashboard's operational list (pairs needing a check-in), its exports and raw numbers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import streamlit as st

from core.insights import exports, figures, report
from core.kernel import clock
from core.kernel.i18n import format_date, get_language, speaking, t
from core.relationship import meetings
from ui import nav
from ui.dashboard.filters import Picked
from ui.widgets import DATE_WIDTH, on_click


@st.cache_data(ttl=600, max_entries=50, show_spinner=False)
def printable(
    db: str,
    version: str,
    lang: str,
    key: tuple[object, ...],
    _d: figures.Dashboard,
    title: str,
    dept: str | None,
    period: str,
    zone: str,
) -> str:
    return report.report_html(
        _d, programme=title, department=dept, period=period, zone=meetings.zone(zone)
    )


def needs_link() -> None:
    """The training-needs page, beside the skills the charts end with."""
    if any(spec.page_id == "coord_needs" for spec in nav.PAGES):
        st.page_link(
            "pages/coord_needs.py",
            label=t("Training needs: skills wanted and offered, by department"),
            icon=":material/insights:",
        )


# The reason's width (pixels): the longest in either language whole, or, beside a programme
# column, cut a little so that the dates and the programme stay in view on a laptop
# (1 400 px, the sidebar open).
WHY_WIDTH, WHY_BESIDE_PROGRAMME, PROGRAMME_WIDTH = 400, 300, 140


def _checkin_rows(rows: Sequence[figures.CheckIn]) -> list[dict[str, str]]:
    """The list's rows, worded once per column, reason and date: a company has a thousand
    pairs to check in with, and each lookup of the reader's language reads the session.
    The programme is a column only when the list spans several (else the filter says it)."""
    several = len({c.programme for c in rows}) > 1
    with speaking(get_language()):
        members, why, last, nxt, on, programme = (
            t("Members"),
            t("Why"),
            t("Last meeting held"),
            t("Next meeting"),
            t("Matched on"),
            t("Programme"),
        )
        reason, day = cache(figures.label), cache(format_date)
        return [
            {  # the reason next to the names, where it is read first and never cut off
                members: ", ".join(c.members),
                why: reason(c.reason),
                last: day(c.last_meeting),
                nxt: day(c.next_meeting),
                on: day(c.started),
                **({programme: c.programme} if several else {}),
            }
            for c in rows
        ]


def checkins(d: figures.Dashboard) -> None:
    """Who to reach out to: names and dates only."""
    st.header(t("Pairs needing a check-in"))
    if not d.checkins:
        st.caption(t("No pair or circle needs a check-in."))
        return
    st.caption(
        t("Names and dates only, so that you can reach out; what the pairs wrote is never shown.")
    )
    rows = _checkin_rows(d.checkins)
    beside = t("Programme") in rows[0]
    st.dataframe(
        rows,
        hide_index=True,
        column_config={
            t("Members"): st.column_config.TextColumn(width="medium"),
            t("Why"): st.column_config.TextColumn(
                width=WHY_BESIDE_PROGRAMME if beside else WHY_WIDTH
            ),
            t("Programme"): st.column_config.TextColumn(width=PROGRAMME_WIDTH),
            # A date in full ("16 nov. 2026"; "small" cut it), the header whole on hover.
            **{
                label: st.column_config.TextColumn(width=DATE_WIDTH, help=label)
                for label in (t("Last meeting held"), t("Next meeting"), t("Matched on"))
            },
        },
        key="dash_checkins",
    )


def downloads(
    d: figures.Dashboard, f: Picked, db: str, version: str, lang: str, zone: Callable[[], str]
) -> list[exports.Row]:
    """CSV, XLSX and the printable report (dated in the reader's ``zone``); the rows they
    hold."""
    st.header(t("Exports"))
    rows = exports.rows(d)
    stamp = clock.today().isoformat()
    period_text = f"{format_date(f.start) if f.start else '…'} – {format_date(f.end)}"
    about = [
        (t("Programme"), f.title),
        (t("Department"), f.dept_label),
        (t("Period"), period_text),
        (t("Hidden under"), t("fewer than {k} people", k=d.k)),
        (t("Also hidden"), t("any figure that would reveal such a group by subtraction")),
    ]
    e1, e2, e3 = st.columns(3)
    e1.download_button(
        t("Download the aggregates (CSV)"),
        on_click(exports.to_csv, rows),
        file_name=f"tandem-dashboard-{stamp}.csv",
        mime="text/csv",
        on_click="ignore",
        key="dash_csv",
        icon=":material/download:",
    )
    e2.download_button(
        t("Download the aggregates (XLSX)"),
        on_click(exports.to_xlsx, rows, about),
        file_name=f"tandem-dashboard-{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="dash_xlsx",
        icon=":material/table_view:",
    )
    wanted = ("dash_report", f.pid, f.dept, f.period, lang)
    with e3:
        if st.session_state.get("dash_report_for") != wanted:
            if st.button(
                t("Prepare the printable report"),
                key="dash_report_prepare",
                icon=":material/print:",
            ):
                st.session_state["dash_report_for"] = wanted
                st.rerun()
        else:
            with st.spinner(t("Drawing the charts…")):
                html = printable(
                    db,
                    version,
                    lang,
                    wanted + (f.start, f.end),
                    d,
                    f.title,
                    f.dept or None,
                    period_text,
                    zone(),
                )
            st.download_button(
                t("Download the report (HTML, print to PDF)"),
                html,
                file_name=f"tandem-report-{stamp}.html",
                mime="text/html",
                on_click="ignore",
                key="dash_report_download",
                icon=":material/download:",
            )
    return rows


def numbers(rows: list[exports.Row]) -> None:
    """Every row of the exports, in a table under an expander."""
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
