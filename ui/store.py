"""The store handle, opened once per process (and per DATABASE_URL)."""

from __future__ import annotations

import logging

import streamlit as st

from core.accounts.setup import has_admin, issue_setup_code, printed_at
from core.kernel.config import demo_mode
from core.kernel.store import Store, open_store
from db.engine import default_url
from demo import company as demo

log = logging.getLogger("tandem")


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    store = open_store(url)  # upgrades the schema under a lock
    if demo_mode():
        if demo.seed_demo(store.sf):
            log.warning("Tandem: demo company seeded (logins admin, coord, camille, hugo).")
    elif not has_admin(store.sf):
        code = issue_setup_code(store.sf)
        if code:
            # The server log is the channel: only whoever runs the server reads it.
            print(
                f"\n  Tandem set-up code (creates the first admin, works once): {code}\n",
                flush=True,
            )
        elif (when := printed_at(store.sf)) is not None:
            print(
                f"\n  Tandem set-up code: printed at {when:%H:%M} UTC in the log of the server"
                " that started first (one code for all servers).\n",
                flush=True,
            )
    return store


def get_store() -> Store:
    return _store(default_url())
