"""Pausing, resuming and ending a relationship: no fault, any member may.

The optional reason goes to the coordinator as a concern and nowhere else (not on
the match, which peers read). Ending cancels the meetings still planned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock, tx
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput
from core.kernel.i18n import N_, t
from core.kernel.text import clean_text
from core.programmes.enrolment import withdraw_in
from core.relationship.concerns import MAX_CONCERN, add_concern
from core.relationship.membership import is_live, live_matches_of, open_match
from db.models import Match, MatchStatus, Meeting, MeetingStatus

MATCH_STATUSES: dict[str, str] = {
    MatchStatus.PUBLISHED: N_("proposed"),
    MatchStatus.ACTIVE: N_("active"),
    MatchStatus.PAUSED: N_("paused"),
    MatchStatus.ENDED: N_("ended"),
}


def _reason(reason: str) -> str:
    return clean_text(reason, t("Reason for the coordinator"), max_chars=MAX_CONCERN)


@contextmanager
def _changing(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int
) -> Iterator[tuple[Session, Match]]:
    """One transaction on my open match; a peer's change meanwhile → Conflict."""
    stale = t("Your peer changed this relationship meanwhile: reload the page.")
    with tx.transaction(sf, stale=stale) as s:
        yield s, open_match(s, viewer, match_id)


def end_relationship(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, reason: str = ""
) -> None:
    """End the relationship, no fault. A reason, if written, goes to the coordinator only."""
    body = _reason(reason)
    with _changing(sf, viewer, match_id) as (s, match):
        close_match(s, match, clock.now())
        if body:
            add_concern(s, match, "end", body, viewer.person_id)
        audit.by(s, viewer, "match_ended", target=f"match {match.id}")


def close_match(s: Session, match: Match, now: dt.datetime) -> None:
    """End ``match`` and cancel the meetings still planned (in the caller's transaction)."""
    match.status = MatchStatus.ENDED
    match.ended_at = now
    for meeting in s.scalars(
        select(Meeting).where(
            Meeting.match_id == match.id,
            Meeting.status == MeetingStatus.PLANNED,
            Meeting.scheduled_at > now,
        )
    ):
        meeting.status = MeetingStatus.CANCELLED
        meeting.updated_at = now


def withdraw(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> None:
    """Leave a programme, and so the match made in it: a pair ends; a circle goes on
    without me while at least two remain. Idempotent."""
    stale = t("Your peer changed this relationship meanwhile: reload the page.")
    with tx.transaction(sf, stale=stale) as s:
        now = clock.now()
        rid = withdraw_in(s, viewer, programme_id, now)
        if rid is None:
            return
        for match in live_matches_of(s, viewer.person_id):
            if match.programme_id != rid:
                continue
            others = [m for m in match.members if m.person_id != viewer.person_id]
            if match.kind == "circle" and len(others) >= 2:
                match.members = others  # the circle goes on without me
            else:
                close_match(s, match, now)
            audit.by(s, viewer, "match_left_on_withdrawal", target=f"match {match.id}")


def end_by_coordinator(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, reason: str
) -> None:
    """A coordinator ends a running pair or circle (someone left the company, the pairing
    does not work). The reason is required and stays with the staff: it is kept on the
    match, which no participant view reads; the members see on Home that it ended."""
    require_role(viewer, COORDINATOR)
    body = clean_text(reason, t("Reason (staff only)"), max_chars=MAX_CONCERN, required=True)
    stale = t("This pairing was changed meanwhile: look again and retry.")
    with tx.transaction(sf, stale=stale) as s:
        match = tx.get_or_404(s, Match, match_id, missing=t("This pairing no longer exists."))
        if not is_live(match.status):
            raise Conflict(t("This pairing has already ended."))
        close_match(s, match, clock.now())
        match.end_reason = body
        audit.by(s, viewer, "match_ended_by_coordinator", target=f"match {match.id}")


def pause_relationship(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, reason: str = ""
) -> None:
    """Pause an active relationship, no fault; a reason goes to the coordinator only."""
    body = _reason(reason)
    with _changing(sf, viewer, match_id) as (s, match):
        if match.status == MatchStatus.PAUSED:
            raise Conflict(t("This relationship is already paused."))
        if match.status != MatchStatus.ACTIVE:
            raise InvalidInput(t("Only an active relationship can be paused."))
        match.status = MatchStatus.PAUSED
        match.paused_at = clock.now()
        if body:
            add_concern(s, match, "pause", body, viewer.person_id)
        audit.by(s, viewer, "match_paused", target=f"match {match.id}")


def resume_relationship(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> None:
    """Resume a paused relationship (any member may)."""
    with _changing(sf, viewer, match_id) as (s, match):
        if match.status != MatchStatus.PAUSED:
            raise Conflict(t("This relationship is not paused."))
        match.status = MatchStatus.ACTIVE
        match.paused_at = None
        audit.by(s, viewer, "match_resumed", target=f"match {match.id}")
