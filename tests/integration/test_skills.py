"""Skill lists: unique names per list, rename, categories, merge without duplicates, delete."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.programmes import enrolment, skills
from db.models import AuditLog, EnrolmentSkill, Programme, Skill, skill_name
from tests.builders import enrol, make_person, make_programme, make_user
from tests.sql_plans import sqlite_plan


@pytest.fixture
def coord(sf):
    return make_user(sf, "coord", ("coordinator",))


@pytest.fixture
def programme_id(sf) -> int:
    with sf.begin() as s:
        return make_programme(s, "Spring").id


def names(sf, coord, programme_id=None) -> list[str]:
    return [r.name for r in skills.list_skills(sf, coord, programme_id)]


def wants(sf, enrolment_id: int) -> set[tuple[int, str]]:
    with sf.begin() as s:
        return {
            (e.skill_id, e.kind)
            for e in s.scalars(
                select(EnrolmentSkill).where(EnrolmentSkill.enrolment_id == enrolment_id)
            )
        }


def test_skills_are_listed_by_category_then_name(sf, coord):
    skills.add_skill(sf, coord, "SQL", "Technical")
    skills.add_skill(sf, coord, "public  speaking ", "Communication")
    skills.add_skill(sf, coord, "Python", "Technical")
    assert names(sf, coord) == ["public speaking", "Python", "SQL"]
    assert skills.categories(sf, coord) == ["Communication", "Technical"]


def test_a_name_is_unique_per_list_ignoring_case(sf, coord, programme_id):
    skills.add_skill(sf, coord, "Negotiation")
    with pytest.raises(Conflict, match="A skill “Negotiation” already exists in this list."):
        skills.add_skill(sf, coord, "NEGOTIATION")
    with pytest.raises(Conflict, match="already exists in the shared list."):
        skills.add_skill(sf, coord, "negotiation", programme_id=programme_id)
    skills.add_skill(sf, coord, "Onboarding tools", programme_id=programme_id)
    with pytest.raises(Conflict) as e:
        skills.add_skill(sf, coord, "onboarding tools")
    assert str(e.value) == (
        "A skill “Onboarding tools” already exists in the programme “Spring”: merge it into the shared list instead."
    )


def test_a_programme_list_has_its_own_skills_and_can_show_the_shared_ones(sf, coord, programme_id):
    skills.add_skill(sf, coord, "SQL")
    skills.add_skill(sf, coord, "Our CRM", programme_id=programme_id)
    assert names(sf, coord, programme_id) == ["Our CRM"]
    both = skills.list_skills(sf, coord, programme_id, include_shared=True)
    assert sorted(r.name for r in both) == ["Our CRM", "SQL"]
    choices = enrolment.programme_skills(sf, coord, programme_id)  # what participants pick from
    assert sorted(r.name for r in choices) == ["Our CRM", "SQL"]
    assert [sc.name for sc in skills.skill_scopes(sf, coord)] == ["", "Spring"]


def test_rename_and_category(sf, coord):
    sql = skills.add_skill(sf, coord, "Sql")
    skills.add_skill(sf, coord, "Python")
    skills.rename_skill(sf, coord, sql.skill_id, "SQL")
    skills.set_category(sf, coord, sql.skill_id, "Technical")
    (row,) = [r for r in skills.list_skills(sf, coord, None) if r.skill_id == sql.skill_id]
    assert (row.name, row.category) == ("SQL", "Technical")
    with pytest.raises(Conflict, match="A skill “Python” already exists in this list."):
        skills.rename_skill(sf, coord, sql.skill_id, "python")
    with pytest.raises(InvalidInput, match="“Skill” cannot be empty."):
        skills.rename_skill(sf, coord, sql.skill_id, "  ")


def test_merging_moves_enrolment_skills_without_duplicates(sf, coord, programme_id):
    a = skills.add_skill(sf, coord, "Public speaking").skill_id
    b = skills.add_skill(sf, coord, "Presenting").skill_id
    other = skills.add_skill(sf, coord, "SQL").skill_id
    with sf.begin() as s:
        prog = s.get_one(Programme, programme_id)
        e1 = enrol(s, prog, make_person(s).id)  # wants both A and B, offers A
        e1.skills = [
            EnrolmentSkill(skill_id=a, kind="wanted"),
            EnrolmentSkill(skill_id=b, kind="wanted"),
            EnrolmentSkill(skill_id=a, kind="offered"),
        ]
        e2 = enrol(s, prog, make_person(s).id)  # wants A only
        e2.skills = [
            EnrolmentSkill(skill_id=a, kind="wanted"),
            EnrolmentSkill(skill_id=other, kind="offered"),
        ]
        ids = (e1.id, e2.id)
    moved = skills.merge_skills(sf, coord, a, b)
    assert moved == 2  # e1 offered, e2 wanted; e1's duplicate "wanted" was dropped
    assert wants(sf, ids[0]) == {(b, "wanted"), (b, "offered")}
    assert wants(sf, ids[1]) == {(b, "wanted"), (other, "offered")}
    rows = {r.name: r for r in skills.list_skills(sf, coord, None)}
    assert "Public speaking" not in rows
    assert (rows["Presenting"].offered, rows["Presenting"].wanted) == (1, 2)
    with sf.begin() as s:
        assert s.get(Skill, a).merged_into_id == b
        line = s.scalars(select(AuditLog).where(AuditLog.action == "skill_merged")).one()
        assert line.detail == {"merged": "Public speaking", "moved": 2}
    with pytest.raises(Conflict, match="“Public speaking” was merged into “Presenting”"):
        skills.add_skill(sf, coord, "public speaking")
    with pytest.raises(NotFound):
        skills.merge_skills(sf, coord, a, other)


def test_a_merged_skills_aliases_follow_it_into_the_next_merge(sf, coord):
    a, b, c = (skills.add_skill(sf, coord, n).skill_id for n in ("Excel", "Spreadsheets", "Sheets"))
    skills.merge_skills(sf, coord, a, b)
    skills.merge_skills(sf, coord, b, c)
    with sf.begin() as s:
        assert s.get(Skill, a).merged_into_id == c
        assert s.get(Skill, b).merged_into_id == c


def test_renaming_a_skill_back_to_its_alias_name_drops_the_alias(sf, coord):
    a = skills.add_skill(sf, coord, "Public speaking").skill_id
    b = skills.add_skill(sf, coord, "Presenting").skill_id
    skills.merge_skills(sf, coord, a, b)
    skills.rename_skill(sf, coord, b, "Public speaking")
    assert names(sf, coord) == ["Public speaking"]


def test_a_programme_skill_merges_into_a_shared_one_but_not_the_other_way(sf, coord, programme_id):
    shared = skills.add_skill(sf, coord, "Coaching").skill_id
    own = skills.add_skill(sf, coord, "Coaching juniors", programme_id=programme_id).skill_id
    with pytest.raises(InvalidInput) as e:
        skills.merge_skills(sf, coord, shared, own)
    assert str(e.value) == (
        "“Coaching” is used beyond this programme: it can only be merged into a shared skill."
    )
    skills.merge_skills(sf, coord, own, shared)
    assert names(sf, coord, programme_id) == []
    with pytest.raises(InvalidInput, match="Choose two different skills to merge."):
        skills.merge_skills(sf, coord, shared, shared)


def test_only_an_unused_skill_can_be_deleted(sf, coord, programme_id):
    used = skills.add_skill(sf, coord, "SQL").skill_id
    unused = skills.add_skill(sf, coord, "COBOL").skill_id
    alias = skills.add_skill(sf, coord, "Cobol 85").skill_id
    skills.merge_skills(sf, coord, alias, unused)
    with sf.begin() as s:
        prog = s.get_one(Programme, programme_id)
        enrol(s, prog, make_person(s).id).skills = [EnrolmentSkill(skill_id=used, kind="offered")]
    with pytest.raises(Conflict) as e:
        skills.delete_skill(sf, coord, used)
    assert str(e.value) == (
        "“SQL” is used by 1 enrolment: merge it into another skill instead of deleting it."
    )
    skills.delete_skill(sf, coord, unused)
    assert names(sf, coord) == ["SQL"]
    with sf.begin() as s:
        assert s.get(Skill, alias) is None  # its alias went with it


def test_participants_cannot_manage_skills(sf):
    camille = make_user(sf, "camille", ("participant",))
    with pytest.raises(NotAllowed):
        skills.add_skill(sf, camille, "SQL")
    with pytest.raises(NotAllowed):
        skills.list_skills(sf, camille, None)


def test_how_many_offer_or_want_a_skill_is_counted_from_an_index(store, statements):
    """The skills page at company scale: each count reads the (skill, kind) range of an
    index, not every enrolment row of the skill."""
    coord = make_user(store.sf, "coord", ("coordinator",))
    sql = skills.add_skill(store.sf, coord, "SQL", "Technical")
    with store.sf.begin() as s:
        p = make_programme(s, "Spring")
        for i in range(6):
            e = enrol(s, p, make_person(s, f"P{i}").id)
            s.add(
                EnrolmentSkill(
                    enrolment_id=e.id, skill_id=sql.skill_id, kind=("offered", "wanted")[i % 3 == 0]
                )
            )
    statements.clear()
    [row] = skills.list_skills(store.sf, coord, None)
    assert (row.offered, row.wanted) == (4, 2)
    if store.engine.dialect.name != "sqlite":
        return  # the plan is read with SQLite's EXPLAIN QUERY PLAN
    plan = sqlite_plan(store, statements, "enrolment_skill.kind")
    assert plan.count("COVERING INDEX ix_enrolment_skill_skill_id_kind") == 2, plan


def test_a_merged_skill_is_named_by_its_target_wherever_a_list_shows_it(sf):
    # db.models.skill_name: the one rule the directory, matching and the peer's card use.
    with sf.begin() as s:
        sql = Skill(name="SQL", category="Technical")
        s.add(sql)
        s.flush()
        alias = Skill(name="Structured Query Language", category="Technical", merged_into_id=sql.id)
        other = Skill(name="Négociation", category="Business")
        s.add_all([alias, other])
        s.flush()
        names = dict(s.execute(select(Skill.id, skill_name())).tuples().all())
        assert (names[sql.id], names[alias.id], names[other.id]) == ("SQL", "SQL", "Négociation")
