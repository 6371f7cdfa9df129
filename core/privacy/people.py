"""My profile (the person row): its part of the my-data export and of the erasure.

Erased, the person row stays for the statistics with only what they count
(department and level); the name becomes :data:`FORMER_NAME`.
(Later home: ``core/people``, as its ``forget(s, person_id, now)``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from core.privacy.rows import row
from db.models import Person

FORMER_NAME = "Former participant"  # stored; pages show it as it is
COLUMNS = (
    "full_name",
    "email",
    "department",
    "level",
    "job_title",
    "location",
    "hire_date",
    "leave_date",
    "language",
    "directory_opt_in",
    "created_at",
    "updated_at",
)


def export(s: Session, person_id: int) -> dict[str, Any]:
    """The "profile" section: my person row and my manager's name."""
    person = s.get_one(Person, person_id)
    manager = s.get(Person, person.manager_id) if person.manager_id else None
    profile = row(person, COLUMNS)
    profile["manager"] = manager.full_name if manager else None
    return {"profile": profile}


def forget(s: Session, person_id: int, now: dt.datetime) -> None:
    """Anonymous, keeping only what statistics count (department, level)."""
    person = s.get_one(Person, person_id)
    person.full_name = FORMER_NAME
    person.email = f"erased-{person.id}@erased.invalid"
    person.job_title = None
    person.manager_id = None
    person.location = None
    person.hire_date = None
    person.leave_date = None
    person.language = "en"
    person.directory_opt_in = False
    person.is_active = False
    person.erased_at = now
    person.updated_at = now
