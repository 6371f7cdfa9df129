"""The people list counts what it lists: the total under each filter and search is the
number of people the filter finds, whichever joins (account, newest invitation) it reads;
the summary's counts are the list's own."""

from __future__ import annotations

import datetime as dt

import pytest

from core.accounts import invitations
from core.kernel import clock
from core.people import roster
from tests.builders import make_account, make_person, make_user

NOW = dt.datetime(2026, 11, 25, 12, 0)


@pytest.fixture
def people(sf):  # type: ignore[no-untyped-def]
    """Active and deactivated people, with and without an account, invited (twice, once
    long ago), erased: every state the filters tell apart."""
    clock.set_now(NOW - dt.timedelta(days=60))
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        made = [
            make_person(s, f"Ann {i}", department="Sales" if i % 2 else "Ops") for i in range(9)
        ]
        for i in (0, 1):
            make_account(s, f"ann{i}", person=made[i])
        made[2].is_active = made[3].is_active = False
        made[4].erased_at = clock.now()
        ids = [p.id for p in made]
    invitations.issue_invitations(sf, coord, [ids[5], ids[6]])  # these have expired by now
    clock.set_now(NOW)
    invitations.issue_invitations(sf, coord, [ids[6], ids[7], ids[3]])  # 6 again: its newest
    return coord


@pytest.mark.parametrize("query", ["", "ann", "sales", "nobody"])
def test_the_total_under_each_filter_is_the_number_of_people_it_lists(sf, people, query):
    for status in roster.PEOPLE_FILTERS:
        every = roster.list_people(sf, people, query, status=status, limit=10_000)
        assert every.total == len(every.rows), (status, query)
        assert roster.list_people(sf, people, query, status=status, limit=1).total == every.total


def test_the_summary_counts_are_the_lists_own(sf, people):
    summary = roster.people_summary(sf, people)
    total = {
        s: roster.list_people(sf, people, status=s, limit=10_000).total
        for s in roster.PEOPLE_FILTERS
    }
    assert (summary.active, summary.inactive) == (total["active"], total["inactive"])
    assert summary.active + summary.inactive == total["all"]
    assert summary.invited == total["invited"]
    assert summary.not_invited == total["not_invited"]


@pytest.mark.parametrize("status", ["all", "no_account"])
def test_the_pages_list_everybody_once_in_name_order_and_a_page_past_the_end_is_the_last(
    sf, people, status
):
    every = roster.list_people(sf, people, status=status, limit=10_000).rows
    pages = [roster.list_people(sf, people, status=status, limit=3, page=n) for n in (1, 2, 3)]
    assert {p.pages for p in pages} == {-(-len(every) // 3)} and len(every) > 3
    assert [r for p in pages for r in p.rows][: len(every)] == list(every)
    last = roster.list_people(sf, people, status=status, limit=3, page=99)
    assert (last.page, last.rows) == (last.pages, pages[last.pages - 1].rows)
    assert roster.list_people(sf, people, status=status, limit=3, page=-4).rows == pages[0].rows
