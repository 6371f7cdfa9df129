"""Builders of spreadsheet files for the reader's tests: real ones and hostile ones.

Small hand-made zips keep each hostile file to the one thing it tests; real files
come from the programs' own writers (openpyxl, xlwt, pandas with odfpy).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/staff.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
STYLES = (
    f'<styleSheet {NS}><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/>'
    '<numFmt numFmtId="165" formatCode="&quot;L&quot;0"/></numFmts>'
    '<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
    '<xf numFmtId="165"/></cellXfs></styleSheet>'
)


def zip_of(members: Iterable[tuple[str, bytes | str]], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as z:
        for name, content in members:
            z.writestr(zipfile.ZipInfo(name) if name == "mimetype" else name, content)
    return out.getvalue()


def xlsx_members(
    sheet_data: str = "",
    shared: Sequence[str] | None = None,
    date1904: bool = False,
    head: str = "",
    sheet_xml: str | None = None,
) -> list[tuple[str, bytes | str]]:
    """The parts of a workbook laid out the way Excel saves one (a renamed sheet, styles)."""
    members: list[tuple[str, bytes | str]] = [
        ("[Content_Types].xml", CONTENT_TYPES),
        (
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        ),
        (
            "xl/workbook.xml",
            f'<workbook {NS} {R_NS}><workbookPr date1904="{int(date1904)}"/>'
            '<sheets><sheet name="Staff" sheetId="7" r:id="rId3"/></sheets></workbook>',
        ),
        (
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId3" Target="worksheets/staff.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
            '<Relationship Id="rId4" Target="styles.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>'
            '<Relationship Id="rId5" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            "</Relationships>",
        ),
        ("xl/styles.xml", STYLES),
    ]
    if shared is not None:
        members.append(("xl/sharedStrings.xml", f"<sst {NS}>{''.join(shared)}</sst>"))
    members.append(
        (
            "xl/worksheets/staff.xml",
            sheet_xml
            if sheet_xml is not None
            else f"{head}<worksheet {NS}><sheetData>{sheet_data}</sheetData></worksheet>",
        )
    )
    return members


def xlsx(
    sheet_data: str = "",
    shared: Sequence[str] | None = None,
    method: int = zipfile.ZIP_DEFLATED,
    **kw: Any,
) -> bytes:
    return zip_of(xlsx_members(sheet_data, shared, **kw), method)


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Staff">'
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def ods_members(table_xml: str) -> list[tuple[str, bytes | str]]:
    return [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        (
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
        ),
        ("content.xml", ODS_HEAD + table_xml + ODS_TAIL),
    ]


def ods(table_xml: str, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """An OpenDocument spreadsheet whose one table holds ``table_xml``."""
    return zip_of(ods_members(table_xml), method)


def ods_text(value: str, repeat: int = 1) -> str:
    attr = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{attr}><text:p>{value}</text:p></table:table-cell>'


def ods_row(*cells: str, repeat: int = 1) -> str:
    attr = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attr}>{''.join(cells)}</table:table-row>"


def real_xlsx(rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def real_xls(rows: Sequence[Sequence[Any]]) -> bytes:
    """An Excel 97-2003 workbook written by xlwt (dates with a date format, as Excel does)."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Staff")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def real_ods(rows: Sequence[Sequence[Any]]) -> bytes:
    """An OpenDocument spreadsheet written by pandas' odf engine (odfpy)."""
    import pandas as pd

    out = io.BytesIO()
    frame = pd.DataFrame(list(rows[1:]), columns=list(rows[0]))
    with pd.ExcelWriter(out, engine="odf") as writer:
        frame.to_excel(writer, index=False, sheet_name="Staff")
    return out.getvalue()
