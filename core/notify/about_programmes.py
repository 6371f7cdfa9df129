"""What waits for coordinators: a concern raised, and a weekly summary of counts.

Never the concern's text, kind of concern or who raised it; the summary holds only the
counts the coordinator's dashboard already shows by name (pairs needing a check-in, open
concerns, proposals unanswered), never a small-group figure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.insights.pairs import NEEDS_CHECKIN, pair_states
from core.kernel.access import COORDINATOR
from core.kernel.i18n import speaking, t, tn
from core.notify.about_me import FRESH
from core.notify.letters import letter
from core.notify.message import Kind, Outgoing
from core.notify.recipients import Recipient, outgoing, recipients
from db.models import (
    Account,
    AccountRole,
    Concern,
    ConcernStatus,
    Match,
    MatchMember,
    MatchStatus,
    MemberResponse,
    Programme,
    ProgrammeStatus,
)


def coordinators(s: Session) -> list[Recipient]:
    """The people whose active account has the coordinator role."""
    ids = s.scalars(
        select(Account.person_id)
        .join(AccountRole, AccountRole.account_id == Account.id)
        .where(AccountRole.role == COORDINATOR, Account.is_active.is_(True))
    ).all()
    return list(recipients(s, ids).values())


def concerns_raised(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """An open concern raised in the last 14 days, to every coordinator: the programme only."""
    rows = s.execute(
        select(Concern.id, Programme.name)
        .outerjoin(Programme, Programme.id == Concern.programme_id)
        .where(Concern.status == ConcernStatus.OPEN, Concern.created_at >= now - FRESH)
    ).all()
    if not rows:
        return
    for r in coordinators(s):
        for concern_id, programme in rows:
            with speaking(r.language):
                where = programme or t("no programme")
            yield letter(r, Kind.CONCERN_RAISED, f"concern:{concern_id}", programme=where)


def weekly(s: Session, now: dt.datetime) -> Iterator[Outgoing]:
    """Once an ISO week, to every coordinator: per running programme, the pairs needing a
    check-in, the proposals unanswered and the open concerns (counts only)."""
    running = s.execute(
        select(Programme.id, Programme.name)
        .where(Programme.status == ProgrammeStatus.RUNNING)
        .order_by(Programme.name)
    ).all()
    if not running:
        return
    ids = [pid for pid, _ in running]
    checkins = Counter(st.programme_id for st in pair_states(s, ids) if st.bucket == NEEDS_CHECKIN)
    waiting = dict(
        s.execute(
            select(Match.programme_id, func.count(func.distinct(Match.id)))
            .join(MatchMember, MatchMember.match_id == Match.id)
            .where(
                Match.programme_id.in_(ids),
                Match.status == MatchStatus.PUBLISHED,
                MatchMember.response == MemberResponse.PENDING,
            )
            .group_by(Match.programme_id)
        )
        .tuples()
        .all()
    )
    concerns = dict(
        s.execute(
            select(Concern.programme_id, func.count())
            .where(Concern.programme_id.in_(ids), Concern.status == ConcernStatus.OPEN)
            .group_by(Concern.programme_id)
        )
        .tuples()
        .all()
    )
    year, week, _ = now.date().isocalendar()
    for r in coordinators(s):
        with speaking(r.language):
            lines = [t("Hello {name},", name=r.name), "", t("This week in your programmes:"), ""]
            for pid, name in running:
                lines += [
                    f"{name}",
                    "  "
                    + tn(
                        "{n} pair or circle needs a check-in",
                        "{n} pairs or circles need a check-in",
                        checkins.get(pid, 0),
                    ),
                    "  "
                    + tn(
                        "{n} proposal waits for an answer",
                        "{n} proposals wait for an answer",
                        int(waiting.get(pid, 0)),
                    ),
                    "  "
                    + tn("{n} concern is open", "{n} concerns are open", int(concerns.get(pid, 0))),
                    "",
                ]
            yield outgoing(
                r,
                Kind.COORDINATOR_WEEKLY,
                f"week:{year}-W{week:02d}",
                t("Tandem: your programmes this week"),
                "\n".join(lines).rstrip(),
                "coord_dashboard",
            )
