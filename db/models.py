"""The whole domain of DESIGN.md as typed SQLAlchemy 2.x models.

Datetimes are naive UTC everywhere (``core.kernel.clock.now()``); dates are plain dates.
Enumerations are stored as short strings (``String(20)``) checked in ``core``,
so adding a value never needs a migration of a database enum type. Their values
are the :class:`enum.StrEnum` classes below (a member *is* its string, so rows
and comparisons with stored text need no conversion).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.crypto import EncryptedText, new_uid, register

# Stable constraint names so that Alembic migrations (and SQLite batch mode) work.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Any:
    return mapped_column(ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


def _private(**kwargs: Any) -> Any:
    """Private text, encrypted at rest with the row's ``uid`` as associated data (db/crypto.py)."""
    return mapped_column(EncryptedText(), **kwargs)


def _uid() -> Any:
    """The row identity bound into its encrypted values: random, drawn before the INSERT."""
    return mapped_column(String(32), default=new_uid)


# --------------------------------------------------------------------------- states


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


# --------------------------------------------------------------------------- people


class Person(Base):
    """An employee, imported or created by hand. Accounts sign in; people exist without one."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str | None] = mapped_column(String(120), index=True)
    level: Mapped[str | None] = mapped_column(String(60))
    job_title: Mapped[str | None] = mapped_column(String(160))
    manager_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    location: Mapped[str | None] = mapped_column(String(120))
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    leave_date: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(8), default="en")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    directory_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    account: Mapped[Account | None] = relationship(back_populates="person", uselist=False)


class Account(Base):
    """A way to sign in. One per person at most."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    # Server-side revocation: any session or cookie issued at or before this is void.
    sessions_revoked_before: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    person: Mapped[Person] = relationship(back_populates="account")
    roles: Mapped[list[AccountRole]] = relationship(
        back_populates="account", cascade="all, delete-orphan", lazy="selectin"
    )


class AccountRole(Base):
    __tablename__ = "account_role"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[Account] = relationship(back_populates="roles")


class LoginThrottle(Base):
    """Sign-in attempts per typed username (known or not, so a lock reveals nothing).

    One row per (username, source address) and one row per username for every
    address together (``source`` = ``"*"``): see core/accounts/auth.py for the limits.
    """

    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(120), primary_key=True)
    source: Mapped[str] = mapped_column(String(64), primary_key=True, server_default="*")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The last successful sign-in from this address: it is then exempt from the
    # all-addresses limit, so a stranger cannot keep the account's owner out.
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Invitation(Base):
    """A single-use link to set a password; only the SHA-256 of the token is kept.

    ``purpose``: "account" (an invitation: create one's account) or "reset" (an admin
    reset the password of an existing account: choose a new one).
    """

    __tablename__ = "invitation"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = _fk("person.id")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20), default="account", server_default="account")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Set when a newer invitation for the same person replaces this one.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # A reset: when its owner dismissed the "an admin reset your password" notice.
    notice_dismissed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class SetupCode(Base):
    """One-time code printed in the server log to create the first admin (demo off)."""

    __tablename__ = "setup_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor_account_id: Mapped[int | None] = _fk("account.id", nullable=True, ondelete="SET NULL")
    actor_username: Mapped[str | None] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Submission(Base):
    """A create form, sent once: the key drawn with the form names what it created.

    A replayed or concurrent second send of the same form finds this row (the
    unique constraint makes the second insert wait, then fail) and returns the
    first result instead of creating another (issue 8 §6, core/kernel/submissions.py).
    """

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("account_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(30))  # what was created: goal, journal_entry …
    result_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Setting(Base):
    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


# --------------------------------------------------------------------------- programmes


class Programme(Base):
    """One cycle of a mentoring programme (e.g. "Autumn 2026")."""

    __tablename__ = "programme"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[list[Any]] = mapped_column(JSON, default=list)
    format: Mapped[str] = mapped_column(String(20), default="pairs")  # pairs|circles|both
    circle_size: Mapped[int] = mapped_column(Integer, default=4)
    relationship_type: Mapped[str] = mapped_column(String(20), default="peer")
    # {"departments": [...], "levels": [...], "locations": [...],
    #  "hired_after": "YYYY-MM-DD", "hired_before": "YYYY-MM-DD"}
    eligibility: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    cadence_days: Mapped[int] = mapped_column(Integer, default=14)
    session_minutes: Mapped[int] = mapped_column(Integer, default=60)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    enrolment_opens: Mapped[dt.date | None] = mapped_column(Date)
    enrolment_closes: Mapped[dt.date | None] = mapped_column(Date)
    guidelines: Mapped[str] = mapped_column(Text, default="")
    suggested_topics: Mapped[list[Any]] = mapped_column(JSON, default=list)
    charter: Mapped[str] = mapped_column(Text, default="")
    support_contact: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    # Matching weights and options, e.g. {"skills": 5, "themes": 3, "same_manager_forbidden": true}
    matching: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # Private text is erased this many days after the programme closes; None: kept.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    kpis: Mapped[list[ProgrammeKPI]] = relationship(
        back_populates="programme", cascade="all, delete-orphan"
    )


class ProgrammeKPI(Base):
    __tablename__ = "programme_kpi"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = _fk("programme.id")
    metric: Mapped[str] = mapped_column(String(60))  # e.g. match_rate, nps, engaged_share
    target: Mapped[float] = mapped_column(Float)
    label: Mapped[str] = mapped_column(String(160), default="")
    programme: Mapped[Programme] = relationship(back_populates="kpis")


class Skill(Base):
    __tablename__ = "skill"
    __table_args__ = (UniqueConstraint("programme_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = _fk("programme.id", nullable=True)  # None = shared
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(120), default="")
    merged_into_id: Mapped[int | None] = _fk("skill.id", nullable=True, ondelete="SET NULL")


class Enrolment(Base):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("programme_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = _fk("programme.id")
    person_id: Mapped[int] = _fk("person.id")
    status: Mapped[str] = mapped_column(String(20), default="enrolled")  # enrolled|withdrawn
    role: Mapped[str] = mapped_column(String(20), default="peer")  # peer|mentor|mentee
    mentor_capacity: Mapped[int] = mapped_column(Integer, default=1)
    goal_themes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    availability: Mapped[list[Any]] = mapped_column(JSON, default=list)
    work_mode: Mapped[str] = mapped_column(String(20), default="either")  # onsite|remote|either
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    motivation: Mapped[str] = mapped_column(Text, default="")
    charter_accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    skills: Mapped[list[EnrolmentSkill]] = relationship(
        back_populates="enrolment", cascade="all, delete-orphan"
    )


class EnrolmentSkill(Base):
    __tablename__ = "enrolment_skill"
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # offered|wanted
    enrolment: Mapped[Enrolment] = relationship(back_populates="skills")


class SelfAssessment(Base):
    """Mentor-skills self-assessment (1–5): a baseline at enrolment, again at the end."""

    __tablename__ = "self_assessment"
    __table_args__ = (UniqueConstraint("enrolment_id", "phase", "skill"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = _fk("enrolment.id")
    phase: Mapped[str] = mapped_column(String(10))  # baseline|end
    skill: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class DoNotPair(Base):
    """A conflict of interest: these two people must never be matched."""

    __tablename__ = "do_not_pair"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = _fk("programme.id", nullable=True)
    person_a_id: Mapped[int] = _fk("person.id")
    person_b_id: Mapped[int] = _fk("person.id")
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Announcement(Base):
    __tablename__ = "announcement"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int | None] = _fk("programme.id", nullable=True)  # None = everyone
    author_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


# --------------------------------------------------------------------------- matches


class Match(Base):
    """A pair (2 members) or a circle (3–6). Mutual by default; roles per member."""

    __tablename__ = "match"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = _fk("programme.id")
    # suggested -> published -> (active once all accepted) -> ended; paused; declined
    status: Mapped[str] = mapped_column(String(20), default="suggested", index=True)
    kind: Mapped[str] = mapped_column(String(20), default="pair")  # pair|circle|mentoring
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # Score broken into parts: [{"code": "skills", "points": 12.5, "args": {...}}, ...]
    explanation: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    paused_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    members: Mapped[list[MatchMember]] = relationship(
        back_populates="match", cascade="all, delete-orphan", lazy="selectin"
    )


class MatchMember(Base):
    __tablename__ = "match_member"
    match_id: Mapped[int] = mapped_column(
        ForeignKey("match.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20), default="peer")  # peer|mentor|mentee
    response: Mapped[str] = mapped_column(String(20), default="pending")
    responded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    match: Mapped[Match] = relationship(back_populates="members")


class Agreement(Base):
    __tablename__ = "agreement"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id", ondelete="CASCADE"), unique=True)
    cadence_days: Mapped[int] = mapped_column(Integer, default=14)
    meeting_format: Mapped[str] = mapped_column(String(20), default="video")
    length_minutes: Mapped[int] = mapped_column(Integer, default=60)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class AgreementMember(Base):
    """What one member wants from the relationship, and when they confirmed."""

    __tablename__ = "agreement_member"
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    uid: Mapped[str] = _uid()
    expectations: Mapped[str] = _private(default="")
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (
        Index("ix_meeting_match_when", "match_id", "scheduled_at"),
        # Dashboard (core.insights.metrics): covers held/missed counts per match and per week.
        Index("ix_meeting_match_status_when", "match_id", "status", "scheduled_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    match_id: Mapped[int] = _fk("match.id")
    scheduled_at: Mapped[dt.datetime] = mapped_column(DateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    kind: Mapped[str] = mapped_column(String(20), default="regular")
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    agenda: Mapped[str] = _private(default="")  # shared with the peer(s)
    notes: Mapped[str] = _private(default="")  # shared with the peer(s)
    created_by_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


# --------------------------------------------------------------------------- private writing


class Goal(Base):
    __tablename__ = "goal"
    # Dashboard (core.insights.metrics): goals set/achieved per week without reading titles.
    __table_args__ = (
        Index(
            "ix_goal_programme_activity",
            "programme_id",
            "created_at",
            "status",
            "achieved_at",
            "owner_id",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    owner_id: Mapped[int] = _fk("person.id")
    programme_id: Mapped[int | None] = _fk("programme.id", nullable=True, ondelete="SET NULL")
    match_id: Mapped[int | None] = _fk("match.id", nullable=True, ondelete="SET NULL")
    title: Mapped[str] = _private()
    outcome: Mapped[str] = _private(default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    target_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    visibility: Mapped[str] = mapped_column(String(10), default="private")  # private|shared
    manual_progress: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    achieved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    steps: Mapped[list[GoalStep]] = relationship(
        back_populates="goal",
        cascade="all, delete-orphan",
        order_by="GoalStep.position",
        lazy="selectin",
    )


class GoalStep(Base):
    __tablename__ = "goal_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    goal_id: Mapped[int] = _fk("goal.id")
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = _private()
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    goal: Mapped[Goal] = relationship(back_populates="steps")


class GoalComment(Base):
    __tablename__ = "goal_comment"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    goal_id: Mapped[int] = _fk("goal.id")
    author_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    body: Mapped[str] = _private()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class JournalEntry(Base):
    """A guided reflection. Private by default; status 'draft' while being typed."""

    __tablename__ = "journal_entry"
    __table_args__ = (
        Index("ix_journal_author_created", "author_id", "created_at"),
        # Dashboard (core.insights.metrics): weekly counts read this narrow index, not the texts.
        Index("ix_journal_match_activity", "match_id", "created_at", "status", "author_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    author_id: Mapped[int] = _fk("person.id")
    match_id: Mapped[int | None] = _fk("match.id", nullable=True, ondelete="SET NULL")
    meeting_id: Mapped[int | None] = _fk("meeting.id", nullable=True, ondelete="SET NULL")
    status: Mapped[str] = mapped_column(String(10), default="draft")  # draft|final
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    discussed: Mapped[str] = _private(default="")
    situation: Mapped[str] = _private(default="")
    handling: Mapped[str] = _private(default="")
    reaction: Mapped[str] = _private(default="")
    went_well: Mapped[str] = _private(default="")
    went_less_well: Mapped[str] = _private(default="")
    differently: Mapped[str] = _private(default="")
    learned: Mapped[str] = _private(default="")
    next_step: Mapped[str] = _private(default="")
    usefulness: Mapped[int | None] = mapped_column(Integer)
    wellbeing: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ActionItem(Base):
    __tablename__ = "action_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    match_id: Mapped[int | None] = _fk("match.id", nullable=True, ondelete="SET NULL")
    journal_entry_id: Mapped[int | None] = _fk(
        "journal_entry.id", nullable=True, ondelete="SET NULL"
    )
    meeting_id: Mapped[int | None] = _fk("meeting.id", nullable=True, ondelete="SET NULL")
    owner_id: Mapped[int] = _fk("person.id")
    created_by_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    title: Mapped[str] = _private()
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class FeedbackRequest(Base):
    __tablename__ = "feedback_request"
    # Dashboard (core.insights.metrics): requests per week.
    __table_args__ = (
        Index("ix_feedback_request_match_activity", "match_id", "created_at", "requester_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    match_id: Mapped[int | None] = _fk("match.id", nullable=True, ondelete="SET NULL")
    requester_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    giver_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    topic: Mapped[str] = _private()
    context: Mapped[str] = _private(default="")
    wished_by: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="open")  # open|answered|declined
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Feedback(Base):
    """Feedback given by one person to another; giver_id is NULL once the giver erased."""

    __tablename__ = "feedback"
    # Dashboard (core.insights.metrics): feedback given per week.
    __table_args__ = (
        Index("ix_feedback_match_activity", "match_id", "created_at", "recipient_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    request_id: Mapped[int | None] = _fk("feedback_request.id", nullable=True, ondelete="SET NULL")
    match_id: Mapped[int | None] = _fk("match.id", nullable=True, ondelete="SET NULL")
    giver_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    recipient_id: Mapped[int] = _fk("person.id")
    kind: Mapped[str] = mapped_column(String(20), default="structured")  # structured|sbi|kudos
    worked: Mapped[str] = _private(default="")
    improve: Mapped[str] = _private(default="")
    suggestion: Mapped[str] = _private(default="")
    situation: Mapped[str] = _private(default="")
    behaviour: Mapped[str] = _private(default="")
    impact: Mapped[str] = _private(default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    usefulness: Mapped[int | None] = mapped_column(Integer)


class Resource(Base):
    __tablename__ = "resource"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    match_id: Mapped[int] = _fk("match.id")
    added_by_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    kind: Mapped[str] = mapped_column(String(20), default="link")  # link|book|talk|other
    title: Mapped[str] = _private()
    url: Mapped[str] = _private(default="")
    note: Mapped[str] = _private(default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Concern(Base):
    """Raised by a participant to the coordinator; holds only the words they chose."""

    __tablename__ = "concern"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = _uid()
    programme_id: Mapped[int | None] = _fk("programme.id", nullable=True)
    match_id: Mapped[int | None] = _fk("match.id", nullable=True, ondelete="SET NULL")
    raised_by_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    kind: Mapped[str] = mapped_column(String(20), default="concern")  # concern|end|pause|fit
    body: Mapped[str] = _private(default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


# --------------------------------------------------------------------------- surveys


class Survey(Base):
    __tablename__ = "survey"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = _fk("programme.id")
    kind: Mapped[str] = mapped_column(String(20), default="pulse")  # pulse|fit|end
    # A pairing-fit check is about one match (a re-matched person gets a new one);
    # NULL for programme-wide pulse and end surveys. Added in 0005_measure.
    match_id: Mapped[int | None] = _fk("match.id", nullable=True, ondelete="SET NULL")
    title: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closes_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="survey",
        cascade="all, delete-orphan",
        order_by="SurveyQuestion.position",
    )


class SurveyQuestion(Base):
    __tablename__ = "survey_question"
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = _fk("survey.id")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # satisfaction|nps|peer_help|progress|fit|free|custom_scale|custom_text
    code: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(20))  # scale5|scale10|text
    text: Mapped[str] = mapped_column(String(300), default="")  # custom questions only
    survey: Mapped[Survey] = relationship(back_populates="questions")


class SurveyResponse(Base):
    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = _fk("survey.id")
    person_id: Mapped[int | None] = _fk("person.id", nullable=True, ondelete="SET NULL")
    department: Mapped[str | None] = mapped_column(String(120))  # kept for anonymous stats
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class SurveyAnswer(Base):
    __tablename__ = "survey_answer"
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("survey_question.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    value_int: Mapped[int | None] = mapped_column(Integer)
    value_text: Mapped[str | None] = mapped_column(Text)


register(Base)  # encrypted columns: sealed on flush, opened and checked on load
