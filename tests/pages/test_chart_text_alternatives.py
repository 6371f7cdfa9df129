"""Every dashboard chart a coordinator sees has its figures as words: a summary, and a
table of exactly the figures the chart draws (a hidden figure hidden with the same words)."""

from __future__ import annotations

import json
from collections import Counter

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from core.insights.chart_parts import SYMBOLS
from core.kernel.i18n import t
from tests.pages.conftest import dashboard_sections
from ui.widgets import table_label

PAGE = "pages/coord_dashboard.py"
WITH_TABLE = (
    "Match rate by department, against the 70% target",
    "Pair health",
    "Enrolment over time",
    "Meetings per week: held, cancelled, moved, missed",
    "Meetings held per participant",
    "Journal and feedback activity (counts only)",
    "Net Promoter Score over time",
    "Survey answers",
    "Mentor-skills self-assessment: at enrolment and at the end",
)


def drawn(chart) -> tuple[str, list[str]]:
    """A chart's accessible description and the figures its marks show."""
    spec = json.loads(chart.proto.spec)
    for d in chart.proto.datasets:
        df = pa.ipc.open_stream(d.data.data).read_all().to_pandas()
        if "shown" in df.columns and len(df):
            return spec.get("description", ""), list(df["shown"])
    return spec.get("description", ""), []


def tables(at: AppTest) -> dict[str, list[str]]:
    return {e.label: list(e.dataframe[0].value.iloc[:, -1]) for e in at.expander if e.dataframe}


@pytest.mark.parametrize(("user", "lang"), [("admin", "en"), ("coord", "fr")])
def test_each_chart_has_a_table_with_exactly_the_figures_it_draws(open_app, user, lang):
    at = open_app(user, page=PAGE)
    assert not at.exception
    seen = set()
    captions = []
    for _ in dashboard_sections(at):
        by_label = tables(at)
        for chart in at.get("vega_lite_chart"):
            title, figures = drawn(chart)
            assert title, "every chart carries an accessible description"
            label = table_label(title, lang)
            if label in by_label:
                assert Counter(by_label[label]) == Counter(figures)
                seen.add(title)
        captions += [c.value for c in at.caption]
    assert seen == {t(x, lang) for x in WITH_TABLE}
    assert any(c.startswith(t("Pair health", lang) + " — ") for c in captions)


def test_a_hidden_figure_is_hidden_in_the_table_too(open_app):
    at = open_app("admin", page=PAGE)
    by_label = tables(at)
    health = by_label["Pair health: the figures as a table"]
    assert "fewer than 5 people" in health
    assert not any(f.isdigit() and int(f) < 5 and f != "0" for f in health)


def test_pair_health_names_each_bucket_with_a_symbol_and_words_not_colour_alone(open_app):
    at = open_app("admin", page=PAGE)
    chart = next(c for c in at.get("vega_lite_chart") if drawn(c)[0] == "Pair health")
    words = set()
    for d in chart.proto.datasets:
        df = pa.ipc.open_stream(d.data.data).read_all().to_pandas()
        words |= set(df.get("series", []))
    assert {"○ Too early to tell", "⚠ Needs a check-in", "✓ On track"} <= words
    assert set(SYMBOLS) == {"too_early", "check_in", "on_track"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_my_reflections_per_month_on_home_have_their_table_with_the_same_counts(open_app, lang):
    at = open_app("hugo", page="pages/home.py")
    if lang == "fr":
        at.session_state["tandem_lang"] = "fr"
        at.run()
    assert not at.exception
    title = t("Reflections per month", lang)
    chart = next(
        c for c in at.get("vega_lite_chart") if json.loads(c.proto.spec).get("description") == title
    )
    counts = []
    for d in chart.proto.datasets:
        df = pa.ipc.open_stream(d.data.data).read_all().to_pandas()
        if "count" in df.columns:
            counts = list(df["count"])
    table = tables(at)[table_label(title, lang)]
    assert [int(x) for x in table] == counts and sum(counts) > 0
    assert any(c.value.startswith(title + " — ") for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_each_survey_results_chart_has_its_table_with_the_figures_it_draws(open_app, lang):
    at = open_app("coord", page="pages/coord_surveys.py", lang=lang)
    assert not at.exception
    by_label = tables(at)
    checked = 0
    for chart in at.get("vega_lite_chart"):
        title = json.loads(chart.proto.spec).get("description", "")
        assert title, "every chart carries an accessible description"
        values: list[float] = []
        for d in chart.proto.datasets:
            df = pa.ipc.open_stream(d.data.data).read_all().to_pandas()
            for column in ("nps", "answers", "score"):
                if column in df.columns:
                    values = list(df[column])
        # coord reads French whatever the browser: the label in either language
        label = {table_label(title, x) for x in ("en", "fr")}
        table = next(by_label[x] for x in label if x in by_label)
        assert [float(x) for x in table] == [float(v) for v in values]
        checked += 1
    assert checked >= 3


def test_the_skills_gap_grid_has_its_cells_as_a_table_with_hidden_ones_hidden(open_app):
    at = open_app("coord", page="pages/coord_needs.py")
    assert not at.exception
    chart = next(c for c in at.get("vega_lite_chart"))
    title = json.loads(chart.proto.spec)["description"]
    for d in chart.proto.datasets:
        df = pa.ipc.open_stream(d.data.data).read_all().to_pandas()
        if "label" in df.columns:
            drawn_cells = list(zip(df["department"], df["skill"], df["label"], strict=True))
    expander = next(e for e in at.expander if e.label.startswith(title))
    table = expander.dataframe[0].value
    assert [tuple(r) for r in table.itertuples(index=False)] == drawn_cells
    hidden = [r for r in drawn_cells if r[2] not in ("0",) and not r[2].lstrip("+-").isdigit()]
    assert hidden, "the demo hides some small cells; they stay hidden in the table"
