"""What a match's members share: the agreement, meetings, resources and concerns."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, _fk, _private, _uid


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
