"""The letters the sources send: for each kind, its subject, its body and the page it links
to, as English message ids, written in the reader's language when one is sent."""

from __future__ import annotations

import datetime as dt

from core.kernel.i18n import N_, format_date, speaking, t
from core.notify.message import Kind, Outgoing
from core.notify.recipients import Recipient, outgoing

LETTERS: dict[Kind, tuple[str, str, str]] = {
    Kind.PROPOSAL: (
        N_("Tandem: a pairing is proposed to you"),
        N_(
            "Hello {name},\n\nA pairing is proposed to you in “{programme}”. Open Tandem to see who with and why, then accept or decline."
        ),
        "my_match",
    ),
    Kind.MEETING_OVERDUE: (
        N_("Tandem: time to plan your next meeting"),
        N_(
            "Hello {name},\n\nNo meeting has been held since {date}, longer than your agreed rhythm. Plan the next one in Tandem."
        ),
        "my_peer",
    ),
    Kind.FEEDBACK_REQUEST: (
        N_("Tandem: your feedback is asked for"),
        N_(
            "Hello {name},\n\n{asker} asked for your feedback. Open Tandem to read the request and answer it."
        ),
        "feedback",
    ),
    Kind.FEEDBACK_RECEIVED: (
        N_("Tandem: you received feedback"),
        N_(
            "Hello {name},\n\nA peer gave you feedback. Read it in Tandem and let them know it reached you."
        ),
        "feedback",
    ),
    Kind.ACTION_DUE: (
        N_("Tandem: an action item is due"),
        N_(
            "Hello {name},\n\nOne of your action items was due on {date}. Tick it off in Tandem when it is done."
        ),
        "goals",
    ),
    Kind.CONCERN_RAISED: (
        N_("Tandem: a participant raised a concern"),
        N_(
            "Hello {name},\n\nA participant raised a concern in “{programme}”. Read it and follow it up in Tandem."
        ),
        "coord_concerns",
    ),
}


def letter(who: Recipient, kind: Kind, event: str, **values: object) -> Outgoing:
    """``kind``'s letter to ``who`` about ``event``, in their language: the body filled with
    their name and ``values`` (a date written long, in that language)."""
    subject, body, path = LETTERS[kind]
    with speaking(who.language):
        filled = {
            k: format_date(v, "long") if isinstance(v, dt.date) else v for k, v in values.items()
        }
        return outgoing(who, kind, event, t(subject), t(body, name=who.name, **filled), path)
