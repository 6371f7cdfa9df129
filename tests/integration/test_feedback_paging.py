"""A busy participant's feedback: what waits for them first, every list a page at a time."""

from __future__ import annotations

import datetime as dt

from core.growth import feedback as fb
from core.growth import feedback_reads as fb_reads
from core.kernel import clock
from db.models import Feedback
from tests.builders import make_circle

NOW = dt.datetime(2026, 11, 20, 10, 0)


def _give(sf, group, days_ago: int, acknowledged: bool) -> int:  # type: ignore[no-untyped-def]
    receiver, giver = group
    when = NOW - dt.timedelta(days=days_ago)
    with sf.begin() as s:
        row = Feedback(
            match_id=group.match_id,
            giver_id=giver.person_id,
            recipient_id=receiver.person_id,
            kind="structured",
            worked=f"Worked {days_ago}",
            created_at=when,
            acknowledged_at=when if acknowledged else None,
        )
        s.add(row)
        s.flush()
        return row.id


def test_feedback_waiting_comes_first_and_every_list_is_read_a_page_at_a_time(sf):
    clock.set_now(NOW)
    group = make_circle(sf, ("camille", "hugo"))
    camille, hugo = group
    old_waiting = _give(sf, group, 90, acknowledged=False)  # older than every acknowledged
    new_waiting = _give(sf, group, 1, acknowledged=False)
    done = [_give(sf, group, 10 + d, acknowledged=True) for d in range(12)]  # newest first

    page = fb_reads.received_page(sf, camille, 10)
    assert [f.id for f in page.items] == [new_waiting, old_waiting, *done[:8]]
    assert page.has_more
    every = fb_reads.received_page(sf, camille, 20)
    assert [f.id for f in every.items] == [f.id for f in fb_reads.received_page(sf, camille).items]
    assert [f.id for f in every.items] == [new_waiting, old_waiting, *done]
    assert not every.has_more
    assert not fb_reads.received_page(sf, camille, 14).has_more  # exactly all: nothing more waits

    given = fb_reads.given_page(sf, hugo, 10)
    assert [f.id for f in given.items] == [new_waiting, *done[:9]]
    assert given.has_more
    assert not fb_reads.given_page(sf, hugo, 14).has_more
    assert fb_reads.given_page(sf, camille, 10) == fb_reads.FeedbackPage((), False)


def test_my_requests_are_read_a_page_at_a_time_newest_first(sf):
    clock.set_now(NOW)
    group = make_circle(sf, ("camille", "hugo"))
    camille, hugo = group
    asked = []
    for day in range(12):
        clock.set_now(NOW + dt.timedelta(days=day))
        asked.append(
            fb.ask_feedback(sf, camille, hugo.person_id, topic=f"Talk {day}", context="").id
        )
    newest_first = asked[::-1]
    page = fb_reads.my_requests(sf, camille, 5)
    assert [r.id for r in page.items] == newest_first[:5] and page.has_more
    assert [r.id for r in fb_reads.my_requests(sf, camille).items] == newest_first
    assert not fb_reads.my_requests(sf, camille, 12).has_more
    assert fb_reads.my_requests(sf, hugo, 5) == fb_reads.Page((), False)
