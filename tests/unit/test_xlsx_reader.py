"""The stdlib XLSX reader: the cell texts a person sees, as openpyxl would give them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from core.xlsx_reader import XlsxError, iter_rows

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def excel_like(sheet_data: str, shared: list[str] | None = None, date1904: bool = False) -> bytes:
    """A workbook laid out the way Excel saves one: shared strings, styles, a renamed sheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            "xl/workbook.xml",
            f'<workbook {NS} {R_NS}><workbookPr date1904="{int(date1904)}"/>'
            '<sheets><sheet name="Staff" sheetId="7" r:id="rId3"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId3" Target="worksheets/staff.xml" Type="worksheet"/>'
            "</Relationships>",
        )
        z.writestr(
            "xl/styles.xml",
            f'<styleSheet {NS}><numFmts count="2">'
            '<numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/>'
            '<numFmt numFmtId="165" formatCode="&quot;L&quot;0"/></numFmts>'
            '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
            '<xf numFmtId="165"/></cellXfs></styleSheet>',
        )
        if shared is not None:
            items = "".join(shared)
            z.writestr("xl/sharedStrings.xml", f"<sst {NS}>{items}</sst>")
        z.writestr(
            "xl/worksheets/staff.xml",
            f"<worksheet {NS}><sheetData>{sheet_data}</sheetData></worksheet>",
        )
    return out.getvalue()


def test_shared_strings_numbers_dates_and_booleans_read_as_shown():
    data = excel_like(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="2"><v>43831</v></c>'
        '<c r="C2" s="3"><v>4</v></c><c r="D2"><v>3.5</v></c><c r="E2" t="b"><v>1</v></c>'
        '<c r="F2" t="str"><f>A2&amp;"!"</f><v>Ana!</v></c><c r="G2" s="1"><v>45000.5</v></c></row>',
        shared=[
            "<si><t>email</t></si>",
            "<si><t>hire date</t></si>",
            "<si><r><t>ana@</t></r><r><rPr><b/></rPr><t>example.com</t></r><rPh><t>x</t></rPh></si>",
        ],
    )
    assert list(iter_rows(data)) == [
        (1, ["email", "hire date"]),
        (2, ["ana@example.com", "2020-01-01", "4", "3.5", "TRUE", "Ana!", "2023-03-15 12:00:00"]),
    ]


def test_row_numbers_and_columns_follow_the_sheet_even_with_gaps():
    data = excel_like(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row>'
        '<row r="4"><c r="C4" t="inlineStr"><is><t> x@y.z </t></is></c></row>'
    )
    assert list(iter_rows(data)) == [(1, ["email"]), (4, ["", "", "x@y.z"])]


def test_the_1904_date_system_is_honoured():
    data = excel_like('<row r="1"><c r="A1" s="1"><v>0</v></c></row>', date1904=True)
    assert list(iter_rows(data)) == [(1, ["1904-01-01"])]


def test_a_workbook_written_by_openpyxl_reads_back_the_same():
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Level", "Hire date", "Started at"])
    sheet.append(["ana@example.com", 4, dt.date(2019, 2, 4), dt.datetime(2019, 2, 4, 9, 30)])
    out = io.BytesIO()
    book.save(out)
    rows = list(iter_rows(out.getvalue()))
    assert rows == [
        (1, ["Email", "Level", "Hire date", "Started at"]),
        (2, ["ana@example.com", "4", "2019-02-04", "2019-02-04 09:30:00"]),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"not a zip at all",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,  # an encrypted (password) workbook
        excel_like('<row r="1"><c r="A1" t="s"><v>9</v></c></row>', shared=[]),  # bad index
        excel_like('<row r="1"><c r="A1"><v>1</v>'),  # truncated XML
    ],
)
def test_a_damaged_or_encrypted_file_raises_one_error(data):
    with pytest.raises(XlsxError):
        list(iter_rows(data))
