"""Every page of camille, coord and admin, in English and in French, and the sign-in page
pass axe-core with no serious or critical violation (every rule, none skipped), and with
headings one level apart.

One sign-in per role and language: the account's language is switched on My profile (the
account's setting decides the language once signed in, ui/locale.py), then every page the
sidebar offers is opened by its link, as a person would, and checked. A failure lists every
violation: role, language, page, rule, impact and the elements (axe's selectors).
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from core.kernel.access import Viewer, can_open
from demo.company import DEMO_LOGINS
from tests.e2e.conftest import screenshot, sign_in, wait_idle
from ui.nav import PAGES

pytestmark = pytest.mark.browser

AXE = Axe()
BLOCKING = ("serious", "critical")
# Moderate rules that were once broken on most pages and are kept fixed: headings one level
# apart (a screen reader's outline of the page).
KEPT = ("heading-order",)
NAV = ".st-key-tandem_nav"  # the sidebar's navigation (ui/sidebar.draw)
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
SIGN_OUT = {"en": "Sign out", "fr": "Se déconnecter"}
ROLE_OF = dict(DEMO_LOGINS)


def blocking_violations(page: Any, where: str) -> list[str]:
    """axe-core on the page as it is now: one line per serious or critical violation (or a
    violation of a KEPT rule)."""
    found = AXE.run(page).response["violations"]
    return [
        f"{where}: {v['id']} ({v['impact']}) on {len(v['nodes'])} element(s): "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:8])
        + (" …" if len(v["nodes"]) > 8 else "")
        for v in found
        if v["impact"] in BLOCKING or v["id"] in KEPT
    ]


def registered_pages(username: str) -> set[str]:
    """The page ids the router registers for this demo account (its role, per core)."""
    viewer = Viewer(0, 0, username, username, roles=frozenset({ROLE_OF[username]}))
    return {spec.page_id for spec in PAGES if can_open(viewer, spec.page_id)}


def open_link(page: Any, base_url: str, href: str) -> None:
    """Follow a sidebar link and wait for that page's run to finish."""
    page.locator(f'{NAV} a[data-testid="stPageLink-NavLink"][href="{href}"]').click()
    page.wait_for_url(f"{base_url}/{href}")
    wait_idle(page)
    page.locator("h1").first.wait_for()


def report(problems: list[str], checked: list[str]) -> str:
    return (
        f"{len(problems)} serious or critical axe-core violation(s) on "
        f"{len({p.split(': ')[0] for p in problems})} of {len(checked)} page(s):\n"
        + "\n".join(problems)
    )


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("username", ["camille", "coord", "admin"])
def test_every_page_of_a_role_passes_axe_core_in_each_language(
    app_url, new_context, username, language
):
    page = new_context().new_page()
    sign_in(page, app_url, username)
    open_link(page, app_url, "profile")
    choice = page.get_by_role("radio", name=LANGUAGE_NAMES[language])
    if not choice.is_checked():
        choice.check(force=True)  # the radio's input is visually hidden behind its label
        wait_idle(page)
    assert page.get_by_role("radio", name=LANGUAGE_NAMES[language]).is_checked()
    page.get_by_role("button", name=SIGN_OUT[language]).wait_for()  # the app now speaks it

    hrefs = page.eval_on_selector_all(
        f'{NAV} a[data-testid="stPageLink-NavLink"]',
        "links => links.map(a => a.getAttribute('href'))",
    )
    # The sidebar offers exactly the pages registered for the role (Home is at "/").
    assert {h or "home" for h in hrefs} == registered_pages(username)

    problems: list[str] = []
    for href in hrefs:
        open_link(page, app_url, href)
        where = f"{username} {language} /{href}"
        # The page says its language (axe only checks that <html lang> is a valid code).
        assert page.evaluate("document.documentElement.lang") == language, where
        found = blocking_violations(page, where)
        if found:
            screenshot(page, f"axe-{username}-{language}-{href or 'home'}")
        problems += found
    assert not problems, report(problems, hrefs)


@pytest.mark.parametrize("locale", ["en-GB", "fr-FR"])
def test_the_sign_in_page_passes_axe_core_in_each_language(app_url, new_context, locale):
    page = new_context(locale=locale).new_page()
    page.goto(app_url)
    page.get_by_role("textbox", name="Username" if locale == "en-GB" else "Identifiant").wait_for(
        timeout=90_000
    )
    wait_idle(page)
    assert page.evaluate("document.documentElement.lang") == locale[:2]
    problems = blocking_violations(page, f"signed out {locale} /")
    if problems:
        screenshot(page, f"axe-signed-out-{locale}")
    assert not problems, report(problems, ["/"])
