"""The sidebar's navigation is Tandem's own (ui/sidebar.draw): Streamlit's breaks the HTML
list rules (docs/upstream/streamlit-nav-list-markup.md). Same pages, order, sections, icons
and translated titles as the router registers, nothing else."""

import pytest

from core.kernel.access import Viewer, can_open
from core.kernel.i18n import t
from demo.company import DEMO_LOGINS
from tests.pages.conftest import document_language
from ui.nav import PAGES

ROLE_OF = dict(DEMO_LOGINS)


def _expected(username: str, lang: str) -> list[tuple[str, str, str]]:
    """PAGES' order, grouped by section (sections in the order they first appear)."""
    viewer = Viewer(0, 0, username, username, roles=frozenset({ROLE_OF[username]}))
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for spec in PAGES:
        if can_open(viewer, spec.page_id):
            section = t(spec.section, lang)
            sections.setdefault(section, []).append((section, t(spec.title, lang), spec.icon))
    return [link for links in sections.values() for link in links]


def _shown(at) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """(section heading, link label, icon) for every link of the sidebar, top to bottom."""
    shown, section = [], None
    for element in at.sidebar:
        if element.type == "html":
            section = element.proto.body.split(">", 1)[1].split("<", 1)[0]
        elif element.type == "page_link":
            shown.append((section, element.proto.label, element.proto.icon))
    return shown


@pytest.mark.parametrize(
    ("username", "lang"), [("camille", "fr"), ("coord", "fr"), ("admin", "en")]
)
def test_the_sidebar_links_every_registered_page_in_order_under_its_translated_section(
    open_app, username, lang
):
    at = open_app(username)  # the demo account's own language: camille and coord speak French
    assert _shown(at) == _expected(username, lang)
    assert document_language(at) == {lang}  # <html lang>: a screen reader's voice


def test_the_unsubscribe_page_is_registered_but_not_in_the_sidebar(open_app):
    at = open_app("hugo")
    labels = [link.proto.label for link in at.sidebar.get("page_link")]
    assert labels and not {t("Stop an e-mail", lang) for lang in ("en", "fr")} & set(labels)
    at.switch_page("pages/unsubscribe.py")  # still reachable from an e-mail's link
    at.run()
    assert not at.exception
