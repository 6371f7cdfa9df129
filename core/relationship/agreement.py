"""The agreement of a pair or circle: what each member wants, and the common terms.

Each member writes their own expectations; the terms (how often, how, how long)
are common. Every member confirms the agreement as they read it; changing the
terms after someone confirmed resets every confirmation, so everyone confirms
the terms in force. The programme's settings are the terms until someone saves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock, tx, validate
from core.kernel.access import Viewer
from core.kernel.errors import InvalidInput
from core.kernel.i18n import N_, t
from core.kernel.text import clean_text
from core.people.names import names_of
from core.relationship.membership import open_match
from db.models import Agreement, AgreementMember, Match, Programme

CADENCES: dict[int, str] = {
    7: N_("Every week"),
    14: N_("Every two weeks"),
    30: N_("Every month"),
}
FORMATS: dict[str, str] = {
    "in_person": N_("In person"),
    "video": N_("Video call"),
    "phone": N_("Phone call"),
    "mixed": N_("Mixed"),
}
MIN_LENGTH, MAX_LENGTH = 15, 240
MAX_EXPECTATIONS = 4_000


@dataclass(frozen=True)
class AgreementMemberView:
    person_id: int
    name: str
    expectations: str
    confirmed_at: dt.datetime | None


@dataclass(frozen=True)
class AgreementView:
    exists: bool
    cadence_days: int
    meeting_format: str
    length_minutes: int
    version: int  # pass back when confirming or changing the terms
    members: tuple[AgreementMemberView, ...]
    updated_at: dt.datetime | None

    @property
    def not_confirmed(self) -> tuple[AgreementMemberView, ...]:
        return tuple(m for m in self.members if m.confirmed_at is None)

    @property
    def all_confirmed(self) -> bool:
        return bool(self.members) and not self.not_confirmed

    def member(self, person_id: int) -> AgreementMemberView | None:
        return next((m for m in self.members if m.person_id == person_id), None)


@dataclass(frozen=True)
class TermsSaved:
    agreement: AgreementView
    confirmations_reset: bool


# --------------------------------------------------------------------------- session helpers


def _default_terms(programme: Programme) -> tuple[int, str, int]:
    wanted = programme.cadence_days or 14
    cadence = min(CADENCES, key=lambda c: abs(c - wanted))
    length = min(max(programme.session_minutes or 60, MIN_LENGTH), MAX_LENGTH)
    return cadence, "video", length


def _agreement_of(s: Session, match: Match) -> Agreement | None:
    return s.scalar(select(Agreement).where(Agreement.match_id == match.id))


def _member_rows(s: Session, agreement: Agreement) -> list[AgreementMember]:
    return list(
        s.scalars(select(AgreementMember).where(AgreementMember.agreement_id == agreement.id))
    )


def match_cadence(s: Session, match: Match) -> int:
    """The agreed cadence in days, else the programme's."""
    agreed = s.scalar(select(Agreement.cadence_days).where(Agreement.match_id == match.id))
    if agreed:
        return int(agreed)
    return int(s.get_one(Programme, match.programme_id).cadence_days or 14)


def match_length(s: Session, match: Match) -> int:
    """The agreed meeting length in minutes, else the programme's."""
    agreed = s.scalar(select(Agreement.length_minutes).where(Agreement.match_id == match.id))
    if agreed:
        return int(agreed)
    return _default_terms(s.get_one(Programme, match.programme_id))[2]


def agreement_view(s: Session, match: Match) -> AgreementView:
    """The match's agreement as its members read it (the programme's terms if none yet)."""
    member_ids = [mm.person_id for mm in match.members]
    names = names_of(s, member_ids)
    agreement = _agreement_of(s, match)
    rows = {r.person_id: r for r in _member_rows(s, agreement)} if agreement else {}
    members = tuple(
        AgreementMemberView(
            person_id=pid,
            name=names.get(pid, ""),
            expectations=rows[pid].expectations if pid in rows else "",
            confirmed_at=rows[pid].confirmed_at if pid in rows else None,
        )
        for pid in member_ids
    )
    if agreement is None:
        cadence, fmt, length = _default_terms(s.get_one(Programme, match.programme_id))
        return AgreementView(False, cadence, fmt, length, 1, members, None)
    return AgreementView(
        True,
        agreement.cadence_days,
        agreement.meeting_format,
        agreement.length_minutes,
        agreement.version,
        members,
        agreement.updated_at,
    )


def _ensure_agreement(s: Session, match: Match) -> Agreement:
    """The match's agreement, created with the programme's terms, one row per member."""
    agreement = _agreement_of(s, match)
    if agreement is None:
        cadence, fmt, length = _default_terms(s.get_one(Programme, match.programme_id))
        agreement = Agreement(
            match_id=match.id,
            cadence_days=cadence,
            meeting_format=fmt,
            length_minutes=length,
            updated_at=clock.now(),
        )
        s.add(agreement)
        s.flush()
    have = {r.person_id for r in _member_rows(s, agreement)}
    for mm in match.members:
        if mm.person_id not in have:
            s.add(AgreementMember(agreement_id=agreement.id, person_id=mm.person_id))
    s.flush()
    return agreement


def _open_agreement(s: Session, viewer: Viewer, match_id: int) -> tuple[Match, Agreement]:
    """My live match, still open to changes, and its agreement (created on first use)."""
    match = open_match(s, viewer, match_id)
    return match, _ensure_agreement(s, match)


def _my_row(s: Session, agreement: Agreement, person_id: int) -> AgreementMember:
    return s.get_one(AgreementMember, (agreement.id, person_id))


# --------------------------------------------------------------------------- services


def save_expectations(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, expectations: str
) -> AgreementView:
    """Write what I want from the relationship (my own part of the agreement)."""
    text = clean_text(
        expectations,
        t("What I want from this relationship"),
        max_chars=MAX_EXPECTATIONS,
        required=True,
    )
    with sf.begin() as s:
        match, agreement = _open_agreement(s, viewer, match_id)
        _my_row(s, agreement, viewer.person_id).expectations = text
        s.flush()
        return agreement_view(s, match)


def set_terms(
    sf: sessionmaker[Session],
    viewer: Viewer,
    match_id: int,
    *,
    cadence_days: int,
    meeting_format: str,
    length_minutes: int,
    seen_version: int,
) -> TermsSaved:
    """Set the common terms. A change after anyone confirmed resets every confirmation."""
    validate.choice(
        cadence_days, CADENCES, t("Choose how often you meet: every week, two weeks or month.")
    )
    validate.choice(
        meeting_format,
        FORMATS,
        t("Choose how you meet: in person, video call, phone call or mixed."),
    )
    length_minutes = validate.whole_number(
        length_minutes,
        MIN_LENGTH,
        MAX_LENGTH,
        t("A meeting lasts between {low} and {high} minutes.", low=MIN_LENGTH, high=MAX_LENGTH),
    )
    stale = t("Your peer changed the agreement meanwhile: read it again, then save.")
    with tx.transaction(sf, stale=stale) as s:
        match, agreement = _open_agreement(s, viewer, match_id)
        tx.expect_version(agreement, seen_version, stale=stale)
        new = (cadence_days, meeting_format, int(length_minutes))
        old = (agreement.cadence_days, agreement.meeting_format, agreement.length_minutes)
        reset = False
        if new != old:
            agreement.cadence_days, agreement.meeting_format, agreement.length_minutes = new
            agreement.updated_at = clock.now()
            for row in _member_rows(s, agreement):
                if row.confirmed_at is not None:
                    row.confirmed_at = None
                    reset = True
            s.flush()
        return TermsSaved(agreement_view(s, match), reset)


def confirm_agreement(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, seen_version: int
) -> AgreementView:
    """Confirm the agreement as I saw it (refused if the terms changed since)."""
    with sf.begin() as s:
        match, agreement = _open_agreement(s, viewer, match_id)
        tx.expect_version(
            agreement,
            seen_version,
            stale=t("The terms changed since you read them: read them again, then confirm."),
        )
        row = _my_row(s, agreement, viewer.person_id)
        if not row.expectations.strip():
            raise InvalidInput(
                t("Write what you want from the relationship before you confirm the agreement.")
            )
        if row.confirmed_at is None:  # a second click changes nothing
            row.confirmed_at = clock.now()
            s.flush()
        return agreement_view(s, match)
