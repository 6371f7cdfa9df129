"""Fixing suggestions by hand: swap two people, set a match's members, remove a suggestion.

Every hand-made group goes through the same check as the engine's (everyone still waiting,
no must-rule broken) and is scored again, so its reasons stay true.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import t
from core.kernel.tx import get_or_404, transaction
from core.matching import candidates
from core.matching.model import CIRCLE_MAX
from core.matching.rows import SuggestionRow, suggestion_row
from db.models import Match, MatchMember, MatchStatus, Person


def _suggestion(s: Session, match_id: int, programme_id: int | None = None) -> Match:
    """A suggestion still open to edits (of ``programme_id`` when given)."""
    gone = t("This suggestion no longer exists: run the matching again or refresh.")
    m = get_or_404(s, Match, match_id, missing=gone)
    if programme_id is not None and m.programme_id != programme_id:
        raise NotFound(gone)
    if m.status != MatchStatus.SUGGESTED:
        raise Conflict(t("This match is already published: it cannot be changed here."))
    return m


def _save(m: Match, group: candidates.Group) -> None:
    m.members = [
        MatchMember(person_id=i, role=role)
        for i, role in zip(group.person_ids, group.roles, strict=True)
    ]
    m.score = round(group.score.total, 3)
    m.explanation = [part.to_dict() for part in group.score.parts]
    m.kind = group.kind


def swap(
    sf: sessionmaker[Session],
    viewer: Viewer,
    match_a: int,
    person_a: int,
    match_b: int,
    person_b: int,
) -> tuple[SuggestionRow, SuggestionRow]:
    """Swap two people between two suggestions; refused with its reasons if a rule breaks."""
    require_role(viewer, COORDINATOR)
    if match_a == match_b:
        raise InvalidInput(t("Choose two different suggestions to swap people between."))
    with transaction(sf, stale=t(candidates.STALE)) as s:
        a = _suggestion(s, match_a)
        b = _suggestion(s, match_b, a.programme_id)
        ids_a = [m.person_id for m in a.members]
        ids_b = [m.person_id for m in b.members]
        if person_a not in ids_a or person_b not in ids_b:
            raise Conflict(t("These suggestions changed meanwhile. Refresh and try again."))
        new_a = [person_b if i == person_a else i for i in ids_a]
        new_b = [person_a if i == person_b else i for i in ids_b]
        p = candidates.programme(s, a.programme_id)
        group_a, group_b = candidates.require_groups(s, p, [new_a, new_b])
        _save(a, group_a)
        _save(b, group_b)
        s.flush()  # the rows below show the new versions
        return suggestion_row(s, a), suggestion_row(s, b)


def set_members(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    match_id: int | None,
    person_ids: Sequence[int],
) -> SuggestionRow:
    """Fix a suggestion by hand (or create one when ``match_id`` is None) with these people.

    People taken from another suggestion leave it; a suggestion left with one person is removed.
    """
    require_role(viewer, COORDINATOR)
    person_ids = list(dict.fromkeys(person_ids))
    if not 2 <= len(person_ids) <= CIRCLE_MAX:
        raise InvalidInput(t("A match has 2 to 6 members, not {n}.", n=len(person_ids)))
    with transaction(sf, stale=t(candidates.STALE)) as s:
        p = candidates.programme(s, programme_id)
        target = _suggestion(s, match_id, programme_id) if match_id is not None else None
        group = candidates.check_group(s, p, person_ids)
        others = (
            s.scalars(
                select(Match)
                .join(MatchMember, MatchMember.match_id == Match.id)
                .where(
                    Match.programme_id == programme_id,
                    Match.status == MatchStatus.SUGGESTED,
                    MatchMember.person_id.in_(person_ids),
                )
            )
            .unique()
            .all()
        )
        others = [o for o in others if target is None or o.id != target.id]
        # A mentor stays in their other suggestions, up to the places they offer.
        stays = _mentor_stays(group, others, s)
        left: list[tuple[Match, list[int]]] = []  # the suggestions that keep two people
        for other in others:
            rest = [
                m.person_id
                for m in other.members
                if m.person_id not in person_ids or m.person_id == stays
            ]
            if len(rest) == len(other.members):
                continue
            if len(rest) < 2:
                s.delete(other)
            else:
                left.append((other, rest))
        for (other, _), smaller in zip(
            left, candidates.require_groups(s, p, [rest for _, rest in left]), strict=True
        ):
            _save(other, smaller)
        if target is None:
            target = Match(
                programme_id=p.id,
                status=MatchStatus.SUGGESTED,
                kind=group.kind,
                created_at=clock.now(),
            )
            s.add(target)
        _save(target, group)
        s.flush()  # a new suggestion gets its id, an edited one its new version
        audit.by(s, viewer, "match_edited", target=p.name)
        return suggestion_row(s, target)


def _mentor_stays(group: candidates.Group, others: Sequence[Match], s: Session) -> int | None:
    """The group's mentor, who keeps their other suggestions (``others``: the suggestions
    holding one of the group's people); InvalidInput past the places they offer."""
    if group.mentor is None:
        return None
    theirs = sum(any(m.person_id == group.mentor for m in o.members) for o in others)
    if theirs + 1 > group.places:
        name = s.get_one(Person, group.mentor).full_name
        raise InvalidInput(
            t(
                "{name} already mentors as many people as they offered ({n}) in these suggestions: remove one of them first.",
                name=name,
                n=group.places,
            )
        )
    return group.mentor


def remove_suggestion(sf: sessionmaker[Session], viewer: Viewer, match_id: int) -> None:
    """Drop one suggestion: its people go back to the pool."""
    require_role(viewer, COORDINATOR)
    with transaction(sf, stale=t(candidates.STALE)) as s:
        s.delete(_suggestion(s, match_id))
