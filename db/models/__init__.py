"""The whole domain of DESIGN.md as typed SQLAlchemy 2.x models, one module per area.

Datetimes are naive UTC everywhere (``core.kernel.clock.now()``); dates are plain dates.
Enumerations are stored as short strings (``String(20)``) checked in ``core``,
so adding a value never needs a migration of a database enum type. Their values
are the :class:`enum.StrEnum` classes of :mod:`db.models.states` (a member *is* its
string, so rows and comparisons with stored text need no conversion).

Import models from here (``from db.models import Goal``): importing this package maps
every class on :class:`Base` and wires the encrypted columns.
"""

from db.crypto import register
from db.models.base import NAMING_CONVENTION, Base
from db.models.growth import (
    ActionItem,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
)
from db.models.matching import Match, MatchMember
from db.models.notify import Notification, NotificationPref
from db.models.people import (
    NAME_ORDER,
    Account,
    AccountRole,
    AuditLog,
    ImportDeactivation,
    Invitation,
    KeptPart,
    LoginThrottle,
    PeopleImport,
    Person,
    Setting,
    SetupCode,
    Submission,
)
from db.models.programmes import (
    Announcement,
    DoNotPair,
    Enrolment,
    EnrolmentSkill,
    Programme,
    ProgrammeKPI,
    SelfAssessment,
    Skill,
    skill_name,
)
from db.models.relationship import Agreement, AgreementMember, Concern, Meeting, Resource
from db.models.states import (
    LIVE_MATCH_STATUSES,
    ConcernStatus,
    EnrolmentStatus,
    GoalStatus,
    JournalStatus,
    MatchStatus,
    MeetingStatus,
    MemberResponse,
    ProgrammeStatus,
    RequestStatus,
)
from db.models.surveys import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

register(Base)  # encrypted columns: sealed on flush, opened and checked on load

__all__ = [
    "NAME_ORDER",
    "NAMING_CONVENTION",
    "Base",
    "ProgrammeStatus",
    "EnrolmentStatus",
    "MatchStatus",
    "MemberResponse",
    "MeetingStatus",
    "GoalStatus",
    "JournalStatus",
    "RequestStatus",
    "ConcernStatus",
    "LIVE_MATCH_STATUSES",
    "Person",
    "Account",
    "AccountRole",
    "LoginThrottle",
    "Invitation",
    "SetupCode",
    "AuditLog",
    "ImportDeactivation",
    "PeopleImport",
    "Submission",
    "Setting",
    "KeptPart",
    "Programme",
    "ProgrammeKPI",
    "Skill",
    "skill_name",
    "Enrolment",
    "EnrolmentSkill",
    "SelfAssessment",
    "DoNotPair",
    "Announcement",
    "Match",
    "Notification",
    "NotificationPref",
    "MatchMember",
    "Agreement",
    "AgreementMember",
    "Meeting",
    "Resource",
    "Concern",
    "Goal",
    "GoalStep",
    "GoalComment",
    "JournalEntry",
    "ActionItem",
    "FeedbackRequest",
    "Feedback",
    "Survey",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyAnswer",
]
