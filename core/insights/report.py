"""The printable programme report: one self-contained HTML file for a steering committee.

Headline numbers, the dashboard's charts rendered to PNG offline with vl-convert
(no network: data is inline and external URLs are refused) and embedded as
base64, the KPIs against their targets and the retention comparison with its
caveat. Built from a :class:`core.insights.figures.Dashboard` only: aggregates, no names,
no private text. Every user-supplied string is HTML-escaped.
"""

from __future__ import annotations

import base64
import html
from typing import Any

import vl_convert

from core.insights import charts
from core.insights.figures import Dashboard, Figure, Kpi, hidden_text
from core.kernel import clock
from core.kernel.i18n import (
    format_date,
    format_datetime,
    format_number,
    format_percent,
    get_language,
    t,
)
from core.kernel.privacy import SMALL

WIDTH = 640

CSS = """
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1f2933;
       max-width: 760px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid #e4e7eb; padding-bottom: 4px; }
.sub { color: #52606d; font-size: 13px; margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; }
.card { border: 1px solid #e4e7eb; border-radius: 8px; padding: 10px 12px; }
.card .v { font-size: 22px; font-weight: 600; }
.card .l { font-size: 12px; color: #52606d; }
.card .hidden { font-size: 13px; color: #7b8794; font-weight: 400; }
figure { margin: 8px 0 4px; page-break-inside: avoid; }
figure img { width: 100%; height: auto; }
figcaption { font-size: 12px; color: #52606d; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #e4e7eb; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1e7d45; } .ko { color: #b83232; }
.note { font-size: 12px; color: #52606d; }
.caveat { background: #fff8e6; border-left: 4px solid #f2a33a; padding: 8px 12px; font-size: 13px; }
section { page-break-inside: avoid; }
"""


def png(chart: Any) -> bytes:
    """Render an Altair chart to PNG, offline (inline data, no URL allowed)."""
    spec = chart.to_dict()
    if "facet" not in spec and "width" not in spec:
        spec["width"] = WIDTH
    return vl_convert.vegalite_to_png(spec, scale=2, allowed_base_urls=[])


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _figure(fig: Figure, k: int, percent: bool = False) -> str:
    if fig.suppressed:
        return f'<span class="hidden">{_e(hidden_text(k, fig.reason or SMALL))}</span>'
    if fig.value is None:
        return "—"
    return _e(format_percent(fig.value) if percent else format_number(fig.value))


def _kpi_value(k: Kpi, value: float | None) -> str:
    if value is None:
        return "—"
    if k.unit == "share":
        return format_percent(value)
    if k.unit == "score":
        return format_number(value, 1)
    return format_number(value)


def report_html(
    d: Dashboard,
    *,
    programme: str,
    department: str | None,
    period: str,
) -> str:
    """The whole report as one HTML document (print it to PDF from any browser)."""
    h = d.headline
    cards = [
        (t("Enrolled"), _figure(h.enrolled, d.k)),
        (
            t("Match rate (target {p})", p=format_percent(d.match_rate.target)),
            _figure(h.match_rate, d.k, True),
        ),
        (t("Active pairs and circles"), _figure(h.active_matches, d.k)),
        (t("Meetings held"), _figure(h.meetings_held, d.k)),
        (t("Engaged participants"), _figure(h.engaged, d.k)),
        (t("Goals achieved"), _figure(h.goals_achieved, d.k)),
        (t("Reflections written"), _figure(h.reflections, d.k)),
        (t("Net Promoter Score"), _figure(h.nps, d.k)),
        (t("Pairs needing a check-in"), _e(format_number(len(d.checkins)))),
    ]
    heading = t("Programme report: {name}", name=programme)
    headline = t("Headline numbers")
    met, not_met = t("met"), t("not met")
    parts = [
        "<!doctype html>",
        f'<html lang="{_e(get_language())}"><head><meta charset="utf-8">',
        f"<title>{_e(heading)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{_e(heading)}</h1>",
        '<p class="sub">'
        + _e(
            t(
                "{department} · {period} · produced on {date}",
                department=department or t("All departments"),
                period=period,
                date=format_datetime(clock.now(), "short"),
            )
        )
        + "</p>",
        f"<h2>{_e(headline)}</h2>",
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{value}</div><div class="l">{_e(label)}</div></div>'
            for label, value in cards
        )
        + "</div>",
    ]
    titles = {
        "match_rate": t("Match rate by department, against the target"),
        "enrolment": t("Enrolment over time"),
        "meetings": t("Meetings per week: held, cancelled, moved, missed"),
        "health": t("Pair health"),
        "engagement": t("Meetings held per participant"),
        "goals": t("Goals set and achieved"),
        "activity": t("Journal and feedback activity (counts only)"),
        "survey_questions": t("Survey answers"),
        "nps": t("Net Promoter Score over time"),
        "skills": t("Mentor-skills self-assessment: at enrolment and at the end"),
        "retention": t("Retention: still employed after 6 and 12 months"),
    }
    built = charts.all_charts(d)
    for name, title in titles.items():
        chart = built.get(name)
        if chart is None:
            continue
        data = base64.b64encode(png(chart)).decode("ascii")
        caption = ""
        if name == "retention":
            caption = f'<p class="caveat">{_e(d.retention.caveat)}</p>'
        parts.append(
            f"<section><h2>{_e(title)}</h2><figure>"
            f'<img alt="{_e(title)}" src="data:image/png;base64,{data}"></figure>{caption}</section>'
        )
    if d.kpis:
        kpi_title = t("KPIs against their targets")
        parts.append(f"<section><h2>{_e(kpi_title)}</h2><table>")
        parts.append(
            "<tr>"
            + "".join(
                f"<th>{_e(x)}</th>"
                for x in (t("Programme"), t("KPI"), t("Target"), t("Measured"), "")
            )
            + "</tr>"
        )
        for k in d.kpis:
            measured = (
                hidden_text(d.k, k.reason or SMALL) if k.suppressed else _kpi_value(k, k.actual)
            )
            verdict = (
                ""
                if k.met is None
                else f'<span class="ok">{_e(met)}</span>'
                if k.met
                else f'<span class="ko">{_e(not_met)}</span>'
            )
            parts.append(
                f"<tr><td>{_e(k.programme)}</td><td>{_e(k.label)}</td>"
                f'<td class="n">{_e(_kpi_value(k, k.target))}</td><td class="n">{_e(measured)}</td>'
                f"<td>{verdict}</td></tr>"
            )
        parts.append("</table></section>")
    for months, horizon in sorted({(r.months, r.horizon) for r in d.retention.rows if r.pending}):
        parts.append(
            '<p class="note">'
            + _e(
                t(
                    "Retention after {months} months is measurable from {date}.",
                    months=months,
                    date=format_date(horizon),
                )
            )
            + "</p>"
        )
    parts.append(
        '<p class="note">'
        + _e(
            t(
                "Aggregates only. Any figure computed over fewer than {k} people is hidden, "
                "and so is any figure that would reveal such a group by subtraction from "
                "another figure. No journal, feedback or private goal text is ever included.",
                k=d.k,
            )
        )
        + "</p></body></html>"
    )
    return "\n".join(parts)
