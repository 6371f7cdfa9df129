"""E-mail choices on My profile and the one-click unsubscribe page, in English and French."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core.notify import prefs
from core.notify.message import Delivery, Kind
from tests.builders import viewer_named
from tests.pages.conftest import ROOT, texts


def _boxes(at: AppTest) -> dict[str, object]:
    return {sb.key: sb for sb in at.selectbox if sb.key and sb.key.startswith("notify_")}


def test_a_participant_chooses_per_kind_and_the_choice_is_saved(open_app, demo_store):
    at = open_app("hugo", page="pages/profile.py")
    assert "E-mail notifications" in texts(at)
    boxes = _boxes(at)
    assert "notify_action_due_en" in boxes and "notify_coordinator_weekly_en" not in boxes
    assert boxes["notify_action_due_en"].value == "Immediately"
    at.selectbox(key="notify_action_due_en").set_value("Never")
    at.selectbox(key="notify_survey_open_en").set_value("In a daily digest")
    at.button[[b.label for b in at.button].index("Save my e-mail choices")].click().run()
    assert not at.exception
    assert "Your e-mail choices are saved." in [s.value for s in at.success]
    saved = prefs.my_preferences(demo_store.sf, viewer_named(demo_store.sf, "hugo"))
    assert saved[Kind.ACTION_DUE] == Delivery.NEVER and saved[Kind.SURVEY_OPEN] == Delivery.DAILY
    assert saved[Kind.PROPOSAL] == Delivery.IMMEDIATELY
    assert at.selectbox(key="notify_action_due_en").value == "Never"


def test_the_french_profile_says_it_in_french_and_a_coordinator_has_the_summary(
    open_app, demo_store
):
    at = open_app("coord", page="pages/profile.py")  # coord's account is in French
    assert "Notifications par e-mail" in texts(at)
    boxes = _boxes(at)
    assert "notify_coordinator_weekly_fr" in boxes
    assert boxes["notify_coordinator_weekly_fr"].value == "Tout de suite"
    assert boxes["notify_coordinator_weekly_fr"].options == [
        "Tout de suite",
        "Dans un résumé quotidien",
        "Jamais",
    ]


def _signed_out(token: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    at.session_state["tandem_lang"] = lang
    at.query_params["token"] = token
    at.run()
    at.switch_page("pages/unsubscribe.py")
    return at.run()


def test_the_unsubscribe_link_works_signed_out_and_stops_only_that_kind(demo_store):
    hugo = viewer_named(demo_store.sf, "hugo")
    at = _signed_out(prefs.unsubscribe_token(hugo.person_id, Kind.FEEDBACK_REQUEST))
    assert not at.exception
    assert "Stop e-mails about “Feedback asked of me”?" in texts(at)
    assert prefs.my_preferences(demo_store.sf, hugo)[Kind.FEEDBACK_REQUEST] == Delivery.IMMEDIATELY
    at.button(key="unsubscribe_confirm").click().run()
    assert not at.exception
    assert any("no longer e-mails you" in s.value for s in at.success)
    saved = prefs.my_preferences(demo_store.sf, hugo)
    assert saved[Kind.FEEDBACK_REQUEST] == Delivery.NEVER
    assert saved[Kind.ACTION_DUE] == Delivery.IMMEDIATELY


def test_a_forged_unsubscribe_link_says_so_in_french_and_changes_nothing(demo_store):
    hugo = viewer_named(demo_store.sf, "hugo")
    token = prefs.unsubscribe_token(hugo.person_id, Kind.ACTION_DUE)
    at = _signed_out(token[:-3] + "abc", lang="fr")
    assert not at.exception
    assert any("lien de désabonnement n’est pas valide" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "unsubscribe_confirm"]
    assert set(prefs.my_preferences(demo_store.sf, hugo).values()) == {Delivery.IMMEDIATELY}


def test_the_unsubscribe_link_opens_for_a_signed_in_person_too(open_app, demo_store):
    hugo = viewer_named(demo_store.sf, "hugo")
    at = open_app("hugo")
    at.query_params["token"] = prefs.unsubscribe_token(hugo.person_id, Kind.SURVEY_OPEN)
    at.switch_page("pages/unsubscribe.py")
    at.run()
    assert not at.exception
    assert "Stop e-mails about “A survey to answer”?" in texts(at)


def test_the_admin_sees_the_smtp_settings_masked_and_sends_a_test_message(open_app, smtp_server):
    at = open_app("admin", page="pages/admin_accounts.py", lang="en")
    assert not at.exception
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "E-mail (SMTP)" in [e.label for e in at.expander]
    assert "127.0.0.1" in shown and "tandem@example.org" in shown and "Sender address" in shown
    at.button(key="smtp_test").click().run()
    assert not at.exception
    assert any("Test message sent to" in s.value for s in at.success)
    assert len(smtp_server.messages) == 1
    assert str(smtp_server.messages[0]["Subject"]) == "Tandem: test message"


def test_a_failing_smtp_server_gives_the_admin_its_error_not_a_traceback(open_app, smtp_server):
    smtp_server.stop()
    at = open_app("admin", page="pages/admin_accounts.py", lang="en")
    at.button(key="smtp_test").click().run()
    assert not at.exception
    assert any("The test message was not sent: server unreachable" in e.value for e in at.error)
