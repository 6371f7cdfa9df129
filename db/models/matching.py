"""Matches (pairs, circles, mentoring) and their members."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, _fk


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
