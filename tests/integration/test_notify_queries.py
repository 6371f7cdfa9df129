"""The outbox's sources are set-based: collecting for many people runs as many SQL statements
as collecting for few (a per-person or per-programme loop would grow with the company)."""

from __future__ import annotations

import datetime as dt

from core.kernel import clock
from core.notify import sources
from core.notify.message import Kind
from db.models import ActionItem, Concern, Feedback, FeedbackRequest, Survey
from tests.builders import make_meeting, make_pair, make_user, statements_run

NOW = dt.datetime(2026, 12, 7, 9, 0)  # a Monday, after the digest hour


def _busy(sf, n: int) -> None:  # type: ignore[no-untyped-def]
    """``n`` programmes, each with one pair with something due of every kind, one pair
    proposed and waiting for answers, one pair that never met, and a coordinator."""
    for i in range(n):
        pair = make_pair(sf, f"a{n}x{i}", f"b{n}x{i}", started_days_ago=60)
        a, b = pair.members
        make_pair(sf, f"c{n}x{i}", f"d{n}x{i}", status="published")
        make_pair(sf, f"e{n}x{i}", f"f{n}x{i}", started_days_ago=60)  # never met: overdue
        with sf.begin() as s:
            make_meeting(s, pair.match_id, NOW + dt.timedelta(hours=10))
            s.add_all(
                [
                    FeedbackRequest(
                        requester_id=a.person_id, giver_id=b.person_id, topic="T", created_at=NOW
                    ),
                    Feedback(giver_id=b.person_id, recipient_id=a.person_id, created_at=NOW),
                    ActionItem(
                        owner_id=a.person_id, title="x", due_date=NOW.date(), created_at=NOW
                    ),
                    Concern(programme_id=pair.programme_id, created_at=NOW),
                    Survey(
                        programme_id=pair.programme_id,
                        kind="pulse",
                        title="Pulse",
                        opens_at=NOW - dt.timedelta(hours=1),
                        created_at=NOW - dt.timedelta(hours=1),
                    ),
                ]
            )
    make_user(sf, f"coord{n}", ("coordinator",))


def _statements(sf) -> tuple[int, set[Kind]]:  # type: ignore[no-untyped-def]
    with statements_run(sf) as seen, sf() as s:
        kinds = {item.kind for item in sources.collect(s, clock.now())}
    return len(seen), kinds


def test_collecting_for_five_programmes_runs_as_many_statements_as_for_one(sf) -> None:
    clock.set_now(NOW)
    _busy(sf, 1)
    few, kinds = _statements(sf)
    assert kinds == set(Kind) - {Kind.INVITATION}  # every kind is exercised
    _busy(sf, 4)
    many, _ = _statements(sf)
    assert many == few
