"""A download built when its button is clicked (ui.widgets.on_click): Streamlit builds it
in a thread of its own, outside the page's session, and it must still speak the page's
language and hold what the page showed."""

import threading

from core.insights import exports
from core.kernel.i18n import speaking
from ui.widgets import on_click


def _in_a_thread(fn):  # type: ignore[no-untyped-def]
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_a_download_built_on_click_in_another_thread_speaks_the_pages_language():
    rows = [exports.Row("Headline", "Enrolled", "", 32, "")]
    with speaking("fr"):
        build = on_click(exports.to_csv, rows)
        french = exports.to_csv(rows)
    with speaking("en"):
        english = exports.to_csv(rows)
    assert french != english  # the header is worded
    assert _in_a_thread(build) == french
