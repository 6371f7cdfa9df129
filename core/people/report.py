"""What a people import reports: each line checked, the problems found, what it would
change and what it did. Plain values, shown by the People page and kept between preview
and apply."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.kernel.i18n import t
from core.people.people_file import FIELDS


def label(field: str) -> str:
    """A field's name in the report, in the reader's language."""
    return t(FIELDS[field])


@dataclass(frozen=True)
class Issue:
    """One line of the validation report. ``line`` is None for the file as a whole."""

    line: int | None
    column: str
    message: str
    is_error: bool = True


@dataclass(frozen=True)
class ImportRow:
    """A line of the file, checked. ``status``: new | changed | unchanged | error."""

    line: int
    email: str
    name: str
    department: str | None = None
    level: str | None = None
    job_title: str | None = None
    manager_email: str | None = None
    location: str | None = None
    hire_date: dt.date | None = None
    leave_date: dt.date | None = None
    language: str | None = None
    status: str = "error"
    changes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status != "error"


@dataclass(frozen=True)
class LeftAlone:
    """A line of the file that the import will not apply, and why (a translated sentence)."""

    line: int
    email: str
    reason: str


@dataclass(frozen=True)
class ImportPreview:
    filename: str
    rows: tuple[ImportRow, ...]
    issues: tuple[Issue, ...]
    fields: frozenset[str]  # the fields the file has columns for; only those are updated
    file_emails: frozenset[str]  # every e-mail written in the file, valid line or not
    missing: int = 0  # active people not in the file (deactivated on request)
    kept: int = 0  # of those, admins and you: never deactivated by an import
    headers: tuple[tuple[str, str], ...] = ()  # field → the header as the file wrote it
    # Lines that would deactivate, rename or re-address someone above you, or you.
    left_alone: tuple[LeftAlone, ...] = ()
    missing_ids: frozenset[int] = frozenset()  # who "deactivate the missing" would deactivate

    def column(self, field: str) -> str:
        """The file's own header for ``field`` (the report speaks the file's language)."""
        return dict(self.headers).get(field) or label(field)

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if i.is_error)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.issues if not i.is_error)

    @property
    def file_errors(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.errors if i.line is None)

    @property
    def valid_rows(self) -> tuple[ImportRow, ...]:
        return tuple(r for r in self.rows if r.ok)

    @property
    def error_lines(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    deactivated: int
    reactivated: int = 0
    skipped: int = 0  # lines with errors, left out on request
    managers_not_found: int = 0  # their manager's line was left out
    left_alone: int = 0  # lines about someone above the importer, or the importer
