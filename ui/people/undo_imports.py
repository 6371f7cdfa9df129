"""People page, tab "Import a file": the imports whose deactivations can still be undone."""

from __future__ import annotations

import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import format_date, t, tn
from core.kernel.store import Store
from core.people import import_undo
from ui.actions import act, flash
from ui.widgets import md_escape
from ui.zone import local_time, viewer_zone

WHERE = "people_undo"


def _done(result: import_undo.UndoResult) -> str:
    said = tn(
        "Import undone: {n} person is active again.",
        "Import undone: {n} people are active again.",
        result.reactivated,
    )
    if result.left:
        said += "\n" + tn(
            "{n} person changed since the import (edited or deactivated by hand) is left as they are.",
            "{n} people changed since the import (edited or deactivated by hand) are left as they are.",
            result.left,
        )
    return said


def undo_imports(store: Store, viewer: Viewer) -> None:
    """One "Undo this import" per recent import that deactivated people."""
    flash(WHERE)
    undoable = import_undo.undoable_imports(store.sf, viewer)
    zone = viewer_zone(store, viewer)
    if not undoable:
        return
    st.header(t("Recent deactivations"))
    for row in undoable:
        with st.container(border=True):
            st.markdown(
                tn(
                    "**{file}**, imported {when}: {n} person deactivated",
                    "**{file}**, imported {when}: {n} people deactivated",
                    row.deactivated,
                    file=md_escape(row.filename),
                    when=local_time(row.at, zone),
                )
            )
            st.caption(
                t(
                    "{inactive} of them still inactive. Can be undone until {date}; their sessions stay signed out.",
                    inactive=row.still_inactive,
                    date=format_date(row.until),
                )
            )
            st.button(
                t("Undo this import"),
                key=f"people_undo_{row.import_id}",
                on_click=act,
                args=(WHERE, import_undo.undo_import, row.import_id),
                kwargs={"done": _done},
            )
