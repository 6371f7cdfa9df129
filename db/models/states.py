"""The states of programmes, enrolments, matches, meetings, goals, journal entries, requests and concerns.

Stored as short strings (``String(20)``): a member *is* its string, so rows and
comparisons with stored text need no conversion.
"""

from __future__ import annotations

from enum import StrEnum


class ProgrammeStatus(StrEnum):
    DRAFT = "draft"
    ENROLMENT = "enrolment"
    RUNNING = "running"
    CLOSED = "closed"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WITHDRAWN = "withdrawn"


class MatchStatus(StrEnum):
    SUGGESTED = "suggested"  # a coordinator's draft, unseen by participants
    PUBLISHED = "published"  # proposed to its members, waiting for their answers
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"
    DECLINED = "declined"


# A live match gives its members access to each other's shared things (DESIGN.md "peer").
LIVE_MATCH_STATUSES: frozenset[str] = frozenset(
    {MatchStatus.PUBLISHED, MatchStatus.ACTIVE, MatchStatus.PAUSED}
)


class MemberResponse(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"
    MOVED = "moved"
    MISSED = "missed"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    ACHIEVED = "achieved"
    DROPPED = "dropped"


class JournalStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class RequestStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    DECLINED = "declined"
    CLOSED = "closed"


class ConcernStatus(StrEnum):
    OPEN = "open"
    HANDLED = "handled"
