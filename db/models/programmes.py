"""Programmes, their KPIs and skills, enrolments, self-assessments, do-not-pair rules and announcements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from db.models.base import Base, _fk


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


def skill_name() -> ColumnElement[str]:
    """A skill's name as every list shows it: a merged skill (kept as an alias of the one it
    was merged into, core.programmes.skills) by its target's name. A column expression over
    ``Skill`` in the caller's query (the target read by its primary key)."""
    target = aliased(Skill)
    into = select(target.name).where(target.id == Skill.merged_into_id).scalar_subquery()
    return func.coalesce(into, Skill.name)


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
        ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # offered|wanted
    enrolment: Mapped[Enrolment] = relationship(back_populates="skills")
    # How many offer or want a skill (the skills page) is counted from the index alone, and
    # a skill's offers are read newest enrolment first (the directory's skills).
    __table_args__ = (
        Index("ix_enrolment_skill_skill_id_kind_enrolment_id", "skill_id", "kind", "enrolment_id"),
    )


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
