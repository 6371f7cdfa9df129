"""Deactivating the people missing from a file: typed confirmation, and undo for 30 days."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.people import import_undo, importer
from db.models import Account, AuditLog, Person
from tests.builders import make_account, make_user
from tests.integration.test_people_import import GOOD, csv, person

NOW = dt.datetime(2026, 11, 2, 9, 30)


@pytest.fixture
def coord(sf):
    clock.set_now(NOW)
    return make_user(sf, "coord", ("coordinator",), email="coord@example.com")


@pytest.fixture
def olga_and_pia(sf):
    with sf.begin() as s:
        olga = make_account(s, "olga", email="olga@example.com")
        pia = make_account(s, "pia", email="pia@example.com", password=None)
        s.get_one(Account, pia.id).is_active = False  # pia never signed in: no live account
        return olga.id, pia.id


def _import_deactivating(sf, coord, typed=2):
    pv = importer.preview(sf, coord, csv(*GOOD), "people.csv")
    return importer.apply(sf, coord, pv, deactivate_missing=True, confirm_missing=typed)


@pytest.mark.parametrize("typed", [None, 0, 1, 3, -2])
def test_deactivating_needs_the_number_typed_and_a_wrong_one_changes_nothing(
    sf, coord, olga_and_pia, typed
):
    with pytest.raises(InvalidInput, match="Type 2 to confirm"):
        _import_deactivating(sf, coord, typed)
    assert person(sf, "olga@example.com").is_active
    with sf.begin() as s:
        assert s.scalar(select(Person).where(Person.email == "ana@example.com")) is None
    assert import_undo.undoable_imports(sf, coord) == []


def test_undo_reactivates_exactly_the_people_and_accounts_the_import_deactivated(
    sf, coord, olga_and_pia
):
    olga_account, pia_account = olga_and_pia
    with sf.begin() as s:
        make_account(s, "gone", email="gone@example.com")
        s.get_one(Person, s.get_one(Account, olga_account).person_id)  # exists
    # Someone already inactive before the import is not the import's to bring back.
    with sf.begin() as s:
        s.scalars(select(Person).where(Person.email == "gone@example.com")).one().is_active = False
    assert _import_deactivating(sf, coord).deactivated == 2

    [undoable] = import_undo.undoable_imports(sf, coord)
    assert (undoable.deactivated, undoable.still_inactive, undoable.filename) == (
        2,
        2,
        "people.csv",
    )
    assert undoable.until == (NOW + dt.timedelta(days=30)).date()

    clock.set_now(NOW + dt.timedelta(days=3))
    result = import_undo.undo_import(sf, coord, undoable.import_id)
    assert (result.reactivated, result.accounts, result.left) == (2, 1, 0)
    assert person(sf, "olga@example.com").is_active and person(sf, "pia@example.com").is_active
    assert not person(sf, "gone@example.com").is_active
    with sf.begin() as s:
        assert s.get_one(Account, olga_account).is_active
        assert not s.get_one(Account, pia_account).is_active  # it was not active before
        # The sessions the import ended stay ended.
        assert s.get_one(Account, olga_account).sessions_revoked_before == NOW
        line = s.scalars(select(AuditLog).where(AuditLog.action == "people_import_undone")).one()
        assert line.detail == {"reactivated": 2, "accounts": 1, "left": 0}
    assert import_undo.undoable_imports(sf, coord) == []


def test_an_import_is_undone_once_even_when_asked_twice(sf, coord, olga_and_pia):
    _import_deactivating(sf, coord)
    [undoable] = import_undo.undoable_imports(sf, coord)
    import_undo.undo_import(sf, coord, undoable.import_id)
    with pytest.raises(Conflict, match="already undone"):
        import_undo.undo_import(sf, coord, undoable.import_id)


def test_after_30_days_an_import_can_no_longer_be_undone(sf, coord, olga_and_pia):
    _import_deactivating(sf, coord)
    [undoable] = import_undo.undoable_imports(sf, coord)
    clock.set_now(NOW + dt.timedelta(days=30, minutes=1))
    assert import_undo.undoable_imports(sf, coord) == []
    with pytest.raises(Conflict, match="30 days"):
        import_undo.undo_import(sf, coord, undoable.import_id)
    assert not person(sf, "olga@example.com").is_active


def test_someone_changed_by_hand_since_the_import_is_left_as_they_are(sf, coord, olga_and_pia):
    _import_deactivating(sf, coord)
    [undoable] = import_undo.undoable_imports(sf, coord)
    clock.set_now(NOW + dt.timedelta(days=1))
    with sf.begin() as s:  # reactivated, then deactivated again by hand
        pia = s.scalars(select(Person).where(Person.email == "pia@example.com")).one()
        pia.updated_at = clock.now()
    result = import_undo.undo_import(sf, coord, undoable.import_id)
    assert (result.reactivated, result.left) == (1, 1)
    assert person(sf, "olga@example.com").is_active
    assert not person(sf, "pia@example.com").is_active


def test_only_coordinators_undo_and_an_unknown_import_is_not_found(sf, coord, olga_and_pia):
    _import_deactivating(sf, coord)
    [undoable] = import_undo.undoable_imports(sf, coord)
    participant = make_user(sf, "pat", ("participant",), email="pat@example.com")
    with pytest.raises(NotAllowed):
        import_undo.undo_import(sf, participant, undoable.import_id)
    with pytest.raises(NotAllowed):
        import_undo.undoable_imports(sf, participant)
    with pytest.raises(NotFound):
        import_undo.undo_import(sf, coord, undoable.import_id + 999)
    assert not person(sf, "olga@example.com").is_active


def test_an_import_that_deactivates_nobody_leaves_nothing_to_undo(sf, coord):
    importer.apply(sf, coord, importer.preview(sf, coord, csv(*GOOD), "p.csv"))
    assert import_undo.undoable_imports(sf, coord) == []
