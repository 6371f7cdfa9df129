"""Proposals: the coordinator publishes every suggestion at once; each member accepts or declines.

Everyone accepting makes a match active; one decline ends the proposal and returns every
member to the pool (the coordinator sees it among the declines).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from core.kernel import audit, clock, validate
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.kernel.i18n import format_number, t, tn
from core.kernel.tx import reading, transaction
from core.matching import candidates
from core.matching.mine import matches_of
from core.matching.rows import Member, suggestion_row
from db.models import NAME_ORDER, Match, Person, Programme
from db.models.states import LIVE_MATCH_STATUSES, MatchStatus, MemberResponse


@dataclass(frozen=True)
class Proposal:
    """A published, active or paused match as one of its members sees it."""

    match_id: int
    programme: str
    status: str
    score: float
    peers: tuple[Member, ...]
    my_response: str
    reasons: tuple[str, ...]
    guidelines: str


def publish(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> int:
    """Publish every suggestion at once, or none: each member must still be available."""
    require_role(viewer, COORDINATOR)
    with transaction(sf, stale=t(candidates.STALE)) as s:
        p = candidates.programme(s, programme_id)
        suggested = s.scalars(
            select(Match)
            .where(Match.programme_id == programme_id, Match.status == MatchStatus.SUGGESTED)
            .options(selectinload(Match.members))
        ).all()
        if not suggested:
            raise InvalidInput(t("There is no suggestion to publish."))
        problems: list[str] = []
        times: Counter[int] = Counter()
        places: dict[int, int] = {}  # a mentor may be in as many suggestions as they offer
        members = [[mm.person_id for mm in m.members] for m in suggested]
        for ids, group in zip(members, candidates.check_groups(s, p, members), strict=True):
            if isinstance(group, InvalidInput):
                problems.append(str(group))
            elif group.mentor is not None:
                places[group.mentor] = group.places
            times.update(ids)
        over = [i for i, n in times.items() if n > places.get(i, 1)]
        if over:
            for i, name in s.execute(
                select(Person.id, Person.full_name)
                .where(Person.id.in_(over))
                .order_by(*NAME_ORDER, Person.id)
            ).tuples():
                problems.append(_too_many(name, times[i], places.get(i)))
        if problems:
            raise InvalidInput(
                t(
                    "Nothing was published. Fix these suggestions first: {problems}",
                    problems=" ".join(problems),
                )
            )
        now = clock.now()
        for m in suggested:
            m.status = MatchStatus.PUBLISHED
            m.published_at = now
            for mm in m.members:
                mm.response = MemberResponse.PENDING
        audit.by(s, viewer, "matches_published", target=p.name, count=len(suggested))
        return len(suggested)


def _too_many(name: str, count: int, places: int | None) -> str:
    """Why someone in ``count`` suggestions cannot be published: one place for a peer or a
    mentee, ``places`` for a mentor (as many as they offered)."""
    if places is None:
        return tn(
            "{name} is in {n} suggestion at once.",
            "{name} is in {n} suggestions at once.",
            count,
            name=name,
        )
    # More suggestions than places, and a place at least: always two suggestions or more.
    return tn(
        "{name} is in {count} suggestions but offered {n} place.",
        "{name} is in {count} suggestions but offered {n} places.",
        places,
        name=name,
        count=format_number(count),
    )


def my_proposals(sf: sessionmaker[Session], viewer: Viewer) -> list[Proposal]:
    """My published or active matches, with who my peers are and why we were matched."""
    with reading(sf) as s:
        matches = matches_of(s, viewer.person_id, Match.status.in_(LIVE_MATCH_STATUSES))
        out = []
        for m in matches:
            row = suggestion_row(s, m)
            mine = next(x for x in row.members if x.person_id == viewer.person_id)
            p = s.get_one(Programme, m.programme_id)
            out.append(
                Proposal(
                    m.id,
                    p.name,
                    m.status,
                    m.score,
                    tuple(x for x in row.members if x.person_id != viewer.person_id),
                    mine.response,
                    row.reasons,
                    p.guidelines,
                )
            )
        return out


def respond(sf: sessionmaker[Session], viewer: Viewer, match_id: int, accept: bool) -> str:
    """Accept or decline a proposed match. Returns the match's status afterwards.

    Everyone accepting makes the match active; one decline ends the proposal and
    returns every member to the pool (the coordinator sees it among the declines).
    """
    answer = MemberResponse.ACCEPTED if accept else MemberResponse.DECLINED
    with transaction(sf, stale=t(candidates.STALE)) as s:
        m = validate.get(s, Match, match_id)
        member = (
            next((x for x in m.members if x.person_id == viewer.person_id), None) if m else None
        )
        if m is None or member is None:
            raise NotAllowed(t("This match proposal is not yours, or no longer exists."))
        if member.response == answer:
            return m.status  # a double click: already done
        if m.status != MatchStatus.PUBLISHED or member.response != MemberResponse.PENDING:
            raise Conflict(t("This proposal was already answered or withdrawn."))
        now = clock.now()
        member.response, member.responded_at = answer, now
        if not accept:
            m.status, m.ended_at = MatchStatus.DECLINED, now
        elif all(x.response == MemberResponse.ACCEPTED for x in m.members):
            m.status, m.started_at = MatchStatus.ACTIVE, now
        audit.by(s, viewer, f"match_{answer}", target=str(m.id))
        return m.status
