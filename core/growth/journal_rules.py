"""The rules of the reflection journal: its prompts and scales, what an answer may be,
who reads an entry and who changes it.

Session-level helpers for :mod:`core.growth.journal`: they take a Session and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.growth.scope import latest_match, my_meeting, peer_reads
from core.kernel import clock, tx, validate
from core.kernel.access import Viewer
from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.i18n import N_, t
from core.kernel.text import clean_text
from db.models import JournalEntry, JournalStatus

MAX_ANSWER = 5_000


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


def stale() -> str:
    """What a person reads when the reflection changed since their page was drawn."""
    return t(
        "This reflection was changed meanwhile (in another tab?). "
        "Nothing was saved: reload the page to see the latest version."
    )


# --------------------------------------------------------------------------- answers


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


def require_an_answer(entry: JournalEntry) -> None:
    """A final reflection answers at least one prompt."""
    if not any((getattr(entry, f) or "").strip() for f in TEXT_FIELDS):
        raise InvalidInput(t("Answer at least one prompt before saving the reflection."))


# --------------------------------------------------------------------------- who may


def can_read(s: Session, person_id: int, entry: JournalEntry) -> bool:
    """The author always; a peer of the entry's match only once it is final and shared."""
    if entry.author_id == person_id:
        return True
    if entry.status != JournalStatus.FINAL or not entry.shared:
        return False
    return peer_reads(s, person_id, entry.author_id, entry.match_id)


def own_entry(s: Session, viewer: Viewer, entry_id: object) -> JournalEntry:
    """A reflection I wrote, or NotFound / NotAllowed."""
    entry = tx.get_or_404(s, JournalEntry, entry_id, missing=t("This reflection no longer exists."))
    if entry.author_id != viewer.person_id:
        raise NotAllowed(t("Only the author of a reflection can change it."))
    return entry


# --------------------------------------------------------------------------- writing


def default_match(s: Session, person_id: int) -> int | None:
    """The match a reflection about no meeting belongs to: my most recent live one."""
    match = latest_match(s, person_id)
    return match.id if match else None


def new_entry(s: Session, viewer: Viewer) -> JournalEntry:
    """An empty draft of mine."""
    entry = JournalEntry(
        author_id=viewer.person_id,
        match_id=default_match(s, viewer.person_id),
        status=JournalStatus.DRAFT,
        shared=False,
        **clock.stamps(),
    )
    s.add(entry)
    return entry


def apply(s: Session, viewer: Viewer, entry: JournalEntry, values: Mapping[str, object]) -> None:
    """Write cleaned answers into the entry; a meeting also decides the entry's match."""
    for name, value in values.items():
        if name == "meeting_id":
            if value is None:
                entry.meeting_id = None
                entry.match_id = default_match(s, viewer.person_id)
            else:
                meeting = my_meeting(s, viewer.person_id, value)
                entry.meeting_id, entry.match_id = meeting.id, meeting.match_id
        else:
            setattr(entry, name, value)
