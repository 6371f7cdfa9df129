"""Action items: what someone in a pair or circle committed to do, by when.

An item comes from a journal entry or a meeting and has an owner: me or one of
my peers. Its creator and its owner see it (title, owner, due date) even when
the journal entry it came from stays private; nobody else does. Open items are
listed on their owner's Home until done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, sessionmaker

from core.growth.scope import latest_match, my_meeting
from core.kernel import clock, submissions, validate
from core.kernel.access import PARTICIPANT, Viewer, require_role
from core.kernel.errors import NotAllowed, NotFound
from core.kernel.i18n import t
from core.kernel.text import clean_line
from core.kernel.tx import reading
from core.kernel.views import from_row
from core.people.names import names_of
from core.relationship.membership import peers_of
from db.models import ActionItem, JournalEntry

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


# --------------------------------------------------------------------------- rules


def can_see(person_id: int, item: ActionItem) -> bool:
    """Its owner and its creator see an item; nobody else."""
    return person_id in (item.owner_id, item.created_by_id)


def _visible(person_id: int) -> ColumnElement[bool]:
    return or_(ActionItem.owner_id == person_id, ActionItem.created_by_id == person_id)


def _ordered(query: Select[tuple[ActionItem]]) -> Select[tuple[ActionItem]]:
    """Open items first, then the soonest due, those without a due date last."""
    return query.order_by(
        ActionItem.done_at.is_not(None),
        ActionItem.due_date.is_(None),
        ActionItem.due_date,
        ActionItem.id,
    )


def _visible_item(s: Session, viewer: Viewer, action_id: int) -> ActionItem:
    item = validate.get(s, ActionItem, action_id)
    if item is None or not can_see(viewer.person_id, item):
        raise NotFound(t("This action item no longer exists."))
    return item


# --------------------------------------------------------------------------- views


def views(s: Session, items: Sequence[ActionItem], person_id: int) -> list[ActionView]:
    """Plain views of items (the caller already checked the viewer may see them)."""
    names = names_of(s, (i.owner_id for i in items))
    return [
        from_row(
            ActionView,
            i,
            owner_name=names.get(i.owner_id, ""),
            done=i.done_at is not None,
            mine=i.owner_id == person_id,
        )
        for i in items
    ]


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


# --------------------------------------------------------------------------- reads


def open_actions(sf: sessionmaker[Session], viewer: Viewer, limit: int = 20) -> list[ActionView]:
    """Items I own that are not done yet, soonest due first (Home card)."""
    with reading(sf) as s:
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
    with reading(sf) as s:
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
    with reading(sf) as s:
        others = sorted(peers_of(s, viewer.person_id, match_id))
        names = names_of(s, others)
        return [(viewer.person_id, viewer.name)] + [(p, names[p]) for p in others if p in names]


# --------------------------------------------------------------------------- actions


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
            match_id = my_meeting(s, viewer.person_id, meeting_id).match_id
        if match_id is None:
            latest = latest_match(s, viewer.person_id)
            match_id = latest.id if latest else None
        if owner_id != viewer.person_id and owner_id not in peers_of(s, viewer.person_id, match_id):
            raise NotAllowed(t("An action item belongs to you or to one of your peers."))
        # A double click on "Add" must not note the item twice (titles are encrypted at
        # rest: compared here, not in SQL).
        same = next(
            (
                i
                for i in s.scalars(
                    select(ActionItem).where(
                        ActionItem.created_by_id == viewer.person_id,
                        ActionItem.owner_id == owner_id,
                        ActionItem.done_at.is_(None),
                        ActionItem.journal_entry_id.is_(None)
                        if journal_entry_id is None
                        else ActionItem.journal_entry_id == journal_entry_id,
                    )
                )
                if i.title == title
            ),
            None,
        )
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
        return views(s, [_visible_item(s, viewer, item_id)], viewer.person_id)[0]

    return submissions.once(sf, viewer, key, "action_item", create, replay)


def set_done(
    sf: sessionmaker[Session], viewer: Viewer, action_id: int, done: bool = True
) -> ActionView:
    """Mark an item done (or open again): its owner or its creator; idempotent."""
    with sf.begin() as s:
        item = _visible_item(s, viewer, action_id)
        if done and item.done_at is None:
            item.done_at = clock.now()
        elif not done:
            item.done_at = None
        s.flush()
        return views(s, [item], viewer.person_id)[0]
