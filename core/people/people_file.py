"""Reading a people file (CSV, XLSX, XLS or ODS) into a header and rows of text, without judging them.

:func:`read_table` turns bytes into cells; :func:`map_header` recognises the usual
spellings of each column. Both report problems as sentences; :mod:`core.people.validation`
validates the values.
"""

from __future__ import annotations

import csv
import io
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from core.kernel.errors import FileRejected
from core.kernel.i18n import N_, t
from core.people import spreadsheet
from core.people.limits import LIMITS, Limits, beyond, damaged, too_large
from core.people.zipgate import open_zip, zip_kind

MAX_ROWS = 50_000
TEXT_SUFFIXES = ("csv", "txt", "tsv")
SHEET_SUFFIXES = ("xlsx", "xlsm", "xls", "ods")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
Progress = Callable[[float, str], None]

# What a CSV file is refused for: it has lines where a spreadsheet has rows.
CSV_SENTENCES = {
    "rows": N_(
        "“{filename}” goes down to line {found}: at most {max} lines are read. Delete the empty lines at the end, or split the file."
    ),
    "columns": N_("Line {line} of “{filename}” has {found} columns: at most {max} are read."),
    "field_limit": N_(
        "Line {line} of “{filename}” has a cell of more than {found} characters: at most {max} are read in one cell."
    ),
    "cell_chars": N_(
        "Line {line} of “{filename}” has a cell of {found} characters: at most {max} are read in one cell."
    ),
}

# Field → its label in the report (translated at display) and the header spellings
# accepted, compared after :func:`_header_key` (lower case, no accents, no punctuation).
FIELDS: dict[str, str] = {
    "email": N_("E-mail"),
    "name": N_("Name"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "department": N_("Department"),
    "level": N_("Level"),
    "job_title": N_("Job title"),
    "manager_email": N_("Manager e-mail"),
    "location": N_("Location"),
    "hire_date": N_("Hire date"),
    "leave_date": N_("Leave date"),
    "language": N_("Language"),
}
ALIASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "e mail",
        "mail",
        "email address",
        "e mail address",
        "work email",
        "courriel",
        "adresse email",
        "adresse e mail",
    ),
    "name": ("name", "full name", "fullname", "display name", "employee name", "nom complet"),
    "first_name": ("first name", "firstname", "given name", "prenom"),
    "last_name": ("last name", "lastname", "surname", "family name", "nom de famille"),
    "department": ("department", "dept", "departement", "service", "division"),
    "level": ("level", "grade", "job level", "career level", "niveau"),
    "job_title": ("job title", "title", "position", "poste", "intitule de poste", "fonction"),
    "manager_email": (
        "manager email",
        "manager e mail",
        "manager",
        "managers email",
        "manager mail",
        "line manager email",
        "line manager",
        "email manager",
        "email du manager",
        "email responsable",
    ),
    "location": ("location", "office", "site", "city", "work location", "lieu", "ville"),
    "hire_date": (
        "hire date",
        "hired",
        "hiring date",
        "date of hire",
        "start date",
        "entry date",
        "date d embauche",
        "date embauche",
    ),
    "leave_date": (
        "leave date",
        "leaving date",
        "end date",
        "exit date",
        "termination date",
        "departure date",
        "date de depart",
        "date de sortie",
    ),
    "language": ("language", "lang", "locale", "preferred language", "langue"),
}
_ALIAS_TO_FIELD = {alias: f for f, aliases in ALIASES.items() for alias in aliases}


def _header_key(header: str) -> str:
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’`]", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass(frozen=True)
class FileTable:
    """The cells of a file: ``rows[i]`` is spreadsheet line ``lines[i]`` (the header is line 1)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[int, ...]
    warnings: tuple[str, ...] = ()


# The file as a whole cannot be read; the message is already translated. One class for
# every reader error (limits included), under the domain's base error.
FileProblem = FileRejected


def _decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Text of a CSV: UTF-16 with its BOM, else UTF-8 (BOM or not), else Windows-1252.

    Not charset-normalizer: on short people lists it guesses wrong (measured: "Ana Peña"
    in Windows-1252 read as Big5, a file with bytes Windows-1252 lacks accepted as
    Shift-JIS), where these three rules are exact for what spreadsheets save.
    """
    if data[:2] in UTF16_BOMS:
        try:
            return data.decode("utf-16"), ()
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8-sig"), ()
        except UnicodeDecodeError:
            pass
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            return text, (
                t(
                    "The file is not in UTF-8; it was read as Windows-1252 (Western European). Check the accents in the preview, or save the file as “CSV UTF-8”."
                ),
            )
    raise FileProblem(
        t("The file's text encoding is not recognised: save it as “CSV UTF-8” and upload it again.")
    )


def _delimiter(text: str) -> str:
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(
    data: bytes, filename: str, limits: Limits
) -> tuple[list[tuple[int, list[str]]], tuple[str, ...]]:
    """Rows of a CSV, refused as soon as a limit is passed: lines, columns, cell length."""
    text, warnings = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, list[str]]] = []
    filled = 0
    try:
        for line, row in enumerate(reader, start=1):  # a record is a line of the spreadsheet
            if line > limits.rows:
                raise beyond("rows", filename, limits, CSV_SENTENCES["rows"], found=line)
            if len(row) > limits.columns:
                raise beyond(
                    "columns", filename, limits, CSV_SENTENCES["columns"], line=line, found=len(row)
                )
            for cell in row:
                if len(cell) > limits.cell_chars:
                    raise _long_cell(filename, line, len(cell), limits)
            cells = [c.strip() for c in row]
            if any(cells):
                filled += 1
                rows.append((line, cells))
                if filled > MAX_ROWS + 1:  # enough to say the file is too long
                    break
    except csv.Error as e:
        if "field larger than field limit" in str(e):  # the csv module's own limit
            raise beyond(
                "cell_chars",
                filename,
                limits,
                CSV_SENTENCES["field_limit"],
                line=reader.line_num,
                found=csv.field_size_limit(),
            ) from e
        raise FileProblem(
            t(
                "The CSV file is malformed near line {line}: {problem}.",
                line=reader.line_num,
                problem=str(e),
            )
        ) from e
    return rows, warnings


def _long_cell(filename: str, line: int, found: int, limits: Limits) -> FileRejected:
    return beyond(
        "cell_chars", filename, limits, CSV_SENTENCES["cell_chars"], line=line, found=found
    )


def _not_a_table(filename: str) -> FileRejected:
    return FileProblem(
        t(
            "“{filename}” is not a list Tandem can read. Export the list from your spreadsheet as CSV UTF-8 (.csv), Excel (.xlsx or .xls) or OpenDocument (.ods).",
            filename=filename,
        )
    )


def _suffix(filename: str) -> str:
    return filename.lower().rpartition(".")[2] if "." in filename else ""


def read_table(data: bytes, filename: str, limits: Limits = LIMITS) -> FileTable:
    """The header and the non-blank rows of a CSV, XLSX, XLS or ODS file.

    Raises :class:`FileProblem` (a :class:`~core.kernel.errors.FileRejected`) with a sentence
    saying why: unreadable, or past one of ``limits``.
    """
    started = time.monotonic()
    name = (filename or "").strip()
    suffix = _suffix(name)
    if len(data) > limits.upload_bytes:
        raise too_large(name, len(data), limits)
    if not data or data.isspace():
        raise FileProblem(t("The file is empty."))
    kind = spreadsheet.sniff(data)
    warnings: tuple[str, ...] = ()
    if suffix in TEXT_SUFFIXES:
        if kind in ("zip", "ole"):
            raise _renamed_sheet(data, name, suffix, limits)
        if b"\x00" in data and data[:2] not in UTF16_BOMS:  # not text at all
            raise _not_a_table(name)
        raw, warnings = _read_csv(data, name, limits)
    elif kind in ("zip", "ole"):  # whatever the name says, the content decides the format
        raw = spreadsheet.read_sheet(data, name, limits, started=started)
    elif suffix in SHEET_SUFFIXES:
        if kind == "text" and spreadsheet.looks_like_html(data):
            raise FileProblem(
                t(
                    "“{filename}” is a web page saved with a spreadsheet name: open it in your spreadsheet program and save it as .xlsx or CSV.",
                    filename=name,
                )
            )
        if kind == "text":
            raise FileProblem(
                t(
                    "“{filename}” is named .{suffix} but holds plain text: if it is a CSV export, rename it to end in .csv.",
                    filename=name,
                    suffix=suffix,
                )
            )
        raise damaged(name)
    else:
        raise _not_a_table(name)

    numbered = [(line, row) for line, row in raw if any(c.strip() for c in row)]
    if not numbered:
        raise FileProblem(t("The file is empty."))
    (_, header), body = numbered[0], numbered[1:]
    if not body:
        raise FileProblem(t("The file has a header line but no people."))
    if len(body) > MAX_ROWS:
        raise FileProblem(
            t("The file has more than {max} people: split it into several files.", max=MAX_ROWS),
            "rows",
        )
    width = len(header)
    return FileTable(
        header=tuple(h.strip() for h in header),
        rows=tuple(tuple((row + [""] * width)[:width]) for _, row in body),
        lines=tuple(line for line, _ in body),
        warnings=warnings,
    )


def _renamed_sheet(data: bytes, filename: str, suffix: str, limits: Limits) -> FileRejected:
    """A spreadsheet named like a text file: say which kind it is, so it can be renamed."""
    kinds = {"xlsx": "Excel (.xlsx)", "ods": "OpenDocument (.ods)", "xls": "Excel 97-2003 (.xls)"}
    kind = "xls" if spreadsheet.sniff(data) == "ole" else None
    if kind is None:
        book = open_zip(data, filename, limits)  # refuses a zip bomb's directory
        kind = zip_kind(book)
    if kind not in kinds:
        return _not_a_table(filename)
    return FileProblem(
        t(
            "“{filename}” is named .{suffix} but is an {kind} spreadsheet: rename it to end in .{right}, or export it as CSV.",
            filename=filename,
            suffix=suffix,
            kind=kinds[kind],
            right=kind,
        )
    )


@dataclass(frozen=True)
class HeaderMap:
    """Which column index holds which field, and the header as the file wrote it."""

    index: dict[str, int]
    written: dict[str, str]
    warnings: tuple[str, ...]


def map_header(header: tuple[str, ...], rows: tuple[tuple[str, ...], ...]) -> HeaderMap:
    """Recognise the columns; raises :class:`FileProblem` when e-mail or name is missing."""
    index: dict[str, int] = {}
    written: dict[str, str] = {}
    warnings: list[str] = []
    known = ", ".join(t(label) for label in FIELDS.values())
    for i, raw in enumerate(header):
        if not raw:
            if any(i < len(r) and r[i].strip() for r in rows):
                warnings.append(
                    t(
                        "Column {number} has no header and is ignored.",
                        number=i + 1,
                    )
                )
            continue
        field = _ALIAS_TO_FIELD.get(_header_key(raw))
        if field is None:
            warnings.append(
                t(
                    "Column “{column}” is not known and is ignored. Known columns: {known}.",
                    column=raw,
                    known=known,
                )
            )
            continue
        if field in index:
            raise FileProblem(
                t(
                    "Two columns give the same information: “{first}” and “{second}”. Keep only one.",
                    first=written[field],
                    second=raw,
                )
            )
        index[field] = i
        written[field] = raw
    if "email" not in index:
        raise FileProblem(
            t(
                "The file has no e-mail column. The first line must name the columns, for example: {example}.",
                example="email, name, department, level, manager email, location, hire date, leave date, language",
            )
        )
    if "name" not in index and not {"first_name", "last_name"} <= index.keys():
        raise FileProblem(t("The file has no name column (or first name and last name columns)."))
    return HeaderMap(index=index, written=written, warnings=tuple(warnings))
