"""What a search box finds: a part of a name, an e-mail, a username, whatever its case and accents.

Compared in SQL, so a list is counted and paged by the database. A name is searched in its
folded form (``Person.sort_name``, db.folding): "elodie" and "ÉLODIE" find "Élodie", which
``lower()`` missed on SQLite (it lowers ASCII letters only). What is typed is matched
literally: ``%`` and ``_`` are not wildcards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from db.folding import fold
from db.models import Person

ESCAPE = "\\"


def _pattern(typed: str) -> str:
    literal = (
        typed.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    )
    return f"%{literal}%"


def contains(column: Any, typed: str) -> ColumnElement[bool]:
    """``column`` holds ``typed`` (stripped), case aside (an e-mail, a username, a department)."""
    return func.lower(func.coalesce(column, "")).like(
        _pattern(typed.strip().lower()), escape=ESCAPE
    )


def name_contains(typed: str) -> ColumnElement[bool]:
    """The person's name holds ``typed``, case and accents aside."""
    return Person.sort_name.like(_pattern(fold(typed.strip())), escape=ESCAPE)


def departments_having(people: Select[Any]) -> Select[tuple[str]]:
    """The departments some row of ``people`` (a query joined to Person) is in, for a
    filter's choices: each department the company has is asked once — someone of it here?
    — a probe by the department's index, where a DISTINCT reads every row's person."""
    every = select(Person.department).where(Person.department.is_not(None)).distinct()
    department = every.subquery()
    return select(department.c.department).where(
        people.where(Person.department == department.c.department).exists()
    )
