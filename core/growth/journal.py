"""The reflection journal: guided prompts after a meeting, kept as a draft while typed.

The page saves each answer when its field loses focus (:func:`save_draft`), so
a failed save, a reload or a closed tab loses nothing; reopening the page
resumes the draft (:func:`current_draft`). :func:`finalise` turns the draft
into an entry. Entries are private; the author can share one with the peer(s)
of its match and unshare it. A peer only ever sees shared, final entries; a
coordinator gets counts only (:func:`journal_counts`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.growth import actions
from core.growth.actions import ActionView
from core.kernel import clock, submissions, validate
from core.kernel.access import COORDINATOR, PARTICIPANT, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, t
from core.kernel.text import clean_text
from core.relationship.membership import live_matches_of, names_of, peers_of
from db.models import LIVE_MATCH_STATUSES as LIVE_STATUSES
from db.models import ActionItem, JournalEntry, Match, MatchMember, Meeting, Person, Programme

MAX_ANSWER = 5_000
PAGE_SIZE = 20


@dataclass(frozen=True)
class Prompt:
    field: str
    label: str  # English; translate with t() at display
    main: bool  # shown first; the others wait in "Go deeper"


PROMPTS: tuple[Prompt, ...] = (
    Prompt("discussed", N_("What did we discuss?"), True),
    Prompt("situation", N_("A situation or challenge"), False),
    Prompt("handling", N_("How I handled it"), False),
    Prompt("reaction", N_("How I reacted"), False),
    Prompt("went_well", N_("What went well"), True),
    Prompt("went_less_well", N_("What went less well"), False),
    Prompt("differently", N_("What I would do differently"), False),
    Prompt("learned", N_("What I learned"), True),
    Prompt("next_step", N_("Next step"), True),
)
TEXT_FIELDS: tuple[str, ...] = tuple(p.field for p in PROMPTS)
LABELS: dict[str, str] = {p.field: p.label for p in PROMPTS}
SCALES: dict[str, str] = {
    "usefulness": N_("How useful was the meeting? (1–5)"),
    "wellbeing": N_("How am I doing? (1–5, optional)"),
}
FIELDS: frozenset[str] = frozenset(TEXT_FIELDS) | frozenset(SCALES) | {"meeting_id"}


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


@dataclass(frozen=True)
class JournalCounts:
    programme_id: int
    programme: str
    entries: int
    shared: int
    people: int  # distinct authors, for k-suppression by the caller


# --------------------------------------------------------------------------- validation


def _clean_scale(value: object, field_name: str) -> int | None:
    return validate.optional_number(
        value, 1, 5, t("“{field}” is a number from 1 to 5.", field=t(SCALES[field_name]))
    )


def clean_values(values: Mapping[str, object]) -> dict[str, object]:
    """Validate answers before anything is stored: lengths, scales, known fields."""
    cleaned: dict[str, object] = {}
    for name, value in values.items():
        if name not in FIELDS:
            raise InvalidInput(t("Unknown field of a reflection: {field}", field=name))
        if name in LABELS:
            if value is not None and not isinstance(value, str):
                raise InvalidInput(t("“{field}” must be text.", field=t(LABELS[name])))
            cleaned[name] = clean_text(value, t(LABELS[name]), max_chars=MAX_ANSWER)
        elif name in SCALES:
            cleaned[name] = _clean_scale(value, name)
        else:
            if value is not None and validate.record_id(value) is None:
                raise InvalidInput(t("Choose a meeting from the list."))
            cleaned[name] = None if value is None else validate.record_id(value)
    return cleaned


# --------------------------------------------------------------------------- helpers

T = TypeVar("T")


def _retry(action: Callable[[], T], attempts: int = 3) -> T:
    """Run a transaction again when a concurrent save of the same draft won the race."""
    for attempt in range(attempts):
        try:
            return action()
        except StaleDataError as e:
            if attempt == attempts - 1:
                raise _conflict() from e
    raise AssertionError("unreachable")


def _conflict() -> Conflict:
    return Conflict(
        t(
            "This reflection was changed meanwhile (in another tab?). "
            "Nothing was saved: reload the page to see the latest version."
        )
    )


@contextmanager
def _locked(sf: sessionmaker[Session]) -> Iterator[Session]:
    try:
        with sf.begin() as s:
            yield s
    except StaleDataError as e:
        raise _conflict() from e


def _own_entry(s: Session, viewer: Viewer, entry_id: int) -> JournalEntry:
    entry = validate.get(s, JournalEntry, entry_id)
    if entry is None:
        raise NotFound(t("This reflection no longer exists."))
    if entry.author_id != viewer.person_id:
        raise NotAllowed(t("Only the author of a reflection can change it."))
    return entry


def _check_meeting(s: Session, viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = validate.get(s, Meeting, meeting_id)
    member = (
        meeting is not None
        and s.scalar(
            select(MatchMember.person_id)
            .join(Match, Match.id == MatchMember.match_id)
            .where(
                MatchMember.match_id == meeting.match_id,
                MatchMember.person_id == viewer.person_id,
                Match.status.in_(LIVE_STATUSES),
            )
        )
        is not None
    )
    if not member:
        raise NotFound(t("This meeting does not exist or is not one of yours."))
    assert meeting is not None
    return meeting


def _default_match(s: Session, person_id: int) -> int | None:
    matches = live_matches_of(s, person_id)
    return matches[-1].id if matches else None


def _apply(s: Session, viewer: Viewer, entry: JournalEntry, values: Mapping[str, object]) -> None:
    for name, value in values.items():
        if name == "meeting_id":
            if value is None:
                entry.meeting_id = None
                entry.match_id = _default_match(s, viewer.person_id)
            else:
                assert isinstance(value, int)
                meeting = _check_meeting(s, viewer, value)
                entry.meeting_id, entry.match_id = meeting.id, meeting.match_id
        else:
            setattr(entry, name, value)


def _new_entry(s: Session, viewer: Viewer) -> JournalEntry:
    now = clock.now()
    entry = JournalEntry(
        author_id=viewer.person_id,
        match_id=_default_match(s, viewer.person_id),
        status="draft",
        shared=False,
        created_at=now,
        updated_at=now,
    )
    s.add(entry)
    return entry


def can_read(s: Session, person_id: int, entry: JournalEntry) -> bool:
    """The author always; a peer of the entry's match only once it is final and shared."""
    if entry.author_id == person_id:
        return True
    if entry.status != "final" or not entry.shared:
        return False
    return person_id in peers_of(s, entry.author_id, entry.match_id)


def _views(s: Session, entries: list[JournalEntry], viewer: Viewer) -> list[EntryView]:
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
        shared_with: tuple[str, ...] = ()
        if mine and e.shared:
            peer_ids = peers_of(s, e.author_id, e.match_id)
            if peer_ids:
                shared_with = tuple(
                    sorted(s.scalars(select(Person.full_name).where(Person.id.in_(peer_ids))).all())
                )
        result.append(
            EntryView(
                id=e.id,
                author_id=e.author_id,
                author_name=names.get(e.author_id, ""),
                match_id=e.match_id,
                meeting_id=e.meeting_id,
                meeting_at=meeting_at.get(e.meeting_id) if e.meeting_id else None,
                status=e.status,
                shared=e.shared,
                answers={f: getattr(e, f) or "" for f in TEXT_FIELDS},
                usefulness=e.usefulness,
                wellbeing=e.wellbeing,
                created_at=e.created_at,
                updated_at=e.updated_at,
                version=e.version,
                mine=mine,
                actions=tuple(items.get(e.id, [])),
                shared_with=shared_with,
            )
        )
    return result


def _view(s: Session, entry: JournalEntry, viewer: Viewer) -> EntryView:
    s.flush()
    return _views(s, [entry], viewer)[0]


# --------------------------------------------------------------------------- reads


def meeting_choices(
    sf: sessionmaker[Session], viewer: Viewer, limit: int = 20
) -> list[MeetingChoice]:
    """Meetings of my live matches a reflection can follow: past ones, newest first."""
    with sf.begin() as s:
        matches = live_matches_of(s, viewer.person_id)
        if not matches:
            return []
        others = {
            m.id: [mm.person_id for mm in m.members if mm.person_id != viewer.person_id]
            for m in matches
        }
        ids = {p for ps in others.values() for p in ps}
        names = names_of(s, ids)
        rows = s.scalars(
            select(Meeting)
            .where(
                Meeting.match_id.in_(list(others)),
                Meeting.scheduled_at <= clock.now(),
                Meeting.status.not_in(("cancelled", "moved")),
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
    with sf.begin() as s:
        entry = s.scalars(
            select(JournalEntry)
            .where(JournalEntry.author_id == viewer.person_id, JournalEntry.status == "draft")
            .order_by(JournalEntry.updated_at.desc(), JournalEntry.id.desc())
            .limit(1)
        ).first()
        return _views(s, [entry], viewer)[0] if entry else None


def my_entries(sf: sessionmaker[Session], viewer: Viewer, limit: int = PAGE_SIZE) -> EntriesPage:
    """My final entries, newest first (``limit`` at a time)."""
    with sf.begin() as s:
        rows = list(
            s.scalars(
                select(JournalEntry)
                .where(JournalEntry.author_id == viewer.person_id, JournalEntry.status == "final")
                .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
                .limit(limit + 1)
            )
        )
        return EntriesPage(_views(s, rows[:limit], viewer), len(rows) > limit)


def peer_entries(sf: sessionmaker[Session], viewer: Viewer, limit: int = PAGE_SIZE) -> EntriesPage:
    """Entries my peers shared with me: final and shared only, newest first."""
    with sf.begin() as s:
        conditions = []
        for match in live_matches_of(s, viewer.person_id):
            others = [m.person_id for m in match.members if m.person_id != viewer.person_id]
            if others:
                conditions.append(
                    JournalEntry.author_id.in_(others)
                    & (JournalEntry.match_id.is_(None) | (JournalEntry.match_id == match.id))
                )
        if not conditions:
            return EntriesPage([], False)
        rows = list(
            s.scalars(
                select(JournalEntry)
                .where(
                    JournalEntry.status == "final",
                    JournalEntry.shared.is_(True),
                    or_(*conditions),
                )
                .order_by(JournalEntry.created_at.desc(), JournalEntry.id.desc())
                .limit(limit + 1)
            )
        )
        return EntriesPage(_views(s, rows[:limit], viewer), len(rows) > limit)


def get_entry(sf: sessionmaker[Session], viewer: Viewer, entry_id: int) -> EntryView:
    """One entry, if the viewer may read it."""
    with sf.begin() as s:
        entry = validate.get(s, JournalEntry, entry_id)
        if entry is None or not can_read(s, viewer.person_id, entry):
            raise NotFound(t("This reflection does not exist or is not shared with you."))
        return _views(s, [entry], viewer)[0]


def journal_counts(sf: sessionmaker[Session], viewer: Viewer) -> list[JournalCounts]:
    """Final entries (and how many shared) per programme, for coordinators: numbers only."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        rows = s.execute(
            select(
                Programme.id,
                Programme.name,
                func.count(JournalEntry.id),
                func.count(JournalEntry.id).filter(JournalEntry.shared.is_(True)),
                func.count(distinct(JournalEntry.author_id)),
            )
            .join(Match, Match.programme_id == Programme.id)
            .join(JournalEntry, JournalEntry.match_id == Match.id)
            .where(JournalEntry.status == "final")
            .group_by(Programme.id, Programme.name)
            .order_by(Programme.name)
        ).all()
        return [JournalCounts(*row) for row in rows]


# --------------------------------------------------------------------------- writing


def _on_entry(
    sf: sessionmaker[Session],
    viewer: Viewer,
    entry_id: int | None,
    key: str | None,
    create: Callable[[Session], tuple[T, int]],
    change: Callable[[Session, JournalEntry], T],
) -> T:
    """``change`` my entry ``entry_id`` in one transaction; without one, ``create`` a new
    entry once per form key (a replay of the key changes the entry it created)."""
    if entry_id is None:
        return submissions.once(
            sf,
            viewer,
            key,
            "journal_entry",
            create,
            lambda s, found: change(s, _own_entry(s, viewer, found)),
        )
    with sf.begin() as s:
        return change(s, _own_entry(s, viewer, entry_id))


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
        if entry.status != "draft":
            raise Conflict(
                t(
                    "This reflection was already saved as final (in another tab?). "
                    "Start a new one to keep what you typed."
                )
            )
        _apply(s, viewer, entry, cleaned)
        entry.updated_at = clock.now()
        s.flush()
        return DraftState(entry.id, entry.version, entry.updated_at)

    def create(s: Session) -> tuple[DraftState, int]:
        state = into(s, _new_entry(s, viewer))
        return state, state.entry_id

    return _retry(lambda: _on_entry(sf, viewer, entry_id, key, create, into))


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
        if entry.status == "final":
            return _view(s, entry, viewer)  # a double click: already final
        _apply(s, viewer, entry, cleaned)
        if not any((getattr(entry, f) or "").strip() for f in TEXT_FIELDS):
            raise InvalidInput(t("Answer at least one prompt before saving the reflection."))
        entry.status = "final"
        entry.updated_at = clock.now()
        return _view(s, entry, viewer)

    def create(s: Session) -> tuple[EntryView, int]:
        same = _same_final(s, viewer, cleaned)
        view = _view(s, same, viewer) if same is not None else final(s, _new_entry(s, viewer))
        return view, view.id

    return _retry(lambda: _on_entry(sf, viewer, entry_id, key, create, final))


def _same_final(s: Session, viewer: Viewer, cleaned: Mapping[str, object]) -> JournalEntry | None:
    """A final entry with these very answers written a moment ago (a double submit)."""
    recent = s.scalars(
        select(JournalEntry)
        .where(
            JournalEntry.author_id == viewer.person_id,
            JournalEntry.status == "final",
            JournalEntry.updated_at >= clock.now() - dt.timedelta(minutes=2),
        )
        .order_by(JournalEntry.id.desc())
        .limit(5)
    ).all()
    for entry in recent:
        if all((getattr(entry, f) or "") == (cleaned.get(f) or "") for f in TEXT_FIELDS):
            return entry
    return None


def edit_entry(
    sf: sessionmaker[Session],
    viewer: Viewer,
    entry_id: int,
    version: int,
    values: Mapping[str, object],
) -> EntryView:
    """Change a final entry I wrote; refused if it changed since I opened it."""
    cleaned = clean_values(values)
    with _locked(sf) as s:
        entry = _own_entry(s, viewer, entry_id)
        if entry.version != version:
            raise _conflict()
        _apply(s, viewer, entry, cleaned)
        if entry.status == "final" and not any(
            (getattr(entry, f) or "").strip() for f in TEXT_FIELDS
        ):
            raise InvalidInput(t("Answer at least one prompt before saving the reflection."))
        entry.updated_at = clock.now()
        return _view(s, entry, viewer)


def set_shared(sf: sessionmaker[Session], viewer: Viewer, entry_id: int, shared: bool) -> EntryView:
    """Share one final entry with my peer(s), or make it private again (idempotent)."""
    with _locked(sf) as s:
        entry = _own_entry(s, viewer, entry_id)
        if shared and entry.status != "final":
            raise InvalidInput(t("Save the reflection before sharing it."))
        if entry.shared != shared:
            if shared and entry.match_id is None:
                entry.match_id = _default_match(s, viewer.person_id)
            entry.shared = shared
            entry.updated_at = clock.now()
        return _view(s, entry, viewer)


def delete_entry(sf: sessionmaker[Session], viewer: Viewer, entry_id: int) -> None:
    """Delete a reflection I wrote; discarding a draft also removes the items noted in it.

    Deleting an entry that is already gone is fine (a double click).
    """
    with _locked(sf) as s:
        entry = validate.get(s, JournalEntry, entry_id)
        if entry is None:
            return
        if entry.author_id != viewer.person_id:
            raise NotAllowed(t("Only the author of a reflection can change it."))
        if entry.status == "draft":
            for item in s.scalars(
                select(ActionItem).where(
                    ActionItem.journal_entry_id == entry.id,
                    ActionItem.created_by_id == viewer.person_id,
                )
            ):
                s.delete(item)
        s.delete(entry)
