"""What one notification is, before the outbox sends it.

A *source* (``core.notify.sources``) looks at the database and yields ``Outgoing`` items:
one per recipient and event, already worded in the recipient's language, never carrying
private text (no journal or feedback content, no private goal title — only that something
is waiting). The outbox (``core.notify.outbox``) keeps each ``key`` once, applies the
recipient's preference for the ``kind`` (immediately, in the daily digest, or never), adds
the link's address and the unsubscribe footer, and sends.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    """What a notification is about; a person chooses a delivery per kind."""

    INVITATION = "invitation"  # the sign-up link of the People page, sent from Tandem
    PROPOSAL = "proposal"  # a match published: a proposal waits for the person's answer
    MEETING_TOMORROW = "meeting_tomorrow"  # with the meeting's .ics attached
    MEETING_OVERDUE = "meeting_overdue"  # no meeting on the agreed cadence
    FEEDBACK_REQUEST = "feedback_request"  # a colleague asked for the person's feedback
    FEEDBACK_RECEIVED = "feedback_received"  # feedback waits to be acknowledged
    ACTION_DUE = "action_due"  # an action item is due
    SURVEY_OPEN = "survey_open"  # a survey waits for the person's answers
    CONCERN_RAISED = "concern_raised"  # to coordinators: a participant raised a concern
    COORDINATOR_WEEKLY = "coordinator_weekly"  # to coordinators: counts only


class Delivery(enum.StrEnum):
    """How a person wants one kind: on its own, gathered in a daily digest, or not at all."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    NEVER = "never"


DEFAULT_DELIVERY = Delivery.IMMEDIATELY


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str  # e.g. "text/calendar"
    content: bytes


@dataclass(frozen=True)
class Outgoing:
    """One notification for one person; ``key`` is unique for ever (sending is idempotent).

    ``key`` names the event and the recipient, e.g. ``"meeting_tomorrow:412:person:17"``:
    the outbox stores it under a unique constraint, so running the sources twice, or on two
    servers at once, sends once. ``path`` is the page to open, relative to the site's base
    address (e.g. ``"my_peer"``); ``subject`` and ``body`` are plain text in ``locale``.
    """

    key: str
    kind: Kind
    person_id: int
    to_address: str
    locale: str  # "en" or "fr"
    subject: str
    body: str
    path: str
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
