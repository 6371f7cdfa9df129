"""What every page does first: find the store and the viewer, and re-check the role."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from core.kernel.access import Viewer, require_page
from core.kernel.errors import NotAllowed
from core.kernel.store import Store
from ui.auth import current_viewer
from ui.store import get_store

ROUTED_KEY = "tandem_routed"  # set by Home.py: this session has been through the router


def ensure_router() -> None:
    """Make sure this run went through the router (Home.py), not straight to a page file.

    Until a script first calls st.navigation, Streamlit 1.67 serves a `pages/` folder the
    old way: the first request after a server start that asks for a page's address runs
    that file alone, without sign-in. Switch Streamlit to the router and run again: the
    page's address (and query string) are kept, so the user lands where they meant to.
    """
    if PagesManager.uses_pages_directory and not st.session_state.get(ROUTED_KEY):
        PagesManager.uses_pages_directory = False
        st.rerun()


def guard(page: str) -> tuple[Store, Viewer]:
    """Stop the page with a message unless the viewer's roles allow ``page``."""
    ensure_router()
    viewer = current_viewer()
    try:
        require_page(viewer, page)
    except NotAllowed as e:
        st.error(str(e))
        st.stop()
    assert viewer is not None
    return get_store(), viewer
