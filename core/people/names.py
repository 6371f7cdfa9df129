"""People's names by id: the one read every area uses to show who is who."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.kernel.i18n import t
from db.models import Person


def names_of(s: Session, person_ids: Iterable[int | None]) -> dict[int, str]:
    """Full names by person id (ids of erased or unknown people are simply absent)."""
    wanted = {i for i in person_ids if i is not None}
    if not wanted:
        return {}
    rows = s.execute(select(Person.id, Person.full_name).where(Person.id.in_(wanted)))
    return {pid: name for pid, name in rows}


def former() -> str:
    """How someone who erased their data is named to the people who keep what they gave."""
    return t("a former participant")
