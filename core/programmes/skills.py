"""The skill list: shared by every programme (``programme_id`` NULL) or one programme's own.

Names are unique per list, ignoring case, and a programme's list also shows the
shared skills, so a name is never in both. Merging A into B moves A's enrolment
skills to B (without duplicates) and keeps A as an alias (``merged_into_id``), so
an old spelling still finds B; aliases are hidden from the lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from core.kernel import audit
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import t, tn
from core.kernel.text import clean_line
from core.kernel.tx import get_or_404, reading
from core.programmes.programmes import programme_or_404
from db.models import EnrolmentSkill, Programme, Skill


@dataclass(frozen=True)
class SkillRow:
    skill_id: int
    name: str
    category: str
    programme_id: int | None
    offered: int  # enrolments offering it
    wanted: int  # enrolments wanting it

    @property
    def uses(self) -> int:
        return self.offered + self.wanted


@dataclass(frozen=True)
class Scope:
    programme_id: int | None
    name: str  # the programme's name; "" for the shared list


def skill_scopes(sf: sessionmaker[Session], viewer: Viewer) -> list[Scope]:
    """The shared list, then one per programme (newest first)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        rows = s.execute(
            select(Programme.id, Programme.name).order_by(Programme.created_at.desc())
        ).all()
    return [Scope(None, ""), *(Scope(pid, name) for pid, name in rows)]


def _usage(kind: str):  # type: ignore[no-untyped-def]
    return (
        select(func.count())
        .where(EnrolmentSkill.skill_id == Skill.id, EnrolmentSkill.kind == kind)
        .correlate(Skill)
        .scalar_subquery()
    )


def list_skills(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int | None,
    *,
    include_shared: bool = False,
) -> list[SkillRow]:
    """The live skills of one list, by category then name, with how often they are used."""
    require_role(viewer, COORDINATOR)
    scope = (
        Skill.programme_id.is_(None) if programme_id is None else Skill.programme_id == programme_id
    )
    if include_shared and programme_id is not None:
        scope = scope | Skill.programme_id.is_(None)
    stmt = (
        select(Skill, _usage("offered"), _usage("wanted"))
        .where(scope, Skill.merged_into_id.is_(None))
        .order_by(Skill.category, func.lower(Skill.name))
    )
    with reading(sf) as s:
        return [
            SkillRow(sk.id, sk.name, sk.category, sk.programme_id, offered, wanted)
            for sk, offered, wanted in s.execute(stmt)
        ]


def categories(sf: sessionmaker[Session], viewer: Viewer) -> list[str]:
    """Every category in use, for the category picker."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        found = s.scalars(
            select(Skill.category)
            .where(Skill.category != "", Skill.merged_into_id.is_(None))
            .distinct()
        ).all()
    return sorted(found, key=str.lower)


# --------------------------------------------------------------------------- helpers


def _get(s: Session, skill_id: object) -> Skill:
    """A live skill (an alias left by a merge is no longer one), or :class:`NotFound`."""
    gone = t("This skill no longer exists: it was deleted or merged.")
    skill = get_or_404(s, Skill, skill_id, missing=gone)
    if skill.merged_into_id is not None:
        raise NotFound(gone)
    return skill


def _clean_name(name: str) -> str:
    return " ".join(clean_line(name, t("Skill"), max_chars=120).split())


def _clean_category(category: str) -> str:
    return " ".join(clean_line(category, t("Category"), max_chars=120, required=False).split())


def _check_name_free(
    s: Session, name: str, programme_id: int | None, ignore_id: int | None = None
) -> None:
    """Refuse a name already used (any case) in this list, the shared list, or any
    programme's list when the skill is shared."""
    stmt = select(Skill).where(func.lower(Skill.name) == name.lower())
    if programme_id is not None:
        stmt = stmt.where((Skill.programme_id == programme_id) | Skill.programme_id.is_(None))
    if ignore_id is not None:
        stmt = stmt.where(Skill.id != ignore_id)
    for other in s.scalars(stmt):
        if other.merged_into_id is not None:
            target = s.get_one(Skill, other.merged_into_id)
            if other.programme_id == programme_id:
                raise Conflict(
                    t(
                        "“{name}” was merged into “{target}”: use that skill.",
                        name=other.name,
                        target=target.name,
                    )
                )
            continue
        if other.programme_id == programme_id:
            raise Conflict(t("A skill “{name}” already exists in this list.", name=other.name))
        if other.programme_id is None:
            raise Conflict(
                t("A skill “{name}” already exists in the shared list.", name=other.name)
            )
        programme = s.get_one(Programme, other.programme_id)
        raise Conflict(
            t(
                "A skill “{name}” already exists in the programme “{programme}”: merge it into the shared list instead.",
                name=other.name,
                programme=programme.name,
            )
        )


def _record(s: Session, viewer: Viewer, action: str, target: str, **detail: object) -> None:
    audit.by(s, viewer, action, target=target[:200], **detail)


# --------------------------------------------------------------------------- actions


def add_skill(
    sf: sessionmaker[Session],
    viewer: Viewer,
    name: str,
    category: str = "",
    programme_id: int | None = None,
) -> SkillRow:
    """Add a skill to the shared list (``programme_id`` None) or to a programme's list."""
    require_role(viewer, COORDINATOR)
    name, category = _clean_name(name), _clean_category(category)
    try:
        with sf.begin() as s:
            if programme_id is not None:
                programme_or_404(s, programme_id)
            _check_name_free(s, name, programme_id)
            skill = Skill(name=name, category=category, programme_id=programme_id)
            s.add(skill)
            s.flush()
            _record(s, viewer, "skill_added", name, programme_id=programme_id)
            return SkillRow(skill.id, name, category, programme_id, 0, 0)
    except IntegrityError as e:  # the same name added at the same moment
        raise Conflict(t("A skill “{name}” already exists in this list.", name=name)) from e


def rename_skill(sf: sessionmaker[Session], viewer: Viewer, skill_id: int, name: str) -> None:
    """Rename a skill; enrolments keep it under its new name."""
    require_role(viewer, COORDINATOR)
    name = _clean_name(name)
    try:
        with sf.begin() as s:
            skill = _get(s, skill_id)
            if skill.name == name:
                return
            # Taking back the name of one of its own aliases: that alias is no longer needed.
            s.execute(
                delete(Skill).where(
                    Skill.merged_into_id == skill.id, func.lower(Skill.name) == name.lower()
                )
            )
            _check_name_free(s, name, skill.programme_id, ignore_id=skill.id)
            old, skill.name = skill.name, name
            _record(s, viewer, "skill_renamed", name, before=old)
    except IntegrityError as e:
        raise Conflict(t("A skill “{name}” already exists in this list.", name=name)) from e


def set_category(sf: sessionmaker[Session], viewer: Viewer, skill_id: int, category: str) -> None:
    """Put a skill in a category ("" for none)."""
    require_role(viewer, COORDINATOR)
    category = _clean_category(category)
    with sf.begin() as s:
        skill = _get(s, skill_id)
        skill.category = category


def merge_skills(sf: sessionmaker[Session], viewer: Viewer, source_id: int, target_id: int) -> int:
    """Merge skill ``source`` into ``target``: its enrolment skills move, without duplicates.

    Returns how many enrolment skills moved. The source stays as an alias of the target.
    """
    require_role(viewer, COORDINATOR)
    if source_id == target_id:
        raise InvalidInput(t("Choose two different skills to merge."))
    with sf.begin() as s:
        source, target = _get(s, source_id), _get(s, target_id)
        if target.programme_id is not None and source.programme_id != target.programme_id:
            raise InvalidInput(
                t(
                    "“{source}” is used beyond this programme: it can only be merged into a shared skill.",
                    source=source.name,
                )
            )
        other = aliased(EnrolmentSkill)
        already = exists().where(
            other.enrolment_id == EnrolmentSkill.enrolment_id,
            other.kind == EnrolmentSkill.kind,
            other.skill_id == target.id,
        )
        # An enrolment that had both keeps one row: drop the source's, move the rest.
        s.execute(
            delete(EnrolmentSkill)
            .where(and_(EnrolmentSkill.skill_id == source.id, already))
            .execution_options(synchronize_session=False)
        )
        moved = s.execute(
            update(EnrolmentSkill)
            .where(EnrolmentSkill.skill_id == source.id)
            .values(skill_id=target.id)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        # Aliases of the source now point at the target, so no chain needs following.
        s.execute(
            update(Skill)
            .where(Skill.merged_into_id == source.id)
            .values(merged_into_id=target.id)
            .execution_options(synchronize_session=False)
        )
        source.merged_into_id = target.id
        _record(s, viewer, "skill_merged", target.name, merged=source.name, moved=moved)
        return int(moved or 0)


def delete_skill(sf: sessionmaker[Session], viewer: Viewer, skill_id: int) -> None:
    """Delete a skill nobody offers or wants (merge it instead when it is used)."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        skill = _get(s, skill_id)
        used = (
            s.scalar(
                select(func.count(func.distinct(EnrolmentSkill.enrolment_id))).where(
                    EnrolmentSkill.skill_id == skill.id
                )
            )
            or 0
        )
        if used:
            raise Conflict(
                tn(
                    "“{name}” is used by {n} enrolment: merge it into another skill instead of deleting it.",
                    "“{name}” is used by {n} enrolments: merge it into another skill instead of deleting it.",
                    used,
                    name=skill.name,
                )
            )
        s.execute(delete(Skill).where(Skill.merged_into_id == skill.id))  # its aliases
        s.delete(skill)
        _record(s, viewer, "skill_deleted", skill.name)
