"""Action items: what someone in a pair or circle committed to do, by when.

An item comes from a journal entry or a meeting and has an owner: me or one of
my peers. Its creator and its owner see it (title, owner, due date) even when
the journal entry it came from stays private; nobody else does. Open items are
listed on their owner's Home until done. Coordinators get counts only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock, submissions, validate
from core.kernel.access import COORDINATOR, PARTICIPANT, Viewer, require_role
from core.kernel.errors import NotAllowed, NotFound
from core.kernel.i18n import t
from core.kernel.text import clean_line
from core.relationship.membership import live_matches_of, names_of, peers_of
from db.models import LIVE_MATCH_STATUSES as LIVE_STATUSES
from db.models import ActionItem, JournalEntry, Match, MatchMember, Meeting, Programme

MAX_TITLE = 300


@dataclass(frozen=True)
class ActionView:
    id: int
    title: str
    owner_id: int
    owner_name: str
    created_by_id: int | None
    due_date: dt.date | None
    done: bool
    done_at: dt.datetime | None
    journal_entry_id: int | None
    meeting_id: int | None
    match_id: int | None
    created_at: dt.datetime
    mine: bool  # the viewer owns it

    def overdue(self, today: dt.date) -> bool:
        return not self.done and self.due_date is not None and self.due_date < today


@dataclass(frozen=True)
class ActionCounts:
    programme_id: int
    programme: str
    open: int
    done: int
    people: int  # distinct owners, for k-suppression by the caller


def _visible(person_id: int):  # type: ignore[no-untyped-def]
    return or_(ActionItem.owner_id == person_id, ActionItem.created_by_id == person_id)


def views(s: Session, items: Sequence[ActionItem], person_id: int) -> list[ActionView]:
    """Plain views of items (the caller already checked the viewer may see them)."""
    names = names_of(s, (i.owner_id for i in items))
    return [
        ActionView(
            id=i.id,
            title=i.title,
            owner_id=i.owner_id,
            owner_name=names.get(i.owner_id, ""),
            created_by_id=i.created_by_id,
            due_date=i.due_date,
            done=i.done_at is not None,
            done_at=i.done_at,
            journal_entry_id=i.journal_entry_id,
            meeting_id=i.meeting_id,
            match_id=i.match_id,
            created_at=i.created_at,
            mine=i.owner_id == person_id,
        )
        for i in items
    ]


def _ordered(query):  # type: ignore[no-untyped-def]
    return query.order_by(
        ActionItem.done_at.is_not(None),
        ActionItem.due_date.is_(None),
        ActionItem.due_date,
        ActionItem.id,
    )


def visible_for_entries(
    s: Session, person_id: int, entry_ids: Iterable[int]
) -> dict[int, list[ActionView]]:
    """Items of these journal entries that ``person_id`` may see, by entry id."""
    ids = list(entry_ids)
    if not ids:
        return {}
    items = s.scalars(
        _ordered(
            select(ActionItem).where(ActionItem.journal_entry_id.in_(ids), _visible(person_id))
        )
    ).all()
    found: dict[int, list[ActionView]] = {}
    for view in views(s, items, person_id):
        assert view.journal_entry_id is not None
        found.setdefault(view.journal_entry_id, []).append(view)
    return found


def can_see(person_id: int, item: ActionItem) -> bool:
    return person_id in (item.owner_id, item.created_by_id)


# --------------------------------------------------------------------------- reads


def open_actions(sf: sessionmaker[Session], viewer: Viewer, limit: int = 20) -> list[ActionView]:
    """Items I own that are not done yet, soonest due first (Home card)."""
    with sf.begin() as s:
        items = s.scalars(
            _ordered(
                select(ActionItem).where(
                    ActionItem.owner_id == viewer.person_id, ActionItem.done_at.is_(None)
                )
            ).limit(limit)
        ).all()
        return views(s, items, viewer.person_id)


def my_actions(
    sf: sessionmaker[Session], viewer: Viewer, *, include_done: bool = True, limit: int = 100
) -> list[ActionView]:
    """Items I own or created for a peer: open ones first, soonest due first."""
    with sf.begin() as s:
        query = select(ActionItem).where(_visible(viewer.person_id))
        if not include_done:
            query = query.where(ActionItem.done_at.is_(None))
        items = s.scalars(_ordered(query).limit(limit)).all()
        return views(s, items, viewer.person_id)


def owner_choices(
    sf: sessionmaker[Session], viewer: Viewer, match_id: int | None = None
) -> list[tuple[int, str]]:
    """Who can own an item I add: me first, then my peers (of one match if given)."""
    if match_id is not None and validate.record_id(match_id) is None:
        return [(viewer.person_id, viewer.name)]
    with sf.begin() as s:
        others = sorted(peers_of(s, viewer.person_id, match_id))
        names = names_of(s, others)
        return [(viewer.person_id, viewer.name)] + [(p, names[p]) for p in others if p in names]


def action_counts(sf: sessionmaker[Session], viewer: Viewer) -> list[ActionCounts]:
    """Open and done items per programme, for coordinators: numbers only."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        rows = s.execute(
            select(
                Programme.id,
                Programme.name,
                func.count(ActionItem.id).filter(ActionItem.done_at.is_(None)),
                func.count(ActionItem.id).filter(ActionItem.done_at.is_not(None)),
                func.count(distinct(ActionItem.owner_id)),
            )
            .join(Match, Match.programme_id == Programme.id)
            .join(ActionItem, ActionItem.match_id == Match.id)
            .group_by(Programme.id, Programme.name)
            .order_by(Programme.name)
        ).all()
        return [ActionCounts(*row) for row in rows]


# --------------------------------------------------------------------------- actions


def _live_member(s: Session, person_id: int, match_id: int) -> bool:
    return (
        s.scalar(
            select(MatchMember.person_id)
            .join(Match, Match.id == MatchMember.match_id)
            .where(
                MatchMember.match_id == match_id,
                MatchMember.person_id == person_id,
                Match.status.in_(LIVE_STATUSES),
            )
        )
        is not None
    )


def add_action(
    sf: sessionmaker[Session],
    viewer: Viewer,
    *,
    title: str,
    owner_id: int,
    due_date: dt.date | None = None,
    journal_entry_id: int | None = None,
    meeting_id: int | None = None,
    key: str | None = None,
) -> ActionView:
    """Note an action item for me or a peer, from one of my journal entries or a meeting.

    ``key``: the form's submission key; the same form sent again returns the first item.
    """
    require_role(viewer, PARTICIPANT)
    title = clean_line(title, t("Action item"), max_chars=MAX_TITLE)
    due_date = validate.optional_date(due_date, t("Due date"), not_past=True)

    def create(s: Session) -> tuple[ActionView, int]:
        nonlocal meeting_id
        match_id: int | None = None
        if journal_entry_id is not None:
            entry = validate.get(s, JournalEntry, journal_entry_id)
            if entry is None or entry.author_id != viewer.person_id:
                raise NotFound(t("This reflection no longer exists."))
            match_id, meeting_id = entry.match_id, meeting_id or entry.meeting_id
        if meeting_id is not None:
            meeting = validate.get(s, Meeting, meeting_id)
            if meeting is None or not _live_member(s, viewer.person_id, meeting.match_id):
                raise NotFound(t("This meeting does not exist or is not one of yours."))
            match_id = meeting.match_id
        if match_id is None:
            matches = live_matches_of(s, viewer.person_id)
            match_id = matches[-1].id if matches else None
        if owner_id != viewer.person_id and owner_id not in peers_of(s, viewer.person_id, match_id):
            raise NotAllowed(t("An action item belongs to you or to one of your peers."))
        # A double click on "Add" must not note the item twice.
        same = s.scalars(
            select(ActionItem).where(
                ActionItem.created_by_id == viewer.person_id,
                ActionItem.owner_id == owner_id,
                ActionItem.title == title,
                ActionItem.done_at.is_(None),
                ActionItem.journal_entry_id.is_(None)
                if journal_entry_id is None
                else ActionItem.journal_entry_id == journal_entry_id,
            )
        ).first()
        if same is not None:
            return views(s, [same], viewer.person_id)[0], same.id
        item = ActionItem(
            match_id=match_id,
            journal_entry_id=journal_entry_id,
            meeting_id=meeting_id,
            owner_id=owner_id,
            created_by_id=viewer.person_id,
            title=title,
            due_date=due_date,
            created_at=clock.now(),
        )
        s.add(item)
        s.flush()
        return views(s, [item], viewer.person_id)[0], item.id

    def replay(s: Session, item_id: int) -> ActionView:
        item = s.get(ActionItem, item_id)
        if item is None or not can_see(viewer.person_id, item):
            raise NotFound(t("This action item no longer exists."))
        return views(s, [item], viewer.person_id)[0]

    return submissions.once(sf, viewer, key, "action_item", create, replay)


def set_done(
    sf: sessionmaker[Session], viewer: Viewer, action_id: int, done: bool = True
) -> ActionView:
    """Mark an item done (or open again): its owner or its creator; idempotent."""
    with sf.begin() as s:
        item = validate.get(s, ActionItem, action_id)
        if item is None or not can_see(viewer.person_id, item):
            raise NotFound(t("This action item no longer exists."))
        if done and item.done_at is None:
            item.done_at = clock.now()
        elif not done:
            item.done_at = None
        s.flush()
        return views(s, [item], viewer.person_id)[0]


def delete_action(sf: sessionmaker[Session], viewer: Viewer, action_id: int) -> None:
    """Remove an item I noted (deleting one that is already gone is fine)."""
    with sf.begin() as s:
        item = validate.get(s, ActionItem, action_id)
        if item is None:
            return
        if item.created_by_id != viewer.person_id:
            raise NotAllowed(t("Only the person who noted an action item can delete it."))
        s.delete(item)
