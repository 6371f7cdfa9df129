"""Read the first sheet of an uploaded .xlsx, .ods or .xls file as text, inside hard limits.

A spreadsheet is a small file that can describe an enormous one: one cell at
column AAAAAAA, five million empty rows, a shared string inflated a thousand times.
python-calamine (Rust) does the parsing, but it builds a sheet's whole area from
A1 to its last cell, so it must never see such a file. Hence three gates, each
refusing with a :class:`~core.kernel.errors.FileRejected` that names the limit and the
value found:

1. before anything is decompressed: upload size, number of zip members, each
   member's declared size and compression ratio, the total;
2. a streaming pre-scan of every zip member (``pyexpat``, 64 KB at a time, no tree
   kept): each member is inflated by hand so that it must end exactly at its
   declared size with its CRC, DTDs and entities are refused, and the cells'
   positions (references, ``<dimension>``, ODS ``number-*-repeated``), counts,
   text lengths and shared strings are checked against the limits, stopping at
   the first breach — so a bomb is refused after reading little of it;
3. the parse itself in a child process (:mod:`core.people.spreadsheet_worker`) whose
   address space and CPU time the kernel caps, under a wall-clock timeout: an
   .xls (binary, nothing to pre-scan) or an unknown bomb costs bounded memory
   and time, never the server's.
"""

from __future__ import annotations

import dataclasses
import io
import json
import marshal
import re
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from core.kernel.errors import FileRejected
from core.kernel.i18n import format_number, t

MIB = 1024 * 1024
WORKER = Path(__file__).with_name("spreadsheet_worker.py")
CHUNK = 64 * 1024
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# An Office file encrypted with a password is an OLE2 container with this stream.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


@dataclass(frozen=True)
class Limits:
    """What an uploaded file may hold. Generous for a people list (50 000 people of
    a dozen columns), small enough that the worst file costs seconds and MBs."""

    upload_bytes: int = 10 * MIB  # = .streamlit/config.toml server.maxUploadSize
    members: int = 500  # files inside the zip (an Excel workbook has about 10)
    member_bytes: int = 64 * MIB  # one member, uncompressed (50 000 people ≈ 25 MB)
    total_bytes: int = 128 * MIB  # all members, uncompressed
    ratio: int = 100  # uncompressed / compressed, for members over ratio_from bytes
    ratio_from: int = 1 * MIB
    rows: int = 100_000  # sheet rows (people_file.MAX_ROWS people is the import's own)
    columns: int = 256
    cells: int = 2_000_000  # the sheet's area, first row × last column
    shared_strings: int = 1_000_000
    cell_chars: int = 10_000
    text_chars: int = 64 * MIB  # all the cells' text together
    depth: int = 64  # XML nesting (a sheet needs about 6)
    seconds: float = 30.0  # the whole read, pre-scan and parse
    memory_bytes: int = 512 * MIB  # the parsing process's address space (50 000 people: < 128 MB)

    def for_worker(self, seconds: float) -> str:
        values = dataclasses.asdict(self)
        values["cpu_seconds"] = max(1, int(seconds + 0.999))
        return json.dumps(values)


LIMITS = Limits()


# --------------------------------------------------------------------------- messages


def _size(n: int) -> str:
    if n >= 1024 * MIB:
        return t("{n} GB", n=format_number(n / (1024 * MIB), 1))
    if n >= MIB:
        return t("{n} MB", n=format_number(n / MIB, 1))
    return t("{n} KB", n=format_number(max(1, round(n / 1024))))


def column_letters(number: int) -> str:
    """1 → A, 27 → AA: the column's name in a spreadsheet."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def too_large(filename: str, size: int, limits: Limits = LIMITS) -> FileRejected:
    return FileRejected(
        t(
            "“{filename}” is {size}: files up to {max} can be imported. Split the list into several files.",
            filename=filename,
            size=_size(size),
            max=_size(limits.upload_bytes),
        ),
        "upload_bytes",
    )


def damaged(filename: str) -> FileRejected:
    return FileRejected(
        t(
            "“{filename}” cannot be read as a spreadsheet: it is damaged or not a spreadsheet at all. Open it in your spreadsheet program and save it again as .xlsx, .ods or CSV.",
            filename=filename,
        )
    )


def password(filename: str) -> FileRejected:
    return FileRejected(
        t(
            "“{filename}” is protected by a password: save a copy without the password and upload that copy.",
            filename=filename,
        )
    )


def _rows_message(filename: str, found: int, limits: Limits) -> FileRejected:
    return FileRejected(
        t(
            "“{filename}” goes down to row {found}: at most {max} rows are read. Delete the empty rows below the list, or split the file.",
            filename=filename,
            found=format_number(found),
            max=format_number(limits.rows),
        ),
        "rows",
    )


def _columns_message(filename: str, letters: str, limits: Limits) -> FileRejected:
    shown = letters if len(letters) <= 12 else letters[:12] + "…"
    return FileRejected(
        t(
            "“{filename}” reaches column {found}: at most {max} columns (A to {last}) are read. Delete the columns to the right of the list.",
            filename=filename,
            found=shown,
            max=format_number(limits.columns),
            last=column_letters(limits.columns),
        ),
        "columns",
    )


def _cells_message(filename: str, rows: int, columns: int, limits: Limits) -> FileRejected:
    return FileRejected(
        t(
            "“{filename}” spans {rows} rows by {columns} columns: at most {max} cells are read. Delete what is not the list of people, or split the file.",
            filename=filename,
            rows=format_number(rows),
            columns=format_number(columns),
            max=format_number(limits.cells),
        ),
        "cells",
    )


def _cell_chars_message(filename: str, where: str, found: int, limits: Limits) -> FileRejected:
    return FileRejected(
        t(
            "In “{filename}”, {where} holds {found} characters: at most {max} are read in one cell.",
            filename=filename,
            where=where,
            found=format_number(found),
            max=format_number(limits.cell_chars),
        ),
        "cell_chars",
    )


def _cell_where(row: int, column: int) -> str:
    return t("cell {cell}", cell=f"{column_letters(column)}{row}")


def _time_message(filename: str, limits: Limits) -> FileRejected:
    return FileRejected(
        t(
            "Reading “{filename}” took longer than {max} seconds and was stopped. Save the list as CSV and upload that file.",
            filename=filename,
            max=format_number(limits.seconds, 0 if float(limits.seconds).is_integer() else 2),
        ),
        "seconds",
    )


def _memory_message(filename: str, limits: Limits) -> FileRejected:
    return FileRejected(
        t(
            "Reading “{filename}” needed more than {max} of memory and was stopped. Save only the list of people, as CSV, and upload that file.",
            filename=filename,
            max=_size(limits.memory_bytes),
        ),
        "memory_bytes",
    )


def _worker_refusal(filename: str, limit: str, d: dict[str, int], limits: Limits) -> FileRejected:
    if limit == "rows":
        return _rows_message(filename, d["found"], limits)
    if limit == "columns":
        return _columns_message(filename, column_letters(d["found"]), limits)
    if limit == "cells":
        return _cells_message(filename, d["rows"], d["columns"], limits)
    if limit == "cell_chars":
        return _cell_chars_message(filename, _cell_where(d["row"], d["column"]), d["found"], limits)
    if limit == "text_chars":
        return FileRejected(
            t(
                "“{filename}” holds {found} characters of text: at most {max} are read. Save only the list of people and upload it again.",
                filename=filename,
                found=format_number(d["found"]),
                max=format_number(limits.text_chars),
            ),
            "text_chars",
        )
    return _memory_message(filename, limits)


# --------------------------------------------------------------------------- what the bytes are


_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")  # not in text (tab, line ends and form feed are)


def sniff(data: bytes) -> str:
    """``"zip"`` (.xlsx, .ods…), ``"ole"`` (.xls, or an encrypted workbook), ``"text"`` or ``"binary"``."""
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:8] == OLE2:
        return "ole"
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or not _CONTROL.search(head):
        return "text"
    return "binary"


def looks_like_html(data: bytes) -> bool:
    """A web page saved with an .xls name, as some HR systems export their lists."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) and (
        b"<html" in head or b"<table" in head or b"urn:schemas-microsoft-com:office" in head
    )


def _central_directory(data: bytes) -> tuple[int, int] | None:
    """(members, size of the central directory) as the end record says, before any parsing."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        return None
    entries, size = struct.unpack_from("<HI", data, at + 10)
    if entries == 0xFFFF or size == 0xFFFFFFFF:  # Zip64: the real counts are elsewhere
        locator = at - 20
        if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
            return None
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if data[offset : offset + 4] != b"PK\x06\x06" or offset + 56 > len(data):
            return None
        entries, size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, size


def _too_many_members(filename: str, found: int, limits: Limits) -> FileRejected:
    return FileRejected(
        t(
            "“{filename}” holds {found} files packed inside it: a spreadsheet holds at most {max}. It is not a workbook Tandem reads.",
            filename=filename,
            found=format_number(found),
            max=format_number(limits.members),
        ),
        "members",
    )


# What zipfile may raise on a crafted directory or member.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    struct.error,
    zlib.error,
)


def open_zip(data: bytes, filename: str, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """The zip's directory, read only once its member count is known to be small."""
    found = _central_directory(data)
    if found is None:
        raise damaged(filename)
    entries, size = found
    # zipfile reads the directory by its size, whatever the count says: bound both (an
    # entry takes 46 bytes and its name; 1 KB each is far more than any workbook needs).
    members = entries if entries > limits.members else size // 1024
    if members > limits.members:
        raise _too_many_members(filename, members, limits)
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as e:
        raise damaged(filename) from e
    if len(book.infolist()) > limits.members:
        raise _too_many_members(filename, len(book.infolist()), limits)
    return book


def zip_kind(book: zipfile.ZipFile) -> str:
    """``"xlsx"``, ``"ods"``, ``"xlsb"`` or ``"zip"`` (something else packed: .docx, photos…)."""
    names = set(book.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names:
        info = book.getinfo("mimetype")
        if info.file_size <= 100 and info.compress_size <= 200:
            try:
                if book.read("mimetype").strip() == ODS_MIMETYPE:
                    return "ods"
            except _ZIP_ERRORS:
                return "zip"
    return "zip"


# --------------------------------------------------------------------------- gate 1: the zip


def _check_members(book: zipfile.ZipFile, filename: str, limits: Limits) -> None:
    total = 0
    for info in book.infolist():
        if info.flag_bits & 0x1:
            raise password(filename)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged(filename)
        if info.file_size > limits.member_bytes:
            raise FileRejected(
                t(
                    "“{filename}” unpacks its part “{part}” to {found}: at most {max} are read for one part.",
                    filename=filename,
                    part=info.filename[:80],
                    found=_size(info.file_size),
                    max=_size(limits.member_bytes),
                ),
                "member_bytes",
            )
        total += info.file_size
        if total > limits.total_bytes:
            raise FileRejected(
                t(
                    "“{filename}” unpacks to more than {max} in all: it holds far more than a list of people.",
                    filename=filename,
                    max=_size(limits.total_bytes),
                ),
                "total_bytes",
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > limits.ratio_from and ratio > limits.ratio:
            raise FileRejected(
                t(
                    "“{filename}” packs its part “{part}” {found} to 1: at most {max} to 1 is accepted, which only files inflated on purpose exceed.",
                    filename=filename,
                    part=info.filename[:80],
                    found=format_number(ratio),
                    max=format_number(limits.ratio),
                ),
                "ratio",
            )


def _inflate(data: bytes, info: zipfile.ZipInfo, filename: str) -> Iterator[bytes]:
    """A member's bytes, 64 KB at a time; refuses one that does not end exactly at its
    declared size with its declared CRC (zipfile would quietly stop at the size, and
    another reader might not stop at all)."""
    start = info.header_offset
    if start + 30 > len(data) or data[start : start + 4] != b"PK\x03\x04":
        raise damaged(filename)
    name_len, extra_len = struct.unpack_from("<HH", data, start + 26)
    begin = start + 30 + name_len + extra_len
    raw = memoryview(data)[begin : begin + info.compress_size]
    if len(raw) != info.compress_size:
        raise damaged(filename)
    crc = produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces: Iterator[bytes] = (bytes(raw[i : i + CHUNK]) for i in range(0, len(raw), CHUNK))
    else:
        pieces = _inflated(raw, filename)
    for piece in pieces:
        produced += len(piece)
        if produced > info.file_size:
            raise damaged(filename)
        crc = zlib.crc32(piece, crc)
        yield piece
    if produced != info.file_size or crc != info.CRC:
        raise damaged(filename)


def _inflated(raw: memoryview, filename: str) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    try:
        for i in range(0, len(raw), CHUNK):
            pending = bytes(raw[i : i + CHUNK])
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                if piece:
                    yield piece
            if inflater.eof:
                break
        while not inflater.eof and (piece := inflater.decompress(b"", CHUNK)):
            yield piece
    except zlib.error as e:
        raise damaged(filename) from e
    if not inflater.eof:
        raise damaged(filename)


# --------------------------------------------------------------------------- gate 2: the XML

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
            self._stop(_columns_message(self.filename, column_letters(column), limits))
        if row > limits.rows:
            self._stop(_rows_message(self.filename, row, limits))
        if row > self.max_row or column > self.max_column:
            self.max_row, self.max_column = max(self.max_row, row), max(self.max_column, column)
            if self.max_row * self.max_column > limits.cells:
                self._stop(_cells_message(self.filename, self.max_row, self.max_column, limits))

    def _reference(self, ref: str) -> tuple[int, int] | None:
        """(row, column) of a reference such as B7 or $B$7, refusing one past the limits
        before turning its letters into a number (ZZZZZZZZ is 217 billion)."""
        match = _REF.fullmatch(ref)
        if match is None:
            return None
        letters, digits = match.groups()
        if len(letters) > 3:  # past XFD, Excel's last column: past any limit
            self._stop(_columns_message(self.filename, letters.upper(), self.limits))
        if len(digits) > 9:
            self._stop(_rows_message(self.filename, int(digits[:15]), self.limits))
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
                _cells_message(self.filename, self.max_row, self.max_column or 1, self.limits)
            )

    def _count_row(self, row: int) -> None:
        self.rows_seen += 1
        if max(row, self.rows_seen) > self.limits.rows:
            self._stop(_rows_message(self.filename, max(row, self.rows_seen), self.limits))

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
            self._stop(
                FileRejected(
                    t(
                        "“{filename}” holds more than {max} different texts: far more than a list of people.",
                        filename=self.filename,
                        max=format_number(self.limits.shared_strings),
                    ),
                    "shared_strings",
                )
            )
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
            where = _cell_where(*self.where) if self.where else t("a text of the workbook")
            self._stop(_cell_chars_message(self.filename, where, self.chars, self.limits))

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
            self._stop(
                FileRejected(
                    t(
                        "“{filename}” nests its content more than {max} levels deep: spreadsheets never do.",
                        filename=self.filename,
                        max=format_number(self.limits.depth),
                    ),
                    "depth",
                )
            )
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
    _check_members(book, filename, limits)
    for info in book.infolist():
        scan: _Scan | None = None
        first = True
        for piece in _inflate(data, info, filename):
            if time.monotonic() > deadline:
                raise _time_message(filename, limits)
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


# --------------------------------------------------------------------------- gate 3: the parse


def _parse_in_child(data: bytes, filename: str, limits: Limits, deadline: float) -> list[list[str]]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _time_message(filename, limits)
    command = [sys.executable, "-I", str(WORKER), limits.for_worker(remaining)]
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = child.communicate(data, timeout=remaining)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise _time_message(filename, limits) from None
    if child.returncode != 0 or not out:
        if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise _time_message(filename, limits)
        if b"memory allocation" in err or b"MemoryError" in err:
            raise _memory_message(filename, limits)
        raise damaged(filename)
    answer = marshal.loads(out)
    if answer[0] == "ok":
        rows: list[list[str]] = answer[1]
        return rows
    if answer[0] == "refused":
        raise _worker_refusal(filename, answer[1], answer[2], limits)
    raise password(filename) if answer[1] == "password" else damaged(filename)


def read_sheet(
    data: bytes, filename: str, limits: Limits = LIMITS, started: float | None = None
) -> list[tuple[int, list[str]]]:
    """(sheet line, cell texts) of each row of the first visible worksheet of an .xlsx,
    .ods or .xls file, from line 1; raises :class:`FileRejected` with a readable reason."""
    deadline = (started if started is not None else time.monotonic()) + limits.seconds
    if len(data) > limits.upload_bytes:
        raise too_large(filename, len(data), limits)
    kind = sniff(data)
    if kind == "zip":
        prescan(data, filename, limits, deadline)
    elif kind == "ole":
        if ENCRYPTED_PACKAGE in data:
            raise password(filename)
    else:
        raise damaged(filename)
    rows = _parse_in_child(data, filename, limits, deadline)
    return list(enumerate(rows, start=1))
