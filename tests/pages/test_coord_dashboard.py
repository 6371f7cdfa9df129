"""The programme dashboard as coordinators see it (AppTest on the demo)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.kernel import clock
from core.kernel.i18n import t
from core.kernel.store import open_store
from db.models import Enrolment, Programme
from tests.builders import enrol, make_account
from tests.pages.conftest import dashboard_sections, dashboard_texts, texts

PAGE = "pages/coord_dashboard.py"


def charts(at: AppTest) -> list:
    return list(at.get("vega_lite_chart"))


def test_the_coordinator_sees_headline_numbers_and_charts_on_the_demo(open_app):
    at = open_app("coord", page=PAGE)
    assert not at.exception
    labels = [m.label for m in at.metric]
    # coord reads French.
    assert t("Match rate", "fr") in labels and t("Enrolled", "fr") in labels
    enrolled = next(m for m in at.metric if m.label == t("Enrolled", "fr"))
    assert enrolled.value == "32"
    assert len([c for _ in dashboard_sections(at) for c in charts(at)]) >= 4
    shown = dashboard_texts(at)
    assert t("Retention: still employed after 6 and 12 months", "fr") in shown
    assert "not a proof" not in shown  # French, not English
    assert t("Pairs needing a check-in", "fr") in shown


def test_the_dashboard_reads_in_english_for_an_english_coordinator(open_app):
    at = open_app("admin", page=PAGE)
    assert not at.exception
    assert "Match rate" in [m.label for m in at.metric]
    assert "comparison, not a proof" in dashboard_texts(at)


def test_filters_change_what_is_shown(open_app):
    at = open_app("admin", page=PAGE)
    at.selectbox(key="dash_department").set_value("Finance").run()
    assert not at.exception
    enrolled = next(m for m in at.metric if m.label == "Enrolled")
    assert enrolled.value == "7"  # the demo's Finance participants
    at.selectbox(key="dash_period").set_value("4w").run()
    at.selectbox(key="dash_programme").set_value(0).run()  # every running programme
    assert not at.exception


def test_a_small_department_is_not_offered_and_the_page_says_why(open_app):
    at = open_app("admin", page=PAGE)
    # Operations (3 enrolled) and Marketing (5, but the others would then be 3) are
    # never a filter: each would give a group of fewer than 5 by subtraction.
    options = at.selectbox(key="dash_department").options
    assert "Operations" not in options and "Marketing" not in options
    assert "Finance" in options
    shown = texts(at)
    assert "Departments not offered as a filter: Marketing, Operations." in shown


def test_a_hidden_figure_says_why(open_app):
    at = open_app("admin", page=PAGE)
    at.selectbox(key="dash_department").set_value("People").run()
    hidden = [m for m in at.metric if m.value == "—"]
    assert hidden, "something is hidden for a department of 5"
    # In short under the number, in full on hover.
    assert {m.delta for m in hidden} <= {
        "fewer than 5 people",
        "hidden: would reveal a small group",
        "not shown here",
    }
    # (a KPI card's help says its label in full first: the card cuts a long one short)
    assert {m.help.split("\n\n")[-1] for m in hidden} <= {
        "Fewer than 5 people.",
        "Hidden: it would reveal a group of fewer than 5 people by subtraction.",
        "Shown for all departments only (pairs can span departments).",
    }
    shown = dashboard_texts(at)
    assert "Pairs and circles can span departments" in shown
    assert "Week by week, this chart is shown for all departments together only" in shown


def test_a_kpi_card_too_narrow_for_its_label_says_it_in_full_in_its_help(open_app):
    at = open_app("admin", page=PAGE)
    cards = {m.label: m for m in at.metric}
    engaged = cards["Engaged participants (3 meetings or more)"]
    assert engaged.help is not None
    assert engaged.help.split("\n\n")[0] == "Engaged participants \\(3 meetings or more\\)"
    assert cards["Match rate"].help != "Match rate"  # a short label is not said twice


def test_a_coordinator_of_an_empty_programme_sees_an_empty_dashboard_without_errors(
    open_app, demo_store
):
    with demo_store.sf.begin() as s:
        account = make_account(s, "newcoord", ("coordinator",), department="People")
        now = clock.now()
        s.add(
            Programme(
                name="Brand new programme",
                status="running",
                start_date=now.date() + dt.timedelta(days=10),
                enrolment_opens=now.date() - dt.timedelta(days=2),
                created_by_id=account.person_id,
                created_at=now,
                updated_at=now,
            )
        )
    at = open_app("newcoord", page=PAGE)
    assert not at.exception
    assert at.selectbox(key="dash_programme").value != 0
    shown = texts(at)
    assert "Nobody is enrolled in this programme yet" in shown
    assert "No KPI set for this programme" in shown
    assert next(m for m in at.metric if m.label == "Enrolled").value == "0"
    assert charts(at) == []


def test_the_exports_are_offered_and_the_report_is_prepared_on_request(open_app):
    at = open_app("admin", page=PAGE)
    at.segmented_control(key="dash_section").set_value("exports").run()
    assert at.button(key="dash_report_prepare")
    at.button(key="dash_report_prepare").click().run()
    assert not at.exception
    downloads = at.get("download_button")
    assert len(downloads) == 3


def test_a_participant_cannot_open_the_dashboard(open_app):
    at = open_app("camille")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)


def test_the_dashboard_page_itself_refuses_a_participant(open_app):
    from ui import nav

    at = open_app("hugo")
    page = AppTest.from_file(str(Path(nav.PAGES_DIR) / "coord_dashboard.py"), default_timeout=30)
    page.session_state["tandem_viewer"] = at.session_state["tandem_viewer"]
    page.run()
    assert "This page is not available to your role." in [e.value for e in page.error]
    assert not page.metric


def test_the_check_in_list_names_pairs_with_dates_only(open_app, demo_store):
    at = open_app("admin", page=PAGE)
    frames = [df for df in at.dataframe if "Members" in getattr(df.value, "columns", [])]
    assert frames, "the check-in list is shown"
    columns = list(frames[0].value.columns)
    # Why next to the names: at the end, the wide table cut it off (issue 11). The demo's
    # pairs to check in with are all of one programme: the filter names it, no column.
    assert columns == ["Members", "Why", "Last meeting held", "Next meeting", "Matched on"]
    with demo_store.sf() as s:
        assert s.query(Enrolment).count() > 0


def test_a_write_through_another_server_shows_on_the_next_run_not_a_minute_later(
    open_app, demo_url
):
    """Another server is another process on the same database: its writes change the
    data version, which the cached figures are keyed by (cache_data lives per process)."""
    at = open_app("admin", page=PAGE)
    enrolled = next(m for m in at.metric if m.label == "Enrolled").value
    elsewhere = open_store(demo_url, migrate=False)  # the other server's own engine
    with elsewhere.sf.begin() as s:
        programme_id = at.selectbox(key="dash_programme").value  # the programme shown
        newcomer = make_account(s, "newcomer", department="Sales")
        enrol(s, s.get_one(Programme, programme_id), newcomer.person_id, status="enrolled")
    elsewhere.engine.dispose()
    at.run()
    after = next(m for m in at.metric if m.label == "Enrolled").value
    assert int(after) == int(enrolled) + 1


def test_a_thousand_check_ins_are_worded_with_one_lookup_of_the_readers_language(monkeypatch):
    """Each lookup reads the Streamlit session (a company has a thousand pairs to check in
    with): the list asked for the language about ten times a row."""
    from core.insights.figures import CheckIn
    from core.kernel import i18n
    from ui.dashboard import lists

    asked: list[int] = []

    def provider() -> str:
        asked.append(1)
        return "fr"

    monkeypatch.setattr(i18n, "_provider", provider)
    day = dt.date(2026, 11, 2)
    rows = lists._checkin_rows(
        [
            CheckIn(i, "Pilote", (f"A{i}", f"B{i}"), day, None, day, "no_first_meeting")
            for i in range(1000)
        ]
    )
    assert len(asked) == 1
    assert rows[0][t("Members", "fr")] == "A0, B0"
    assert rows[0][t("Last meeting held", "fr")] == "—"
    with i18n.speaking("fr"):
        assert rows[999][t("Next meeting", "fr")] == i18n.format_date(day)  # "2 nov. 2026"
    assert rows[999][t("Why", "fr")] == t("No first meeting 14 days after the match", "fr")


def test_the_check_in_list_names_the_programme_when_it_spans_several():
    from core.insights.figures import CheckIn
    from ui.dashboard import lists

    day = dt.date(2026, 11, 2)
    rows = lists._checkin_rows(
        [
            CheckIn(1, "Pilot", ("A", "B"), day, None, day, "no_first_meeting"),
            CheckIn(2, "Onboarding", ("C", "D"), day, None, day, "no_first_meeting"),
        ]
    )
    assert [r["Programme"] for r in rows] == ["Pilot", "Onboarding"]
    one = lists._checkin_rows([CheckIn(1, "Pilot", ("A", "B"), day, None, day, "overdue")])
    assert "Programme" not in one[0]  # one programme: the filter above names it


def _drawn(at: AppTest) -> list[str]:
    import json

    return [json.loads(c.proto.spec).get("description", "") for c in charts(at)]


def test_one_section_is_drawn_at_a_time_with_only_its_charts(open_app):
    at = open_app("admin", page=PAGE)
    section = at.segmented_control(key="dash_section")
    assert section.value == "overview"
    assert section.options == [
        "Overview",
        "Participation",
        "Goals and growth",
        "Surveys",
        "Retention",
        "Exports",
    ]
    assert _drawn(at) == ["Match rate by department, against the 70% target", "Pair health"]
    assert not at.get("download_button")  # the exports have a section of their own
    section.set_value("surveys").run()
    assert _drawn(at) == ["Net Promoter Score over time", "Survey answers"]
    assert "Enrolled" in [m.label for m in at.metric]  # the headline stays above every section
    # A filter changed keeps the open section.
    at.selectbox(key="dash_period").set_value("4w").run()
    assert at.segmented_control(key="dash_section").value == "surveys"
    assert not at.exception


def test_the_sections_are_named_in_the_readers_language(open_app):
    at = open_app("coord", page=PAGE)
    assert at.segmented_control(key="dash_section").options[0] == "Vue d’ensemble"
