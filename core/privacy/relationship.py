"""My matches, agreements, meetings, resources and concerns: export and erasure.

The export holds what my pair shares with me (meetings' agendas and notes,
resources). Erased: what I sent to others stays with them, unsigned (resources,
meetings I added, concerns); my agreement expectations go; matches stay for the
statistics, a live pair ends (nobody is left to meet) and my name leaves the
explanations. (Later home: ``core/relationship`` and, for the explanations,
``core/matching``, each as its ``forget(s, person_id, now)``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.matching.mine import match_ids_of
from core.people.names import names_of
from core.privacy.people import FORMER_NAME
from core.privacy.programmes import programme_names
from core.privacy.rows import iso, row, update_rows
from db.models import (
    LIVE_MATCH_STATUSES,
    Agreement,
    AgreementMember,
    Concern,
    Match,
    MatchMember,
    MatchStatus,
    Meeting,
    Person,
    Resource,
)

MEETING_COLUMNS = (
    "id",
    "match_id",
    "scheduled_at",
    "duration_minutes",
    "kind",
    "status",
    "place",
    "agenda",
    "notes",
)


def export(s: Session, person_id: int) -> dict[str, Any]:
    """Sections "matches", "agreements", "meetings", "resources" and "concerns"."""
    me = person_id
    programmes = programme_names(s)
    # Matches I am (or was) in: who my peers were and why we were matched.
    my_match_ids = list(s.scalars(select(MatchMember.match_id).where(MatchMember.person_id == me)))
    matches = list(s.scalars(select(Match).where(Match.id.in_(my_match_ids)).order_by(Match.id)))
    member_names = names_of(s, [mm.person_id for m in matches for mm in m.members])
    match_rows = []
    for m in matches:
        mine = next(mm for mm in m.members if mm.person_id == me)
        line = row(
            m, ("id", "status", "kind", "created_at", "published_at", "started_at", "ended_at")
        )
        line.update(
            programme=programmes.get(m.programme_id),
            my_role=mine.role,
            my_response=mine.response,
            peers=[member_names.get(mm.person_id) for mm in m.members if mm.person_id != me],
            explanation=m.explanation,
        )
        match_rows.append(line)
    agreements = [
        {
            "match_id": ag.match_id,
            "cadence_days": ag.cadence_days,
            "meeting_format": ag.meeting_format,
            "length_minutes": ag.length_minutes,
            "my_expectations": am.expectations,
            "confirmed_at": iso(am.confirmed_at),
        }
        for ag, am in s.execute(
            select(Agreement, AgreementMember)
            .join(AgreementMember, AgreementMember.agreement_id == Agreement.id)
            .where(AgreementMember.person_id == me)
            .order_by(Agreement.id)
        )
    ]
    # Meetings and resources of my matches: shared with me by definition.
    meetings = [
        row(mt, MEETING_COLUMNS)
        for mt in s.scalars(
            select(Meeting)
            .where(Meeting.match_id.in_(my_match_ids))
            .order_by(Meeting.scheduled_at, Meeting.id)
        )
    ]
    resources = list(
        s.scalars(select(Resource).where(Resource.match_id.in_(my_match_ids)).order_by(Resource.id))
    )
    adders = names_of(s, [r.added_by_id for r in resources])
    return {
        "matches": match_rows,
        "agreements": agreements,
        "meetings": meetings,
        "resources": [
            {
                **row(r, ("id", "match_id", "kind", "title", "url", "note", "created_at")),
                "added_by": adders.get(r.added_by_id or 0),
            }
            for r in resources
        ],
        "concerns": [
            row(c, ("id", "kind", "body", "status", "created_at", "handled_at"))
            for c in s.scalars(
                select(Concern).where(Concern.raised_by_id == me).order_by(Concern.id)
            )
        ],
    }


def _scrub(value: Any, name: str) -> Any:
    """``value`` (JSON) with every occurrence of ``name`` replaced by the former-participant name."""
    if isinstance(value, str):
        return value.replace(name, FORMER_NAME) if name else value
    if isinstance(value, list):
        return [_scrub(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, name) for k, v in value.items()}
    return value


def forget(s: Session, person_id: int, now: dt.datetime) -> None:
    """Unsign what I sent, drop my expectations, end my live pairs, scrub my name.

    Runs before the person row is anonymised: it reads the name to scrub.
    """
    me = person_id
    # What I sent to others stays with them, unsigned.
    for model, column in (
        (Resource, Resource.added_by_id),
        (Meeting, Meeting.created_by_id),
        (Concern, Concern.raised_by_id),
    ):
        update_rows(s, model, column == me, **{column.key: None})
    update_rows(s, AgreementMember, AgreementMember.person_id == me, expectations="")
    old_name = s.get_one(Person, me).full_name
    for match in s.scalars(select(Match).where(Match.id.in_(match_ids_of(me)))):
        if match.explanation:
            match.explanation = _scrub(match.explanation, old_name)
        if match.status in LIVE_MATCH_STATUSES and len(match.members) <= 2:
            match.status = MatchStatus.ENDED
            match.ended_at = now
