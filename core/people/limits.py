"""What an uploaded spreadsheet may hold (:class:`Limits`), and the sentence that refuses a
file past one of them: each :class:`~core.kernel.errors.FileRejected` names the limit
breached and the value found, so a coordinator knows what to fix."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from core.kernel.errors import FileRejected
from core.kernel.i18n import N_, format_number, t

MIB = 1024 * 1024


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

# Why a file past a limit is refused, by limit (the sentence's {max} is the limit).
SENTENCES = {
    "rows": N_(
        "“{filename}” goes down to row {found}: at most {max} rows are read. Delete the empty rows below the list, or split the file."
    ),
    "columns": N_(
        "“{filename}” reaches column {found}: at most {max} columns (A to {last}) are read. Delete the columns to the right of the list."
    ),
    "cells": N_(
        "“{filename}” spans {rows} rows by {columns} columns: at most {max} cells are read. Delete what is not the list of people, or split the file."
    ),
    "cell_chars": N_(
        "In “{filename}”, {where} holds {found} characters: at most {max} are read in one cell."
    ),
    "text_chars": N_(
        "“{filename}” holds {found} characters of text: at most {max} are read. Save only the list of people and upload it again."
    ),
    "members": N_(
        "“{filename}” holds {found} files packed inside it: a spreadsheet holds at most {max}. It is not a workbook Tandem reads."
    ),
    "shared_strings": N_(
        "“{filename}” holds more than {max} different texts: far more than a list of people."
    ),
    "depth": N_(
        "“{filename}” nests its content more than {max} levels deep: spreadsheets never do."
    ),
}


def in_bytes(n: int) -> str:
    """A size as a person reads it: 3 KB, 9.5 MB, 1.2 GB."""
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


def beyond(
    limit: str, filename: str, limits: Limits, sentence: str = "", **values: int | str
) -> FileRejected:
    """The refusal of ``filename`` past ``limit`` (a field of :class:`Limits`, the sentence's
    ``{max}``), in :data:`SENTENCES`' words or ``sentence``'s (an English id marked with N_);
    the whole numbers among ``values`` are written the reader's way (12 345)."""
    shown = {k: format_number(v) if isinstance(v, int) else v for k, v in values.items()}
    return FileRejected(
        t(
            sentence or SENTENCES[limit],
            filename=filename,
            max=format_number(getattr(limits, limit)),
            **shown,
        ),
        limit,
    )


def too_large(filename: str, size: int, limits: Limits = LIMITS) -> FileRejected:
    return FileRejected(
        t(
            "“{filename}” is {size}: files up to {max} can be imported. Split the list into several files.",
            filename=filename,
            size=in_bytes(size),
            max=in_bytes(limits.upload_bytes),
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


def rows_message(filename: str, found: int, limits: Limits) -> FileRejected:
    return beyond("rows", filename, limits, found=found)


def columns_message(filename: str, letters: str, limits: Limits) -> FileRejected:
    shown = letters if len(letters) <= 12 else letters[:12] + "…"
    return beyond("columns", filename, limits, found=shown, last=column_letters(limits.columns))


def cells_message(filename: str, rows: int, columns: int, limits: Limits) -> FileRejected:
    return beyond("cells", filename, limits, rows=rows, columns=columns)


def cell_chars_message(filename: str, where: str, found: int, limits: Limits) -> FileRejected:
    return beyond("cell_chars", filename, limits, where=where, found=found)


def cell_where(row: int, column: int) -> str:
    return t("cell {cell}", cell=f"{column_letters(column)}{row}")


def time_message(filename: str, limits: Limits) -> FileRejected:
    return FileRejected(
        t(
            "Reading “{filename}” took longer than {max} seconds and was stopped. Save the list as CSV and upload that file.",
            filename=filename,
            max=format_number(limits.seconds, 0 if float(limits.seconds).is_integer() else 2),
        ),
        "seconds",
    )


def memory_message(filename: str, limits: Limits) -> FileRejected:
    return FileRejected(
        t(
            "Reading “{filename}” needed more than {max} of memory and was stopped. Save only the list of people, as CSV, and upload that file.",
            filename=filename,
            max=in_bytes(limits.memory_bytes),
        ),
        "memory_bytes",
    )


def worker_refusal(filename: str, limit: str, d: dict[str, int], limits: Limits) -> FileRejected:
    if limit == "rows":
        return rows_message(filename, d["found"], limits)
    if limit == "columns":
        return columns_message(filename, column_letters(d["found"]), limits)
    if limit == "cells":
        return cells_message(filename, d["rows"], d["columns"], limits)
    if limit == "cell_chars":
        return cell_chars_message(filename, cell_where(d["row"], d["column"]), d["found"], limits)
    if limit == "text_chars":
        return beyond("text_chars", filename, limits, found=d["found"])
    return memory_message(filename, limits)


def too_many_members(filename: str, found: int, limits: Limits) -> FileRejected:
    return beyond("members", filename, limits, found=found)
