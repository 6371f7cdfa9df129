"""Words shared by the tabs of the coordinator's survey page: why a figure is hidden."""

from __future__ import annotations

from core.kernel.i18n import format_number, t


def hidden(reason: str, k: int) -> str:
    """Why a result is hidden (core.kernel.privacy's reasons, in the reader's words)."""
    if reason == "not_offered":
        return t("Not shown for one department: it would reveal a small group.")
    if reason == "difference":
        return t(
            "Hidden: with the other figures it would reveal a group of fewer than {k} people.",
            k=k,
        )
    return t("Hidden: fewer than {k} answers.", k=k)


def signed(value: float, digits: int = 0) -> str:
    """A change or a score that can be negative, with its sign (+3, −2)."""
    return ("+" if value > 0 else "") + format_number(value, digits)
