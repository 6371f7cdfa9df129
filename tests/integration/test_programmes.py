"""Programmes: validation, states, optimistic locking, the next cycle (SQLite and PostgreSQL)."""

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.programmes import programmes as prog
from core.programmes.rules import eligibility_problems
from db.models import AuditLog, Programme, Skill
from tests.builders import enrol, make_participant, make_person, make_skill, make_user

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def coord(sf):
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    return make_user(sf, "coord", ["coordinator"])


def ready_form(**changes) -> prog.ProgrammeForm:
    """A complete programme, ready to open enrolment today."""
    form = prog.ProgrammeForm(
        name="Spring 2027",
        description="Pairs of colleagues who help each other grow.",
        objectives=("upskilling", "retention"),
        kpis={"match_rate": 0.7, "nps": 30.0},
        format="both",
        circle_size=4,
        cadence_days=14,
        session_minutes=60,
        start_date=TODAY + dt.timedelta(days=30),
        end_date=TODAY + dt.timedelta(days=150),
        enrolment_opens=TODAY,
        enrolment_closes=TODAY + dt.timedelta(days=20),
        guidelines="Meet every two weeks.",
        suggested_topics=("Giving feedback", "Your next step"),
        charter="What is said in the pair stays in the pair.",
        support_contact="hr@example.com",
        levels=("L3",),
    )
    return dataclasses.replace(form, **changes)


def test_a_coordinator_creates_a_draft_with_its_kpis_and_matching_weights(sf, coord):
    p = prog.create_programme(sf, coord, ready_form(matching={"skills": 5, "themes": 0}))
    got = prog.get_programme(sf, coord, p.id)
    assert got.status == "draft" and got.version == 1
    assert {k.metric: k.target for k in got.kpis} == {"match_rate": 0.7, "nps": 30.0}
    assert got.matching["skills"] == 5 and got.matching["themes"] == 0
    assert got.matching["paired_before_forbidden"] is True  # defaults fill what was not given
    assert got.eligibility == {"levels": ["L3"]}
    assert got.suggested_topics == ["Giving feedback", "Your next step"]
    with sf.begin() as s:
        assert s.scalar(select(AuditLog.action).where(AuditLog.target.like("Spring 2027%"))) == (
            "programme_created"
        )


def test_a_participant_cannot_create_or_list_programmes(sf, coord):
    someone = make_participant(sf, "zoe")
    with pytest.raises(NotAllowed):
        prog.create_programme(sf, someone, ready_form())
    with pytest.raises(NotAllowed):
        prog.list_programmes(sf, someone)


def test_an_admin_can_do_what_a_coordinator_does(sf, coord):
    admin = make_user(sf, "root", ["admin"])
    p = prog.create_programme(sf, admin, ready_form())
    assert [r.programme_id for r in prog.list_programmes(sf, admin)] == [p.id]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "   "}, "“Name” cannot be empty."),
        ({"name": "x" * 50_000}, "“Name” is too long: 50,000 characters, at most 160."),
        (
            {"description": "x" * 50_000},
            "“Description” is too long: 50,000 characters, at most 5,000.",
        ),
        (
            {"end_date": TODAY + dt.timedelta(days=10)},
            "The end date must be after the start date.",
        ),
        (
            {"enrolment_closes": TODAY - dt.timedelta(days=1)},
            "The enrolment window must open before it closes.",
        ),
        (
            {"enrolment_opens": TODAY + dt.timedelta(days=31)},
            "Enrolment must open on or before the start date (Dec 27, 2026).",
        ),
        (
            {"enrolment_closes": TODAY + dt.timedelta(days=151)},
            "Enrolment must close on or before the end date (Apr 26, 2027).",
        ),
        ({"enrolment_closes": None}, "Give both dates of the enrolment window, or neither."),
        ({"circle_size": 2}, "A circle has between 3 and 6 people, not 2."),
        ({"circle_size": 7}, "A circle has between 3 and 6 people, not 7."),
        ({"cadence_days": 10}, "The meeting cadence must be weekly, fortnightly or monthly."),
        ({"session_minutes": 5}, "A session lasts between 15 and 240 minutes."),
        ({"objectives": ("fun",)}, "Unknown objective: fun."),
        (
            {"kpis": {"match_rate": 1.5}},
            "The target of “Match rate” must be between 0 % and 100 %.",
        ),
        ({"kpis": {"nps": 200.0}}, "must be between -100 and 100."),
        ({"matching": {"skills": 4}}, "The weight of “Complementary skills” must be high"),
        (
            {"hired_after": TODAY, "hired_before": TODAY - dt.timedelta(days=1)},
            "“hired on or after” must come before “hired on or before”.",
        ),
        (
            {
                "start_date": TODAY - dt.timedelta(days=200),
                "end_date": TODAY - dt.timedelta(days=10),
                "enrolment_opens": None,
                "enrolment_closes": None,
            },
            "The end date (Nov 17, 2026) is in the past",
        ),
    ],
)
def test_bad_programme_input_gets_a_precise_message(sf, coord, changes, message):
    with pytest.raises(InvalidInput) as err:
        prog.create_programme(sf, coord, ready_form(**changes))
    assert message in str(err.value)
    assert prog.list_programmes(sf, coord) == []  # nothing half-saved


def test_every_problem_is_reported_at_once(sf, coord):
    with pytest.raises(InvalidInput) as err:
        prog.create_programme(sf, coord, ready_form(name="", circle_size=9, session_minutes=1))
    assert len(str(err.value).splitlines()) == 3


def test_html_in_text_fields_is_stored_exactly_as_typed(sf, coord):
    html = "<script>alert(1)</script>"
    p = prog.create_programme(
        sf, coord, ready_form(name=html, description=html, charter=html, suggested_topics=(html,))
    )
    got = prog.get_programme(sf, coord, p.id)
    assert (got.name, got.description, got.charter, got.suggested_topics) == (
        html,
        html,
        html,
        [html],
    )


def test_a_draft_may_be_incomplete(sf, coord):
    p = prog.create_programme(sf, coord, prog.ProgrammeForm(name="Ideas for 2028"))
    assert p.status == "draft" and p.start_date is None


def test_only_the_allowed_transitions_happen_and_others_are_refused_with_a_reason(sf, coord):
    p = prog.create_programme(sf, coord, ready_form())
    with pytest.raises(InvalidInput, match="cannot go from “Draft” to “Running”"):
        prog.change_status(sf, coord, p.id, "running", expected_version=p.version)
    p = prog.change_status(sf, coord, p.id, "enrolment", expected_version=p.version)
    assert p.status == "enrolment"
    with pytest.raises(InvalidInput, match="Nobody is enrolled"):
        prog.change_status(sf, coord, p.id, "running", expected_version=p.version)
    zoe = make_participant(sf, "zoe")
    with sf.begin() as s:
        enrol(s, s.get_one(Programme, p.id), zoe.person_id)
    with pytest.raises(InvalidInput, match="1 person has already enrolled"):
        prog.change_status(sf, coord, p.id, "draft", expected_version=p.version)
    p = prog.change_status(sf, coord, p.id, "running", expected_version=p.version)
    p = prog.change_status(sf, coord, p.id, "closed", expected_version=p.version)
    for target in ("draft", "enrolment", "running"):
        with pytest.raises(InvalidInput, match="cannot go from “Closed”"):
            prog.change_status(sf, coord, p.id, target, expected_version=p.version)
    with pytest.raises(Conflict, match="already “Closed”"):
        prog.change_status(sf, coord, p.id, "closed", expected_version=p.version)
    with pytest.raises(InvalidInput, match="closed programme can no longer be changed"):
        prog.update_programme(sf, coord, p.id, ready_form(), expected_version=p.version)
    with sf.begin() as s:
        moves = s.scalars(
            select(AuditLog.detail).where(AuditLog.action == "programme_status_changed")
        ).all()
    assert [(m["before"], m["after"]) for m in moves] == [
        ("draft", "enrolment"),
        ("enrolment", "running"),
        ("running", "closed"),
    ]


def test_opening_enrolment_lists_everything_that_is_missing(sf, coord):
    p = prog.create_programme(sf, coord, prog.ProgrammeForm(name="Half done"))
    with pytest.raises(InvalidInput) as err:
        prog.change_status(sf, coord, p.id, "enrolment", expected_version=p.version)
    assert str(err.value).splitlines() == [
        "Choose at least one objective before opening enrolment.",
        "Set the start and end dates before opening enrolment.",
        "Set the enrolment window before opening enrolment.",
        "Write the confidentiality charter before opening enrolment: participants accept it when they enrol.",
    ]
    assert prog.get_programme(sf, coord, p.id).status == "draft"


def test_a_draft_with_no_enrolment_can_go_back_to_draft(sf, coord):
    p = prog.create_programme(sf, coord, ready_form())
    p = prog.change_status(sf, coord, p.id, "enrolment", expected_version=p.version)
    p = prog.change_status(sf, coord, p.id, "draft", expected_version=p.version)
    assert p.status == "draft"


def test_two_coordinators_saving_at_once_get_a_conflict_not_a_silent_overwrite(sf, coord):
    other = make_user(sf, "coord2", ["coordinator"])
    p = prog.create_programme(sf, coord, ready_form())
    loaded_by_both = p.version
    saved = prog.update_programme(
        sf, coord, p.id, ready_form(name="Mine"), expected_version=loaded_by_both
    )
    assert saved.version == loaded_by_both + 1
    with pytest.raises(Conflict, match="changed meanwhile"):
        prog.update_programme(
            sf, other, p.id, ready_form(name="Theirs"), expected_version=loaded_by_both
        )
    with pytest.raises(Conflict, match="changed meanwhile"):
        prog.change_status(sf, other, p.id, "enrolment", expected_version=loaded_by_both)
    assert prog.get_programme(sf, coord, p.id).name == "Mine"
    # Starting again from the current version works.
    again = prog.update_programme(
        sf, other, p.id, ready_form(name="Theirs"), expected_version=saved.version
    )
    assert again.name == "Theirs"


def test_editing_keeps_kpis_in_step_with_the_form(sf, coord):
    p = prog.create_programme(sf, coord, ready_form())
    p = prog.update_programme(
        sf,
        coord,
        p.id,
        ready_form(kpis={"nps": 40.0, "satisfaction": 4.0}),
        expected_version=p.version,
    )
    got = prog.get_programme(sf, coord, p.id)
    assert {k.metric: k.target for k in got.kpis} == {"nps": 40.0, "satisfaction": 4.0}


def test_duplicating_makes_the_next_cycle_as_a_new_draft(sf, coord):
    p = prog.create_programme(sf, coord, ready_form())
    p = prog.change_status(sf, coord, p.id, "enrolment", expected_version=p.version)
    with sf.begin() as s:
        make_skill(s, "Negotiation", "Communication", p)
        make_skill(s, "SQL")
    copy = prog.duplicate_programme(sf, coord, p.id, name="Autumn 2027")
    got = prog.get_programme(sf, coord, copy.id)
    assert got.id != p.id and got.status == "draft" and got.name == "Autumn 2027"
    shift = (p.end_date - p.start_date) + dt.timedelta(days=1)
    assert got.start_date == p.start_date + shift and got.end_date == p.end_date + shift
    assert got.enrolment_opens == p.enrolment_opens + shift
    assert {k.metric: k.target for k in got.kpis} == {"match_rate": 0.7, "nps": 30.0}
    assert (got.charter, got.format, got.matching) == (p.charter, p.format, p.matching)
    with sf.begin() as s:
        own = s.scalars(select(Skill.name).where(Skill.programme_id == copy.id)).all()
    assert own == ["Negotiation"]  # its own skill list; shared skills stay shared
    assert prog.get_programme(sf, coord, p.id).status == "enrolment"  # source untouched
    with pytest.raises(InvalidInput, match="cannot be empty"):
        prog.duplicate_programme(sf, coord, p.id, name="")


def test_several_programmes_run_at_once(sf, coord):
    a = prog.create_programme(sf, coord, ready_form(name="Pairs"))
    b = prog.create_programme(sf, coord, ready_form(name="Circles", format="circles"))
    for p in (a, b):
        prog.change_status(sf, coord, p.id, "enrolment", expected_version=p.version)
    assert {r.name: r.status for r in prog.list_programmes(sf, coord)} == {
        "Pairs": "enrolment",
        "Circles": "enrolment",
    }


@pytest.mark.parametrize(
    ("rules", "person", "reason"),
    [
        ({"departments": ["Sales"]}, {}, "for the department Sales; yours is Engineering."),
        (
            {"departments": ["Sales", "Finance"]},
            {},
            "for the departments Sales, Finance; yours is Engineering.",
        ),
        ({"levels": ["L4"]}, {}, "for level L4; yours is L3."),
        ({"locations": ["Lyon"]}, {"location": None}, "based in Lyon; you are in not set."),
        ({"hired_after": "2026-01-01"}, {"hire_date": dt.date(2025, 5, 1)}, "hired on or after"),
        ({"hired_before": "2020-01-01"}, {"hire_date": dt.date(2025, 5, 1)}, "hired on or before"),
        ({"hired_after": "2026-01-01"}, {}, "yours is not recorded"),
    ],
)
def test_eligibility_names_the_rule_a_person_does_not_meet(sf, coord, rules, person, reason):
    with sf.begin() as s:
        p = make_person(s, **person)
        problems = list(eligibility_problems(rules, p))
        assert len(problems) == 1 and reason in problems[0]
        fitting = make_person(
            s,
            department="Sales",
            level="L4",
            location="Lyon",
            hire_date=dt.date(2026, 3, 1) if "hired_after" in rules else dt.date(2019, 3, 1),
        )
        if "departments" not in rules or "Sales" in rules["departments"]:
            assert list(eligibility_problems(rules, fitting)) == []
