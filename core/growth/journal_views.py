"""What a reflection looks like to a reader: plain frozen views of entries and drafts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.growth import actions
from core.growth.actions import ActionView
from core.growth.journal_rules import TEXT_FIELDS
from core.kernel.access import Viewer
from core.kernel.views import from_row
from core.people.names import names_of
from core.relationship.membership import peers_of
from db.folding import name_key
from db.models import JournalEntry, Meeting


@dataclass(frozen=True)
class DraftState:
    entry_id: int
    version: int
    saved_at: dt.datetime


@dataclass(frozen=True)
class MeetingChoice:
    id: int
    match_id: int
    scheduled_at: dt.datetime
    kind: str
    status: str
    peers: str  # names of the other members


@dataclass(frozen=True)
class EntryView:
    id: int
    author_id: int
    author_name: str
    match_id: int | None
    meeting_id: int | None
    meeting_at: dt.datetime | None
    status: str
    shared: bool
    answers: dict[str, str]
    usefulness: int | None
    wellbeing: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int
    mine: bool
    actions: tuple[ActionView, ...] = ()
    shared_with: tuple[str, ...] = field(default_factory=tuple)  # author's view only

    @property
    def answered(self) -> list[tuple[str, str]]:
        """(field, text) of the prompts answered, in prompt order."""
        return [(f, self.answers[f]) for f in TEXT_FIELDS if self.answers.get(f)]


@dataclass(frozen=True)
class EntriesPage:
    entries: list[EntryView]
    has_more: bool
    total: int  # final entries in all, shown or not


def _shared_with(s: Session, entry: JournalEntry) -> tuple[str, ...]:
    """Names of the peers who can read my shared entry, sorted."""
    names = names_of(s, peers_of(s, entry.author_id, entry.match_id))
    return tuple(sorted(names.values(), key=name_key))


def views(s: Session, entries: list[JournalEntry], viewer: Viewer) -> list[EntryView]:
    """Views of entries the viewer may read (the caller checked), with the items they may see."""
    names = names_of(s, (e.author_id for e in entries))
    meeting_ids = {e.meeting_id for e in entries if e.meeting_id}
    meeting_at: dict[int, dt.datetime] = {}
    if meeting_ids:
        rows = s.execute(
            select(Meeting.id, Meeting.scheduled_at).where(Meeting.id.in_(meeting_ids))
        )
        meeting_at = {mid: when for mid, when in rows}
    items = actions.visible_for_entries(s, viewer.person_id, [e.id for e in entries])
    result = []
    for e in entries:
        mine = e.author_id == viewer.person_id
        result.append(
            from_row(
                EntryView,
                e,
                author_name=names.get(e.author_id, ""),
                meeting_at=meeting_at.get(e.meeting_id) if e.meeting_id else None,
                answers={f: getattr(e, f) or "" for f in TEXT_FIELDS},
                mine=mine,
                actions=tuple(items.get(e.id, [])),
                shared_with=_shared_with(s, e) if mine and e.shared else (),
            )
        )
    return result


def view(s: Session, entry: JournalEntry, viewer: Viewer) -> EntryView:
    """The entry as it is after the changes of this transaction."""
    s.flush()
    return views(s, [entry], viewer)[0]
