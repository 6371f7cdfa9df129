"""Gate 2 of reading a spreadsheet (see :mod:`core.people.spreadsheet`): a streaming
pre-scan of every zip member with ``pyexpat``, 64 KB at a time and no tree kept. DTDs and
entities are refused; the cells' positions (references, ``<dimension>``, ODS
``number-*-repeated``), counts, text lengths and shared strings are checked against the
limits, stopping at the first breach — so a bomb is refused after reading little of it."""

from __future__ import annotations

import re
import time
from typing import Any
from xml.parsers import expat

from core.kernel.errors import FileRejected
from core.kernel.i18n import t
from core.people.limits import (
    LIMITS,
    Limits,
    beyond,
    cell_chars_message,
    cell_where,
    cells_message,
    column_letters,
    columns_message,
    damaged,
    rows_message,
    time_message,
    too_large,
)
from core.people.zipgate import CHUNK, check_members, inflate, open_zip, zip_kind

SML = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main ",
    "http://purl.oclc.org/ooxml/spreadsheetml/main ",  # "Strict Open XML"
)
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
OFFICE_VALUE_TYPE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 value-type"
_REF = re.compile(r"\$?([A-Za-z]*)\$?([0-9]*)")


class _Stop(Exception):
    """Raised inside an expat callback to stop at the first breach (carries the refusal)."""

    def __init__(self, error: FileRejected) -> None:
        super().__init__(str(error))
        self.error = error


class _Scan:
    """The streaming checks of one XML member (an .xlsx sheet or its shared strings, an
    .ods content.xml): expat callbacks that keep counters only, never a tree."""

    def __init__(self, filename: str, limits: Limits) -> None:
        self.filename, self.limits = filename, limits
        self.depth = 0
        self.rows_seen = self.cells_seen = self.strings = 0
        self.row = self.column = 0  # where we are (1-based; 0 = before the first)
        self.max_row = self.max_column = 0  # the sheet's used area so far
        self.in_cell, self.chars = False, 0
        self.where: tuple[int, int] | None = None  # (row, column); None in shared strings
        # ODS: a cell or row repeated n times counts only once we know it holds something
        # (LibreOffice closes every sheet with a million empty repeated rows).
        self.repeat, self.has_value = 1, False
        self.row_repeat, self.row_has_value = 1, False
        self.column_gap = self.row_gap = 0
        on_start: dict[str, Any] = {TABLE + "table-cell": self._ods_cell}
        on_start.update(
            {
                TABLE + "covered-table-cell": self._ods_cell,
                TABLE + "table-row": self._ods_row,
                TABLE + "table": self._ods_table,
            }
        )
        for ns in SML:
            on_start.update(
                {
                    ns + "c": self._xlsx_cell,
                    ns + "row": self._xlsx_row,
                    ns + "si": self._shared_string,
                    ns + "dimension": self._dimension,
                }
            )
        self.on_start = on_start
        self.on_end: dict[str, Any] = {
            TABLE + "table-cell": self._ods_cell_end,
            TABLE + "covered-table-cell": self._ods_cell_end,
            TABLE + "table-row": self._ods_row_end,
        }
        for ns in SML:
            self.on_end.update({ns + "c": self._leave_cell, ns + "si": self._leave_cell})
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = CHUNK
        # What defusedxml does for expat: no DTD, no entity, nothing fetched.
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._dtd
        parser.EntityDeclHandler = self._dtd
        parser.UnparsedEntityDeclHandler = self._dtd
        parser.ExternalEntityRefHandler = self._dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.parser = parser

    def feed(self, chunk: bytes, last: bool = False) -> None:
        try:
            self.parser.Parse(chunk, last)
        except _Stop as stop:
            raise stop.error from None
        except expat.ExpatError as e:
            raise damaged(self.filename) from e

    # -- the checks
    def _stop(self, error: FileRejected) -> None:
        raise _Stop(error)

    def _dtd(self, *_args: Any) -> Any:
        self._stop(
            FileRejected(
                t(
                    "“{filename}” declares a document type (DTD) or entities, which spreadsheets never need: it is refused for safety.",
                    filename=self.filename,
                ),
                "dtd",
            )
        )

    def _place(self, row: int, column: int) -> None:
        """A cell at (row, column), 1-based: within the rows, the columns and the area?"""
        limits = self.limits
        if column > limits.columns:
            self._stop(columns_message(self.filename, column_letters(column), limits))
        if row > limits.rows:
            self._stop(rows_message(self.filename, row, limits))
        if row > self.max_row or column > self.max_column:
            self.max_row, self.max_column = max(self.max_row, row), max(self.max_column, column)
            if self.max_row * self.max_column > limits.cells:
                self._stop(cells_message(self.filename, self.max_row, self.max_column, limits))

    def _reference(self, ref: str) -> tuple[int, int] | None:
        """(row, column) of a reference such as B7 or $B$7, refusing one past the limits
        before turning its letters into a number (ZZZZZZZZ is 217 billion)."""
        match = _REF.fullmatch(ref)
        if match is None:
            return None
        letters, digits = match.groups()
        if len(letters) > 3:  # past XFD, Excel's last column: past any limit
            self._stop(columns_message(self.filename, letters.upper(), self.limits))
        if len(digits) > 9:
            self._stop(rows_message(self.filename, int(digits[:15]), self.limits))
        if not letters or not digits:
            return None
        column = 0
        for ch in letters.upper():
            column = column * 26 + ord(ch) - 64
        return int(digits), column

    def _repeats(self, value: str | None) -> int:
        if value is None:
            return 1
        if not value.isdigit():
            self._stop(damaged(self.filename))
        return int(value) if len(value) <= 9 else 10**9

    def _count_cell(self) -> None:
        self.cells_seen += 1
        if self.cells_seen > self.limits.cells:
            self._stop(
                cells_message(self.filename, self.max_row, self.max_column or 1, self.limits)
            )

    def _count_row(self, row: int) -> None:
        self.rows_seen += 1
        if max(row, self.rows_seen) > self.limits.rows:
            self._stop(rows_message(self.filename, max(row, self.rows_seen), self.limits))

    # -- SpreadsheetML
    def _xlsx_row(self, attrs: dict[str, str]) -> None:
        r = attrs.get("r", "")
        if r and not r.isdigit():
            self._stop(damaged(self.filename))
        self.row = (int(r) if len(r) <= 9 else 10**9) if r else self.row + 1
        self.column = 0
        self._count_row(self.row)

    def _xlsx_cell(self, attrs: dict[str, str]) -> None:
        self._count_cell()
        ref = attrs.get("r")
        place = self._reference(ref) if ref else None
        row, column = place if place else (max(self.row, 1), self.column + 1)
        self.column = column
        self._place(row, column)
        self.in_cell, self.chars, self.where = True, 0, (row, column)

    def _shared_string(self, _attrs: dict[str, str]) -> None:
        self.strings += 1
        if self.strings > self.limits.shared_strings:
            self._stop(beyond("shared_strings", self.filename, self.limits))
        self.in_cell, self.chars, self.where = True, 0, None

    def _dimension(self, attrs: dict[str, str]) -> None:
        # The size the sheet declares. calamine does not allocate it, but it is checked so
        # that no reader is ever led to; it does not count as used area.
        place = self._reference(attrs.get("ref", "").rpartition(":")[2])
        if place:
            used = self.max_row, self.max_column
            self._place(*place)
            self.max_row, self.max_column = used

    def _leave_cell(self) -> None:
        self.in_cell = False
        if self.chars > self.limits.cell_chars:  # counted to the end, to say how long
            where = cell_where(*self.where) if self.where else t("a text of the workbook")
            self._stop(cell_chars_message(self.filename, where, self.chars, self.limits))

    # -- OpenDocument
    def _ods_table(self, _attrs: dict[str, str]) -> None:
        self.row = self.row_gap = self.max_row = self.max_column = 0

    def _ods_row(self, attrs: dict[str, str]) -> None:
        self._count_row(0)
        self.row_repeat = self._repeats(attrs.get(TABLE + "number-rows-repeated"))
        self.row_has_value = False
        self.column = self.column_gap = 0

    def _ods_cell(self, attrs: dict[str, str]) -> None:
        self._count_cell()
        self.repeat = self._repeats(attrs.get(TABLE + "number-columns-repeated"))
        self.has_value = OFFICE_VALUE_TYPE in attrs
        self.in_cell, self.chars = True, 0
        self.where = (self.row + self.row_gap + 1, self.column + self.column_gap + 1)

    def _ods_cell_end(self) -> None:
        self._leave_cell()
        if self.has_value:
            self.column += self.column_gap + self.repeat
            self.column_gap = 0
            self.row_has_value = True
            self._place(self.row + self.row_gap + 1, self.column)
        else:  # empty cells count only when something follows them on the row
            self.column_gap += self.repeat

    def _ods_row_end(self) -> None:
        if self.row_has_value:
            self.row += self.row_gap + self.row_repeat
            self.row_gap = 0
            self._place(self.row, self.max_column or 1)
        else:  # empty rows count only when something follows them
            self.row_gap += self.row_repeat

    # -- expat callbacks
    def _start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > self.limits.depth:
            self._stop(beyond("depth", self.filename, self.limits))
        if self.in_cell:
            self.has_value = True  # an ODS cell with a paragraph, an annotation…
        handler = self.on_start.get(name)
        if handler is not None:
            handler(attrs)

    def _end(self, name: str) -> None:
        self.depth -= 1
        handler = self.on_end.get(name)
        if handler is not None:
            handler()

    def _text(self, data: str) -> None:
        if self.in_cell:
            self.chars += len(data)
            if not self.has_value and not data.isspace():
                self.has_value = True


def prescan(
    data: bytes, filename: str, limits: Limits = LIMITS, deadline: float | None = None
) -> str:
    """Gates 1 and 2 for a zip: its kind (``"xlsx"`` or ``"ods"``) if every limit holds."""
    deadline = deadline if deadline is not None else time.monotonic() + limits.seconds
    if len(data) > limits.upload_bytes:
        raise too_large(filename, len(data), limits)
    book = open_zip(data, filename, limits)
    kind = zip_kind(book)
    if kind not in ("xlsx", "ods"):
        raise damaged(filename)
    check_members(book, filename, limits)
    for info in book.infolist():
        scan: _Scan | None = None
        first = True
        for piece in inflate(data, info, filename):
            if time.monotonic() > deadline:
                raise time_message(filename, limits)
            if first:
                first = False
                # XML (whatever the member's name says), or a picture, printer settings…
                if piece.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
                    scan = _Scan(filename, limits)
            if scan is not None:
                scan.feed(piece)
        if scan is not None:
            scan.feed(b"", True)
    return kind
