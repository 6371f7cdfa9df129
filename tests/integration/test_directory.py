"""The expert directory: opt-in, enrolled people only, name/department/skills offered only."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from sqlalchemy import delete, event, select

from core.kernel.errors import InvalidInput, NotAllowed
from core.people import directory
from db.models import Enrolment, EnrolmentSkill, Person, Programme, Skill
from tests.builders import (
    enrol,
    make_listed,
    make_participant,
    make_programme,
    make_skill,
    make_user,
)
from tests.sql_plans import sqlite_plan


def _skill(s, name: str) -> Skill:
    return make_skill(s, name, category="")


def _email(sf, viewer) -> str:
    with sf.begin() as s:
        return s.get_one(Person, viewer.person_id).email


@pytest.fixture
def people(sf):
    me = make_participant(sf, "camille")
    listed = make_participant(sf, "hugo", department="Engineering", location="Lyon", level="L4")
    not_opted = make_participant(sf, "ines")
    withdrawn = make_participant(sf, "jonas")
    closed_only = make_participant(sf, "karim")
    not_enrolled = make_participant(sf, "lea")
    with sf.begin() as s:
        running = make_programme(s, "Running")
        closed = make_programme(s, "Last year", status="closed")
        sql, speaking, nego = (
            _skill(s, "SQL"),
            _skill(s, "Public speaking"),
            _skill(s, "Négociation"),
        )
        old = _skill(s, "Structured Query Language")
        old.merged_into_id = sql.id

        def offer(viewer, programme, offered, wanted=(), **fields):
            e = enrol(s, programme, viewer.person_id, motivation="SECRET-MOTIVATION", **fields)
            e.skills = [EnrolmentSkill(skill_id=k.id, kind="offered") for k in offered] + [
                EnrolmentSkill(skill_id=k.id, kind="wanted") for k in wanted
            ]
            s.flush()

        offer(me, running, [speaking])
        offer(listed, running, [old, nego], wanted=[speaking])
        offer(not_opted, running, [sql])
        offer(withdrawn, running, [sql], status="withdrawn")
        offer(closed_only, closed, [sql])
        for v in (me, listed, not_opted, withdrawn, closed_only, not_enrolled):
            s.get_one(Person, v.person_id).directory_opt_in = v is not not_opted
    return me, listed


def test_only_opted_in_people_enrolled_in_a_live_programme_are_listed(sf, people):
    me, hugo = people
    assert [e.name for e in directory.read(sf, me).search()] == ["Hugo"]


def test_an_entry_holds_name_department_skills_offered_and_contact_nothing_else(sf, people):
    me, hugo = people
    [entry] = directory.read(sf, me).search("sql")
    assert [f.name for f in dataclasses.fields(entry)] == [
        "person_id",
        "name",
        "department",
        "skills_offered",
        "email",
        "chat",
    ]
    # The merged skill shows under its new name; wanted skills and motivation never appear.
    assert entry == directory.DirectoryEntry(
        hugo.person_id, "Hugo", "Engineering", ("Négociation", "SQL"), _email(sf, hugo), ""
    )
    assert entry.mailto == "mailto:" + _email(sf, hugo)
    assert "Public speaking" not in repr(entry) and "SECRET" not in repr(entry)
    assert "Lyon" not in repr(entry) and "L4" not in repr(entry)


def test_search_ignores_case_and_accents_and_finds_nobody_for_an_unknown_skill(sf, people):
    me, _ = people
    assert [e.name for e in directory.read(sf, me).search("NEGOCIATION")] == ["Hugo"]
    assert directory.read(sf, me).search("Cooking") == []
    assert [e.name for e in directory.read(sf, me).search("", "engineering")] == ["Hugo"]
    assert directory.read(sf, me).search("", "Sales") == []
    assert directory.read(sf, me).skills() == ["Négociation", "SQL"]


def test_opting_out_removes_me_at_once_and_opting_in_again_brings_me_back(sf, people):
    me, hugo = people
    assert directory.set_opt_in(sf, hugo, False).listed is False
    assert directory.read(sf, me).search() == []
    assert directory.set_opt_in(sf, hugo, False).opted_in is False  # idempotent
    back = directory.set_opt_in(sf, hugo, True)
    assert back.listed and back.skills_offered == ("Négociation", "SQL")
    assert [e.name for e in directory.read(sf, me).search()] == ["Hugo"]


def test_my_listing_shows_exactly_what_colleagues_see(sf, people):
    me, _ = people
    listing = directory.my_listing(sf, me)
    assert listing == directory.MyListing(
        "Camille", "Engineering", True, True, ("Public speaking",), _email(sf, me)
    )


def test_someone_enrolled_who_offers_no_skill_is_told_they_are_not_listed_yet(sf, people):
    """A search finds colleagues by the skills they offer: someone enrolled who offers none
    cannot be found, and their listing says so (it said "listed" with no skill)."""
    me, hugo = people
    with sf.begin() as s:
        s.execute(
            delete(EnrolmentSkill).where(
                EnrolmentSkill.enrolment_id.in_(
                    select(Enrolment.id).where(Enrolment.person_id == me.person_id)
                )
            )
        )
    listing = directory.my_listing(sf, me)
    assert listing.opted_in and not listing.listed and listing.skills_offered == ()
    assert me.person_id not in {e.person_id for e in directory.read(sf, hugo).search()}


def test_i_do_not_find_myself_and_an_erased_person_is_never_listed(sf, people):
    me, hugo = people
    assert me.person_id not in {e.person_id for e in directory.read(sf, me).search()}
    assert me.person_id in {e.person_id for e in directory.read(sf, hugo).search()}
    with sf.begin() as s:
        s.get_one(Person, hugo.person_id).erased_at = s.get_one(Person, hugo.person_id).created_at
    assert directory.read(sf, me).search() == []


@pytest.mark.parametrize("roles", [("coordinator",), ("admin",)])
def test_only_participants_search_the_directory(sf, people, roles):
    staff = make_user(sf, "staff", roles)
    with pytest.raises(NotAllowed):
        directory.read(sf, staff).search("sql")


def test_an_overlong_search_is_refused_clearly(sf, people):
    me, _ = people
    with pytest.raises(InvalidInput, match="too long"):
        directory.read(sf, me).search("x" * 50_000)


def test_the_directory_reads_never_send_one_parameter_per_listed_person(sf, people):
    """At company scale the reads stay a few small queries: no list of every listed id."""
    me, hugo = people
    with sf.begin() as s:
        running = s.scalar(select(Programme).where(Programme.name == "Running"))
        nego = s.scalar(select(Skill).where(Skill.name == "Négociation"))
        for i in range(30):
            make_listed(s, running, f"Colleague {i}", "Sales", [nego])
    widest: list[int] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        widest.append(len(parameters or ()))

    engine = sf.kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        found = directory.read(sf, me).search("négociation")
        skills = directory.read(sf, me).skills()
        departments = directory.read(sf, me).departments()
        mine = directory.my_listing(sf, me)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(found) == 31 and skills == ["Négociation", "SQL"]
    assert departments == ["Engineering", "Sales"] and mine.listed
    assert max(widest) < 20, widest  # a few states and skills each query; 31 people listed


def test_the_filters_offer_only_what_a_search_can_find(sf, people):
    """A colleague listed without a skill offered is found by no search: their department
    is not one of the filter's choices (it would always find nobody)."""
    me, _hugo = people
    with sf.begin() as s:
        running = s.scalar(select(Programme).where(Programme.name == "Running"))
        make_listed(s, running, "Quiet Colleague", "Legal", [])
    found = directory.read(sf, me)
    assert "Legal" not in found.departments() and found.departments() == ["Engineering"]
    assert found.search(department="Legal") == [] and found.search(department="engineering")
    assert found.skills() == directory.read(sf, me).skills() == ["Négociation", "SQL"]


def test_a_large_directory_lists_the_first_hundred_by_name_accents_and_case_aside(sf, people):
    """More people than a page lists: the first MAX_RESULTS by name as a reader sorts it
    ("Émile" with the E's), each with their skills, whatever the filters."""
    me, _hugo = people
    names = [f"{first} {i:03d}" for i in range(60) for first in ("émile", "Zoé", "Ada")]
    with sf.begin() as s:
        running = s.scalar(select(Programme).where(Programme.name == "Running"))
        nego = s.scalar(select(Skill).where(Skill.name == "Négociation"))
        sql = s.scalar(select(Skill).where(Skill.name == "SQL"))
        for i, name in enumerate(names):
            department = "Sales" if i % 2 else "Légal"
            make_listed(s, running, name, department, [nego] if i % 3 else [nego, sql])

    def fold(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if c.isascii())

    # hugo offers a skill merged into SQL: he is listed too (in Engineering)
    for skill, department, matching in (
        ("", "", 181),
        ("sql", "", 61),
        ("", "legal", 90),
        ("negociation", "SALES", 90),
    ):
        result = directory.read(sf, me).find(skill, department)
        found = result.entries
        assert len(found) == min(directory.MAX_RESULTS, matching)
        assert result.more == (matching > directory.MAX_RESULTS)
        keys = [(fold(e.name), e.person_id) for e in found]
        assert keys == sorted(keys)
        assert all(
            e.skills_offered == tuple(sorted(e.skills_offered, key=str.casefold)) for e in found
        )
        if skill == "sql":
            assert all("SQL" in e.skills_offered for e in found)
        if department == "legal":
            assert {e.department for e in found} == {"Légal"}
    every = [e.name for e in directory.read(sf, me).search()]
    assert every == [f"Ada {i:03d}" for i in range(60)] + [f"émile {i:03d}" for i in range(40)]


# --------------------------------------------------------------------------- contact


def test_a_chat_link_set_by_an_admin_is_offered_beside_each_colleague(sf, people):
    me, hugo = people
    admin = make_user(sf, "root", ("admin",))
    template = "https://teams.microsoft.com/l/chat/0/0?users={email}"
    assert directory.set_chat_template(sf, admin, f"  {template} ") == template
    [entry] = directory.read(sf, me).search("sql")
    assert entry.chat == template.replace("{email}", _email(sf, hugo))
    directory.set_chat_template(sf, admin, "")  # removed: no chat link any more
    assert directory.read(sf, me).search("sql")[0].chat == ""


@pytest.mark.parametrize(
    "template",
    [
        "http://chat.example.com/{email}",  # not https
        "javascript:alert(1)//{email}",
        "https://chat.example.com/",  # no {email}
        "https://chat.example.com/{email}/{email}",
        "https://chat.example.com/{name}?u={email}",
        "https:///{email}",
        "https://chat.example.com/ {email}",
        "https://chat.example.com/" + "x" * 600 + "{email}",
    ],
)
def test_a_chat_link_that_is_not_https_with_one_email_is_refused_and_nothing_changes(
    sf, people, template
):
    me, _ = people
    admin = make_user(sf, "root", ("admin",))
    with pytest.raises(InvalidInput):
        directory.set_chat_template(sf, admin, template)
    assert directory.current_chat_template(sf, admin) == ""
    assert directory.read(sf, me).search("sql")[0].chat == ""


def test_only_admins_set_the_chat_link(sf, people):
    me, _ = people
    coord = make_user(sf, "coord", ("coordinator",))
    for viewer in (me, coord):
        with pytest.raises(NotAllowed):
            directory.set_chat_template(sf, viewer, "https://chat.example.com/{email}")


def test_an_email_is_quoted_in_the_links_and_a_deactivated_colleague_has_none(sf, people):
    me, hugo = people
    admin = make_user(sf, "root", ("admin",))
    directory.set_chat_template(sf, admin, "https://chat.example.com/u/{email}")
    with sf.begin() as s:
        s.get_one(Person, hugo.person_id).email = "hugo+x&y=1@example.com"
    [entry] = directory.read(sf, me).search("sql")
    assert entry.mailto == "mailto:hugo%2Bx%26y%3D1@example.com"
    assert entry.chat == "https://chat.example.com/u/hugo%2Bx%26y%3D1@example.com"
    with sf.begin() as s:
        s.get_one(Person, hugo.person_id).is_active = False
    assert directory.read(sf, me).search("sql") == []


def test_the_directory_walks_indexes_never_sorting_or_scanning_what_it_reads(
    store, statements, people
):
    """The skills offered are looked for newest offer first from the index alone, and a
    search walks the people by the folded name's index to its first hundred: no temporary
    sort and no whole-table scan at any scale (SQLite's plan; PostgreSQL plans by its
    statistics)."""
    me, _hugo = people
    found = directory.read(store.sf, me)
    found.search("sql")
    if store.engine.dialect.name != "sqlite":
        return
    skills = sqlite_plan(store, statements, "ORDER BY enrolment_skill.enrolment_id DESC")
    assert "COVERING INDEX ix_enrolment_skill_skill_id_kind_enrolment_id" in skills, skills
    search = sqlite_plan(store, statements, "ORDER BY person.sort_name")
    assert "SCAN person USING INDEX ix_person_sort_name" in search, search
    for plan in (skills, search):
        assert "TEMP B-TREE" not in plan, plan


def test_a_colleague_listed_between_the_read_and_the_search_is_found_without_an_error(sf, people):
    """The page reads the skills offered, then searches: someone who enrols meanwhile with a
    skill nobody offered is listed with the skills the page knows (never a KeyError)."""
    me, _hugo = people
    found = directory.read(sf, me)
    with sf.begin() as s:
        running = s.scalar(select(Programme).where(Programme.name == "Running"))
        nego = s.scalar(select(Skill).where(Skill.name == "Négociation"))
        make_listed(s, running, "Aaron Newcomer", "Sales", [nego, make_skill(s, "Welding")])
    [entry, *_] = found.search()
    assert entry.name == "Aaron Newcomer" and entry.skills_offered == ("Négociation",)
    assert "Welding" in directory.read(sf, me).skills()  # the next read names it
