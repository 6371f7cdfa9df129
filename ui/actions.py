"""One way for a page to run a service and say how it went.

A widget's callback calls :func:`act`; the page draws :func:`flash` where the
message belongs (next to the form or the item it is about). Errors are the
domain's (``TandemError``), already translated, and the database's own refusal to
answer in time (SQLite's write lock held past its wait by another server's long
write, a PostgreSQL connection lost): said plainly, what was typed kept, nothing
half-saved (the transaction rolled back). Anything else is a bug and is left to
Streamlit's error page rather than hidden.

    def save() -> None:
        act("goal-3", goals.update_goal, 3, title=..., done=t("Saved."), clear=("goal_3_title",))

    flash("goal-3")
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import N_, t
from core.kernel.tx import NOT_ANSWERING
from ui.auth import current_viewer
from ui.store import get_store

FLASH = "_flash"
BUSY = N_("The database did not answer in time: nothing was saved. Try again in a moment.")
log = logging.getLogger(__name__)


def act(
    where: str,
    service: Callable[..., Any],
    *args: Any,
    done: str | Callable[[Any], str] | None = None,
    clear: Iterable[str] = (),
    **kwargs: Any,
) -> bool:
    """Run ``service(sf, viewer, *args, **kwargs)``; remember its outcome for ``where``.

    On success the widgets named in ``clear`` are emptied and ``done`` (if any; a
    function of what the service returned when the sentence names it) is shown at
    ``where``; on a refusal the message is shown there and every field keeps what the
    person typed. Returns whether it went through.
    """
    viewer = current_viewer()
    try:
        result = service(get_store().sf, viewer, *args, **kwargs)
    except TandemError as e:
        st.session_state[FLASH] = (where, "error", str(e))
        return False
    except NOT_ANSWERING:  # busy or out of reach: transient, not the person's doing
        log.warning("%s: the database did not answer", where, exc_info=True)
        st.session_state[FLASH] = (where, "error", t(BUSY))
        return False
    for key in clear:
        st.session_state.pop(key, None)
    message = done(result) if callable(done) else done
    st.session_state[FLASH] = (where, "success", message) if message else None
    return True


def flash(where: str) -> None:
    """Show the message of the last action at ``where``, if it was about ``where``."""
    message = st.session_state.get(FLASH)
    if message and message[0] == where:
        # A refusal may list several problems, one per line: Markdown needs "  \n" to keep them.
        (st.error if message[1] == "error" else st.success)(message[2].replace("\n", "  \n"))


def fail(where: str, message: str) -> None:
    """Show a refusal at ``where`` that did not come from a service (e.g. a page check)."""
    st.session_state[FLASH] = (where, "error", message)
