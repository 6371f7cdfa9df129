"""Which programme a coordinator's page is about: a picker that opens on the one enrolling now."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from core.kernel.access import Viewer
from core.kernel.i18n import t
from core.programmes import programmes


def pick_programme(
    sf: sessionmaker[Session], viewer: Viewer, *, key: str, show_state: bool = False
) -> int:
    """The chosen programme's id; by default the one whose enrolment is open, else the newest.

    With no programme at all the page says so and stops.
    """
    rows = programmes.list_programmes(sf, viewer)
    if not rows:
        st.info(t("No programme yet."))
        st.stop()
    default = next(
        (r.programme_id for r in rows if r.status == programmes.ProgrammeStatus.ENROLMENT),
        rows[0].programme_id,
    )
    # Labels computed once: format_func must not translate (AppTest calls it outside the run).
    labels = {
        r.programme_id: f"{r.name} · {programmes.status_label(r.status)}" if show_state else r.name
        for r in rows
    }
    ids = list(labels)
    return int(
        st.selectbox(t("Programme"), ids, index=ids.index(default), format_func=labels.get, key=key)
    )
