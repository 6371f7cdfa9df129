"""Tandem's own sidebar navigation (ui/sidebar.draw) keeps what Streamlit's offered: a labelled
navigation landmark, the open page announced (aria-current), and at a phone's width the
sidebar closes once a page is chosen."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import open_signed_in, screenshot, sign_in, wait_idle

pytestmark = pytest.mark.browser

CURRENT = """() => [...document.querySelectorAll('.st-key-tandem_nav a[aria-current="page"]')]
  .map((a) => a.getAttribute('href'))"""


def follow(page, href: str) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'.st-key-tandem_nav a[href="{href}"]').click()
    page.wait_for_url(f"**/{href}")
    wait_idle(page)


def test_the_sidebar_is_a_labelled_navigation_that_marks_the_open_page(app_url, new_context):
    page = new_context().new_page()
    sign_in(page, app_url, "hugo")
    nav = page.get_by_role("navigation", name="Pages")
    assert nav.get_by_role("link", name="Reflection journal").count() == 1
    page.wait_for_function(f"() => JSON.stringify(({CURRENT})()) === '[\"\"]'")  # Home, at /
    follow(page, "journal")
    page.wait_for_function(f"() => JSON.stringify(({CURRENT})()) === '[\"journal\"]'")
    assert page.evaluate(CURRENT) == ["journal"]


def test_at_a_phone_width_choosing_a_page_closes_the_sidebar(app_url, browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = ctx.new_page()
        sign_in(page, app_url, "hugo")
        sidebar = page.get_by_test_id("stSidebar")
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]')"
            ".getBoundingClientRect().left >= 0"
        )
        follow(page, "journal")
        page.get_by_test_id("stExpandSidebarButton").wait_for()  # the sidebar closed
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]')"
            ".getBoundingClientRect().right <= 0"
        )
        assert sidebar.bounding_box()["x"] < 0
        page.get_by_role("heading", name="Reflection journal").wait_for()
    finally:
        ctx.close()


def test_a_page_of_another_role_says_so_in_the_viewers_language(app_url, new_context):
    """A coordinator's address opened by a participant (a link in an e-mail, a bookmark
    from another role): not Streamlit's English "Page not found" dialog, but Tandem's own
    refusal in French, a link home, and no link to the page in the sidebar."""
    page = new_context().new_page()
    sign_in(page, app_url, "camille")  # a participant who reads French
    open_signed_in(page, app_url, "coord_dashboard")
    page.get_by_text("Cette page n’est pas accessible à votre rôle.").wait_for()
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_test_id("stException").count() == 0
    nav = page.get_by_role("navigation", name="Pages")
    assert nav.get_by_role("link", name="Tableau de bord").count() == 0
    screenshot(page, "refused-page")
    main = page.get_by_test_id("stMain")
    main.get_by_role("link", name="Accueil").click()
    page.get_by_role("heading", name="Bonjour, Camille").wait_for()
    assert main.get_by_text("Cette page n’est pas accessible").count() == 0
