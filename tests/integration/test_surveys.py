"""Surveys on SQLite and PostgreSQL: schedule, answering once, k-suppressed results."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.insights import survey_results
from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.surveys import answering, results, rounds
from db.models import AuditLog, Setting, SurveyResponse
from tests.builders import enrol, make_participant, make_programme, make_user

NOW = dt.datetime(2026, 11, 2, 9, 30)
DEPTS = ("Sales", "Finance")


@dataclass
class World:
    coord: Viewer
    people: list[Viewer]
    outsider: Viewer  # a participant of another programme
    programme_id: int
    other_programme_id: int


def make_world(sf, n: int = 12) -> World:
    clock.set_now(NOW)
    coord = make_user(sf, "coord", ("coordinator",))
    people = [make_participant(sf, f"p{i}", department=DEPTS[i % 2]) for i in range(n)]
    outsider = make_participant(sf, "outsider")
    with sf.begin() as s:
        programme = make_programme(s, "Autumn")
        other = make_programme(s, "Other")
        for v in people:
            enrol(s, programme, v.person_id)
        enrol(s, other, outsider.person_id)
        return World(coord, people, outsider, programme.id, other.id)


def open_survey(sf, w: World, title: str = "Pulse 1") -> int:
    survey = rounds.create_survey(
        sf, w.coord, w.programme_id, title=title, opens_on=clock.today(), closes_on=None
    )
    return survey.id


def answers_for(sf, viewer: Viewer, survey_id: int, **by_code) -> dict[int, object]:
    form = answering.survey_form(sf, viewer, survey_id)
    return {q.id: by_code[q.code] for q in form.questions if q.code in by_code}


def answer(sf, viewer, survey_id, sat=4, nps=9, help_=4, prog=3, free=None) -> None:
    values = answers_for(
        sf,
        viewer,
        survey_id,
        satisfaction=sat,
        nps=nps,
        peer_help=help_,
        progress=prog,
        free=free,
    )
    answering.answer_survey(sf, viewer, survey_id, values)


def test_a_new_survey_has_the_five_standard_questions_translated_at_display(sf):
    w = make_world(sf, 2)
    sid = open_survey(sf, w)
    form = answering.survey_form(sf, w.people[0], sid)
    assert [q.code for q in form.questions] == [
        "satisfaction",
        "nps",
        "peer_help",
        "progress",
        "free",
    ]
    assert [q.kind for q in form.questions] == ["scale5", "scale10", "scale5", "scale5", "text"]
    from core.kernel.i18n import set_language

    set_language("fr")
    try:
        texts = [q.text for q in answering.survey_form(sf, w.people[0], sid).questions]
    finally:
        set_language("en")
    assert texts[2] == "Mon pair m’apporte l’aide dont j’ai besoin."


def test_a_participant_sees_open_surveys_of_their_programme_until_they_answer(sf):
    w = make_world(sf, 2)
    sid = open_survey(sf, w)
    later = rounds.create_survey(
        sf,
        w.coord,
        w.programme_id,
        title="Later",
        opens_on=clock.today() + dt.timedelta(days=3),
        closes_on=None,
    )
    me = w.people[0]
    assert [o.survey_id for o in answering.open_surveys_for(sf, me)] == [sid]
    assert answering.open_surveys_for(sf, w.outsider) == []
    answer(sf, me, sid)
    assert answering.open_surveys_for(sf, me) == []
    assert [a.survey_id for a in answering.answered_surveys(sf, me)] == [sid]
    clock.advance(days=3)
    assert [o.survey_id for o in answering.open_surveys_for(sf, me)] == [later.id]


def test_a_second_answer_to_the_same_survey_is_refused_clearly(sf):
    w = make_world(sf, 2)
    sid = open_survey(sf, w)
    me = w.people[0]
    values = answers_for(sf, me, sid, satisfaction=4, nps=9, peer_help=4, progress=4)
    answering.answer_survey(sf, me, sid, values)
    with pytest.raises(Conflict, match="already answered"):
        answering.answer_survey(sf, me, sid, values)
    with sf.begin() as s:
        assert s.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_the_database_itself_refuses_a_second_response_that_slips_past_the_check(sf, monkeypatch):
    w = make_world(sf, 2)
    sid = open_survey(sf, w)
    me = w.people[0]
    values = answers_for(sf, me, sid, satisfaction=4, nps=9, peer_help=4, progress=4)
    answering.answer_survey(sf, me, sid, values)
    # Two submits racing: the second did not see the first when it checked.
    monkeypatch.setattr(answering, "_already_answered", lambda *_: False)
    with pytest.raises(Conflict, match="already answered"):
        answering.answer_survey(sf, me, sid, values)


def test_answers_out_of_range_are_refused_and_nothing_is_stored(sf):
    w = make_world(sf, 2)
    sid = open_survey(sf, w)
    me = w.people[0]
    with pytest.raises(InvalidInput, match="from 0 to 10"):
        answering.answer_survey(
            sf, me, sid, answers_for(sf, me, sid, satisfaction=4, nps=11, peer_help=4, progress=4)
        )
    with pytest.raises(InvalidInput, match="from 1 to 5"):
        answering.answer_survey(
            sf, me, sid, answers_for(sf, me, sid, satisfaction=0, nps=5, peer_help=4, progress=4)
        )
    with sf.begin() as s:
        assert s.scalar(select(func.count()).select_from(SurveyResponse)) == 0
    assert answering.open_surveys_for(sf, me)  # still open to answer


def test_only_enrolled_participants_answer_and_only_while_the_survey_is_open(sf):
    w = make_world(sf, 2)
    sid = rounds.create_survey(
        sf,
        w.coord,
        w.programme_id,
        title="Short",
        opens_on=clock.today(),
        closes_on=clock.today() + dt.timedelta(days=1),
    ).id
    with pytest.raises(NotAllowed):
        answering.survey_form(sf, w.outsider, sid)
    values = answers_for(sf, w.people[0], sid, satisfaction=4, nps=9, peer_help=4, progress=4)
    clock.advance(days=2)
    with pytest.raises(InvalidInput, match="closed"):
        answering.answer_survey(sf, w.people[0], sid, values)
    assert answering.open_surveys_for(sf, w.people[0]) == []


def test_the_department_is_copied_at_answer_time(sf):
    w = make_world(sf, 2)
    sid = open_survey(sf, w)
    answer(sf, w.people[1], sid)
    with sf.begin() as s:
        assert s.scalar(select(SurveyResponse.department)) == "Finance"


def test_custom_questions_are_added_before_the_survey_opens_and_not_after(sf):
    w = make_world(sf, 2)
    survey = rounds.create_survey(
        sf,
        w.coord,
        w.programme_id,
        title="Next",
        opens_on=clock.today() + dt.timedelta(days=1),
        closes_on=None,
    )
    qid = rounds.add_custom_question(
        sf, w.coord, survey.id, kind="scale", text="The kick-off was useful."
    )
    rounds.add_custom_question(sf, w.coord, survey.id, kind="text", text="One word?")
    [summary] = survey_results.programme_surveys(sf, w.coord, w.programme_id)
    assert [q.code for q in summary.questions][-2:] == ["custom_scale", "custom_text"]
    assert summary.questions[-2].text == "The kick-off was useful."
    assert summary.state == "scheduled"
    with pytest.raises(InvalidInput):
        rounds.add_custom_question(sf, w.coord, survey.id, kind="scale", text="  ")
    with pytest.raises(NotAllowed):
        rounds.add_custom_question(sf, w.people[0], survey.id, kind="scale", text="Hack")
    clock.advance(days=1)
    with pytest.raises(Conflict, match="already open"):
        rounds.add_custom_question(sf, w.coord, survey.id, kind="scale", text="Too late")
    with pytest.raises(Conflict):
        rounds.remove_custom_question(sf, w.coord, qid)


def test_planned_surveys_are_created_once_and_upcoming_ones_open_on_their_date(sf):
    w = make_world(sf, 2)  # programme started 30 days ago, ends in 90 days
    plan = rounds.plan_surveys(sf, w.coord, w.programme_id)
    assert [(p.point.kind, p.status) for p in plan] == [
        ("pulse", "due"),  # 30 days after the start: today
        ("pulse", "upcoming"),
        ("end", "upcoming"),
    ]
    assert rounds.create_planned_surveys(sf, w.coord, w.programme_id) == 3
    assert rounds.create_planned_surveys(sf, w.coord, w.programme_id) == 0
    plan = rounds.plan_surveys(sf, w.coord, w.programme_id)
    assert {p.status for p in plan} == {"created"}
    assert len(answering.open_surveys_for(sf, w.people[0])) == 1
    with sf.begin() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditLog)
                .where(AuditLog.action == "survey_created")
            )
            == 3
        )


def test_a_survey_that_has_not_opened_can_be_deleted(sf):
    w = make_world(sf, 2)
    later = rounds.create_survey(
        sf,
        w.coord,
        w.programme_id,
        title="Later",
        opens_on=clock.today() + dt.timedelta(days=3),
        closes_on=None,
    )
    sid = open_survey(sf, w)
    rounds.delete_survey(sf, w.coord, later.id)
    with pytest.raises(Conflict):
        rounds.delete_survey(sf, w.coord, sid)
    assert [x.survey_id for x in survey_results.programme_surveys(sf, w.coord, w.programme_id)] == [
        sid
    ]


def test_a_survey_cannot_open_in_the_past_or_close_before_it_opens(sf):
    w = make_world(sf, 1)
    with pytest.raises(InvalidInput, match="past"):
        rounds.create_survey(
            sf,
            w.coord,
            w.programme_id,
            title="x",
            opens_on=clock.today() - dt.timedelta(days=1),
            closes_on=None,
        )
    with pytest.raises(InvalidInput, match="close before"):
        rounds.create_survey(
            sf,
            w.coord,
            w.programme_id,
            title="x",
            opens_on=clock.today() + dt.timedelta(days=2),
            closes_on=clock.today() + dt.timedelta(days=1),
        )


# --------------------------------------------------------------------------- results


def test_nps_and_means_on_hand_made_answers(sf):
    # Promoters, passives and detractors are each 5 or more people, so that every
    # share can be shown (a share of 3 people would be hidden).
    w = make_world(sf, 20)
    sid = open_survey(sf, w)
    recommend = [10] * 5 + [9] * 5 + [8] * 5 + [6, 5, 3, 0, 0]  # NPS = 50% − 25% = 25
    for viewer, r in zip(w.people, recommend, strict=True):
        answer(sf, viewer, sid, sat=5 if r >= 9 else 2, nps=r)
    res = survey_results.survey_results(sf, w.coord, w.programme_id)
    assert res.responses == 20 and not res.suppressed
    assert res.nps.nps == pytest.approx(25.0)
    assert res.nps.promoters == pytest.approx(0.5) and res.nps.detractors == pytest.approx(0.25)
    by_code = {q.code: q for q in res.questions}
    assert by_code["satisfaction"].mean == pytest.approx(3.5)
    assert by_code["satisfaction"].distribution == ((1, 0), (2, 10), (3, 0), (4, 0), (5, 10))
    assert by_code["nps"].n == 20
    nps_bars = dict(by_code["nps"].distribution)
    assert len(nps_bars) == 11 and (nps_bars[10], nps_bars[9], nps_bars[8]) == (5, 5, 5)
    # Bars of 1 … 4 answers are hidden, and so is the next smallest: none can be
    # worked out from the 20 answers minus the bars shown.
    assert nps_bars[6] is None and nps_bars[0] is None
    assert sum(1 for v in nps_bars.values() if v is None) >= 2


def test_results_over_k_minus_1_answers_are_hidden_and_over_k_shown(sf):
    w = make_world(sf, 5)
    sid = open_survey(sf, w)
    for viewer in w.people[:4]:
        answer(sf, viewer, sid)
    hidden = survey_results.survey_results(sf, w.coord, w.programme_id)
    assert hidden.suppressed and hidden.responses is None
    assert hidden.nps.suppressed and hidden.nps.nps is None
    assert all(q.suppressed and q.mean is None and not q.distribution for q in hidden.questions)
    answer(sf, w.people[4], sid)
    shown = survey_results.survey_results(sf, w.coord, w.programme_id)
    assert shown.responses == 5 and not shown.nps.suppressed
    assert all(not q.suppressed for q in shown.questions)


def test_k_comes_from_the_setting(sf):
    w = make_world(sf, 3)
    sid = open_survey(sf, w)
    for viewer in w.people:
        answer(sf, viewer, sid)
    assert survey_results.survey_results(sf, w.coord, w.programme_id).suppressed
    with sf.begin() as s:
        s.add(Setting(key="k", value="3"))
    res = survey_results.survey_results(sf, w.coord, w.programme_id)
    assert res.k == 3 and res.responses == 3


def test_a_department_filter_suppresses_small_departments(sf):
    w = make_world(sf, 12)  # 6 in Sales, 6 in Finance
    sid = open_survey(sf, w)
    for viewer in w.people[:9]:  # 5 Sales, 4 Finance
        answer(sf, viewer, sid)
    assert survey_results.survey_departments(sf, w.coord, w.programme_id) == ["Finance", "Sales"]
    finance = survey_results.survey_results(sf, w.coord, w.programme_id, "Finance")
    assert finance.suppressed and finance.reason == "small"
    # All answers (9) minus Sales' (5) would give Finance's 4: one of the two is hidden.
    sales = survey_results.survey_results(sf, w.coord, w.programme_id, "Sales")
    everyone = survey_results.survey_results(sf, w.coord, w.programme_id)
    assert sales.suppressed or everyone.suppressed
    answer(sf, w.people[9], sid)  # a fifth in Finance
    assert survey_results.survey_results(sf, w.coord, w.programme_id, "Finance").responses == 5
    assert survey_results.survey_results(sf, w.coord, w.programme_id, "Sales").responses == 5


def test_free_text_appears_only_with_k_answers_sorted_and_without_names(sf):
    w = make_world(sf, 6)
    sid = open_survey(sf, w)
    words = ["zèbre", "Banana", "apple", "Cherry"]
    for viewer, text in zip(w.people, words, strict=False):
        answer(sf, viewer, sid, free=text)
    answer(sf, w.people[4], sid)  # no free text: 5 responses, 4 texts
    res = survey_results.survey_results(sf, w.coord, w.programme_id)
    assert res.responses == 5
    [free] = res.free_texts
    assert free.suppressed and free.texts == () and free.n is None
    answer(sf, w.people[5], sid, free="date")
    [free] = survey_results.survey_results(sf, w.coord, w.programme_id).free_texts
    assert free.texts == ("apple", "Banana", "Cherry", "date", "zèbre")
    # The result types cannot carry a person: no field names one.
    for cls in (
        survey_results.SurveyResults,
        survey_results.FreeTexts,
        results.QuestionResult,
        survey_results.NpsPoint,
    ):
        fields = {f.name for f in dataclasses.fields(cls)}
        assert not fields & {"person_id", "person", "name", "author", "username", "department"}


def test_nps_over_time_by_survey_round(sf):
    w = make_world(sf, 6)
    first = open_survey(sf, w, "Round 1")
    for viewer in w.people:
        answer(sf, viewer, first, nps=5)  # all detractors: −100
    clock.set_now(NOW + dt.timedelta(days=40))
    second = open_survey(sf, w, "Round 2")
    for viewer in w.people[:5]:
        answer(sf, viewer, second, nps=10)  # all promoters: +100
    res = survey_results.survey_results(sf, w.coord, w.programme_id)
    assert [(p.label, p.nps) for p in res.nps_by_survey] == [
        ("Round 1", -100.0),
        ("Round 2", 100.0),
    ]
    assert [p.n for p in res.nps_by_survey] == [6, 5]
    assert res.nps.nps == pytest.approx(100 * (5 - 6) / 11)
    # Whole rounds only: there is no date window (a part of a round minus another
    # part would isolate people).
    second_round = survey_results.survey_results(sf, w.coord, w.programme_id, survey_id=second)
    assert second_round.responses == 5 and second_round.nps.nps == 100.0
    one = survey_results.survey_results(sf, w.coord, w.programme_id, survey_id=first)
    assert one.responses == 6 and one.nps.nps == -100.0
    assert "period" not in inspect.signature(survey_results.survey_results).parameters


def test_free_text_is_shown_per_whole_round_never_per_department(sf):
    w = make_world(sf, 12)
    sid = open_survey(sf, w)
    for i, viewer in enumerate(w.people):
        answer(sf, viewer, sid, free=f"text {i}")
    everyone = survey_results.survey_results(sf, w.coord, w.programme_id, survey_id=sid)
    assert [len(g.texts) for g in everyone.free_texts] == [12]
    # Sales' comments would be a subset of everyone's: the rest would be Finance's.
    sales = survey_results.survey_results(sf, w.coord, w.programme_id, "Sales", survey_id=sid)
    assert sales.free_texts == () and sales.texts_note == "not_offered"


def test_custom_scale_questions_have_their_own_result(sf):
    w = make_world(sf, 5)
    survey = rounds.create_survey(
        sf,
        w.coord,
        w.programme_id,
        title="With extra",
        opens_on=clock.today() + dt.timedelta(days=1),
        closes_on=None,
    )
    rounds.add_custom_question(sf, w.coord, survey.id, kind="scale", text="Kick-off useful?")
    clock.advance(days=1)
    for viewer in w.people:
        values = answers_for(
            sf,
            viewer,
            survey.id,
            satisfaction=4,
            nps=8,
            peer_help=4,
            progress=4,
            custom_scale=2,
        )
        answering.answer_survey(sf, viewer, survey.id, values)
    res = survey_results.survey_results(sf, w.coord, w.programme_id)
    custom = [q for q in res.questions if q.code == "custom_scale"]
    assert len(custom) == 1 and custom[0].text == "Kick-off useful?" and custom[0].mean == 2.0


def test_participants_cannot_read_results(sf):
    w = make_world(sf, 1)
    with pytest.raises(NotAllowed):
        survey_results.survey_results(sf, w.people[0], w.programme_id)
    with pytest.raises(NotAllowed):
        survey_results.programme_surveys(sf, w.people[0], w.programme_id)
