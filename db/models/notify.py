"""E-mail notifications: the outbox (each event once) and each person's choices per kind."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, _fk


class Notification(Base):
    """One notification for one person, kept once for ever by its ``key`` (unique).

    Subject and body say only that something is waiting (never private text), so they are
    stored as they are sent. ``status``: pending → sending (claimed by one run) → sent, or
    failed (permanent SMTP refusal, or too many temporary failures), or skipped (the person
    chose "never" for the kind). ``delivery`` is the person's choice when it was queued.
    """

    __tablename__ = "notification"
    # The admin's "latest SMTP errors" (core.notify.admin): the few rows with an error,
    # newest first, without reading the whole outbox (partial: only those rows).
    __table_args__ = (
        Index(
            "ix_notification_errors",
            "next_attempt_at",
            sqlite_where=text("last_error IS NOT NULL"),
            postgresql_where=text("last_error IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    person_id: Mapped[int] = _fk("person.id")
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(String(300), default="")
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_type: Mapped[str | None] = mapped_column(String(80))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    delivery: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), index=True)
    claim: Mapped[str | None] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class NotificationPref(Base):
    """How a person wants one kind of notification (no row: the default, immediately)."""

    __tablename__ = "notification_pref"
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    delivery: Mapped[str] = mapped_column(String(12))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
