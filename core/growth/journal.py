"""The reflection journal: guided prompts after a meeting, kept as a draft while typed.

The page saves each answer when its field loses focus (:func:`save_draft`), so
a failed save, a reload or a closed tab loses nothing; reopening the page
resumes the draft (:func:`current_draft`). :func:`finalise` turns the draft
into an entry. Entries are private; the author can share one with the peer(s)
of its match and unshare it. A peer only ever sees shared, final entries.

Two answers to a stale write, both through :func:`core.kernel.tx.transaction`:
saving a draft (:func:`save_draft_values`, :func:`finalise`) tries again, since
two fields left at once race for the same draft and both answers must be kept;
changing a saved entry (:func:`edit_entry`, :func:`set_shared`, :func:`delete_entry`)
is refused, since the person decided on what their page showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.growth.journal_rules import (
    TEXT_FIELDS,
    apply,
    can_read,
    clean_values,
    default_match,
    new_entry,
    own_entry,
    require_an_answer,
    stale,
)
from core.growth.journal_views import (
    DraftState,
    EntriesPage,
    EntryView,
    MeetingChoice,
    view,
    views,
)
from core.growth.scope import by_my_peers
from core.kernel import clock, submissions, tx, validate
from core.kernel.access import PARTICIPANT, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import t
from core.kernel.tx import reading
from core.people.names import names_of
from core.relationship.membership import live_matches_of
from db.models import ActionItem, JournalEntry, JournalStatus, Meeting, MeetingStatus

# Reflections shown at a time, mine and shared with me each (older ones on asking): a busy
# participant's journal draws ten entries, not three hundred (issue 10), each about 1 ms.
PAGE_SIZE = 5
# Saves of one draft that lost a race are tried again, this many times in all.
ATTEMPTS = 3
T = TypeVar("T")


# --------------------------------------------------------------------------- reads


def meeting_choices(
    sf: sessionmaker[Session], viewer: Viewer, limit: int = 20
) -> list[MeetingChoice]:
    """Meetings of my live matches a reflection can follow: past ones, newest first."""
    with reading(sf) as s:
        matches = live_matches_of(s, viewer.person_id)
        if not matches:
            return []
        others = {
            m.id: [mm.person_id for mm in m.members if mm.person_id != viewer.person_id]
            for m in matches
        }
        names = names_of(s, {p for ps in others.values() for p in ps})
        rows = s.scalars(
            select(Meeting)
            .where(
                Meeting.match_id.in_(list(others)),
                Meeting.scheduled_at <= clock.now(),
                Meeting.status.not_in((MeetingStatus.CANCELLED, MeetingStatus.MOVED)),
            )
            .order_by(Meeting.scheduled_at.desc())
            .limit(limit)
        ).all()
        return [
            MeetingChoice(
                m.id,
                m.match_id,
                m.scheduled_at,
                m.kind,
                m.status,
                ", ".join(names.get(p, "") for p in others[m.match_id]),
            )
            for m in rows
        ]


def current_draft(sf: sessionmaker[Session], viewer: Viewer) -> EntryView | None:
    """My most recent draft, to resume where I stopped typing."""
    with reading(sf) as s:
        entry = s.scalars(
            select(JournalEntry)
            .where(
                JournalEntry.author_id == viewer.person_id,
                JournalEntry.status == JournalStatus.DRAFT,
            )
            .order_by(JournalEntry.updated_at.desc(), JournalEntry.id.desc())
            .limit(1)
        ).first()
        return views(s, [entry], viewer)[0] if entry else None


def _page(s: Session, viewer: Viewer, *where: ColumnElement[bool], limit: int) -> EntriesPage:
    """Final entries matching ``where``, newest first, ``limit`` at a time; how many in all."""
    final = (JournalEntry.status == JournalStatus.FINAL, *where)
    rows = list(
        s.scalars(
            select(JournalEntry)
            .where(*final)
            .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
            .limit(limit + 1)
        )
    )
    total = len(rows)
    if total > limit:
        total = s.scalar(select(func.count()).select_from(JournalEntry).where(*final)) or 0
    return EntriesPage(views(s, rows[:limit], viewer), total > limit, total)


def my_entries(sf: sessionmaker[Session], viewer: Viewer, limit: int = PAGE_SIZE) -> EntriesPage:
    """My final entries, newest first (``limit`` at a time)."""
    with reading(sf) as s:
        return _page(s, viewer, JournalEntry.author_id == viewer.person_id, limit=limit)


def peer_entries(sf: sessionmaker[Session], viewer: Viewer, limit: int = PAGE_SIZE) -> EntriesPage:
    """Entries my peers shared with me: final and shared only, newest first."""
    with reading(sf) as s:
        theirs = by_my_peers(s, viewer.person_id, JournalEntry.author_id, JournalEntry.match_id)
        if theirs is None:
            return EntriesPage([], False, 0)
        return _page(s, viewer, JournalEntry.shared.is_(True), theirs, limit=limit)


def get_entry(sf: sessionmaker[Session], viewer: Viewer, entry_id: int) -> EntryView:
    """One entry, if the viewer may read it."""
    with reading(sf) as s:
        entry = validate.get(s, JournalEntry, entry_id)
        if entry is None or not can_read(s, viewer.person_id, entry):
            raise NotFound(t("This reflection does not exist or is not shared with you."))
        return views(s, [entry], viewer)[0]


# --------------------------------------------------------------------------- writing a draft


def _again_if_raced(save: Callable[[], T]) -> T:
    """Run ``save`` again when a concurrent save of the same draft won the race.

    The race shows as tx.transaction's Conflict caused by a stale write; after
    :data:`ATTEMPTS` tries it reaches the person. Any other refusal goes at once.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return save()
        except Conflict as e:
            if attempt == ATTEMPTS or not isinstance(e.__cause__, StaleDataError):
                raise
    raise AssertionError("unreachable")


def _on_entry(
    sf: sessionmaker[Session],
    viewer: Viewer,
    entry_id: int | None,
    key: str | None,
    create: Callable[[Session], tuple[T, int]],
    change: Callable[[Session, JournalEntry], T],
) -> T:
    """``change`` my entry ``entry_id``; without one, ``create`` a new entry once per form
    key (a replay of the key changes the entry it created)."""
    if entry_id is None:

        def first(s: Session) -> tuple[tuple[T | None, int], int]:
            made, made_id = create(s)
            return (made, made_id), made_id

        made, entry_id = submissions.once(
            sf, viewer, key, "journal_entry", first, lambda s, found: (None, found)
        )
        if made is not None:
            return made
    with tx.transaction(sf, stale=stale()) as s:
        return change(s, own_entry(s, viewer, entry_id))


def save_draft_values(
    sf: sessionmaker[Session],
    viewer: Viewer,
    entry_id: int | None,
    values: Mapping[str, object],
    *,
    key: str | None = None,
) -> DraftState:
    """Save answers into my draft (a new one when ``entry_id`` is None).

    ``key``: the new-reflection form's submission key. Two first saves of the same
    form (two fields left at once, a replayed request) fill one draft, not two.
    """
    require_role(viewer, PARTICIPANT)
    cleaned = clean_values(values)

    def into(s: Session, entry: JournalEntry) -> DraftState:
        if entry.status != JournalStatus.DRAFT:
            raise Conflict(
                t(
                    "This reflection was already saved as final (in another tab?). "
                    "Start a new one to keep what you typed."
                )
            )
        apply(s, viewer, entry, cleaned)
        entry.updated_at = clock.now()
        s.flush()
        return DraftState(entry.id, entry.version, entry.updated_at)

    def create(s: Session) -> tuple[DraftState, int]:
        state = into(s, new_entry(s, viewer))
        return state, state.entry_id

    return _again_if_raced(lambda: _on_entry(sf, viewer, entry_id, key, create, into))


def save_draft(
    sf: sessionmaker[Session],
    viewer: Viewer,
    entry_id: int | None,
    field_name: str,
    value: object,
    *,
    key: str | None = None,
) -> DraftState:
    """Save one answer as I type (on leaving the field); creates the draft if needed."""
    return save_draft_values(sf, viewer, entry_id, {field_name: value}, key=key)


def finalise(
    sf: sessionmaker[Session],
    viewer: Viewer,
    entry_id: int | None,
    values: Mapping[str, object] | None = None,
    *,
    key: str | None = None,
) -> EntryView:
    """Save the reflection as final, with the latest answers. Finalising twice is harmless.

    ``key``: the new-reflection form's submission key (when no draft was saved yet);
    the same form sent twice, or twenty times at once, makes one entry.
    """
    require_role(viewer, PARTICIPANT)
    cleaned = clean_values(values or {})

    def final(s: Session, entry: JournalEntry) -> EntryView:
        if entry.status == JournalStatus.FINAL:
            return view(s, entry, viewer)  # a double click: already final
        apply(s, viewer, entry, cleaned)
        require_an_answer(entry)
        entry.status = JournalStatus.FINAL
        entry.updated_at = clock.now()
        return view(s, entry, viewer)

    def create(s: Session) -> tuple[EntryView, int]:
        same = _same_final(s, viewer, cleaned)
        made = view(s, same, viewer) if same is not None else final(s, new_entry(s, viewer))
        return made, made.id

    return _again_if_raced(lambda: _on_entry(sf, viewer, entry_id, key, create, final))


def _same_final(s: Session, viewer: Viewer, cleaned: Mapping[str, object]) -> JournalEntry | None:
    """A final entry with these very answers written a moment ago (a double submit)."""
    recent = s.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.author_id == viewer.person_id,
            JournalEntry.status == JournalStatus.FINAL,
            JournalEntry.updated_at >= clock.now() - dt.timedelta(minutes=2),
        )
        .order_by(JournalEntry.id.desc())
        .limit(5)
    ).all()
    for entry in recent:
        if all((getattr(entry, f) or "") == (cleaned.get(f) or "") for f in TEXT_FIELDS):
            return entry
    return None


# --------------------------------------------------------------------------- a saved entry


def edit_entry(
    sf: sessionmaker[Session],
    viewer: Viewer,
    entry_id: int,
    version: int,
    values: Mapping[str, object],
) -> EntryView:
    """Change a final entry I wrote; refused if it changed since I opened it."""
    cleaned = clean_values(values)
    with tx.transaction(sf, stale=stale()) as s:
        entry = own_entry(s, viewer, entry_id)
        tx.expect_version(entry, version, stale=stale())
        apply(s, viewer, entry, cleaned)
        if entry.status == JournalStatus.FINAL:
            require_an_answer(entry)
        entry.updated_at = clock.now()
        return view(s, entry, viewer)


def set_shared(sf: sessionmaker[Session], viewer: Viewer, entry_id: int, shared: bool) -> EntryView:
    """Share one final entry with my peer(s), or make it private again (idempotent)."""
    with tx.transaction(sf, stale=stale()) as s:
        entry = own_entry(s, viewer, entry_id)
        if shared and entry.status != JournalStatus.FINAL:
            raise InvalidInput(t("Save the reflection before sharing it."))
        if entry.shared != shared:
            if shared and entry.match_id is None:
                entry.match_id = default_match(s, viewer.person_id)
            entry.shared = shared
            entry.updated_at = clock.now()
        return view(s, entry, viewer)


def delete_entry(sf: sessionmaker[Session], viewer: Viewer, entry_id: int) -> None:
    """Delete a reflection I wrote; discarding a draft also removes the items noted in it.

    Deleting an entry that is already gone is fine (a double click).
    """
    with tx.transaction(sf, stale=stale()) as s:
        entry = validate.get(s, JournalEntry, entry_id)
        if entry is None:
            return
        if entry.author_id != viewer.person_id:
            raise NotAllowed(t("Only the author of a reflection can change it."))
        if entry.status == JournalStatus.DRAFT:
            for item in s.scalars(
                select(ActionItem).where(
                    ActionItem.journal_entry_id == entry.id,
                    ActionItem.created_by_id == viewer.person_id,
                )
            ):
                s.delete(item)
        s.delete(entry)
