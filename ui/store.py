"""The store handle, opened once per process (and per DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import random
import threading
import time

import streamlit as st

from core.accounts.setup import has_admin, issue_setup_code, printed_at
from core.insights.dashboard import warm
from core.insights.table_cache import TableCache
from core.kernel import clock
from core.kernel.config import demo_mode, warm_dashboard
from core.kernel.store import Store, open_store
from db.engine import default_url
from demo import company as demo
from ui.dashboard.filters import kept_parts

log = logging.getLogger("tandem")

# Python's collector looks at its young objects every 700 new ones, and at those that
# survived again and again on every tenth look; a server building a company's figures
# makes millions of rows and cells, and on a cold dashboard spent a fifth of its time
# there (measured 1 076 → 792 ms at 10 000; 50 000 gains nothing more). Set once per
# process, when its store opens.
YOUNG_OBJECTS = 10_000


def _warm(store: Store, kept: TableCache) -> None:
    """Build the dashboard's parts in the background (the first coordinator finds them),
    or take those another server built (core.insights.shared_parts); then set what the
    process holds aside from the collector (:func:`_set_aside`)."""
    try:
        taken = kept.taken
        built = warm(store.sf, kept)
        log.info(
            "Tandem: %d dashboard parts built at start, %d taken from the database.",
            built,
            kept.taken - taken,
        )
    except Exception:  # a figure not built now is built at the first view
        log.exception("Tandem: the dashboard's parts could not be built at start")
    _set_aside()


def _set_aside() -> None:
    """Python's full collection looks at every object the process holds: with a company's
    parts kept (~180 000 objects) each took 64 ms, added to whichever view ran it. Objects
    alive after a warm-up are mostly those parts: frozen, the collector skips them (64 ms
    -> 0). What was frozen the day before is looked at again first, so an object frozen
    then and since left in a cycle (a closed session's state) is freed within a day."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def until_next_day(now: dt.datetime, spread: float) -> float:
    """Seconds from ``now`` (naive UTC) to a moment just after the next midnight, ``spread``
    seconds at most later (servers started together do not all build at once: the first
    writes the parts, the others take them: core.insights.shared_parts)."""
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
    return (midnight - now).total_seconds() + 5 + random.uniform(0, spread)  # noqa: S311


def _daily(store: Store, kept: TableCache) -> None:
    """Build the parts again each day, just after midnight: today is in every part's scope,
    so the first coordinator of the day would otherwise wait for a cold build."""
    while True:
        time.sleep(until_next_day(clock.now(), spread=120))
        _warm(store, kept)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
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
    if warm_dashboard():
        kept = kept_parts(store)
        threading.Thread(target=_warm, args=(store, kept), name="tandem-warm", daemon=True).start()
        threading.Thread(
            target=_daily, args=(store, kept), name="tandem-daily", daemon=True
        ).start()
    return store


def get_store() -> Store:
    return _store(default_url())
