"""AppTest: the participant's Surveys page and the coordinator's Surveys and results."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.kernel import clock
from db.models import (
    Concern,
    Match,
    MatchMember,
    Meeting,
    Person,
    Programme,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from tests.pages.conftest import texts


def _open_tab(at: AppTest, label: str, lang: str = "fr") -> None:
    """Select a tab of the coordinator's surveys page (only the tab shown runs)."""
    from core.kernel.i18n import t

    at.session_state["cs_tab"] = t(label, lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


SURVEYS, COORD = "pages/surveys.py", "pages/coord_surveys.py"


def _camille(store) -> int:
    with store.sf.begin() as s:
        return s.scalar(select(Person.id).where(Person.full_name == "Camille Martin"))


def _open_survey_questions(at: AppTest) -> tuple[int, list[str]]:
    """The survey form on the page: its id and the keys of its answer widgets."""
    [submit] = [b.key for b in at.button if b.key and b.key.startswith("survey_submit_")]
    survey_id = int(submit.removeprefix("survey_submit_"))
    keys = [r.key for r in at.radio if r.key and r.key.startswith(f"q_{survey_id}_")]
    return survey_id, keys


def _fill(at: AppTest, survey_id: int, keys: list[str]) -> None:
    for key in keys:
        radio = at.radio(key=key)
        radio.set_value(radio.options[-1] if "9" not in radio.options else 9)
    texts_ = [a for a in at.text_area if a.key and a.key.startswith(f"q_{survey_id}_")]
    texts_[0].input("Les rencontres m’aident beaucoup.")


def _responses(store, person_id: int) -> int:
    with store.sf.begin() as s:
        return s.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.person_id == person_id)
        )


def test_camille_answers_the_open_survey_in_french(open_app, demo_store):
    at = open_app("camille", page=SURVEYS)
    assert "Enquêtes" in [x.value for x in at.title]
    survey_id, keys = _open_survey_questions(at)
    assert len(keys) >= 5  # four standard scales + the coordinator's own question
    assert "Mon pair m’apporte l’aide dont j’ai besoin." in [r.label for r in at.radio]
    before = _responses(demo_store, _camille(demo_store))
    _fill(at, survey_id, keys)
    at.button(key=f"survey_submit_{survey_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Merci : vos réponses sont enregistrées." in [x.value for x in at.success]
    assert f"survey_submit_{survey_id}" not in [b.key for b in at.button]
    assert "Déjà répondu" in texts(at)
    assert _responses(demo_store, _camille(demo_store)) == before + 1
    with demo_store.sf.begin() as s:
        dept = s.scalar(
            select(SurveyResponse.department).where(
                SurveyResponse.survey_id == survey_id,
                SurveyResponse.person_id == _camille(demo_store),
            )
        )
    assert dept == "Marketing"


def test_a_second_submit_from_another_tab_is_refused_clearly(open_app, demo_store):
    first, second = open_app("camille", page=SURVEYS), open_app("camille", page=SURVEYS)
    survey_id, keys = _open_survey_questions(first)
    _fill(first, survey_id, keys)
    first.button(key=f"survey_submit_{survey_id}").click().run()
    assert first.success
    _fill(second, survey_id, keys)  # the other tab still shows the form
    second.button(key=f"survey_submit_{survey_id}").click().run()
    assert not second.exception, [e.value for e in second.exception]
    assert [e.value for e in second.error] == [
        "Vous avez déjà répondu à cette enquête : chaque personne répond une seule fois."
    ]
    assert _responses(demo_store, _camille(demo_store)) == 1


def test_a_missing_answer_is_refused_and_the_other_answers_stay(open_app, demo_store):
    at = open_app("camille", page=SURVEYS, lang="en")
    survey_id, keys = _open_survey_questions(at)
    at.radio(key=keys[0]).set_value(4)
    at.button(key=f"survey_submit_{survey_id}").click().run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith("Veuillez répondre")
    assert at.radio(key=keys[0]).value == 4
    assert _responses(demo_store, _camille(demo_store)) == 0


def test_camille_rates_her_pairing_after_the_first_held_meeting(open_app, demo_store):
    with demo_store.sf.begin() as s:
        camille = s.scalar(select(Person.id).where(Person.full_name == "Camille Martin"))
        match_id = s.scalar(
            select(Match.id)
            .join(MatchMember, MatchMember.match_id == Match.id)
            .where(MatchMember.person_id == camille, Match.status == "active")
        )
        when = clock.now() - dt.timedelta(days=3)
        if not s.scalar(
            select(Meeting.id).where(Meeting.match_id == match_id, Meeting.status == "held")
        ):
            s.add(
                Meeting(
                    match_id=match_id,
                    scheduled_at=when,
                    status="held",
                    created_at=when,
                    updated_at=when,
                )
            )
        before = s.scalar(select(func.count()).select_from(Concern).where(Concern.kind == "fit"))
    at = open_app("camille", page=SURVEYS)
    assert "Comment se passe votre binôme ?" in texts(at)
    at.radio(key=f"fit_score_{match_id}").set_value(2)
    at.text_area(key=f"fit_note_{match_id}").input("Pas sûre que nous soyons sur la même longueur")
    at.button(key=f"fit_submit_{match_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "nouveau binôme" in at.success[0].value
    with demo_store.sf.begin() as s:
        concern = s.scalars(
            select(Concern).where(Concern.kind == "fit", Concern.match_id == match_id)
        ).one()
        assert concern.body == "" and concern.raised_by_id is None
        assert (
            s.scalar(select(func.count()).select_from(Concern).where(Concern.kind == "fit"))
            == before + 1
        )
    coord = open_app("coord", page=COORD)
    _open_tab(coord, "Pairing fit")
    page = texts(coord)
    assert "Camille Martin" in page and "Hugo Bernard" in page
    assert "Pas sûre" not in page


def test_the_coordinator_sees_results_nps_and_a_flagged_pair(open_app):
    at = open_app("coord", page=COORD, lang="en")
    assert not at.exception
    page = texts(at)
    assert "Surveys and results" in page or "Enquêtes et résultats" in page
    nps = [m for m in at.metric if m.label in ("Net Promoter Score", "Net Promoter Score (NPS)")]
    assert nps and nps[0].value not in ("—", "")
    assert len(at.get("vega_lite_chart")) >= 3
    _open_tab(at, "Pairing fit")  # the coordinator reads French (her account's language)
    assert "Un membre a signalé une mauvaise adéquation" in texts(at)  # demo: one pair flagged


def test_the_coordinator_sees_an_empty_programme_without_error(open_app, demo_store):
    with demo_store.sf.begin() as s:
        empty = s.scalar(select(Programme.id).where(Programme.name.like("%Spring%")))
    if empty is None:
        pytest.skip("the demo has no second programme")
    at = open_app("coord", page=COORD)
    picker = at.selectbox(key="cs_programme")
    picker.select_index(next(i for i, o in enumerate(picker.options) if "Spring" in o)).run()
    assert not at.exception, [e.value for e in at.exception]
    # Zero describes nobody: it is shown, not hidden (DESIGN.md "Who sees what").
    responses = next(m for m in at.metric if m.label == "Réponses")
    assert responses.value == "0"
    _open_tab(at, "Surveys and schedule")
    assert "Pas encore d’enquête pour ce programme." in texts(at)


def test_the_coordinator_plans_surveys_and_adds_a_question(open_app, demo_store):
    at = open_app("coord", page=COORD)
    _open_tab(at, "Surveys and schedule")
    scheduled = [
        b for b in at.button if b.key and b.key.startswith("cs_delete_")
    ]  # surveys not open yet
    assert scheduled
    survey_id = int(scheduled[0].key.removeprefix("cs_delete_"))
    at.text_input(key=f"cs_q_text_{survey_id}").input("Our meetings start on time.")
    at.button(key=f"cs_q_add_{survey_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Question ajoutée." in [x.value for x in at.success]
    with demo_store.sf.begin() as s:
        assert s.scalar(
            select(SurveyQuestion.id).where(
                SurveyQuestion.survey_id == survey_id,
                SurveyQuestion.text == "Our meetings start on time.",
            )
        )


def test_a_participant_cannot_open_the_coordinator_surveys_page(open_app):
    at = open_app("camille")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(COORD)


def test_the_coordinator_page_itself_refuses_a_participant(open_app):
    from ui import nav

    at = open_app("hugo")
    page = AppTest.from_file(str(Path(nav.PAGES_DIR) / "coord_surveys.py"), default_timeout=30)
    page.session_state["tandem_viewer"] = at.session_state["tandem_viewer"]
    page.run()
    assert "This page is not available to your role." in [e.value for e in page.error]


def test_home_shows_camilles_open_surveys_and_her_progress(open_app, demo_store):
    from core.accounts.auth import viewer_of
    from core.growth import progress
    from db.models import Account

    with demo_store.sf.begin() as s:
        account = s.scalars(select(Account).where(Account.username == "camille")).one()
        camille = viewer_of(account, s.get_one(Person, account.person_id))
    waiting = progress.survey_todo(demo_store.sf, camille).total
    assert waiting >= 1  # the demo's open pulse survey
    at = open_app("camille")
    page = texts(at)
    assert f"{waiting} enquête" in page and "votre réponse." in page
    assert "Mes progrès" in page
    assert "Réflexions écrites" in page


def test_the_coordinator_creates_removes_a_question_deletes_and_handles_a_flag(
    open_app, demo_store
):
    at = open_app("coord", page=COORD)
    _open_tab(at, "Surveys and schedule")
    at.text_input(key="cs_new_title").input("")
    at.button(key="cs_new_submit").click().run()
    assert [e.value for e in at.error] == ["« Titre » ne peut pas être vide."]
    at.text_input(key="cs_new_title").input("Point d’étape")
    at.button(key="cs_new_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Enquête créée." in [x.value for x in at.success]
    with demo_store.sf.begin() as s:
        survey_id = s.scalar(select(Survey.id).where(Survey.title == "Point d’étape"))
    assert f"cs_delete_{survey_id}" not in [b.key for b in at.button]  # opens today: not editable
    scheduled = [b.key for b in at.button if b.key and b.key.startswith("cs_delete_")]
    later = int(scheduled[0].removeprefix("cs_delete_"))
    at.text_input(key=f"cs_q_text_{later}").input("Nos rencontres commencent à l’heure.")
    at.button(key=f"cs_q_add_{later}").click().run()
    with demo_store.sf.begin() as s:
        question_id = s.scalar(
            select(SurveyQuestion.id).where(
                SurveyQuestion.text == "Nos rencontres commencent à l’heure."
            )
        )
    at.button(key=f"cs_rm_{question_id}").click().run()
    assert "Question retirée." in [x.value for x in at.success]
    at.button(key=f"cs_delete_{later}").click().run()
    assert "Enquête supprimée." in [x.value for x in at.success]
    assert f"cs_delete_{later}" not in [b.key for b in at.button]
    _open_tab(at, "Pairing fit")
    [flag] = [b.key for b in at.button if b.key and b.key.startswith("cs_flag_done_")]
    at.button(key=flag).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Signalement traité." in [x.value for x in at.success]
    assert flag not in [b.key for b in at.button]
