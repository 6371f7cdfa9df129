"""Reading a people file (CSV or XLSX) into a header and rows of text, without judging them.

:func:`read_table` turns bytes into cells; :func:`map_header` recognises the usual
spellings of each column. Both report problems as sentences; ``core.people``
validates the values.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from core.i18n import N_, t
from core.xlsx_reader import XlsxError, iter_rows

MAX_ROWS = 50_000
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
Progress = Callable[[float, str], None]

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


class FileProblem(Exception):
    """The file as a whole cannot be read; the message is already translated."""


def _decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Text of a CSV: UTF-16 with its BOM, else UTF-8 (BOM or not), else Windows-1252."""
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
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> tuple[list[list[str]], tuple[str, ...]]:
    text, warnings = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return [[c.strip() for c in row] for row in reader], warnings
    except csv.Error as e:
        raise FileProblem(
            t(
                "The CSV file is malformed near line {line}: {problem}.",
                line=reader.line_num,
                problem=str(e),
            )
        ) from e


def _read_xlsx(data: bytes, filename: str) -> list[tuple[int, list[str]]]:
    rows = []
    filled = 0
    try:
        for number, cells in iter_rows(data):
            rows.append((number, cells))
            filled += any(cells)
            if filled > MAX_ROWS + 1:  # enough to say the file is too long
                break
    except XlsxError as e:
        raise FileProblem(
            t(
                "“{filename}” cannot be read as an Excel file: it may be damaged or protected by a password. Save it again as .xlsx or CSV.",
                filename=filename,
            )
        ) from e
    return rows


def read_table(data: bytes, filename: str) -> FileTable:
    """The header and the non-blank rows of a CSV or XLSX file; raises :class:`FileProblem`."""
    name = (filename or "").strip()
    lower = name.lower()
    is_zip = data[:4] == b"PK\x03\x04"
    not_a_table = t(
        "“{filename}” is not a CSV or XLSX file. Export the list from your spreadsheet as CSV UTF-8 (.csv) or Excel (.xlsx).",
        filename=name,
    )
    if lower.endswith(".xls"):
        raise FileProblem(
            t("“{filename}” is an old Excel file (.xls): save it as .xlsx or CSV.", filename=name)
        )
    if not data.strip():
        raise FileProblem(t("The file is empty."))
    warnings: tuple[str, ...] = ()
    if lower.endswith(".xlsx") or (is_zip and not lower.endswith((".csv", ".txt"))):
        raw = _read_xlsx(data, name)
    elif lower.endswith((".csv", ".txt", ".tsv")):
        # A zip (an .xlsx renamed) or NUL bytes outside UTF-16: not text at all.
        if is_zip or (b"\x00" in data and data[:2] not in UTF16_BOMS):
            raise FileProblem(not_a_table)
        lines, warnings = _read_csv(data)
        raw = list(enumerate(lines, start=1))
    else:
        raise FileProblem(not_a_table)

    numbered = [(line, row) for line, row in raw if any(c.strip() for c in row)]
    if not numbered:
        raise FileProblem(t("The file is empty."))
    (_, header), body = numbered[0], numbered[1:]
    if not body:
        raise FileProblem(t("The file has a header line but no people."))
    if len(body) > MAX_ROWS:
        raise FileProblem(
            t("The file has more than {max} people: split it into several files.", max=MAX_ROWS)
        )
    width = len(header)
    return FileTable(
        header=tuple(h.strip() for h in header),
        rows=tuple(tuple((row + [""] * width)[:width]) for _, row in body),
        lines=tuple(line for line, _ in body),
        warnings=warnings,
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
