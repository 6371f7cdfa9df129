"""A checked people file against the people already in Tandem: who is new, what changes,
which managers exist, loops in the chain of managers, lines left alone by the authority
rule (:mod:`core.people.authority`) and who "deactivate the missing" would deactivate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kernel.access import ADMIN, Viewer
from core.kernel.i18n import t
from core.people import authority
from core.people.report import ImportPreview, ImportRow, Issue, LeftAlone
from core.people.validation import TEXT_FIELDS
from db.models import Account, AccountRole, Person


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


@dataclass(frozen=True)
class Known:
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
class Snapshot:
    by_email: dict[str, Known]
    email_of: dict[int, str]
    protected: frozenset[int]  # person ids an import never deactivates (admins, the viewer)
    above: dict[int, str]  # person id → their highest role, when above the importer's


def snapshot(s: Session, viewer: Viewer) -> Snapshot:
    """Everybody already in Tandem, in one query (plus one for the roles)."""
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
    by_email: dict[str, Known] = {}
    email_of: dict[int, str] = {}
    for r in rows:
        known = Known(
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
    admins = [pid for pid, held in roles.items() if ADMIN in held]
    return Snapshot(
        by_email, email_of, frozenset([*admins, viewer.person_id]), authority.above(roles, viewer)
    )


def target_active(row: ImportRow, fields: frozenset[str], today: dt.date) -> bool:
    """Whether the person is active after the import (a leave date today or past: no)."""
    return not ("leave_date" in fields and row.leave_date is not None and row.leave_date <= today)


def changes(row: ImportRow, known: Known, fields: frozenset[str], today: dt.date) -> dict[str, Any]:
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
    wanted["is_active"] = target_active(row, fields, today)
    return {k: v for k, v in wanted.items() if getattr(known, k) != v}


def _manager_changes(row: ImportRow, known: Known | None, snap: Snapshot) -> bool:
    current = snap.email_of.get(known.manager_id) if known and known.manager_id else None
    return current != row.manager_email


def _missing(snap: Snapshot, file_emails: frozenset[str]) -> tuple[list[int], int]:
    """Active people not in the file that an import may deactivate, and how many are kept."""
    ids, kept = [], 0
    for email, known in snap.by_email.items():
        if known.is_active and not known.erased and email not in file_emails:
            if known.id in snap.protected:
                kept += 1
            else:
                ids.append(known.id)
    return ids, kept


def _manager_issues(
    parsed: ImportPreview, snap: Snapshot
) -> tuple[dict[int, list[Issue]], list[Issue]]:
    """Errors by line (own manager, unknown manager, a loop) and warnings about managers."""
    bad: dict[int, list[Issue]] = {}
    warnings: list[Issue] = []
    column = parsed.column("manager_email")
    valid_emails = {r.email for r in parsed.rows if r.ok}
    parent = {email: snap.email_of.get(k.manager_id or 0) for email, k in snap.by_email.items()}
    for r in parsed.rows:
        if r.email:
            parent[r.email] = r.manager_email
    loops = _loops(parent, [r.email for r in parsed.rows if r.ok])
    for r in parsed.rows:
        if not r.manager_email:
            continue
        if r.manager_email == r.email:
            message = t("A person cannot be their own manager.")
        elif r.manager_email not in parsed.file_emails and r.manager_email not in snap.by_email:
            message = t(
                "The manager {email} is neither in the file nor in Tandem.", email=r.manager_email
            )
        elif r.email in loops:
            loop = loops[r.email]
            message = t("The managers form a loop: {chain}.", chain=" → ".join([*loop, loop[0]]))
        else:
            if (
                r.ok
                and r.manager_email not in valid_emails
                and r.manager_email not in snap.by_email
            ):
                warning = t(
                    "The manager {email} is on a line with errors: if only the valid lines are imported, this person gets no manager.",
                    email=r.manager_email,
                )
                warnings.append(Issue(r.line, column, warning, is_error=False))
            continue
        bad.setdefault(r.line, []).append(Issue(r.line, column, message))
    return bad, warnings


def against_database(
    parsed: ImportPreview, snap: Snapshot, viewer: Viewer, today: dt.date
) -> ImportPreview:
    """Add what needs the database: managers known, loops, self-deactivation, what changes."""
    issues = list(parsed.issues)
    fields = parsed.fields
    bad: dict[int, list[Issue]] = {}
    if "manager_email" in fields:
        bad, warnings = _manager_issues(parsed, snap)
        issues.extend(warnings)
    rows, left = [], []
    for r in parsed.rows:
        if r.line in bad:
            issues.extend(bad[r.line])
            rows.append(replace(r, status="error"))
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
            rows.append(replace(r, status="unchanged"))
            continue
        diff = changes(r, known, fields, today)
        reason = authority.guarded(known.id, diff, snap.above, viewer)
        if reason:
            left.append(LeftAlone(r.line, r.email, reason))
            issues.append(Issue(r.line, parsed.column("email"), reason, is_error=False))
            rows.append(replace(r, status="unchanged"))
            continue
        changed = list(diff)
        if "manager_email" in fields and _manager_changes(r, known, snap):
            changed.append("manager_id")
        rows.append(
            replace(r, status="changed" if changed else "unchanged", changes=tuple(changed))
        )
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
