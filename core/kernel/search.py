"""What a search box finds: a part of a name, an e-mail, a username, whatever its case and accents.

Compared in SQL, so a list is counted and paged by the database. A name is searched in its
folded form (``Person.sort_name``, db.folding): "elodie" and "ÉLODIE" find "Élodie", which
``lower()`` missed on SQLite (it lowers ASCII letters only). What is typed is matched
literally: ``%`` and ``_`` are not wildcards.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func

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
