"""Training-needs analysis: counts by department × skill, k-suppression, who wants / offers."""

import datetime as dt
import random

import pytest

from core.insights import tna
from core.insights.scope import OTHERS
from core.kernel import bags, clock
from core.kernel.errors import NotAllowed
from core.kernel.tables import Table
from db.models import EnrolmentSkill, Programme, Setting, Skill
from tests.builders import (
    enrol,
    make_participant,
    make_person,
    make_programme,
    make_skill,
    make_user,
)
from tests.integration.kept_parts import calls


@pytest.fixture
def world(sf):
    clock.set_now(dt.datetime(2026, 11, 27, 9))
    coord = make_user(sf, "coord", ["coordinator"])
    with sf.begin() as s:
        p = make_programme(s, "Spring", status="enrolment")
        sql = make_skill(s, "SQL", "Technical")
        talk = make_skill(s, "Public speaking", "Communication")
        ids = {"programme": p.id, "sql": sql.id, "talk": talk.id}
    return coord, ids


def add_people(sf, ids, department, n, *, wants=("sql",), offers=("talk",), status="enrolled"):
    with sf.begin() as s:
        p = s.get_one(Programme, ids["programme"])
        for i in range(n):
            person = make_person(s, f"{department} {i}", department=department)
            e = enrol(s, p, person.id, status=status)
            e.skills = [EnrolmentSkill(skill_id=ids[k], kind="wanted") for k in wants] + [
                EnrolmentSkill(skill_id=ids[k], kind="offered") for k in offers
            ]
            s.flush()


def cell(grid, department, skill):
    return next(c for c in grid.cells if c.department == department and c.skill == skill)


def test_a_department_of_k_minus_1_people_is_counted_with_the_others_and_of_k_shown(sf, world):
    coord, ids = world
    add_people(sf, ids, "Sales", 4)  # k − 1 with the default k = 5
    add_people(sf, ids, "Marketing", 1)
    add_people(sf, ids, "Finance", 5, wants=("sql", "talk"), offers=())  # exactly k
    add_people(sf, ids, "Legal", 5)
    grid = tna.needs_grid(sf, coord, ids["programme"])
    assert grid.k == 5 and grid.enrolled == 15
    # Sales and Marketing are never a row of their own: together they are 5 people.
    assert [d for d, _ in grid.departments] == ["Finance", "Legal", OTHERS]
    assert grid.withheld == ("Marketing", "Sales")
    shown = cell(grid, "Finance", "SQL")
    assert not shown.suppressed and (shown.wanted, shown.offered, shown.gap) == (5, 0, 5)
    others = cell(grid, OTHERS, "SQL")
    assert (others.wanted, others.offered) == (5, 0)
    totals = {t.skill: (t.wanted, t.offered, t.gap) for t in grid.totals}
    assert totals == {"SQL": (15, 0, 15), "Public speaking": (5, 10, -5)}


def test_a_count_of_fewer_than_k_people_is_hidden_and_cannot_be_worked_out_from_the_total(
    sf, world
):
    coord, ids = world
    add_people(sf, ids, "Finance", 5, wants=("sql",), offers=())
    add_people(sf, ids, "Legal", 2, wants=("talk",), offers=())
    add_people(sf, ids, "Legal", 3, wants=("sql",), offers=())
    add_people(sf, ids, "Sales", 6, wants=("talk",), offers=())
    grid = tna.needs_grid(sf, coord, ids["programme"])
    legal = cell(grid, "Legal", "Public speaking")
    assert legal.wanted is None and legal.reason == "small"
    # Public speaking: 8 in all = Sales 6 + Legal 2; with Finance's 0 shown, one more
    # of the column is hidden, or the total is.
    column = [cell(grid, d, "Public speaking").wanted for d in ("Finance", "Legal", "Sales")]
    total = next(t.wanted for t in grid.totals if t.skill == "Public speaking")
    assert total is None or column.count(None) >= 2


def test_one_more_person_makes_a_hidden_department_visible(sf, world):
    coord, ids = world
    add_people(sf, ids, "Sales", 4)
    add_people(sf, ids, "Finance", 6)
    grid = tna.needs_grid(sf, coord, ids["programme"])
    assert [d for d, _ in grid.departments] == [OTHERS]  # Finance alone would show Sales
    add_people(sf, ids, "Sales", 1)
    talk = cell(tna.needs_grid(sf, coord, ids["programme"]), "Sales", "Public speaking")
    assert (talk.suppressed, talk.wanted, talk.offered, talk.gap) == (False, 0, 5, -5)


def test_totals_are_hidden_too_when_fewer_than_k_are_enrolled(sf, world):
    coord, ids = world
    add_people(sf, ids, "Sales", 4)
    grid = tna.needs_grid(sf, coord, ids["programme"])
    totals = {t.skill: (t.wanted, t.offered, t.gap) for t in grid.totals}
    # 4 want SQL and 4 offer public speaking: hidden; nobody wants the latter: 0 shown.
    assert totals == {"SQL": (None, 0, None), "Public speaking": (0, None, None)}
    assert grid.enrolled is None


def test_k_comes_from_the_setting(sf, world):
    coord, ids = world
    add_people(sf, ids, "Sales", 3)
    with sf.begin() as s:
        s.add(Setting(key="k", value="3"))
    grid = tna.needs_grid(sf, coord, ids["programme"])
    assert grid.k == 3 and not cell(grid, "Sales", "SQL").suppressed


def test_withdrawn_people_are_not_counted(sf, world):
    coord, ids = world
    add_people(sf, ids, "Sales", 5)
    add_people(sf, ids, "Sales", 3, status="withdrawn")
    grid = tna.needs_grid(sf, coord, ids["programme"])
    assert grid.enrolled == 5 and cell(grid, "Sales", "SQL").wanted == 5


def test_who_wants_and_who_offers_a_skill_is_a_list_of_names(sf, world):
    coord, ids = world
    add_people(sf, ids, "Sales", 2)
    add_people(sf, ids, "Finance", 1, wants=("talk",), offers=("sql",))
    who = tna.skill_people(sf, coord, ids["programme"], ids["sql"])
    assert [p.name for p in who.wanted_by] == ["Sales 0", "Sales 1"]
    assert [(p.name, p.department) for p in who.offered_by] == [("Finance 0", "Finance")]


def test_a_long_list_of_names_is_counted_whole_and_read_a_page_at_a_time(sf, world):
    coord, ids = world
    add_people(sf, ids, "Sales", 4)
    add_people(sf, ids, "Finance", 3)
    add_people(sf, ids, "Legal", 2, status="withdrawn")
    who = tna.skill_people(sf, coord, ids["programme"], ids["sql"], shown=3)
    assert (who.wanted_total, who.offered_total) == (7, 0)
    assert [p.name for p in who.wanted_by] == ["Finance 0", "Finance 1", "Finance 2"]
    sales = tna.skill_people(sf, coord, ids["programme"], ids["sql"], "Sales", shown=3)
    assert sales.wanted_total == 4 and [p.name for p in sales.wanted_by] == [
        "Sales 0",
        "Sales 1",
        "Sales 2",
    ]
    whole = tna.skill_people(sf, coord, ids["programme"], ids["talk"])
    assert whole.offered_total == len(whole.offered_by) == 7 and whole.wanted_by == ()


def test_a_merged_skill_counts_under_the_skill_it_was_merged_into(sf, world):
    coord, ids = world
    add_people(sf, ids, "Sales", 5)
    with sf.begin() as s:
        s.get_one(Skill, ids["sql"]).merged_into_id = ids["talk"]
    grid = tna.needs_grid(sf, coord, ids["programme"])
    talk = cell(grid, "Sales", "Public speaking")
    assert (talk.wanted, talk.offered) == (5, 5)
    assert {c.skill for c in grid.cells} == {"Public speaking"}
    who = tna.skill_people(sf, coord, ids["programme"], ids["sql"])
    assert who.skill == "Public speaking" and len(who.wanted_by) == 5


def test_participants_cannot_read_the_analysis(sf, world):
    _, ids = world
    zoe = make_participant(sf, "zoe")
    with pytest.raises(NotAllowed):
        tna.needs_grid(sf, zoe, ids["programme"])
    with pytest.raises(NotAllowed):
        tna.skill_people(sf, zoe, ids["programme"], ids["sql"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_large_table_is_protected_on_its_sums_alone_and_shows_the_same(
    sf, world, monkeypatch, seed
):
    """Above DETAIL_UNITS the needs table keeps no units and is not checked on its actual
    groups (a person's skill of one kind is in one base cell only, so they add nothing
    to the sums): every figure and every hidden one is the same as when read whole."""
    coord, ids = world
    with sf.begin() as s:
        for name in ("Excel", "Negotiation", "Python"):
            ids[name] = make_skill(s, name, "Other").id
    skills = [k for k in ids if k != "programme"]
    rng = random.Random(seed)
    for department in ("Finance", "Legal", "Sales", "Support", "IT"):
        for _ in range(rng.randint(1, 4)):
            add_people(
                sf,
                ids,
                department,
                rng.randint(1, 6),
                wants=rng.sample(skills, rng.randint(0, 3)),
                offers=rng.sample(skills, rng.randint(0, 2)),
            )
    whole = tna.needs_grid(sf, coord, ids["programme"])
    with calls(Table, "_data_problems", lambda table: table.name) as checked:
        read_whole = tna.needs_grid(sf, coord, ids["programme"])
    assert read_whole == whole and f"tna:{ids['programme']}" in checked
    monkeypatch.setattr(bags, "DETAIL_UNITS", 3)
    with calls(Table, "_data_problems", lambda table: table.name) as checked:
        on_sums = tna.needs_grid(sf, coord, ids["programme"])
    assert f"tna:{ids['programme']}" not in checked
    assert on_sums == whole
    assert any(c.wanted is None for c in whole.cells), "some figure must be hidden"
