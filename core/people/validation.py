"""Checking a people file line by line, with no database: each value typed and checked,
duplicate e-mails found, every problem a sentence naming the line and the column as the
file wrote it. :mod:`core.people.compare` then adds what needs the database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from core.accounts.accounts import validate_email
from core.kernel.errors import InvalidInput
from core.kernel.i18n import LANGUAGES, t
from core.kernel.text import clean_line
from core.people.people_file import FileProblem, FileTable, Progress, map_header, read_table
from core.people.report import ImportPreview, ImportRow, Issue, label

TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "department": ("department", 120),
    "level": ("level", 60),
    "job_title": ("job_title", 160),
    "location": ("location", 120),
}
LANGUAGE_NAMES = {"english": "en", "anglais": "en", "french": "fr", "francais": "fr"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T][0-9:.]*)?$")


def noop(_fraction: float, _message: str) -> None:
    """A progress callback that shows nothing (the import run without a page)."""
    return None


def _language(value: str) -> str | None:
    key = re.sub(r"[^a-z]+", " ", value.strip().lower().replace("ç", "c")).split()
    if not key:
        return None
    if key[0] in LANGUAGES:
        return key[0]
    return LANGUAGE_NAMES.get(key[0])


def _date(value: str) -> dt.date | None:
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _clean(value: str, label: str, max_chars: int, required: bool = False) -> str:
    """:func:`core.kernel.text.clean_line`, with a fast path for the usual clean cell."""
    if _CONTROL.search(value) is None:
        text = value.strip()
        if len(text) <= max_chars and (text or not required):
            return text
    return clean_line(value, label, max_chars=max_chars, required=required)


@dataclass
class _Checked:
    values: dict[str, Any] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def _check_row(
    cells: tuple[str, ...], line: int, index: dict[str, int], written: dict[str, str]
) -> _Checked:
    """The typed values of one line and its problems (cross-line checks come later)."""
    out = _Checked()

    def cell(name: str) -> str:
        return cells[index[name]].strip() if name in index else ""

    def problem(name: str, message: str) -> None:
        out.issues.append(Issue(line, written.get(name, label(name)), message))

    email = cell("email")
    if not email:
        problem("email", t("“{field}” is required but empty.", field=written["email"]))
    else:
        try:
            out.values["email"] = validate_email(email)
        except InvalidInput as e:
            problem("email", str(e))
    if "name" in index:
        name, name_field = cell("name"), written["name"]
    else:
        name = f"{cell('first_name')} {cell('last_name')}".strip()
        name_field = f"{written['first_name']} + {written['last_name']}"
        written = {**written, "name": name_field}
    if not name:
        problem("name", t("“{field}” is required but empty.", field=name_field))
    else:
        try:
            out.values["name"] = _clean(name, name_field, 200, required=True)
        except InvalidInput as e:
            problem("name", str(e))
    for key, (_attr, max_chars) in TEXT_FIELDS.items():
        if key in index:
            try:
                text = _clean(cell(key), written[key], max_chars)
            except InvalidInput as e:
                problem(key, str(e))
            else:
                out.values[key] = text or None
    if "manager_email" in index:
        manager = cell("manager_email")
        if manager:
            try:
                out.values["manager_email"] = validate_email(manager)
            except InvalidInput as e:
                problem("manager_email", str(e))
        else:
            out.values["manager_email"] = None
    for key in ("hire_date", "leave_date"):
        if key in index:
            raw = cell(key)
            parsed = _date(raw) if raw else None
            if raw and parsed is None:
                problem(
                    key,
                    t(
                        "“{value}” is not a date: write it as YYYY-MM-DD, for example 2024-03-31.",
                        value=raw[:40],
                    ),
                )
            out.values[key] = parsed
    hire, leave = out.values.get("hire_date"), out.values.get("leave_date")
    if hire and leave and leave < hire:
        problem(
            "leave_date",
            t(
                "The leave date {leave} is before the hire date {hire}.",
                leave=leave.isoformat(),
                hire=hire.isoformat(),
            ),
        )
    if "language" in index:
        raw = cell("language")
        lang = _language(raw) if raw else None
        if raw and lang is None:
            problem(
                "language",
                t(
                    "“{value}” is not a language Tandem offers: use {choices}.",
                    value=raw[:40],
                    choices=", ".join(LANGUAGES),
                ),
            )
        out.values["language"] = lang
    return out


def parse(data: bytes, filename: str, progress: Progress | None = None) -> ImportPreview:
    """Read and check a file on its own (no database): rows and the line-by-line report."""
    report = progress or noop
    try:
        table: FileTable = read_table(data, filename)
        header = map_header(table.header, table.rows)
    except FileProblem as e:
        return ImportPreview(filename, (), (Issue(None, "", str(e)),), frozenset(), frozenset())
    report(0.2, t("Reading the file…"))
    issues = [Issue(None, "", w, is_error=False) for w in table.warnings + header.warnings]
    fields = frozenset(header.index) | ({"name"} if "first_name" in header.index else set())
    written = dict(header.written)
    checked: list[tuple[int, _Checked]] = []
    lines_of: dict[str, list[int]] = {}
    for n, (cells, line) in enumerate(zip(table.rows, table.lines, strict=True)):
        c = _check_row(cells, line, header.index, written)
        checked.append((line, c))
        email = c.values.get("email") or cells[header.index["email"]].strip().lower()
        if email:
            lines_of.setdefault(email, []).append(line)
        if n % 2000 == 0:
            report(0.2 + 0.5 * n / len(table.rows), t("Checking line {line}…", line=line))
    email_col = written["email"]
    for email, lines in lines_of.items():
        if len(lines) > 1:
            message = t(
                "The e-mail {email} appears more than once in the file: lines {lines}.",
                email=email,
                lines=", ".join(map(str, lines)),
            )
            for line, c in checked:
                if line in lines:
                    c.issues.append(Issue(line, email_col, message))
    rows = []
    for line, c in checked:
        issues.extend(c.issues)
        v = c.values
        rows.append(
            ImportRow(
                line=line,
                email=v.get("email", ""),
                name=v.get("name", ""),
                department=v.get("department"),
                level=v.get("level"),
                job_title=v.get("job_title"),
                manager_email=v.get("manager_email"),
                location=v.get("location"),
                hire_date=v.get("hire_date"),
                leave_date=v.get("leave_date"),
                language=v.get("language"),
                status="error" if c.issues else "new",
            )
        )
    return ImportPreview(
        filename=filename,
        rows=tuple(rows),
        issues=tuple(issues),
        fields=fields,
        file_emails=frozenset(lines_of),
        headers=tuple(written.items()),
    )
