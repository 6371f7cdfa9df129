"""The coordinator dashboard and the surveys page in a real browser: the Vega-Lite charts
actually draw (served as a server serves them, without the schema check).

coord reads Tandem in French (the account's language), admin in English; the
screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import pytest

from core.kernel.i18n import t
from tests.e2e.conftest import open_signed_in, screenshot, sign_in, wait_idle
from ui.dashboard.sections import CHARTS, SECTIONS

pytestmark = pytest.mark.browser

CHART = '[data-testid="stVegaLiteChart"]'
# The first words each section draws (a chart's title, or the section's heading).
FIRST = {
    "participation": "Enrolment over time",
    "growth": "Goals set and achieved",
    "surveys": "Net Promoter Score over time",
    "retention": "Retention: still employed after 6 and 12 months",
    "exports": "Exports",
}
DRAWN = f"{CHART} canvas, {CHART} svg"


def open_dashboard(page, url: str) -> None:  # type: ignore[no-untyped-def]
    # Tall enough that Streamlit lays out (and Vega draws) every chart at once.
    page.set_viewport_size({"width": 1300, "height": 4200})
    open_signed_in(page, url, "coord_dashboard")  # the one way a browser test opens a page
    page.wait_for_selector(DRAWN, timeout=60_000)


@pytest.mark.parametrize(
    ("username", "title", "match_rate"),
    [
        ("coord", "Tableau de bord du programme", "Taux d’appariement"),
        ("admin", "Programme dashboard", "Match rate"),
    ],
)
def test_the_dashboard_draws_its_charts_for_a_coordinator(
    app_url, new_context, username, title, match_rate
):
    page = new_context().new_page()
    sign_in(page, app_url, username)
    open_dashboard(page, app_url)

    assert page.get_by_role("heading", name=title).is_visible()
    assert page.get_by_text(match_rate, exact=True).first.is_visible()
    path = screenshot(page, f"dashboard-{username}")
    assert path.stat().st_size > 50_000
    lang = "fr" if username == "coord" else "en"
    drawn_in_all = 0
    for code, label in SECTIONS.items():  # each section in turn, as a person clicks them
        if code != "overview":
            page.locator(".st-key-dash_section button", has_text=t(label, lang)).click()
            # The click reruns the page: wait for the section's own first words, then the end
            # of the run (an idle page right after the click may still be the last section).
            page.get_by_text(t(FIRST[code], lang), exact=True).first.wait_for(timeout=60_000)
            wait_idle(page)
        assert page.locator('[data-testid="stException"]').count() == 0, code
        if code in CHARTS:
            page.wait_for_selector(DRAWN, timeout=60_000)
        drawn_in_all += _every_chart_drawn(page, code)
    assert drawn_in_all >= 8


def _every_chart_drawn(page, where: str) -> int:  # type: ignore[no-untyped-def]
    """Every chart element holds a drawn canvas or svg with a real size, not an empty box."""
    charts = page.locator(CHART)
    for i in range(charts.count()):
        drawn = charts.nth(i).locator("canvas, svg").first
        drawn.wait_for(timeout=30_000)
        box = drawn.bounding_box()
        assert box is not None and box["width"] > 150 and box["height"] > 60, (where, i)
    return int(charts.count())


def test_the_surveys_page_draws_its_results_charts(app_url, new_context):
    page = new_context().new_page()
    page.set_viewport_size({"width": 1300, "height": 4200})
    sign_in(page, app_url, "admin")
    open_signed_in(page, app_url, "coord_surveys")
    page.get_by_role("heading", name="NPS over time").wait_for(timeout=60_000)
    page.wait_for_selector(DRAWN, timeout=60_000)
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    # the NPS over time (three layers) and the answers of each scale question
    assert _every_chart_drawn(page, "surveys") >= 3
    screenshot(page, "surveys-admin")


def test_a_participant_has_no_dashboard_in_the_browser_either(app_url, new_context):
    page = new_context().new_page()
    sign_in(page, app_url, "hugo")
    page.goto(f"{app_url}/coord_dashboard")
    wait_idle(page)
    page.get_by_role("button", name="Sign out").wait_for()
    wait_idle(page)
    # The address is not registered for a participant: Streamlit falls back to Home, whose
    # own "my progress" chart may show; nothing of the dashboard does.
    assert page.get_by_role("heading", name="Programme dashboard").count() == 0
    assert page.locator(".st-key-dash_csv").count() == 0
