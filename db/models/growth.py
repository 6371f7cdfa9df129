"""Private writing: goals and their steps and comments, journal entries, action items and feedback."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, _fk, _private, _uid


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
