"""A view (a frozen dataclass a page reads) filled from a stored row.

Most views repeat several columns of their row under the same names and compute a few
others. ``from_row(MeetingView, m, meeting_id=m.id)`` gives the computed fields as they
are and copies every other field from the row's attribute of the same name — so adding a
column to both the view and the row needs no third edit. A field that is neither given
nor on the row fails at once, at the first call (never a silent default); a given name
that is no field of the view fails too.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

View = TypeVar("View", bound="DataclassInstance")


@cache
def _field_names(cls: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.init)


def from_row(cls: type[View], row: object, **given: Any) -> View:
    """``cls`` with ``given`` as they are and every other field read from ``row``'s
    attribute of the same name. Raises TypeError, naming the field, when one is neither
    given nor an attribute of ``row``, or when a given name is no field of ``cls``."""
    names = _field_names(cls)
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(unknown)}")
    copied: dict[str, Any] = {}
    for name in names:
        if name in given:
            continue
        if not hasattr(row, name):
            raise TypeError(
                f"{cls.__name__}.{name} is not given and {type(row).__name__} has no {name}"
            )
        copied[name] = getattr(row, name)
    return cls(**copied, **given)
