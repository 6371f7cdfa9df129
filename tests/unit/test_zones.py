"""People's time zones: IANA names checked, DST honoured, a pair across zones sees both."""

from __future__ import annotations

import datetime as dt

import pytest

from core.kernel import zones
from core.kernel.errors import InvalidInput


@pytest.mark.parametrize("name", ["Europe/Paris", " America/Toronto ", "UTC", "Asia/Kolkata"])
def test_a_known_iana_zone_name_is_accepted_without_its_spaces(name):
    assert zones.check_zone(name) == name.strip()


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        None,
        3,
        "Europe/Pariss",
        "Paris",
        "../../etc/passwd",
        "/etc/localtime",
        "Europe/Paris\x00",
        "x" * 200,
        "<script>alert(1)</script>",
        ["Europe/Paris"],
    ],
)
def test_a_bad_zone_name_is_refused_with_a_clear_message(name):
    with pytest.raises(InvalidInput, match="not a known time zone"):
        zones.check_zone(name)


def test_the_same_utc_time_reads_an_hour_apart_across_the_paris_dst_change():
    # Paris is UTC+1 in winter and UTC+2 from the last Sunday of March (2027-03-28, 01:00 UTC).
    before = zones.local_time(dt.datetime(2027, 3, 28, 0, 30), "Europe/Paris")
    after = zones.local_time(dt.datetime(2027, 3, 28, 1, 30), "Europe/Paris")
    assert before == dt.datetime(2027, 3, 28, 1, 30)
    assert after == dt.datetime(2027, 3, 28, 3, 30)  # 02:30 never happens that night


def test_a_pair_across_zones_sees_both_times_viewer_first():
    # 8:00 UTC in July: 10:00 in Paris (CEST), 4:00 in Toronto (EDT).
    when = dt.datetime(2027, 7, 1, 8, 0)
    assert zones.across_zones(when, "Europe/Paris", ["America/Toronto"]) == (
        "10:00 Paris · 4:00 Toronto"
    )
    assert zones.across_zones(when, "America/Toronto", ["Europe/Paris"]) == (
        "4:00 Toronto · 10:00 Paris"
    )


def test_the_gap_between_two_zones_changes_in_the_weeks_their_dst_dates_differ():
    # North America moves on 14 March 2027, Europe on 28 March: 5 hours apart, not 6.
    when = dt.datetime(2027, 3, 20, 13, 0)
    assert zones.across_zones(when, "Europe/Paris", ["America/Toronto"]) == (
        "14:00 Paris · 9:00 Toronto"
    )


def test_members_sharing_the_viewers_zone_see_just_the_time():
    when = dt.datetime(2027, 1, 5, 8, 5)
    assert zones.across_zones(when, "Europe/Paris", ["Europe/Paris", ""]) == "9:05"


def test_a_member_with_an_unknown_stored_zone_is_left_out_rather_than_breaking_the_page():
    when = dt.datetime(2027, 1, 5, 8, 0)
    assert zones.across_zones(when, "Europe/Paris", ["Mars/Olympus", "Asia/Tokyo"]) == (
        "9:00 Paris · 17:00 Tokyo"
    )


def test_a_zone_label_is_its_city_with_spaces():
    assert zones.zone_label("America/Argentina/Buenos_Aires") == "Buenos Aires"
    assert zones.zone_label("UTC") == "UTC"
