"""My peer: my live pairs and circles, who my peers are and why we were matched.

Everything here is for members of a live match (DESIGN.md "Who sees what": a match,
its explanation and its agreement are seen by its members). A circle (3–6 members)
works like a pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel.access import Viewer
from core.kernel.i18n import t
from core.kernel.tx import reading
from core.kernel.views import from_row
from core.matching.rows import explain_parts
from core.people.names import names_of
from core.programmes.enrolment import GOAL_THEMES
from core.relationship.agreement import AgreementView, agreement_view
from core.relationship.meetings import MeetingsOverview, overview_of
from core.relationship.membership import is_live, live_matches_of, member_match
from core.relationship.resources import ResourceView, shared_in
from db.models import (
    Enrolment,
    EnrolmentSkill,
    Match,
    MatchStatus,
    Person,
    Programme,
    Skill,
    skill_name,
)


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

    @property
    def is_live(self) -> bool:
        """Whether the relationship still binds its members (published, active or paused)."""
        return is_live(self.status)

    @property
    def is_active(self) -> bool:
        """Accepted by every member and running (so it can be paused)."""
        return self.status == MatchStatus.ACTIVE

    @property
    def is_paused(self) -> bool:
        return self.status == MatchStatus.PAUSED


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
    with reading(sf) as s:
        matches = live_matches_of(s, viewer.person_id)
        names = names_of(s, {mm.person_id for m in matches for mm in m.members})
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


def _skills(s: Session, enrolment: Enrolment) -> tuple[list[str], list[str]]:
    """The skills an enrolment offers and wants, by name (a merged skill by its target's)."""
    offered: list[str] = []
    wanted: list[str] = []
    rows = s.execute(
        select(EnrolmentSkill.kind, skill_name())
        .join(Skill, Skill.id == EnrolmentSkill.skill_id)
        .where(EnrolmentSkill.enrolment_id == enrolment.id)
        .order_by(Skill.name)
    ).all()
    for kind, label in rows:
        bucket = offered if kind == "offered" else wanted
        if label not in bucket:
            bucket.append(label)
    return offered, wanted


def _peer_info(s: Session, person: Person, programme_id: int) -> PeerInfo:
    enrolment = s.scalar(
        select(Enrolment).where(
            Enrolment.programme_id == programme_id, Enrolment.person_id == person.id
        )
    )
    offered, wanted = _skills(s, enrolment) if enrolment is not None else ([], [])
    themes = tuple(str(x) for x in enrolment.goal_themes or ()) if enrolment is not None else ()
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


def _match_view(s: Session, viewer: Viewer, match: Match) -> MatchView:
    """Who my peers are, why we were matched, the programme and our agreement."""
    programme = s.get_one(Programme, match.programme_id)
    others = [mm.person_id for mm in match.members if mm.person_id != viewer.person_id]
    people = {p.id: p for p in s.scalars(select(Person).where(Person.id.in_(others)))}
    me = s.get_one(Person, viewer.person_id)
    return from_row(
        MatchView,
        match,
        match_id=match.id,
        me=viewer.person_id,
        programme_id=programme.id,
        programme=programme.name,
        guidelines=programme.guidelines or "",
        suggested_topics=tuple(str(x) for x in programme.suggested_topics or ()),
        support_contact=programme.support_contact or "",
        peers=tuple(_peer_info(s, people[pid], programme.id) for pid in others if pid in people),
        reasons=tuple(explain(match.explanation or [], me.full_name)),
        agreement=agreement_view(s, match),
    )


@dataclass(frozen=True)
class PeerPage:
    """One of my matches as the My peer page shows it."""

    view: MatchView  # who and why, the programme, the agreement
    overview: MeetingsOverview  # the meetings, the rhythm, health
    shared: list[ResourceView]  # the resources, newest first
    peer_zones: tuple[str, ...] = ()  # the time zones my peers saved (none: their browser's)


def my_peer_page(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> PeerPage:
    """Everything the "My peer" page shows about one of my matches, in one read."""
    with reading(sf) as s:
        match = member_match(s, viewer, match_id)
        return PeerPage(
            view=_match_view(s, viewer, match),
            overview=overview_of(s, match, viewer.person_id),
            shared=shared_in(s, match.id, viewer.person_id),
            peer_zones=tuple(
                sorted(
                    {
                        zone
                        for zone in s.scalars(
                            select(Person.time_zone).where(
                                Person.id.in_([m.person_id for m in match.members]),
                                Person.id != viewer.person_id,
                            )
                        )
                        if zone
                    }
                )
            ),
        )
