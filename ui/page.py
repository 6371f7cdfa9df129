"""What every page does first: find the store and the viewer, and re-check the role."""

from __future__ import annotations

import streamlit as st

from core.access import Viewer, require_page
from core.errors import NotAllowed
from core.store import Store
from ui.auth import current_viewer
from ui.store import get_store


def guard(page: str) -> tuple[Store, Viewer]:
    """Stop the page with a message unless the viewer's roles allow ``page``."""
    viewer = current_viewer()
    try:
        require_page(viewer, page)
    except NotAllowed as e:
        st.error(str(e))
        st.stop()
    assert viewer is not None
    return get_store(), viewer
