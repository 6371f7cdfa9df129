"""Long lists shown a page at a time: how many pages, and a page number kept within them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

R = TypeVar("R")

PAGE_SIZE = 50  # rows of a coordinator's table at a time (people, enrolments)


def page_count(total: int, size: int) -> int:
    """Pages needed for ``total`` rows (at least one, even when nothing matches)."""
    return max(1, -(-total // size))


def clamp_page(page: int, total: int, size: int) -> int:
    """``page`` brought within 1..page_count (a filter that shrank the list shows its last page)."""
    return min(max(1, page), page_count(total, size))


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of a list: its rows, how many match in all, which page of how many."""

    rows: tuple[R, ...]
    total: int
    page: int = 1  # 1-based, within 1..pages
    pages: int = 1

    @classmethod
    def of(cls, rows: tuple[R, ...], total: int, page: int, size: int) -> Page[R]:
        return cls(rows, total, page, page_count(total, size))
