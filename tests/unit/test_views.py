"""core.kernel.views.from_row: a view copies its row's same-named fields exactly, and a
field the row lacks fails at the first call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from core.kernel.views import from_row


@dataclass(frozen=True)
class Item:
    item_id: int
    title: str
    due: dt.date | None
    tags: tuple[str, ...]
    mine: bool
    extra: str = "default"
    cached: int = field(default=0, init=False)


def row(**overrides):
    values = {
        "id": 7,
        "title": "Read the guide",
        "due": None,
        "tags": ["a", "b"],
        "extra": "from the row",
        "unrelated": object(),
    }
    return SimpleNamespace(**{**values, **overrides})


def test_same_named_fields_are_copied_as_they_are_and_given_ones_are_kept():
    r = row()
    view = from_row(Item, r, item_id=r.id, tags=tuple(r.tags), mine=True)
    assert view == Item(
        item_id=7,
        title="Read the guide",
        due=None,
        tags=("a", "b"),
        mine=True,
        extra="from the row",
    )
    assert view.title is r.title  # the row's value itself, not a converted copy


def test_a_given_field_wins_over_the_rows_attribute_of_the_same_name():
    r = row()
    view = from_row(Item, r, item_id=1, tags=(), mine=False, title="Given")
    assert view.title == "Given"


def test_a_field_neither_given_nor_on_the_row_fails_naming_it():
    r = SimpleNamespace(id=1, title="t", due=None, tags=[])  # no "extra"
    with pytest.raises(
        TypeError, match=r"Item\.extra is not given and SimpleNamespace has no extra"
    ):
        from_row(Item, r, item_id=1, tags=(), mine=False)


def test_a_field_with_a_default_is_still_read_from_the_row_never_silently_defaulted():
    r = SimpleNamespace(id=1, title="t", due=None, tags=[], mine=False)
    with pytest.raises(TypeError, match="extra"):
        from_row(Item, r, item_id=1, tags=())


def test_a_given_name_that_is_no_field_of_the_view_fails():
    with pytest.raises(TypeError, match="Item has no field colour"):
        from_row(Item, row(), item_id=1, tags=(), mine=False, colour="red")


def test_a_field_outside_the_constructor_is_left_to_the_dataclass():
    view = from_row(Item, row(cached=99), item_id=1, tags=(), mine=False)
    assert view.cached == 0
