"""The data version: every committed write changes it, reads and rollbacks do not."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from core.kernel.errors import TandemError
from db.freshness import data_version
from db.models import Person, Setting
from tests.builders import make_person


def test_a_committed_write_changes_the_version_and_a_read_does_not(sf) -> None:
    before = data_version(sf)
    with sf() as s:
        s.get(Person, 1)
        s.commit()  # a transaction that only read
    assert data_version(sf) == before
    with sf.begin() as s:
        make_person(s, "ada")
    after = data_version(sf)
    assert after != before
    assert data_version(sf) == after


def test_a_core_update_through_the_session_changes_the_version(sf) -> None:
    with sf.begin() as s:
        pid = make_person(s, "ada").id
    before = data_version(sf)
    with sf.begin() as s:
        s.execute(update(Person).where(Person.id == pid).values(department="Sales"))
    assert data_version(sf) != before


def test_a_rolled_back_write_leaves_the_version(sf) -> None:
    with sf.begin() as s:
        make_person(s, "ada")
    before = data_version(sf)
    with pytest.raises(TandemError), sf.begin() as s:
        s.add(Setting(key="anything", value="1"))
        s.flush()
        raise TandemError("refused")
    assert data_version(sf) == before
    with sf() as s:
        assert s.get(Setting, "anything") is None


def test_two_factories_on_one_database_see_each_others_writes(sf) -> None:
    """Two servers are two session factories on one database."""
    from db.engine import make_session_factory

    other = make_session_factory(sf.kw["bind"])
    before = data_version(other)
    with sf.begin() as s:
        make_person(s, "ada")
    assert data_version(other) != before


def _versions(sf, *tables):  # type: ignore[no-untyped-def]
    from db.freshness import table_versions

    with sf() as s:
        return table_versions(s, tables)


def test_a_write_changes_the_version_of_the_tables_it_wrote_and_no_other(sf) -> None:
    with sf.begin() as s:
        make_person(s, "ada")
    person, setting, star = _versions(sf, "person", "programme")
    assert person != ""
    with sf.begin() as s:
        s.add(Setting(key="anything", value="1"))
    after = _versions(sf, "person", "programme")
    assert after[0] == person  # the person table was not written
    assert after[1] == setting == ""  # nor the programme table, ever
    assert after[2] == star


def test_a_core_update_changes_the_version_of_its_table(sf) -> None:
    with sf.begin() as s:
        pid = make_person(s, "ada").id
    before = _versions(sf, "person")
    with sf.begin() as s:
        s.execute(update(Person).where(Person.id == pid).values(department="Sales"))
    assert _versions(sf, "person")[0] != before[0]


def test_a_rolled_back_write_leaves_its_tables_versions(sf) -> None:
    with sf.begin() as s:
        make_person(s, "ada")
    before = _versions(sf, "person")
    with pytest.raises(TandemError), sf.begin() as s:
        make_person(s, "bob")
        raise TandemError("refused")
    assert _versions(sf, "person") == before
