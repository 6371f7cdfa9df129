"""Enrolment: eligibility, the window, the charter, edit and withdraw (SQLite and PostgreSQL)."""

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from core.kernel import clock
from core.kernel.errors import InvalidInput, NotAllowed, NotFound
from core.programmes import answers, enrolled, enrolment
from db.models import Enrolment, Person, SelfAssessment
from tests.builders import make_participant, make_programme, make_skill, make_user

NOW = dt.datetime(2026, 11, 27, 9)
TODAY = NOW.date()
SCORES = dict.fromkeys(answers.MENTOR_SKILLS, 3)


@pytest.fixture
def setting(sf):
    """An open programme with a shared and an own skill list; Zoé (L3, Sales) may join."""
    clock.set_now(NOW)
    coord = make_user(sf, "coord", ["coordinator"])
    zoe = make_participant(sf, "zoe", department="Sales", level="L3", location="Paris")
    with sf.begin() as s:
        p = make_programme(
            s,
            "Spring",
            status="enrolment",
            start_date=TODAY + dt.timedelta(days=20),
            end_date=TODAY + dt.timedelta(days=140),
            enrolment_opens=TODAY - dt.timedelta(days=3),
            enrolment_closes=TODAY + dt.timedelta(days=10),
            charter="What is said stays between us.",
            eligibility={"levels": ["L3", "L4"]},
        )
        other = make_programme(s, "Elsewhere", status="enrolment")
        owners = {"SQL": None, "Writing": None, "Negotiation": p, "Welding": other}
        ids = {name: make_skill(s, name, "Skills", owner).id for name, owner in owners.items()}
    return {"coord": coord, "zoe": zoe, "programme_id": p.id, "skills": ids}


def form(setting, **changes) -> answers.EnrolmentForm:
    sk = setting["skills"]
    base = answers.EnrolmentForm(
        offered=(sk["SQL"],),
        wanted=(sk["Negotiation"], sk["Writing"]),
        goal_themes=("career",),
        availability=("tue-pm", "thu-am"),
        work_mode="remote",
        languages=("fr", "en"),
        motivation="I want to learn to negotiate.",
        self_assessment=SCORES,
        charter_accepted=True,
    )
    return dataclasses.replace(base, **changes)


def test_a_participant_enrols_with_skills_themes_and_a_baseline(sf, setting):
    pid = setting["programme_id"]
    mine = enrolment.save_enrolment(sf, setting["zoe"], pid, form(setting))
    assert mine.status == "enrolled" and mine.charter_accepted_at == NOW
    assert mine.offered == (setting["skills"]["SQL"],)
    assert set(mine.wanted) == {setting["skills"]["Negotiation"], setting["skills"]["Writing"]}
    assert mine.availability == ("tue-pm", "thu-am") and mine.languages == ("en", "fr")
    assert mine.self_assessment == SCORES
    with sf.begin() as s:
        phases = s.scalars(
            select(SelfAssessment.phase).where(SelfAssessment.enrolment_id == mine.enrolment_id)
        ).all()
    assert phases == ["baseline"] * 7


def test_the_programmes_i_may_join_come_with_their_window_and_my_status(sf, setting):
    offers = {o.name: o for o in enrolment.list_offers(sf, setting["zoe"])}
    assert offers["Spring"].can_enrol and offers["Spring"].window == "open"
    assert offers["Spring"].my_status is None
    enrolment.save_enrolment(sf, setting["zoe"], setting["programme_id"], form(setting))
    offers = {o.name: o for o in enrolment.list_offers(sf, setting["zoe"])}
    assert offers["Spring"].my_status == "enrolled"


def test_drafts_do_not_exist_for_participants(sf, setting):
    with sf.begin() as s:
        draft = make_programme(s, "Secret plan", status="draft")
    assert "Secret plan" not in {o.name for o in enrolment.list_offers(sf, setting["zoe"])}
    with pytest.raises(NotFound):
        enrolment.get_offer(sf, setting["zoe"], draft.id)
    with pytest.raises(NotFound):
        enrolment.save_enrolment(sf, setting["zoe"], draft.id, form(setting))


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (NOW - dt.timedelta(days=4), "Enrolment opens on Nov 24, 2026."),
        (NOW + dt.timedelta(days=11), "Enrolment closed on Dec 7, 2026."),
    ],
)
def test_outside_the_window_enrolment_is_refused_naming_the_dates(sf, setting, when, message):
    clock.set_now(when)
    offer = enrolment.get_offer(sf, setting["zoe"], setting["programme_id"])
    assert not offer.can_enrol and offer.problems == (message,)
    with pytest.raises(InvalidInput, match=message):
        enrolment.save_enrolment(sf, setting["zoe"], setting["programme_id"], form(setting))


def test_the_window_opens_on_its_first_day_and_closes_after_its_last(sf, setting):
    for day in (TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(days=10)):
        clock.set_now(dt.datetime.combine(day, dt.time(23, 59)))
        assert enrolment.get_offer(sf, setting["zoe"], setting["programme_id"]).can_enrol


def test_a_running_programme_is_closed_to_newcomers(sf, setting):
    with sf.begin() as s:
        running = make_programme(s, "Autumn", status="running")
    hugo = make_participant(sf, "hugo")
    with sf.begin() as s:
        s.add(
            Enrolment(
                programme_id=running.id, person_id=hugo.person_id, created_at=NOW, updated_at=NOW
            )
        )
    # Hugo sees it because he is in it; Zoé does not see it at all.
    assert "Autumn" in {o.name for o in enrolment.list_offers(sf, hugo)}
    assert "Autumn" not in {o.name for o in enrolment.list_offers(sf, setting["zoe"])}
    offer = enrolment.get_offer(sf, setting["zoe"], running.id)
    assert offer.problems == ("Enrolment is closed: the programme has started.",)


def test_a_person_who_is_not_eligible_is_told_why(sf, setting):
    junior = make_participant(sf, "junior", level="L1")
    offer = enrolment.get_offer(sf, junior, setting["programme_id"])
    assert not offer.eligible
    assert offer.problems == ("This programme is for levels L3, L4; yours is L1.",)
    with pytest.raises(InvalidInput, match="yours is L1"):
        enrolment.save_enrolment(sf, junior, setting["programme_id"], form(setting))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"charter_accepted": False}, "Accept the confidentiality charter to enrol."),
        ({"offered": ()}, "Choose at least one skill you can offer."),
        ({"wanted": ()}, "Choose at least one skill you want to develop."),
        ({"availability": ()}, "Choose at least one time slot when you are available."),
        ({"languages": ()}, "Choose at least one language you can meet in."),
        ({"work_mode": "moon"}, "Choose on site, remote or either."),
        (
            {"motivation": "x" * 50_000},
            "“Motivation” is too long: 50,000 characters, at most 2,000.",
        ),
        ({"self_assessment": {"empathy": 4}}, "Rate yourself on every mentor skill"),
        ({"self_assessment": {**SCORES, "empathy": 9}}, "whole number from 1 to 5"),
    ],
)
def test_bad_enrolment_input_gets_a_precise_message(sf, setting, changes, message):
    with pytest.raises(InvalidInput) as err:
        enrolment.save_enrolment(
            sf, setting["zoe"], setting["programme_id"], form(setting, **changes)
        )
    assert message in str(err.value)
    with sf.begin() as s:
        assert s.scalar(select(func.count()).select_from(Enrolment)) == 0


def test_only_skills_from_this_programmes_list_can_be_chosen_and_not_both_ways(sf, setting):
    sk = setting["skills"]
    with pytest.raises(InvalidInput, match="not on this programme's skill list"):
        enrolment.save_enrolment(
            sf, setting["zoe"], setting["programme_id"], form(setting, offered=(sk["Welding"],))
        )
    with pytest.raises(InvalidInput, match="not both: SQL"):
        enrolment.save_enrolment(
            sf, setting["zoe"], setting["programme_id"], form(setting, wanted=(sk["SQL"],))
        )
    names = [
        s.name for s in enrolment.programme_skills(sf, setting["zoe"], setting["programme_id"])
    ]
    assert sorted(names) == ["Negotiation", "SQL", "Writing"]


def test_html_in_the_motivation_is_stored_exactly_as_typed(sf, setting):
    html = "<script>alert(1)</script>"
    mine = enrolment.save_enrolment(
        sf, setting["zoe"], setting["programme_id"], form(setting, motivation=html)
    )
    assert mine.motivation == html


def test_editing_replaces_the_answers_and_a_double_submit_changes_nothing(sf, setting):
    pid, sk = setting["programme_id"], setting["skills"]
    first = enrolment.save_enrolment(sf, setting["zoe"], pid, form(setting))
    clock.set_now(NOW + dt.timedelta(hours=1))
    changed = form(
        setting,
        offered=(sk["Writing"],),
        wanted=(sk["SQL"],),
        self_assessment={**SCORES, "empathy": 5},
    )
    enrolment.save_enrolment(sf, setting["zoe"], pid, changed)
    again = enrolment.save_enrolment(sf, setting["zoe"], pid, changed)
    assert again.enrolment_id == first.enrolment_id
    assert (again.offered, again.wanted) == ((sk["Writing"],), (sk["SQL"],))
    assert again.self_assessment["empathy"] == 5
    assert again.charter_accepted_at == NOW  # first acceptance kept
    with sf.begin() as s:
        assert s.scalar(select(func.count()).select_from(Enrolment)) == 1
        assert s.scalar(select(func.count()).select_from(SelfAssessment)) == 7


def _listed(sf, viewer, programme_id, **filters):  # type: ignore[no-untyped-def]
    """The whole filtered list, as one page."""
    return list(enrolled.enrolment_page(sf, viewer, programme_id, size=10_000, **filters).rows)


def test_withdrawing_is_idempotent_and_one_can_come_back_while_the_window_is_open(sf, setting):
    pid = setting["programme_id"]
    enrolment.save_enrolment(sf, setting["zoe"], pid, form(setting))
    enrolment.withdraw(sf, setting["zoe"], pid)
    enrolment.withdraw(sf, setting["zoe"], pid)
    mine = enrolment.my_enrolment(sf, setting["zoe"], pid)
    assert mine is not None and mine.status == "withdrawn"
    assert _listed(sf, setting["coord"], pid, status="enrolled") == []
    back = enrolment.save_enrolment(sf, setting["zoe"], pid, form(setting))
    assert back.status == "enrolled"


def test_withdrawing_from_a_programme_i_never_joined_says_so(sf, setting):
    with pytest.raises(NotFound, match="not enrolled"):
        enrolment.withdraw(sf, setting["zoe"], setting["programme_id"])


def test_a_mentoring_programme_asks_for_mentor_or_mentee(sf, setting):
    with sf.begin() as s:
        p = make_programme(
            s,
            "Career mentoring",
            status="enrolment",
            relationship_type="career",
            enrolment_opens=TODAY,
            enrolment_closes=TODAY + dt.timedelta(days=5),
        )
    with pytest.raises(InvalidInput, match="mentor or as a mentee"):
        enrolment.save_enrolment(sf, setting["zoe"], p.id, form(setting))
    mine = enrolment.save_enrolment(
        sf, setting["zoe"], p.id, form(setting, role="mentor", wanted=(), mentor_capacity=3)
    )
    assert (mine.role, mine.mentor_capacity) == ("mentor", 3)


def test_the_coordinator_sees_who_enrolled_with_filters_and_participants_cannot(sf, setting):
    pid = setting["programme_id"]
    enrolment.save_enrolment(sf, setting["zoe"], pid, form(setting))
    ana = make_participant(sf, "ana", department="Finance", level="L4")
    enrolment.save_enrolment(sf, ana, pid, form(setting))
    enrolment.withdraw(sf, ana, pid)
    rows = _listed(sf, setting["coord"], pid)
    assert [(r.name, r.department, r.status) for r in rows] == [
        ("Ana", "Finance", "withdrawn"),
        ("Zoe", "Sales", "enrolled"),
    ]
    assert rows[1].offered == ("SQL",) and rows[1].enrolled_at == NOW
    assert [r.name for r in _listed(sf, setting["coord"], pid, departments=["Sales"])] == ["Zoe"]
    assert [r.name for r in _listed(sf, setting["coord"], pid, search="AN")] == ["Ana"]
    with pytest.raises(NotAllowed):
        _listed(sf, setting["zoe"], pid)


def test_the_coordinators_list_comes_a_page_at_a_time_with_the_count_of_all(sf, setting):
    pid = setting["programme_id"]
    names = ["Émile", "Zora", "ana", "Bob", "éva"]
    for i, name in enumerate(names):
        who = make_participant(sf, f"p{i}", department=("Sales", "Finance")[i % 2])
        with sf.begin() as s:
            s.get_one(Person, who.person_id).full_name = name
        enrolment.save_enrolment(sf, who, pid, form(setting))
    coord = setting["coord"]
    everyone = [r.name for r in _listed(sf, coord, pid)]
    first = enrolled.enrolment_page(sf, coord, pid, size=2)
    assert (first.total, first.page, first.pages) == (5, 1, 3)
    assert [r.name for r in first.rows] == everyone[:2]
    last = enrolled.enrolment_page(sf, coord, pid, size=2, page=3)
    assert [r.name for r in last.rows] == everyone[4:]
    # A page past the end (a filter shrank the list) is the last page; before the first, the first.
    assert enrolled.enrolment_page(sf, coord, pid, size=2, page=9).page == 3
    assert enrolled.enrolment_page(sf, coord, pid, size=2, page=0).page == 1
    # Search ignores case beyond ASCII, on SQLite too: "é" finds "Émile" and "éva".
    found = enrolled.enrolment_page(sf, coord, pid, search=" É")
    assert sorted(r.name for r in found.rows) == ["Émile", "éva"] and found.total == 2
    assert enrolled.enrolment_page(sf, coord, pid, search="%").total == 0  # no SQL wildcard
    sales = enrolled.enrolment_page(sf, coord, pid, departments=["Sales"])
    assert {r.department for r in sales.rows} == {"Sales"} and sales.total == 3
    assert enrolled.departments_of(sf, coord, pid) == ["Finance", "Sales"]
    nobody = enrolled.enrolment_page(sf, coord, pid, search="nobody")
    assert (nobody.rows, nobody.total, nobody.page, nobody.pages) == ((), 0, 1, 1)
    with pytest.raises(NotAllowed):
        enrolled.enrolment_page(sf, setting["zoe"], pid)


def test_who_sees_my_answers_follows_the_directory_choice(sf, setting):
    assert any("nothing" in line for line in answers.who_sees(5, opted_in=False))
    assert any("you opted in" in line for line in answers.who_sees(5, opted_in=True))
    assert any("at least 5 people" in line for line in answers.who_sees(5, opted_in=True))
