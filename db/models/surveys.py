"""Surveys, their questions, responses and answers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, _fk


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
