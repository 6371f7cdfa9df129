"""Concerns: what a participant chose to tell the coordinator, and nothing else.

A member raises a concern about their pair or circle, or gives a reason when
pausing or ending it (:mod:`core.relationship.lifecycle`); a poor pairing fit
flags the pair without words or author (:mod:`core.relationship.fit`). The
coordinator reads the words sent, who sent them and when, and marks them handled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock, submissions, tx
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.i18n import N_, t
from core.kernel.text import clean_text
from core.kernel.tx import reading
from core.kernel.views import from_row
from core.people.names import former
from core.relationship.membership import member_match
from db.models import NAME_ORDER, Concern, ConcernStatus, Match, MatchMember, Person, Programme

MAX_CONCERN = 4_000
FIT_FLAG = "fit"  # the kind of a concern raised by a poor pairing-fit answer, without words
CONCERN_KINDS: dict[str, str] = {
    "concern": N_("Concern"),
    "end": N_("Relationship ended"),
    "pause": N_("Relationship paused"),
    FIT_FLAG: N_("Pairing fit"),
}
CONCERN_STATUSES: dict[str, str] = {
    ConcernStatus.OPEN: N_("Open"),
    ConcernStatus.HANDLED: N_("Handled"),
}


@dataclass(frozen=True)
class ConcernRow:
    concern_id: int
    programme: str | None
    kind: str
    body: str
    raised_by: str  # "a former participant" once erased
    created_at: dt.datetime
    status: str
    handled_at: dt.datetime | None
    pair: tuple[str, ...]  # the members of the pair or circle concerned

    @property
    def is_open(self) -> bool:
        return self.status == ConcernStatus.OPEN

    @property
    def is_fit_flag(self) -> bool:
        """Raised by a pairing-fit check, not by a person."""
        return self.kind == FIT_FLAG


# --------------------------------------------------------------------------- session helpers


def add_concern(
    s: Session, match: Match, kind: str, body: str, raised_by_id: int | None
) -> Concern:
    """An open concern about ``match`` (``raised_by_id`` None: no author, e.g. a fit flag)."""
    concern = Concern(
        programme_id=match.programme_id,
        match_id=match.id,
        raised_by_id=raised_by_id,
        kind=kind,
        body=body,
        status=ConcernStatus.OPEN,
        created_at=clock.now(),
    )
    s.add(concern)
    s.flush()
    return concern


def handle(s: Session, viewer: Viewer, concern: Concern) -> None:
    """Mark ``concern`` handled by ``viewer`` (already handled: nothing changes)."""
    if concern.status == ConcernStatus.HANDLED:
        return
    concern.status, concern.handled_at = ConcernStatus.HANDLED, clock.now()
    audit.by(s, viewer, "concern_handled", target=f"concern {concern.id}")


# --------------------------------------------------------------------------- services


def raise_concern(
    sf: sessionmaker[Session],
    viewer: Viewer,
    match_id: int,
    words: str,
    *,
    key: str | None = None,
) -> int:
    """Send a concern to the coordinator: only ``words``, nothing else of mine.

    ``key``: the form's submission key; the same form sent again is sent once.
    """
    body = clean_text(
        words, t("Your message to the coordinator"), max_chars=MAX_CONCERN, required=True
    )

    def create(s: Session) -> tuple[int, int]:
        match = member_match(s, viewer, match_id)
        same = next(  # concerns are encrypted at rest: compared here, not in SQL
            (
                c.id
                for c in s.scalars(
                    select(Concern).where(
                        Concern.match_id == match.id,
                        Concern.raised_by_id == viewer.person_id,
                        Concern.kind == "concern",
                        Concern.status == ConcernStatus.OPEN,
                    )
                )
                if c.body == body
            ),
            None,
        )
        if same is not None:  # a double click sends it once
            return same, same
        concern = add_concern(s, match, "concern", body, viewer.person_id)
        audit.by(s, viewer, "concern_raised", target=f"concern {concern.id}")
        return concern.id, concern.id

    return submissions.once(sf, viewer, key, "concern", create, lambda s, found: found)


def _nameless(c: Concern) -> str:
    # A fit check flags a pair without naming who answered; otherwise the author erased.
    if c.raised_by_id is None and c.kind == FIT_FLAG:
        return t("the pairing-fit check")
    return former()


def concerns_for_coordinator(
    sf: sessionmaker[Session], viewer: Viewer, *, only_open: bool = False, limit: int = 500
) -> list[ConcernRow]:
    """Concerns raised in the programmes, newest first: the words sent, who, when, status."""
    require_role(viewer, COORDINATOR)
    query = (
        select(Concern, Programme.name, Person.full_name)
        .outerjoin(Programme, Programme.id == Concern.programme_id)
        .outerjoin(Person, Person.id == Concern.raised_by_id)
        .order_by(Concern.created_at.desc(), Concern.id.desc())
    )
    if only_open:
        query = query.where(Concern.status == ConcernStatus.OPEN)
    with reading(sf) as s:
        rows = s.execute(query.limit(limit)).all()
        match_ids = {c.match_id for c, _, _ in rows if c.match_id}
        members: dict[int, list[str]] = {}
        for mid, name in s.execute(
            select(MatchMember.match_id, Person.full_name)
            .join(Person, Person.id == MatchMember.person_id)
            .where(MatchMember.match_id.in_(match_ids))
            .order_by(*NAME_ORDER)
        ):
            members.setdefault(mid, []).append(name)
        return [
            from_row(
                ConcernRow,
                c,
                concern_id=c.id,
                programme=prog,
                raised_by=name or _nameless(c),
                pair=tuple(members.get(c.match_id or 0, ())),
            )
            for c, prog, name in rows
        ]


def mark_concern_handled(sf: sessionmaker[Session], viewer: Viewer, concern_id: int) -> None:
    """Mark a concern handled (a second click changes nothing)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        concern = tx.get_or_404(s, Concern, concern_id, missing=t("This concern no longer exists."))
        handle(s, viewer, concern)
