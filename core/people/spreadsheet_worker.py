"""The child process that parses one spreadsheet with python-calamine, inside hard limits.

:mod:`core.people.spreadsheet` runs this file as ``python -I spreadsheet_worker.py LIMITS``
with the file's bytes on standard input. Before reading anything it caps its own
address space (``RLIMIT_AS``) and CPU time (``RLIMIT_CPU``), so a file that slips
past the pre-scan (an .xls has no XML to pre-scan; a bomb nobody has thought of
yet) costs at most that much memory and time: the kernel stops the process, not
the server. It answers on standard output with one ``marshal`` value:

- ``("ok", rows)``: the first visible worksheet, from cell A1, as lists of cell
  texts (trailing empty cells dropped); ``rows[i]`` is sheet line ``i + 1``;
- ``("refused", limit, details)``: a limit was reached (``details`` are numbers);
- ``("unreadable", reason)``: ``"password"`` or ``"damaged"``.

Standalone on purpose: ``-I`` leaves the project off ``sys.path``, so this module
imports the standard library and python-calamine only.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import marshal
import resource
import sys
from typing import Any

Cell = int | float | str | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


def cell_text(value: Cell) -> str:
    """A cell as the text a person sees in the spreadsheet (numbers without a stray .0)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        # A serial number's float error: 09:30 arrives as 09:29:59.999999.
        try:
            value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        except OverflowError:  # the last half second of year 9999
            value = value.replace(microsecond=0)
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    return str(value)  # a duration (timedelta)


def _first_visible(book: Any) -> int:
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    for i, meta in enumerate(book.sheets_metadata):
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            return i
    return 0


def read(data: bytes, limits: dict[str, int]) -> tuple[Any, ...]:
    """Parse ``data`` (the answer described in the module's docstring)."""
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(_first_visible(book))
    except calamine.PasswordError:
        return ("unreadable", "password")
    except (calamine.CalamineError, ValueError, OSError):
        return ("unreadable", "damaged")
    end = sheet.end
    if end is None:
        return ("ok", [])
    # to_python(skip_empty_area=False) builds every cell from A1 to ``end``: check the
    # area first (calamine already holds it, sparse for .xlsx/.ods, in RLIMIT_AS for .xls).
    height, width = end[0] + 1, end[1] + 1
    if height > limits["rows"]:
        return ("refused", "rows", {"found": height})
    if width > limits["columns"]:
        return ("refused", "columns", {"found": width})
    if height * width > limits["cells"]:
        return ("refused", "cells", {"rows": height, "columns": width})
    rows = []
    total = 0
    max_chars, max_text = limits["cell_chars"], limits["text_chars"]
    for line, values in enumerate(sheet.to_python(skip_empty_area=False), start=1):
        cells = [cell_text(v) for v in values]
        while cells and not cells[-1]:
            cells.pop()
        for column, text in enumerate(cells, start=1):
            if len(text) > max_chars:
                return (
                    "refused",
                    "cell_chars",
                    {"found": len(text), "row": line, "column": column},
                )
            total += len(text)
        if total > max_text:
            return ("refused", "text_chars", {"found": total})
        rows.append(cells)
    return ("ok", rows)


def _limit_resources(memory_bytes: int, seconds: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    except (ValueError, OSError):  # macOS does not enforce RLIMIT_AS; the timeout still holds
        pass
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def main(argv: list[str]) -> int:
    limits = json.loads(argv[0])
    _limit_resources(limits["memory_bytes"], limits["cpu_seconds"])
    data = sys.stdin.buffer.read()
    try:
        answer = read(data, limits)
    except MemoryError:
        answer = ("refused", "memory_bytes", {})
    sys.stdout.buffer.write(marshal.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
