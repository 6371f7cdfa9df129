"""Screens of the programme pages (coordinators' programme form, participants' enrolment form)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from core.kernel.i18n import t

T = TypeVar("T")
Sessions = sessionmaker[Session]  # what ui.actions.act hands a page's own service first


def index_of(codes: Sequence[T], current: object, fallback: int) -> int:
    """Where ``current`` is among ``codes`` (for a selectbox or radio), else ``fallback``."""
    return codes.index(current) if current in codes else fallback  # type: ignore[arg-type]


def lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped (a list typed one item per line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def pick(
    place: Any,
    label: str,
    vocabulary: Mapping[Any, str],
    current: object,
    fallback: int,
    *,
    key: str,
    radio: bool = False,
    **options: Any,
) -> Any:
    """A selectbox (or a radio) over a vocabulary's codes, showing their labels.

    ``place`` is ``st`` or a column; ``current`` is preselected when it is one of the codes,
    else the code at ``fallback``. Labels are translated once, here, not by ``format_func``
    (AppTest calls it outside the run).
    """
    codes = list(vocabulary)
    labels = {code: t(text) for code, text in vocabulary.items()}
    widget = place.radio if radio else place.selectbox
    return widget(
        label,
        codes,
        index=index_of(codes, current, fallback),
        format_func=labels.get,
        key=key,
        **options,
    )
