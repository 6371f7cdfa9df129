"""Exports never hand a spreadsheet a formula: text cells starting with = + - @ tab CR are quoted."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from core.insights import exports
from core.insights.exports import Row, neutralise
from core.kernel.text import FORMULA_STARTS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            '=HYPERLINK("http://evil.example","click")',
            '\'=HYPERLINK("http://evil.example","click")',
        ),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Engineering", "Engineering"),
        ("a=b", "a=b"),  # only the first character matters
        ("", ""),
        (-12, -12),  # numbers stay numbers (an NPS can be negative)
        (0.7, 0.7),
        (None, None),
    ],
)
def test_cells_a_spreadsheet_would_evaluate_are_neutralised(value, expected):
    assert neutralise(value) == expected


EVIL = [
    Row("=1+1", "+SUM(A1)", "-cmd", -25.0, "@note"),
    Row("Match rate", '=HYPERLINK("http://x")', "Target 70%", 0.81, ""),
    Row("Headline", "\tTabbed", "\rReturn", None, "fewer than 5 people"),
]


def test_the_csv_export_quotes_formulas_and_keeps_numbers():
    data = exports.to_csv(EVIL)
    assert data.startswith("\ufeff".encode())  # Excel reads accents right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Item", "Series", "Value", "Note"]
    assert rows[1] == ["'=1+1", "'+SUM(A1)", "'-cmd", "-25.0", "'@note"]
    assert rows[2][1] == '\'=HYPERLINK("http://x")'
    assert rows[3][1:3] == ["'\tTabbed", "'\rReturn"]
    for row in rows[1:]:
        for cell in row[:3] + row[4:]:
            assert not cell.startswith(FORMULA_STARTS), cell


def test_the_xlsx_export_holds_no_formula_and_keeps_numbers_numeric():
    wb = load_workbook(io.BytesIO(exports.to_xlsx(EVIL, [("Department", "=evil()")])))
    ws = wb.worksheets[0]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert values[0] == ["'=1+1", "'+SUM(A1)", "'-cmd", -25, "'@note"]
    assert values[1][3] == pytest.approx(0.81)
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    about = wb.worksheets[1]
    assert [c.value for c in about[2]] == ["Department", "'=evil()"]


def test_control_characters_that_xml_cannot_hold_are_dropped_from_the_xlsx():
    data = exports.to_xlsx([Row("Sec\x01tion", "It\x00em", "", 1, "")])
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [c.value for c in ws[2]][:2] == ["Section", "Item"]
