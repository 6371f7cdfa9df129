"""People: import from CSV/XLSX (preview, then apply in one transaction) and the people list.

The import is two steps so that nothing is written before the coordinator has read
the validation report: :func:`preview` parses and checks every line (and says what
would change), :func:`apply` upserts by e-mail in one transaction with bulk
statements (one query loads everybody; inserts and updates are executemany), links
managers in a second pass and, on request, deactivates people no longer in the file.

Authority: an import never deactivates, renames or changes the e-mail of a person
whose role is above the importer's (admin > coordinator > participant), nor of the
importer: such a line is left alone, and the preview says which and why. Apply does
exactly what the preview said, or refuses when the people changed meanwhile.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from core.accounts.accounts import validate_email
from core.accounts.invitations import invitation_state
from core.kernel import audit, clock
from core.kernel.access import ADMIN, COORDINATOR, PARTICIPANT, ROLES, Viewer, require_role
from core.kernel.errors import Conflict, InvalidImport, InvalidInput
from core.kernel.i18n import LANGUAGES, t, tn
from core.kernel.store import transaction_lock
from core.kernel.text import clean_line
from core.people.people_file import FIELDS, FileProblem, FileTable, Progress, map_header, read_table
from db.models import Account, AccountRole, Invitation, Person

# Person attribute ← import field, for the fields stored as they are.
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "department": ("department", 120),
    "level": ("level", 60),
    "job_title": ("job_title", 160),
    "location": ("location", 120),
}
LANGUAGE_NAMES = {"english": "en", "anglais": "en", "french": "fr", "francais": "fr"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T][0-9:.]*)?$")
_CHUNK = 1000
PERSON: Table = Person.__table__  # type: ignore[assignment]


def _noop(_fraction: float, _message: str) -> None:
    return None


def _label(field: str) -> str:
    """A field's name in the report, in the reader's language."""
    return t(FIELDS[field])


# --------------------------------------------------------------------------- the report


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
        return dict(self.headers).get(field) or _label(field)

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


# --------------------------------------------------------------------------- values


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
        out.issues.append(Issue(line, written.get(name, _label(name)), message))

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


def _loops(parent: dict[str, str | None], starts: Iterable[str]) -> dict[str, list[str]]:
    """E-mails whose chain of managers comes back to them, with the loop."""
    state: dict[str, int] = {}  # 0: on the path being walked, 1: done
    found: dict[str, list[str]] = {}
    for start in starts:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 0
            path.append(node)
            node = parent.get(node)
        if node is not None and state[node] == 0:
            loop = path[path.index(node) :]
            for member in loop:
                found[member] = loop
        for member in path:
            state[member] = 1
    return found


# --------------------------------------------------------------------------- database snapshot


@dataclass(frozen=True)
class _Known:
    id: int
    email: str
    full_name: str
    department: str | None
    level: str | None
    job_title: str | None
    manager_id: int | None
    location: str | None
    hire_date: dt.date | None
    leave_date: dt.date | None
    language: str
    is_active: bool
    erased: bool


@dataclass(frozen=True)
class _Snapshot:
    by_email: dict[str, _Known]
    email_of: dict[int, str]
    protected: frozenset[int]  # person ids an import never deactivates (admins, the viewer)
    above: dict[int, str]  # person id → their highest role, when above the importer's


# Who outranks whom: an import touches nobody ranked above the importer.
RANK = {PARTICIPANT: 1, COORDINATOR: 2, ADMIN: 3}
# What an import may not do to someone above the importer, nor to the importer.
GUARDED = ("full_name", "email")


def _rank(roles: Iterable[str]) -> int:
    return max((RANK.get(r, 0) for r in roles), default=0)


def _snapshot(s: Session, viewer: Viewer) -> _Snapshot:
    """Everybody, in one query (plus one for the admins)."""
    rows = s.execute(
        select(
            Person.id,
            Person.email,
            Person.full_name,
            Person.department,
            Person.level,
            Person.job_title,
            Person.manager_id,
            Person.location,
            Person.hire_date,
            Person.leave_date,
            Person.language,
            Person.is_active,
            Person.erased_at,
        )
    ).all()
    by_email: dict[str, _Known] = {}
    email_of: dict[int, str] = {}
    for r in rows:
        known = _Known(
            r.id,
            r.email,
            r.full_name,
            r.department,
            r.level,
            r.job_title,
            r.manager_id,
            r.location,
            r.hire_date,
            r.leave_date,
            r.language,
            r.is_active,
            erased=r.erased_at is not None,
        )
        by_email[r.email.lower()] = known
        email_of[r.id] = r.email.lower()
    roles: dict[int, list[str]] = {}
    for person_id, role in s.execute(
        select(Account.person_id, AccountRole.role).join(
            AccountRole, AccountRole.account_id == Account.id
        )
    ):
        roles.setdefault(person_id, []).append(role)
    mine = _rank(viewer.roles)
    above = {
        pid: max(held, key=lambda r: RANK.get(r, 0))
        for pid, held in roles.items()
        if _rank(held) > mine
    }
    admins = [pid for pid, held in roles.items() if ADMIN in held]
    return _Snapshot(by_email, email_of, frozenset([*admins, viewer.person_id]), above)


def _target_active(row: ImportRow, fields: frozenset[str], today: dt.date) -> bool:
    return not ("leave_date" in fields and row.leave_date is not None and row.leave_date <= today)


def _changes(
    row: ImportRow, known: _Known, fields: frozenset[str], today: dt.date
) -> dict[str, Any]:
    """Person attributes the row changes (manager excepted: it is linked in a second pass)."""
    wanted: dict[str, Any] = {"email": row.email, "full_name": row.name}
    for key, (attr, _max) in TEXT_FIELDS.items():
        if key in fields:
            wanted[attr] = getattr(row, key)
    for key in ("hire_date", "leave_date"):
        if key in fields:
            wanted[key] = getattr(row, key)
    if row.language:
        wanted["language"] = row.language
    wanted["is_active"] = _target_active(row, fields, today)
    return {k: v for k, v in wanted.items() if getattr(known, k) != v}


def _manager_changes(row: ImportRow, known: _Known | None, snap: _Snapshot) -> bool:
    current = snap.email_of.get(known.manager_id) if known and known.manager_id else None
    return current != row.manager_email


def _missing(snap: _Snapshot, file_emails: frozenset[str]) -> tuple[list[int], int]:
    """Active people not in the file that an import may deactivate, and how many are kept."""
    ids, kept = [], 0
    for email, known in snap.by_email.items():
        if known.is_active and not known.erased and email not in file_emails:
            if known.id in snap.protected:
                kept += 1
            else:
                ids.append(known.id)
    return ids, kept


# --------------------------------------------------------------------------- preview


def parse(data: bytes, filename: str, progress: Progress | None = None) -> ImportPreview:
    """Read and check a file on its own (no database): rows and the line-by-line report."""
    report = progress or _noop
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


def _against_database(
    parsed: ImportPreview, snap: _Snapshot, viewer: Viewer, today: dt.date
) -> ImportPreview:
    """Add what needs the database: managers known, loops, self-deactivation, what changes."""
    issues = list(parsed.issues)
    bad: dict[int, list[Issue]] = {}
    fields = parsed.fields
    manager_col = parsed.column("manager_email")
    valid_emails = {r.email for r in parsed.rows if r.ok}
    if "manager_email" in fields:
        parent = {email: snap.email_of.get(k.manager_id or 0) for email, k in snap.by_email.items()}
        for r in parsed.rows:
            if r.email:
                parent[r.email] = r.manager_email
        loops = _loops(parent, [r.email for r in parsed.rows if r.ok])
        for r in parsed.rows:
            if not r.manager_email:
                continue
            if r.manager_email == r.email:
                bad.setdefault(r.line, []).append(
                    Issue(r.line, manager_col, t("A person cannot be their own manager."))
                )
            elif r.manager_email not in parsed.file_emails and r.manager_email not in snap.by_email:
                bad.setdefault(r.line, []).append(
                    Issue(
                        r.line,
                        manager_col,
                        t(
                            "The manager {email} is neither in the file nor in Tandem.",
                            email=r.manager_email,
                        ),
                    )
                )
            elif r.email in loops:
                loop = loops[r.email]
                bad.setdefault(r.line, []).append(
                    Issue(
                        r.line,
                        manager_col,
                        t(
                            "The managers form a loop: {chain}.",
                            chain=" → ".join([*loop, loop[0]]),
                        ),
                    )
                )
            elif (
                r.ok
                and r.manager_email not in valid_emails
                and r.manager_email not in snap.by_email
            ):
                issues.append(
                    Issue(
                        r.line,
                        manager_col,
                        t(
                            "The manager {email} is on a line with errors: if only the valid lines are imported, this person gets no manager.",
                            email=r.manager_email,
                        ),
                        is_error=False,
                    )
                )
    rows, left = [], []
    for r in parsed.rows:
        if r.line in bad:
            issues.extend(bad[r.line])
            rows.append(_with(r, status="error"))
            continue
        if not r.ok:
            rows.append(r)
            continue
        known = snap.by_email.get(r.email)
        if known is None:
            rows.append(r)
            continue
        if known.erased:
            issues.append(
                Issue(
                    r.line,
                    parsed.column("email"),
                    t("This person erased their data from Tandem: the line is ignored."),
                    is_error=False,
                )
            )
            rows.append(_with(r, status="unchanged"))
            continue
        diff = _changes(r, known, fields, today)
        reason = _guarded(known, diff, snap, viewer)
        if reason:
            left.append(LeftAlone(r.line, r.email, reason))
            issues.append(Issue(r.line, parsed.column("email"), reason, is_error=False))
            rows.append(_with(r, status="unchanged"))
            continue
        changed = list(diff)
        if "manager_email" in fields and _manager_changes(r, known, snap):
            changed.append("manager_id")
        rows.append(_with(r, status="changed" if changed else "unchanged", changes=tuple(changed)))
    missing, kept = _missing(snap, parsed.file_emails)
    issues.sort(key=lambda i: (i.line or 0, not i.is_error))
    return ImportPreview(
        filename=parsed.filename,
        rows=tuple(rows),
        issues=tuple(issues),
        fields=fields,
        file_emails=parsed.file_emails,
        missing=len(missing),
        kept=kept,
        headers=parsed.headers,
        left_alone=tuple(left),
        missing_ids=frozenset(missing),
    )


def _guarded(known: _Known, diff: dict[str, Any], snap: _Snapshot, viewer: Viewer) -> str | None:
    """Why the line must be left alone (it would deactivate, rename or re-address someone
    above the importer, or the importer), or None when it may be applied."""
    if not (any(k in diff for k in GUARDED) or diff.get("is_active") is False):
        return None
    if known.id == viewer.person_id:
        return t(
            "This is you: an import never deactivates, renames or changes the e-mail of the person importing it. The line is left alone."
        )
    role = snap.above.get(known.id)
    if role is None:
        return None
    return t(
        "This person has the role “{role}”, above yours: only someone with that role can deactivate, rename or change the e-mail of this person. The line is left alone.",
        role=t(ROLES[role]),
    )


def _with(row: ImportRow, **changes: Any) -> ImportRow:
    return replace(row, **changes)


def preview(
    sf: sessionmaker[Session],
    viewer: Viewer,
    data: bytes,
    filename: str,
    progress: Progress | None = None,
) -> ImportPreview:
    """Parse and check a people file, and say what importing it would change. Writes nothing."""
    require_role(viewer, COORDINATOR)
    parsed = parse(data, filename, progress)
    if parsed.file_errors:
        return parsed
    with sf.begin() as s:
        snap = _snapshot(s, viewer)
    result = _against_database(parsed, snap, viewer, clock.today())
    (progress or _noop)(1.0, t("Checked."))
    return result


# --------------------------------------------------------------------------- apply


def apply(
    sf: sessionmaker[Session],
    viewer: Viewer,
    preview: ImportPreview,
    *,
    deactivate_missing: bool = False,
    valid_only: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Upsert the previewed people by e-mail, in one transaction. Idempotent.

    Refused while the report has errors, unless ``valid_only`` (lines with errors are
    then left out). ``deactivate_missing`` deactivates active people who are not in
    the file (never admins nor the viewer): their accounts too, sessions revoked.
    """
    try:
        return _apply(sf, viewer, preview, deactivate_missing, valid_only, progress)
    except IntegrityError as e:  # e.g. an admin created one of these e-mails meanwhile
        raise Conflict(
            t("Someone changed the people in Tandem at the same moment: check the file again.")
        ) from e


def _apply(
    sf: sessionmaker[Session],
    viewer: Viewer,
    preview: ImportPreview,
    deactivate_missing: bool,
    valid_only: bool,
    progress: Progress | None,
) -> ImportResult:
    require_role(viewer, COORDINATOR)
    report = progress or _noop
    if preview.file_errors:
        raise InvalidImport(preview.file_errors[0].message)
    if preview.error_lines and not valid_only:
        raise InvalidImport(
            tn(
                "The file has {n} line with errors: nothing was imported. Fix the file and upload it again, or import only the valid lines.",
                "The file has {n} lines with errors: nothing was imported. Fix the file and upload it again, or import only the valid lines.",
                preview.error_lines,
            )
        )
    rows = preview.valid_rows
    if not rows:
        raise InvalidImport(t("No line of the file can be imported."))
    fields, now, today = preview.fields, clock.now(), clock.today()
    with sf.begin() as s:
        transaction_lock(s, "people_import")  # two imports at once would race on new e-mails
        snap = _snapshot(s, viewer)
        # Re-check against the database as it is now (it may have changed since the preview).
        checked = _against_database(preview, snap, viewer, today)
        left_alone = {a.line for a in checked.left_alone}
        rows = tuple(r for r in checked.rows if r.ok and r.line not in left_alone)
        changed_since = (
            (checked.error_lines > preview.error_lines and not valid_only)
            # Apply does exactly what the preview said: the same lines left alone …
            or left_alone != {a.line for a in preview.left_alone}
            # … and the same people deactivated for not being in the file.
            or (deactivate_missing and checked.missing_ids != preview.missing_ids)
        )
        if changed_since:
            raise InvalidImport(
                t("The people in Tandem changed since the preview: check the file again.")
            )
        report(0.05, t("Saving…"))
        new_rows = [r for r in rows if r.email not in snap.by_email]
        inserts = [
            {
                "email": r.email,
                "full_name": r.name,
                "department": r.department,
                "level": r.level,
                "job_title": r.job_title,
                "location": r.location,
                "hire_date": r.hire_date,
                "leave_date": r.leave_date,
                "language": r.language or "en",
                "is_active": _target_active(r, fields, today),
                "directory_opt_in": False,
                "created_at": now,
                "updated_at": now,
            }
            for r in new_rows
        ]
        updates: list[dict[str, Any]] = []
        changed: set[int] = set()
        leavers: list[int] = []
        reactivated = 0
        for r in rows:
            known = snap.by_email.get(r.email)
            if known is None or known.erased:
                continue
            diff = _changes(r, known, fields, today)
            if diff:
                updates.append({"id": known.id, **diff, "updated_at": now})
                changed.add(known.id)
                if diff.get("is_active") is False:
                    leavers.append(known.id)
                elif diff.get("is_active") is True:
                    reactivated += 1
        done, total = 0, max(1, len(inserts) + len(updates))
        for start in range(0, len(inserts), _CHUNK):
            # Core statements (not ORM bulk): the ORM's per-row bookkeeping doubles the time.
            s.execute(insert(PERSON), inserts[start : start + _CHUNK])
            done += len(inserts[start : start + _CHUNK])
            report(0.05 + 0.6 * done / total, t("Saving…"))
        for start in range(0, len(updates), _CHUNK):
            _bulk_update(s, updates[start : start + _CHUNK])
            done += len(updates[start : start + _CHUNK])
            report(0.05 + 0.6 * done / total, t("Saving…"))

        managers_not_found = 0
        if "manager_email" in fields:
            report(0.7, t("Linking managers…"))
            id_of = {e.lower(): i for i, e in s.execute(select(Person.id, Person.email)).all()}
            links = []
            for r in rows:
                known = snap.by_email.get(r.email)
                if known is not None and known.erased:
                    continue
                manager_id = id_of.get(r.manager_email) if r.manager_email else None
                if r.manager_email and manager_id is None:
                    managers_not_found += 1
                current = known.manager_id if known else None
                if manager_id != current:
                    links.append({"id": id_of[r.email], "manager_id": manager_id})
                    if known is not None:
                        changed.add(known.id)
            for start in range(0, len(links), _CHUNK):
                _bulk_update(s, links[start : start + _CHUNK])

        report(0.85, t("Deactivating…"))
        gone: list[int] = []
        if deactivate_missing:
            gone = sorted(checked.missing_ids)
            for start in range(0, len(gone), _CHUNK):
                s.execute(
                    update(Person)
                    .where(Person.id.in_(gone[start : start + _CHUNK]))
                    .values(is_active=False, updated_at=now)
                )
        _deactivate_accounts(s, [*leavers, *gone], now)
        result = ImportResult(
            created=len(inserts),
            updated=len(changed),
            unchanged=len(rows) - len(inserts) - len(changed),
            deactivated=len(gone),
            reactivated=reactivated,
            skipped=len(preview.rows) - len(rows) - len(left_alone),
            managers_not_found=managers_not_found,
            left_alone=len(left_alone),
        )
        audit.record(
            s,
            "people_imported",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=preview.filename[:200],
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            deactivated=result.deactivated,
            skipped=result.skipped,
            left_alone=result.left_alone,
        )
    report(1.0, t("Done."))
    return result


def _bulk_update(s: Session, rows: list[dict[str, Any]]) -> None:
    """UPDATE … WHERE id = ? as executemany, grouped by the set of columns changed."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(k for k in row if k != "id")), []).append(row)
    for columns, group in groups.items():
        stmt = (
            update(PERSON)
            .where(PERSON.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in columns})
        )
        s.execute(stmt, [{"_id": r["id"], **{c: r[c] for c in columns}} for r in group])


def _deactivate_accounts(s: Session, person_ids: Sequence[int], now: dt.datetime) -> None:
    """Deactivate the accounts of these people; their open sessions end at once."""
    for start in range(0, len(person_ids), _CHUNK):
        s.execute(
            update(Account)
            .where(Account.person_id.in_(person_ids[start : start + _CHUNK]))
            .where(Account.is_active.is_(True))
            .values(is_active=False, sessions_revoked_before=now)
        )


def template_csv() -> bytes:
    """An example file with every column, for the coordinator to fill in."""
    return (
        "email,name,department,level,manager email,location,hire date,leave date,language\r\n"
        "jeanne.roux@example.com,Jeanne Roux,Finance,L4,,Paris,2019-02-04,,fr\r\n"
        "sam.lee@example.com,Sam Lee,Finance,L3,jeanne.roux@example.com,Remote,2023-09-18,,en\r\n"
    ).encode("utf-8-sig")


# --------------------------------------------------------------------------- the people list


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    name: str
    email: str
    department: str | None
    level: str | None
    location: str | None
    manager: str | None
    hire_date: dt.date | None
    is_active: bool
    username: str | None
    invitation: str  # account | pending | expired | used | replaced | none
    invited_at: dt.datetime | None


@dataclass(frozen=True)
class PeoplePage:
    rows: tuple[PersonRow, ...]
    total: int


@dataclass(frozen=True)
class PeopleSummary:
    active: int
    inactive: int
    with_account: int
    invited: int  # without an account, with a valid invitation
    not_invited: int  # without an account, without a valid invitation


PEOPLE_FILTERS = ("all", "active", "inactive", "no_account", "invited", "not_invited")


def _latest_invitation():  # type: ignore[no-untyped-def]
    return (
        select(Invitation.person_id, func.max(Invitation.id).label("invitation_id"))
        .group_by(Invitation.person_id)
        .subquery()
    )


def list_people(
    sf: sessionmaker[Session],
    viewer: Viewer,
    query: str = "",
    *,
    status: str = "all",
    limit: int = 200,
    offset: int = 0,
) -> PeoplePage:
    """People matching ``query`` (name, e-mail, department), with account and invitation state."""
    require_role(viewer, COORDINATOR)
    if status not in PEOPLE_FILTERS:
        raise InvalidInput(t("Unknown filter."))
    manager = aliased(Person)
    latest = _latest_invitation()
    now = clock.now()
    valid = (
        Invitation.used_at.is_(None)
        & Invitation.revoked_at.is_(None)
        & (Invitation.expires_at > now)
    )
    stmt = (
        select(Person, manager.full_name, Account.username, Invitation)
        .outerjoin(manager, manager.id == Person.manager_id)
        .outerjoin(Account, Account.person_id == Person.id)
        .outerjoin(latest, latest.c.person_id == Person.id)
        .outerjoin(Invitation, Invitation.id == latest.c.invitation_id)
        .where(Person.erased_at.is_(None))
    )
    if query.strip():
        like = f"%{query.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(Person.full_name).like(like),
                func.lower(Person.email).like(like),
                func.lower(func.coalesce(Person.department, "")).like(like),
            )
        )
    if status == "active":
        stmt = stmt.where(Person.is_active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(Person.is_active.is_(False))
    elif status == "no_account":
        stmt = stmt.where(Account.id.is_(None))
    elif status == "invited":
        stmt = stmt.where(Account.id.is_(None), Invitation.id.is_not(None), valid)
    elif status == "not_invited":
        stmt = stmt.where(
            Account.id.is_(None), Person.is_active.is_(True), or_(Invitation.id.is_(None), ~valid)
        )
    with sf.begin() as s:
        total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        found = s.execute(stmt.order_by(Person.full_name, Person.id).limit(limit).offset(offset))
        rows = tuple(
            PersonRow(
                person_id=p.id,
                name=p.full_name,
                email=p.email,
                department=p.department,
                level=p.level,
                location=p.location,
                manager=manager_name,
                hire_date=p.hire_date,
                is_active=p.is_active,
                username=username,
                invitation="account"
                if username
                else (invitation_state(inv, now) if inv else "none"),
                invited_at=inv.created_at if inv else None,
            )
            for p, manager_name, username, inv in found
        )
    return PeoplePage(rows, total)


def people_summary(sf: sessionmaker[Session], viewer: Viewer) -> PeopleSummary:
    """How many people are active, have an account, are invited or still to invite."""
    require_role(viewer, COORDINATOR)
    now = clock.now()
    latest = _latest_invitation()
    valid = (
        Invitation.used_at.is_(None)
        & Invitation.revoked_at.is_(None)
        & (Invitation.expires_at > now)
    )
    with sf.begin() as s:
        base = select(func.count(Person.id)).where(Person.erased_at.is_(None))
        active = s.scalar(base.where(Person.is_active.is_(True))) or 0
        inactive = s.scalar(base.where(Person.is_active.is_(False))) or 0
        with_account = (
            s.scalar(base.join(Account, Account.person_id == Person.id).where(Person.is_active))
            or 0
        )
        invited = (
            s.scalar(
                base.outerjoin(Account, Account.person_id == Person.id)
                .join(latest, latest.c.person_id == Person.id)
                .join(Invitation, Invitation.id == latest.c.invitation_id)
                .where(Account.id.is_(None), Person.is_active.is_(True), valid)
            )
            or 0
        )
    return PeopleSummary(
        active=active,
        inactive=inactive,
        with_account=with_account,
        invited=invited,
        not_invited=active - with_account - invited,
    )
