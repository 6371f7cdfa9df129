"""People import (coordinators), in two steps so that nothing is written before the
coordinator has read the validation report: :func:`preview` parses and checks every line
and says what would change; :func:`apply` upserts by e-mail in one transaction with bulk
statements (one query loads everybody; inserts and updates are executemany), links
managers in a second pass and, on request, deactivates people no longer in the file.

Apply does exactly what the preview said, or refuses when the people changed meanwhile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidImport, InvalidInput
from core.kernel.i18n import t, tn
from core.kernel.store import transaction_lock
from core.people import compare, import_undo
from core.people.people_file import Progress
from core.people.report import ImportPreview, ImportResult, ImportRow
from core.people.validation import noop, parse
from db.folding import sort_name
from db.models import Account, Person

_CHUNK = 1000
PERSON: Table = Person.__table__  # type: ignore[assignment]


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
        snap = compare.snapshot(s, viewer)
    result = compare.against_database(parsed, snap, viewer, clock.today())
    (progress or noop)(1.0, t("Checked."))
    return result


# --------------------------------------------------------------------------- apply


def apply(
    sf: sessionmaker[Session],
    viewer: Viewer,
    preview: ImportPreview,
    *,
    deactivate_missing: bool = False,
    confirm_missing: int | None = None,
    valid_only: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Upsert the previewed people by e-mail, in one transaction. Idempotent.

    Refused while the report has errors, unless ``valid_only`` (lines with errors are
    then left out). ``deactivate_missing`` deactivates active people who are not in
    the file (never admins nor the viewer): their accounts too, sessions revoked; the
    coordinator confirms it by typing how many (``confirm_missing``), and can undo it for
    30 days (:mod:`core.people.import_undo`).
    """
    require_role(viewer, COORDINATOR)
    _refuse_errors(preview, valid_only)
    if deactivate_missing and confirm_missing != preview.missing:
        raise InvalidInput(
            tn(
                "Type {n} to confirm that {n} person is deactivated: nothing was imported.",
                "Type {n} to confirm that {n} people are deactivated: nothing was imported.",
                preview.missing,
            )
        )
    report = progress or noop
    now, today = clock.now(), clock.today()
    try:
        with sf.begin() as s:
            transaction_lock(s, "people_import")  # two imports at once would race on new e-mails
            snap = compare.snapshot(s, viewer)
            checked = _recheck(preview, snap, viewer, today, deactivate_missing, valid_only)
            left_alone = {a.line for a in checked.left_alone}
            rows = tuple(r for r in checked.rows if r.ok and r.line not in left_alone)
            report(0.05, t("Saving…"))
            saved = _save_people(s, rows, snap, preview.fields, now, today, report)
            managers_not_found = 0
            if "manager_email" in preview.fields:
                report(0.7, t("Linking managers…"))
                managers_not_found = _link_managers(s, rows, snap, saved.changed)
            report(0.85, t("Deactivating…"))
            gone = sorted(checked.missing_ids) if deactivate_missing else []
            import_undo.record(s, viewer, preview.filename, gone, now)
            _deactivate_people(s, gone, now)
            _deactivate_accounts(s, [*saved.leavers, *gone], now)
            result = ImportResult(
                created=saved.created,
                updated=len(saved.changed),
                unchanged=len(rows) - saved.created - len(saved.changed),
                deactivated=len(gone),
                reactivated=saved.reactivated,
                skipped=len(preview.rows) - len(rows) - len(left_alone),
                managers_not_found=managers_not_found,
                left_alone=len(left_alone),
            )
            audit.by(
                s,
                viewer,
                "people_imported",
                target=preview.filename[:200],
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
                deactivated=result.deactivated,
                skipped=result.skipped,
                left_alone=result.left_alone,
            )
    except IntegrityError as e:  # e.g. an admin created one of these e-mails meanwhile
        raise Conflict(
            t("Someone changed the people in Tandem at the same moment: check the file again.")
        ) from e
    report(1.0, t("Done."))
    return result


def _refuse_errors(preview: ImportPreview, valid_only: bool) -> None:
    """Nothing is imported from a file with errors, unless only its valid lines are asked for."""
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
    if not preview.valid_rows:
        raise InvalidImport(t("No line of the file can be imported."))


def _recheck(
    preview: ImportPreview,
    snap: compare.Snapshot,
    viewer: Viewer,
    today: dt.date,
    deactivate_missing: bool,
    valid_only: bool,
) -> ImportPreview:
    """The preview checked again against the database as it is now; refused when the
    import would no longer do exactly what the preview said."""
    checked = compare.against_database(preview, snap, viewer, today)
    changed_since = (
        (checked.error_lines > preview.error_lines and not valid_only)
        # The same lines left alone …
        or {a.line for a in checked.left_alone} != {a.line for a in preview.left_alone}
        # … and the same people deactivated for not being in the file.
        or (deactivate_missing and checked.missing_ids != preview.missing_ids)
    )
    if changed_since:
        raise InvalidImport(
            t("The people in Tandem changed since the preview: check the file again.")
        )
    return checked


@dataclass(frozen=True)
class _Saved:
    created: int
    changed: set[int]  # ids of people already in Tandem whose record changed
    leavers: list[int]  # of those, who became inactive (a leave date reached)
    reactivated: int


def _save_people(
    s: Session,
    rows: Sequence[ImportRow],
    snap: compare.Snapshot,
    fields: frozenset[str],
    now: dt.datetime,
    today: dt.date,
    report: Progress,
) -> _Saved:
    """Insert the new people and update the changed ones, in chunks of executemany."""
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
            "is_active": compare.target_active(r, fields, today),
            "directory_opt_in": False,
            "created_at": now,
            "updated_at": now,
        }
        for r in rows
        if r.email not in snap.by_email
    ]
    updates: list[dict[str, Any]] = []
    changed: set[int] = set()
    leavers: list[int] = []
    reactivated = 0
    for r in rows:
        known = snap.by_email.get(r.email)
        if known is None or known.erased:
            continue
        diff = compare.changes(r, known, fields, today)
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
    return _Saved(len(inserts), changed, leavers, reactivated)


def _link_managers(
    s: Session, rows: Sequence[ImportRow], snap: compare.Snapshot, changed: set[int]
) -> int:
    """Point each person at their manager (second pass: both may be new); adds to
    ``changed`` the people whose manager changed. Returns how many managers were not found."""
    id_of = {e.lower(): i for i, e in s.execute(select(Person.id, Person.email)).all()}
    links, not_found = [], 0
    for r in rows:
        known = snap.by_email.get(r.email)
        if known is not None and known.erased:
            continue
        manager_id = id_of.get(r.manager_email) if r.manager_email else None
        if r.manager_email and manager_id is None:
            not_found += 1
        current = known.manager_id if known else None
        if manager_id != current:
            links.append({"id": id_of[r.email], "manager_id": manager_id})
            if known is not None:
                changed.add(known.id)
    for start in range(0, len(links), _CHUNK):
        _bulk_update(s, links[start : start + _CHUNK])
    return not_found


def _bulk_update(s: Session, rows: list[dict[str, Any]]) -> None:
    """UPDATE … WHERE id = ? as executemany, grouped by the set of columns changed."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        if "full_name" in row:  # a Core UPDATE: the model's validator does not see it
            row = {**row, "sort_name": sort_name(row["full_name"])}
        groups.setdefault(tuple(sorted(k for k in row if k != "id")), []).append(row)
    for columns, group in groups.items():
        stmt = (
            update(PERSON)
            .where(PERSON.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in columns})
        )
        s.execute(stmt, [{"_id": r["id"], **{c: r[c] for c in columns}} for r in group])


def _deactivate_people(s: Session, person_ids: Sequence[int], now: dt.datetime) -> None:
    """Deactivate these people (no longer in the file)."""
    for start in range(0, len(person_ids), _CHUNK):
        s.execute(
            update(Person)
            .where(Person.id.in_(person_ids[start : start + _CHUNK]))
            .values(is_active=False, updated_at=now)
        )


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
