"""The shared agenda and notes of a meeting: every member reads and edits them.

Two members may edit at once. Whoever saves second is told, and gets the text
that was saved meanwhile together with their own, so nothing anyone typed is lost.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import Conflict
from core.kernel.i18n import t
from core.kernel.text import clean_text
from core.relationship.meetings import MAX_SHARED_TEXT, MeetingView, member_meeting, view_of
from core.relationship.membership import require_open


class EditConflict(Conflict):
    """The shared text changed meanwhile. Carries theirs and mine, so nothing is lost."""

    def __init__(self, message: str, theirs: MeetingView, mine_agenda: str, mine_notes: str):
        super().__init__(message)
        self.theirs = theirs
        self.mine_agenda = mine_agenda
        self.mine_notes = mine_notes


def save_shared_text(
    sf: sessionmaker[Session],
    viewer: Viewer,
    meeting_id: int,
    *,
    agenda: str,
    notes: str,
    seen_version: int,
) -> MeetingView:
    """Save the shared agenda and notes. If a peer saved meanwhile: EditConflict with
    their text and mine, nothing overwritten."""
    agenda = clean_text(agenda, t("Agenda"), max_chars=MAX_SHARED_TEXT)
    notes = clean_text(notes, t("Shared notes"), max_chars=MAX_SHARED_TEXT)
    message = t(
        "Your peer saved this meeting's agenda or notes meanwhile. Your text is kept below; "
        "compare it with theirs, then save again."
    )
    # Not core.kernel.tx.transaction: a stale write here must carry the text that won,
    # which only a second read can give (a plain Conflict would lose it).
    try:
        with sf.begin() as s:
            meeting, match = member_meeting(s, viewer, meeting_id)
            require_open(match)
            if meeting.version != seen_version:
                raise EditConflict(message, view_of(meeting), agenda, notes)
            if (meeting.agenda, meeting.notes) == (agenda, notes):
                return view_of(meeting)
            meeting.agenda, meeting.notes = agenda, notes
            meeting.updated_at = clock.now()
            s.flush()
            return view_of(meeting)
    except StaleDataError:
        # Both saved at the very same moment: the other transaction won.
        with sf.begin() as s:
            meeting, _ = member_meeting(s, viewer, meeting_id)
            raise EditConflict(message, view_of(meeting), agenda, notes) from None
