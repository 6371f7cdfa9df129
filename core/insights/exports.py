"""Exports of the dashboard's aggregates: CSV and XLSX, safe to open in a spreadsheet.

Only :class:`core.insights.figures.Dashboard` figures go out (never the check-in list,
which names people). Text that a spreadsheet would run as a formula — a cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — is
neutralised with a leading single quote (OWASP "CSV injection"): department,
programme and skill names come from imports and forms, so they are not trusted.
Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from core.insights.figures import Dashboard, Figure, Point, hidden_text, label
from core.insights.scope import OTHERS
from core.kernel import clock
from core.kernel.i18n import N_, t
from core.kernel.privacy import SMALL
from core.kernel.text import neutralise

Cell = str | int | float | None

COLUMNS = (N_("Section"), N_("Item"), N_("Series"), N_("Value"), N_("Note"))


@dataclass(frozen=True)
class Row:
    section: str
    item: str
    series: str
    value: float | int | None
    note: str = ""

    def cells(self) -> list[Cell]:
        return [
            neutralise(c) for c in (self.section, self.item, self.series, self.value, self.note)
        ]


def _item(x: dt.date | str) -> str:
    return x.isoformat() if isinstance(x, dt.date) else label(x)


def _points(section: str, points: Iterable[Point], k: int) -> Iterator[Row]:
    for p in points:
        yield Row(section, _item(p.x), label(p.series), p.value, _note(p.suppressed, p.reason, k))


def _note(suppressed: bool, reason: str, k: int) -> str:
    return hidden_text(k, reason or SMALL) if suppressed else ""


def rows(d: Dashboard) -> list[Row]:
    """Every aggregate of the dashboard as long-format rows (one number per row)."""
    k = d.k
    out: list[Row] = []
    h = d.headline
    headline: list[tuple[str, Figure]] = [
        (t("Enrolled"), h.enrolled),
        (t("In an active match"), h.matched),
        (t("Match rate"), h.match_rate),
        (t("Active pairs and circles"), h.active_matches),
        (t("Meetings held"), h.meetings_held),
        (t("Engaged participants"), h.engaged),
        (t("Goals achieved"), h.goals_achieved),
        (t("Reflections written"), h.reflections),
        (t("Net Promoter Score"), h.nps),
    ]
    for name, fig in headline:
        out.append(Row(t("Headline"), name, "", fig.value, _note(fig.suppressed, fig.reason, k)))
    out += _points(t("Enrolment per week"), d.enrolment, k)
    mr = d.match_rate
    for r in (mr.overall, *mr.by_department):
        note = (
            _note(True, r.reason, k)
            if r.suppressed
            else t("{n} of {d} participants", n=r.numerator, d=r.denominator)
        )
        out.append(
            Row(
                t("Match rate"),
                label(r.label) if r.label == OTHERS else r.label or t("All departments"),
                t("Target {p}", p=f"{mr.target:.0%}"),
                r.value,
                note if r.value is not None or r.suppressed else "",
            )
        )
    out += _points(t("Meetings per week"), d.meetings, k)
    out += _points(t("Pair health"), d.health.buckets, k)
    out += _points(t("Meetings held per participant"), d.engagement.distribution, k)
    out += _points(t("Goals per week"), d.goals.weekly, k)
    out += _points(t("Journal and feedback activity per week"), d.activity, k)
    out += _points(t("Survey answers (mean, 1–5)"), d.surveys.questions, k)
    out += _points(t("Net Promoter Score per survey round"), d.surveys.nps_by_survey, k)
    out += _points(t("Mentor-skills self-assessment (mean, 1–5)"), d.skills, k)
    for kpi in d.kpis:
        note = _note(kpi.suppressed, kpi.reason, k)
        name = f"{kpi.programme} — {kpi.label}"
        out.append(Row(t("KPIs"), name, t("Target"), kpi.target, ""))
        out.append(Row(t("KPIs"), name, t("Measured"), kpi.actual, note))
    for ret in d.retention.rows:
        note = (
            _note(True, ret.reason, k)
            if ret.suppressed
            else (t("not measurable yet") if ret.pending else "")
        )
        after = t("{n} months after the start", n=ret.months)
        out.append(
            Row(
                t("Retention"),
                f"{ret.programme} — {after}",
                label(ret.group),
                ret.still_employed,
                note,
            )
        )
    return out


def header() -> list[str]:
    return [t(c) for c in COLUMNS]


def to_csv(table: Iterable[Row]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads accents right."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([neutralise(h) for h in header()])
    for row in table:
        writer.writerow(row.cells())
    return buf.getvalue().encode("utf-8-sig")


def _xlsx_safe(value: Cell) -> Cell:
    # XML cannot hold most control characters; openpyxl refuses them.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx(table: Iterable[Row], about: Iterable[tuple[str, str]] = ()) -> bytes:
    """A workbook: the aggregates, and a sheet saying which filters produced them."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = t("Dashboard")[:31]
    ws.append(header())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in table:
        ws.append([_xlsx_safe(c) for c in row.cells()])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    for col, width in zip("ABCDE", (34, 40, 28, 12, 24), strict=True):
        ws.column_dimensions[col].width = width
    info = wb.create_sheet(t("About")[:31])
    info.append([t("Generated"), clock.now().strftime("%Y-%m-%d %H:%M UTC")])
    for key, value in about:
        info.append([_xlsx_safe(neutralise(key)), _xlsx_safe(neutralise(value))])
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
