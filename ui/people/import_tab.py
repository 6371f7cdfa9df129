"""People page, tab "Import a file": upload, validation report, preview, then the import."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import streamlit as st

from core.kernel.access import Viewer
from core.kernel.errors import TandemError
from core.kernel.i18n import N_, format_number, t, tn
from core.kernel.store import Store
from core.people import importer
from core.people.limits import LIMITS, MIB
from core.people.people_file import MAX_ROWS
from core.people.report import ImportResult

ROW_STATUS = {
    "new": N_("new"),
    "changed": N_("changed"),
    "unchanged": N_("unchanged"),
    "error": N_("error"),
}
CHANGED = {
    "email": N_("E-mail"),
    "full_name": N_("Name"),
    "department": N_("Department"),
    "level": N_("Level"),
    "job_title": N_("Job title"),
    "manager_id": N_("Manager"),
    "location": N_("Location"),
    "hire_date": N_("Hire date"),
    "leave_date": N_("Leave date"),
    "language": N_("Language"),
    "is_active": N_("Active"),
}


def _typed_number(typed: str | None) -> int | None:
    """The whole number typed to confirm, or None (core then refuses with its message)."""
    text = (typed or "").strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    return int(text) if text.isdecimal() and len(text) <= 9 else None


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _show_result(result: ImportResult) -> None:
    st.success(
        t(
            "Import done — created: {created}, updated: {updated}, unchanged: {unchanged}, deactivated: {deactivated}.",
            created=format_number(result.created),
            updated=format_number(result.updated),
            unchanged=format_number(result.unchanged),
            deactivated=format_number(result.deactivated),
        )
    )
    if result.reactivated:
        st.info(
            tn(
                "{n} person is active again; an admin reactivates their account if they had one.",
                "{n} people are active again; an admin reactivates their accounts if they had one.",
                result.reactivated,
            )
        )
    if result.skipped:
        st.warning(
            tn(
                "{n} line with errors was left out.",
                "{n} lines with errors were left out.",
                result.skipped,
            )
        )
    if result.managers_not_found:
        st.warning(
            tn(
                "{n} person has no manager: the manager's line was left out.",
                "{n} people have no manager: the manager's line was left out.",
                result.managers_not_found,
            )
        )


def import_tab(store: Store, viewer: Viewer) -> None:
    """Upload a people file, show what it would change, import it on request."""
    st.write(
        t(
            "Upload the list of employees as CSV, Excel (.xlsx, .xls) or OpenDocument (.ods). The first line names the columns: e-mail and name are required; department, level, manager e-mail, location, hire date, leave date and language are optional. People are matched by e-mail: importing the same file twice changes nothing."
        )
    )
    st.download_button(
        t("Download an example file"),
        importer.template_csv(),
        file_name="tandem-people-example.csv",
        mime="text/csv",
        key="people_template",
        on_click="ignore",
    )
    done = st.session_state.pop("people_import_result", None)
    upload = st.file_uploader(
        t("People file (CSV, Excel or OpenDocument)"),
        type=["csv", "txt", "xlsx", "xls", "ods"],
        key="people_file",
        help=t(
            "Up to {size} MB and {people} people; the first sheet of a workbook is read.",
            size=LIMITS.upload_bytes // MIB,
            people=format_number(MAX_ROWS),
        ),
    )
    if upload is not None:
        bar = st.progress(0.0, text=t("Reading the file…"))
        pv = importer.preview(
            store.sf,
            viewer,
            upload.getvalue(),
            upload.name,
            progress=lambda f, m: bar.progress(min(1.0, f), text=m),
        )
        bar.empty()
        if pv.file_errors:
            for issue in pv.file_errors:
                st.error(issue.message)
        else:
            st.write(
                t(
                    "Lines read: {lines} — new: {new}, changed: {changed}, unchanged: {unchanged}, with errors: {errors}.",
                    lines=format_number(len(pv.rows)),
                    new=format_number(pv.count("new")),
                    changed=format_number(pv.count("changed")),
                    unchanged=format_number(pv.count("unchanged")),
                    errors=format_number(pv.error_lines),
                )
            )
            report = pd.DataFrame(
                {
                    t("Line"): [i.line or "" for i in pv.issues],
                    t("Column"): [i.column for i in pv.issues],
                    t("Problem"): [i.message for i in pv.issues],
                    t("Blocks the import"): [i.is_error for i in pv.issues],
                }
            )
            if pv.errors:
                st.error(
                    tn(
                        "{n} problem must be fixed before importing (or import only the valid lines).",
                        "{n} problems must be fixed before importing (or import only the valid lines).",
                        len(pv.errors),
                    )
                )
            if pv.warnings:
                st.warning(
                    tn(
                        "{n} warning: read it before importing.",
                        "{n} warnings: read them before importing.",
                        len(pv.warnings),
                    )
                )
            if pv.issues:
                st.header(t("Validation report"))
                st.dataframe(report, hide_index=True, width="stretch")
            st.header(t("Preview"))
            st.dataframe(
                pd.DataFrame(
                    {
                        t("Line"): [r.line for r in pv.rows],
                        t("Status"): [t(ROW_STATUS[r.status]) for r in pv.rows],
                        t("E-mail"): [r.email for r in pv.rows],
                        t("Name"): [r.name for r in pv.rows],
                        t("Department"): [r.department or "" for r in pv.rows],
                        t("Level"): [r.level or "" for r in pv.rows],
                        t("Manager e-mail"): [r.manager_email or "" for r in pv.rows],
                        t("Location"): [r.location or "" for r in pv.rows],
                        t("Hire date"): [_date(r.hire_date) for r in pv.rows],
                        t("Leave date"): [_date(r.leave_date) for r in pv.rows],
                        t("Language"): [r.language or "" for r in pv.rows],
                        t("What changes"): [
                            ", ".join(t(CHANGED[c]) for c in r.changes) for r in pv.rows
                        ],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            deactivate = st.checkbox(
                tn(
                    "Also deactivate the {n} active person who is not in this file",
                    "Also deactivate the {n} active people who are not in this file",
                    pv.missing,
                ),
                key="people_deactivate_missing",
                help=t(
                    "Their accounts are deactivated and signed out. Admins and you are never deactivated by an import."
                ),
                disabled=pv.missing == 0,
            )
            typed = None
            if deactivate:
                typed = st.text_input(
                    tn(
                        "Type {n} to confirm that {n} person is deactivated and signed out",
                        "Type {n} to confirm that {n} people are deactivated and signed out",
                        pv.missing,
                    ),
                    key="people_deactivate_confirm",
                    help=t("You can undo it from this tab for 30 days."),
                )
            valid_only = False
            if pv.error_lines:
                valid_only = st.checkbox(
                    tn(
                        "Import only the valid lines ({n} line with errors is left out)",
                        "Import only the valid lines ({n} lines with errors are left out)",
                        pv.error_lines,
                    ),
                    key="people_valid_only",
                )
            if st.button(
                t("Import"),
                type="primary",
                key="people_import",
                disabled=bool(pv.errors) and not valid_only,
            ):
                bar = st.progress(0.0, text=t("Saving…"))
                try:
                    result = importer.apply(
                        store.sf,
                        viewer,
                        pv,
                        deactivate_missing=deactivate,
                        confirm_missing=_typed_number(typed),
                        valid_only=valid_only,
                        progress=lambda f, m: bar.progress(min(1.0, f), text=m),
                    )
                except TandemError as e:
                    bar.empty()
                    st.error(str(e))
                else:
                    # Counts only; shown under the button, below the refreshed preview.
                    st.session_state["people_import_result"] = dataclasses.asdict(result)
                    # A deactivation is asked for again, never carried to the next import.
                    for key in ("people_deactivate_missing", "people_deactivate_confirm"):
                        st.session_state.pop(key, None)
                    st.rerun()
            if done:
                _show_result(ImportResult(**done))
