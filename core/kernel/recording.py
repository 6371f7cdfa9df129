"""What the protected functions hand out, written down while a test records (the adversary test)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.kernel.small_groups import Cell

if TYPE_CHECKING:
    from core.kernel.tables import Table


@dataclass
class Recorder:
    """What the functions protected and handed out while recording (tests only)."""

    tables: list[Table] = field(default_factory=list)
    emitted: list[tuple[str, Cell]] = field(default_factory=list)
    texts: list[tuple[str, Any, tuple[str, ...]]] = field(default_factory=list)

    def cells(self) -> Iterator[Cell]:
        seen: set[int] = set()
        for table in self.tables:
            for c in table.cells:
                if id(c) not in seen:
                    seen.add(id(c))
                    yield c
        for _, c in self.emitted:
            if id(c) not in seen:
                seen.add(id(c))
                yield c


_RECORDER: contextvars.ContextVar[Recorder | None] = contextvars.ContextVar(
    "tandem_suppression_recorder", default=None
)


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    """Write down every protected cell, with its people and units (for the adversary test)."""
    rec = Recorder()
    token = _RECORDER.set(rec)
    try:
        yield rec
    finally:
        _RECORDER.reset(token)


def is_recording() -> bool:
    return _RECORDER.get() is not None


def record_table(table: Table) -> None:
    rec = _RECORDER.get()
    if rec is not None:
        rec.tables.append(table)


def emit(where: str, cell: Cell) -> Cell:
    """Note that ``cell`` was handed to a page (as its number, or as hidden)."""
    rec = _RECORDER.get()
    if rec is not None:
        rec.emitted.append((where, cell))
    return cell


def emit_texts(where: str, window: Any, texts: Sequence[str]) -> None:
    """Note free text handed to a page, with the window it covers (tests only)."""
    rec = _RECORDER.get()
    if rec is not None:
        rec.texts.append((where, window, tuple(texts)))
