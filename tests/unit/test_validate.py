"""The validation helpers: ids, whole numbers, choices, dates, stored usernames, bidi controls."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from core.kernel import clock, text, validate
from core.kernel.errors import InvalidInput


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (2**31 - 1, 2**31 - 1),
        ("42", 42),
        (" 7 ", 7),
        (2**31, None),
        (99999999999999999999, None),
        ("99999999999999999999", None),
        (0, None),
        (-3, None),
        (True, None),
        (3.0, None),
        ("٣", None),  # an Arabic-Indic digit: int() would take it, an id is ASCII
        ("12abc", None),
        ("", None),
        (None, None),
        ([1], None),
    ],
)
def test_an_id_from_outside_is_a_positive_int_that_fits_the_column(value, expected):
    assert validate.record_id(value) == expected


def test_a_list_of_ids_with_one_impossible_id_is_refused_whole():
    assert validate.ids([1, "2", 3]) == [1, 2, 3]
    assert validate.ids([1, 2**40]) is None
    assert validate.ids("123") is None


@pytest.mark.parametrize("value", ["3", "three", 2.5, math.nan, math.inf, True, None, 0, 11])
def test_a_whole_number_outside_the_range_or_of_another_type_gets_the_message(value):
    with pytest.raises(InvalidInput, match="^From 1 to 10.$"):
        validate.whole_number(value, 1, 10, "From 1 to 10.")


def test_a_whole_number_in_range_is_kept_and_an_integral_float_becomes_an_int():
    assert validate.whole_number(4, 1, 10, "x") == 4
    assert validate.whole_number(4.0, 1, 10, "x") == 4
    assert validate.optional_number("", 1, 10, "x") is None


def test_a_choice_outside_the_options_or_unhashable_gets_the_message():
    assert validate.choice("a", {"a": 1}, "Pick.") == "a"
    for bad in ("b", ["a"], {"a": 1}, None):
        with pytest.raises(InvalidInput, match="^Pick.$"):
            validate.choice(bad, {"a": 1}, "Pick.")


def test_dates_must_be_real_dates_between_1900_and_2100():
    clock.set_now(dt.datetime(2026, 11, 2, 9, 0))
    assert validate.check_date(dt.date(2026, 11, 2), "Due", not_past=True) == dt.date(2026, 11, 2)
    cases = [
        (dt.date(9999, 12, 31), {}, "“Due” cannot be after Dec 31, 2100."),
        (dt.date(1899, 12, 31), {}, "“Due” cannot be before Jan 1, 1900."),
        (dt.date(2026, 11, 1), {"not_past": True}, "“Due” cannot be in the past."),
        ("2026-12-01", {}, "“Due” is not a date."),
        (dt.datetime(2026, 12, 1), {}, "“Due” is not a date."),
    ]
    for value, options, message in cases:
        with pytest.raises(InvalidInput) as e:
            validate.check_date(value, "Due", **options)
        assert str(e.value) == message
    with pytest.raises(InvalidInput, match="is not a date and time"):
        validate.check_datetime(dt.date(2026, 12, 1), "When")
    with pytest.raises(InvalidInput, match="is not a date and time"):
        validate.check_datetime(dt.datetime(2026, 12, 1, tzinfo=dt.UTC), "When")


def test_a_username_that_fits_is_stored_as_typed():
    assert text.stored_username("camille") == "camille"
    assert text.stored_username("x" * 120) == "x" * 120


def test_an_overlong_typed_username_is_capped_distinctly_and_never_looks_like_a_real_one():
    long_a, long_b = "a" * 5000, "a" * 4999 + "b"
    stored_a, stored_b = text.stored_username(long_a), text.stored_username(long_b)
    assert len(stored_a) <= text.MAX_USERNAME_STORED and len(stored_b) <= text.MAX_USERNAME_STORED
    assert stored_a != stored_b  # each long name keeps its own failure count
    assert stored_a == text.stored_username(long_a)  # and the same one the next time
    assert "…" in stored_a  # a character no real username may contain


def test_a_typed_username_with_control_characters_is_stored_without_them():
    stored = text.stored_username("camille\x00\x1b[2J")
    assert stored.startswith("camille[2J…") and "\x00" not in stored
    assert text.stored_username("\ud800") != ""  # a lone surrogate cannot break the digest


@pytest.mark.parametrize("ch", ["\u202e", "\u202d", "\u2066", "\u2069", "\u202a"])
def test_a_one_line_field_with_a_direction_override_is_refused(ch):
    with pytest.raises(InvalidInput, match="reverse the direction of the text"):
        text.clean_line(f"Invoice {ch}fdp.exe", "Title")


def test_a_long_text_may_keep_direction_marks_pasted_from_a_word_processor():
    assert text.clean_text("שלום \u202bעולם\u202c", "Note") == "שלום \u202bעולם\u202c"
