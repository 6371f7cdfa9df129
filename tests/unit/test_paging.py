"""Long lists a page at a time (core.kernel.paging): the coordinator's enrolments and people."""

from core.kernel.paging import clamp_page, page_count


def test_page_counts_round_up_and_a_page_number_stays_within_them():
    assert [page_count(n, 100) for n in (0, 1, 100, 101, 8226)] == [1, 1, 1, 2, 83]
    assert [clamp_page(p, 250, 100) for p in (-1, 0, 1, 3, 4)] == [1, 1, 1, 3, 3]
