"""My peer: who they are, why we were matched, our agreement, ending or pausing, concerns.

Everything here is for members of a live match (DESIGN.md "Who sees what": a match,
its explanation and its agreement are seen by its members). A circle (3–6 members)
works like a pair: the agreement is confirmed by every member.

The coordinator side is limited to concerns: the words a participant chose to send,
who sent them and when. Ending or pausing is no-fault; the optional reason goes to
the coordinator as a concern and nowhere else (not on the match, which peers read).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.kernel import audit, clock, submissions, validate
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, t
from core.kernel.text import clean_text
from core.programmes.answers import GOAL_THEMES
from core.relationship.membership import LIVE_STATUSES, live_matches_of, peers_of
from db.models import (
    Agreement,
    AgreementMember,
    Concern,
    Enrolment,
    EnrolmentSkill,
    Match,
    MatchMember,
    Meeting,
    Person,
    Programme,
    Skill,
)

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
MAX_CONCERN = 4_000
MATCH_STATUSES: dict[str, str] = {
    "published": N_("proposed"),
    "active": N_("active"),
    "paused": N_("paused"),
    "ended": N_("ended"),
}
CONCERN_KINDS: dict[str, str] = {
    "concern": N_("Concern"),
    "end": N_("Relationship ended"),
    "pause": N_("Relationship paused"),
    "fit": N_("Pairing fit"),
}
CONCERN_STATUSES: dict[str, str] = {"open": N_("Open"), "handled": N_("Handled")}


# --------------------------------------------------------------------------- views


@dataclass(frozen=True)
class MatchChoice:
    """One of my live matches, for a selector."""

    match_id: int
    programme: str
    status: str
    peer_names: tuple[str, ...]


@dataclass(frozen=True)
class PeerInfo:
    person_id: int
    name: str
    department: str | None
    level: str | None
    location: str | None
    offered: tuple[str, ...]
    wanted: tuple[str, ...]
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Reason:
    """One part of why we were matched, phrased for the reader."""

    text: str
    points: float | None


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
class MatchView:
    match_id: int
    me: int
    kind: str
    status: str
    started_at: dt.datetime | None
    paused_at: dt.datetime | None
    programme_id: int
    programme: str
    guidelines: str
    suggested_topics: tuple[str, ...]
    support_contact: str
    peers: tuple[PeerInfo, ...]
    reasons: tuple[Reason, ...]
    agreement: AgreementView

    @property
    def is_circle(self) -> bool:
        return len(self.peers) > 1


@dataclass(frozen=True)
class TermsSaved:
    agreement: AgreementView
    confirmations_reset: bool


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


# --------------------------------------------------------------------------- membership


def member_match(s: Session, viewer: Viewer, match_id: int) -> Match:
    """The live match ``match_id`` if the viewer is one of its members, else NotAllowed."""
    match = validate.get(s, Match, match_id)
    if match is None:
        raise NotFound(t("This pair or circle no longer exists."))
    if not peers_of(s, viewer.person_id, match_id):
        raise NotAllowed(t("Only the members of this pair or circle can see or change it."))
    return match


def require_open(match: Match) -> None:
    """Refuse changes to an ended (or otherwise closed) relationship."""
    if match.status not in LIVE_STATUSES:
        raise Conflict(t("This relationship has ended: nothing can be changed any more."))


def started_on(match: Match) -> dt.date:
    """The day the relationship began (accepted by all, else published, else created)."""
    when = match.started_at or match.published_at or match.created_at
    return when.date()


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


# --------------------------------------------------------------------------- explanation


def _part_args(part: Mapping[str, Any]) -> Mapping[str, Any]:
    # The engine may put details at the top level or under "args"; accept both.
    args = part.get("args")
    return {**part, **args} if isinstance(args, Mapping) else part


def _names(values: Any) -> str:
    if isinstance(values, str):
        return values
    if isinstance(values, Iterable):
        return ", ".join(str(v) for v in values)
    return ""


def theme_label(code: str) -> str:
    """A goal theme code ("career") in the reader's language."""
    return t(GOAL_THEMES[code]) if code in GOAL_THEMES else code


def explain(parts: Sequence[Mapping[str, Any]], reader_name: str) -> list[Reason]:
    """Phrase a match explanation in the reader's language ("you" where it is them).

    Explanations written by the matching engine (parts with "args") are phrased by the
    engine's own sentences; older hand-written shapes by the sentences below.
    """
    from core.matching.service import explain_parts  # imported late: it imports this package

    engine = [
        p for p in parts or () if isinstance(p, Mapping) and isinstance(p.get("args"), Mapping)
    ]
    if engine:
        return [Reason(text, None) for text in explain_parts(engine)]
    reasons = []
    for raw in parts or ():
        if not isinstance(raw, Mapping):
            continue
        part = _part_args(raw)
        code = part.get("code")
        points = part.get("points")
        points = float(points) if isinstance(points, int | float) else None
        if code == "gives":
            giver, taker = str(part.get("giver", "")), str(part.get("taker", ""))
            skills = _names(part.get("skills", ()))
            if giver == reader_name:
                text = t("You can help {taker} with {skills}.", taker=taker, skills=skills)
            elif taker == reader_name:
                text = t("{giver} can help you with {skills}.", giver=giver, skills=skills)
            else:
                text = t(
                    "{giver} can help {taker} with {skills}.",
                    giver=giver,
                    taker=taker,
                    skills=skills,
                )
        elif code == "themes":
            themes = part.get("themes", ())
            if isinstance(themes, list | tuple):
                themes = [theme_label(str(x)) for x in themes]
            text = t("You share goals around: {themes}.", themes=_names(themes))
        elif code == "cross_department":
            text = t("You work in different departments: a fresh look at each other's work.")
        elif code == "same_level":
            text = t("You are at a similar level, so you face similar situations.")
        else:
            text = t("Another criterion of the programme brought you together.")
        reasons.append(Reason(text, points))
    return reasons


# --------------------------------------------------------------------------- reading


def my_matches(sf: sessionmaker[Session], viewer: Viewer) -> list[MatchChoice]:
    """My live pairs and circles (one per programme usually), for the selector."""
    with sf.begin() as s:
        matches = live_matches_of(s, viewer.person_id)
        ids = {mm.person_id for m in matches for mm in m.members}
        names = dict(
            s.execute(select(Person.id, Person.full_name).where(Person.id.in_(ids))).tuples().all()
        )
        progs = {m.programme_id for m in matches}
        prog_names = dict(
            s.execute(select(Programme.id, Programme.name).where(Programme.id.in_(progs)))
            .tuples()
            .all()
        )
        return [
            MatchChoice(
                match_id=m.id,
                programme=prog_names.get(m.programme_id, ""),
                status=m.status,
                peer_names=tuple(
                    names.get(mm.person_id, "")
                    for mm in m.members
                    if mm.person_id != viewer.person_id
                ),
            )
            for m in matches
        ]


def _peer_info(s: Session, person: Person, programme_id: int) -> PeerInfo:
    enrolment = s.scalar(
        select(Enrolment).where(
            Enrolment.programme_id == programme_id, Enrolment.person_id == person.id
        )
    )
    offered: list[str] = []
    wanted: list[str] = []
    themes: tuple[str, ...] = ()
    if enrolment is not None:
        rows = s.execute(
            select(EnrolmentSkill.kind, Skill.name, Skill.merged_into_id)
            .join(Skill, Skill.id == EnrolmentSkill.skill_id)
            .where(EnrolmentSkill.enrolment_id == enrolment.id)
            .order_by(Skill.name)
        ).all()
        merged = {r.merged_into_id for r in rows if r.merged_into_id}
        targets = (
            dict(s.execute(select(Skill.id, Skill.name).where(Skill.id.in_(merged))).tuples().all())
            if merged
            else {}
        )
        for kind, name, into in rows:
            label = targets.get(into, name) if into else name
            bucket = offered if kind == "offered" else wanted
            if label not in bucket:
                bucket.append(label)
        themes = tuple(str(x) for x in enrolment.goal_themes or ())
    return PeerInfo(
        person_id=person.id,
        name=person.full_name,
        department=person.department,
        level=person.level,
        location=person.location,
        offered=tuple(offered),
        wanted=tuple(wanted),
        themes=themes,
    )


def _agreement_view(s: Session, match: Match, programme: Programme) -> AgreementView:
    member_ids = [mm.person_id for mm in match.members]
    names = dict(
        s.execute(select(Person.id, Person.full_name).where(Person.id.in_(member_ids)))
        .tuples()
        .all()
    )
    agreement = s.scalar(select(Agreement).where(Agreement.match_id == match.id))
    rows: dict[int, AgreementMember] = {}
    if agreement is not None:
        rows = {
            r.person_id: r
            for r in s.scalars(
                select(AgreementMember).where(AgreementMember.agreement_id == agreement.id)
            )
        }
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
        cadence, fmt, length = _default_terms(programme)
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


def _default_terms(programme: Programme) -> tuple[int, str, int]:
    wanted = programme.cadence_days or 14
    cadence = min(CADENCES, key=lambda c: abs(c - wanted))
    length = min(max(programme.session_minutes or 60, MIN_LENGTH), MAX_LENGTH)
    return cadence, "video", length


def match_view(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> MatchView:
    """Everything the "My peer" page shows about one of my matches."""
    with sf.begin() as s:
        match = member_match(s, viewer, match_id)
        programme = s.get_one(Programme, match.programme_id)
        others = [mm.person_id for mm in match.members if mm.person_id != viewer.person_id]
        people = {p.id: p for p in s.scalars(select(Person).where(Person.id.in_(others)))}
        me = s.get_one(Person, viewer.person_id)
        return MatchView(
            match_id=match.id,
            me=viewer.person_id,
            kind=match.kind,
            status=match.status,
            started_at=match.started_at,
            paused_at=match.paused_at,
            programme_id=programme.id,
            programme=programme.name,
            guidelines=programme.guidelines or "",
            suggested_topics=tuple(str(x) for x in programme.suggested_topics or ()),
            support_contact=programme.support_contact or "",
            peers=tuple(
                _peer_info(s, people[pid], programme.id) for pid in others if pid in people
            ),
            reasons=tuple(explain(match.explanation or [], me.full_name)),
            agreement=_agreement_view(s, match, programme),
        )


# --------------------------------------------------------------------------- agreement


def _ensure_agreement(s: Session, match: Match) -> Agreement:
    """The match's agreement, created with the programme's terms, one row per member."""
    agreement = s.scalar(select(Agreement).where(Agreement.match_id == match.id))
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
    have = set(
        s.scalars(
            select(AgreementMember.person_id).where(AgreementMember.agreement_id == agreement.id)
        )
    )
    for mm in match.members:
        if mm.person_id not in have:
            s.add(AgreementMember(agreement_id=agreement.id, person_id=mm.person_id))
    s.flush()
    return agreement


def _my_row(s: Session, agreement: Agreement, person_id: int) -> AgreementMember:
    return s.get_one(AgreementMember, (agreement.id, person_id))


def _flush_or_conflict(s: Session) -> None:
    try:
        s.flush()
    except StaleDataError as e:
        raise Conflict(
            t("Your peer changed the agreement meanwhile: read it again, then save.")
        ) from e


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
        match = member_match(s, viewer, match_id)
        require_open(match)
        agreement = _ensure_agreement(s, match)
        _my_row(s, agreement, viewer.person_id).expectations = text
        s.flush()
        return _agreement_view(s, match, s.get_one(Programme, match.programme_id))


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
    with sf.begin() as s:
        match = member_match(s, viewer, match_id)
        require_open(match)
        agreement = _ensure_agreement(s, match)
        if agreement.version != seen_version:
            raise Conflict(
                t("Your peer changed the agreement meanwhile: read it again, then save.")
            )
        new = (cadence_days, meeting_format, int(length_minutes))
        old = (agreement.cadence_days, agreement.meeting_format, agreement.length_minutes)
        reset = False
        if new != old:
            agreement.cadence_days, agreement.meeting_format, agreement.length_minutes = new
            agreement.updated_at = clock.now()
            for row in s.scalars(
                select(AgreementMember).where(AgreementMember.agreement_id == agreement.id)
            ):
                if row.confirmed_at is not None:
                    row.confirmed_at = None
                    reset = True
            _flush_or_conflict(s)
        view = _agreement_view(s, match, s.get_one(Programme, match.programme_id))
        return TermsSaved(view, reset)


def confirm_agreement(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, seen_version: int
) -> AgreementView:
    """Confirm the agreement as I saw it (refused if the terms changed since)."""
    with sf.begin() as s:
        match = member_match(s, viewer, match_id)
        require_open(match)
        agreement = _ensure_agreement(s, match)
        if agreement.version != seen_version:
            raise Conflict(
                t("The terms changed since you read them: read them again, then confirm.")
            )
        row = _my_row(s, agreement, viewer.person_id)
        if not row.expectations.strip():
            raise InvalidInput(
                t("Write what you want from the relationship before you confirm the agreement.")
            )
        if row.confirmed_at is None:  # a second click changes nothing
            row.confirmed_at = clock.now()
            s.flush()
        return _agreement_view(s, match, s.get_one(Programme, match.programme_id))


# --------------------------------------------------------------------------- end, pause


def _concern(s: Session, viewer: Viewer, match: Match, kind: str, body: str) -> Concern:
    concern = Concern(
        programme_id=match.programme_id,
        match_id=match.id,
        raised_by_id=viewer.person_id,
        kind=kind,
        body=body,
        status="open",
        created_at=clock.now(),
    )
    s.add(concern)
    s.flush()
    return concern


def _change_status(s: Session) -> None:
    try:
        s.flush()
    except StaleDataError as e:
        raise Conflict(t("Your peer changed this relationship meanwhile: reload the page.")) from e


def end_relationship(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, reason: str = ""
) -> None:
    """End the relationship, no fault. A reason, if written, goes to the coordinator only."""
    body = clean_text(reason, t("Reason for the coordinator"), max_chars=MAX_CONCERN)
    with sf.begin() as s:
        match = member_match(s, viewer, match_id)
        require_open(match)
        now = clock.now()
        match.status = "ended"
        match.ended_at = now
        # Planned meetings that will not happen any more.
        for meeting in s.scalars(
            select(Meeting).where(
                Meeting.match_id == match.id,
                Meeting.status == "planned",
                Meeting.scheduled_at > now,
            )
        ):
            meeting.status = "cancelled"
            meeting.updated_at = now
        if body:
            _concern(s, viewer, match, "end", body)
        audit.record(
            s,
            "match_ended",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=f"match {match.id}",
        )
        _change_status(s)


def pause_relationship(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int, reason: str = ""
) -> None:
    """Pause an active relationship, no fault; a reason goes to the coordinator only."""
    body = clean_text(reason, t("Reason for the coordinator"), max_chars=MAX_CONCERN)
    with sf.begin() as s:
        match = member_match(s, viewer, match_id)
        require_open(match)
        if match.status == "paused":
            raise Conflict(t("This relationship is already paused."))
        if match.status != "active":
            raise InvalidInput(t("Only an active relationship can be paused."))
        match.status = "paused"
        match.paused_at = clock.now()
        if body:
            _concern(s, viewer, match, "pause", body)
        audit.record(
            s,
            "match_paused",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=f"match {match.id}",
        )
        _change_status(s)


def resume_relationship(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> None:
    """Resume a paused relationship (any member may)."""
    with sf.begin() as s:
        match = member_match(s, viewer, match_id)
        require_open(match)
        if match.status != "paused":
            raise Conflict(t("This relationship is not paused."))
        match.status = "active"
        match.paused_at = None
        audit.record(
            s,
            "match_resumed",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=f"match {match.id}",
        )
        _change_status(s)


# --------------------------------------------------------------------------- concerns


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
        same = s.scalar(
            select(Concern.id).where(
                Concern.match_id == match.id,
                Concern.raised_by_id == viewer.person_id,
                Concern.kind == "concern",
                Concern.status == "open",
                Concern.body == body,
            )
        )
        if same is not None:  # a double click sends it once
            return same, same
        concern = _concern(s, viewer, match, "concern", body)
        audit.record(
            s,
            "concern_raised",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=f"concern {concern.id}",
        )
        return concern.id, concern.id

    return submissions.once(sf, viewer, key, "concern", create, lambda s, found: found)


def _nameless(c: Concern) -> str:
    # A fit check flags a pair without naming who answered; otherwise the author erased.
    if c.raised_by_id is None and c.kind == "fit":
        return t("the pairing-fit check")
    return t("a former participant")


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
        query = query.where(Concern.status == "open")
    with sf.begin() as s:
        rows = s.execute(query.limit(limit)).all()
        match_ids = {c.match_id for c, _, _ in rows if c.match_id}
        members: dict[int, list[str]] = {}
        for mid, name in s.execute(
            select(MatchMember.match_id, Person.full_name)
            .join(Person, Person.id == MatchMember.person_id)
            .where(MatchMember.match_id.in_(match_ids))
            .order_by(Person.full_name)
        ):
            members.setdefault(mid, []).append(name)
        return [
            ConcernRow(
                concern_id=c.id,
                programme=prog,
                kind=c.kind,
                body=c.body,
                raised_by=name or _nameless(c),
                created_at=c.created_at,
                status=c.status,
                handled_at=c.handled_at,
                pair=tuple(members.get(c.match_id or 0, ())),
            )
            for c, prog, name in rows
        ]


def mark_concern_handled(sf: sessionmaker[Session], viewer: Viewer, concern_id: int) -> None:
    """Mark a concern handled (a second click changes nothing)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        concern = validate.get(s, Concern, concern_id)
        if concern is None:
            raise NotFound(t("This concern no longer exists."))
        if concern.status == "handled":
            return
        concern.status = "handled"
        concern.handled_at = clock.now()
        audit.record(
            s,
            "concern_handled",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
            target=f"concern {concern.id}",
        )
