"""Who an import may change: nobody ranked above the importer (admin > coordinator >
participant), and never the importer themself, is deactivated, renamed or re-addressed by
a file. Such a line is left alone, and the preview says why."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from core.kernel.access import ADMIN, COORDINATOR, PARTICIPANT, ROLES, Viewer
from core.kernel.i18n import t

RANK = {PARTICIPANT: 1, COORDINATOR: 2, ADMIN: 3}
# What an import may not do to someone above the importer, nor to the importer.
GUARDED = ("full_name", "email")


def _rank(roles: Iterable[str]) -> int:
    return max((RANK.get(r, 0) for r in roles), default=0)


def above(roles: Mapping[int, Iterable[str]], viewer: Viewer) -> dict[int, str]:
    """Person id → their highest role, for everyone ranked above ``viewer``."""
    mine = _rank(viewer.roles)
    return {
        pid: max(held, key=lambda r: RANK.get(r, 0))
        for pid, held in roles.items()
        if _rank(held) > mine
    }


def guarded(
    person_id: int, diff: Mapping[str, Any], above: Mapping[int, str], viewer: Viewer
) -> str | None:
    """Why a line must be left alone (it would deactivate, rename or re-address someone
    above the importer, or the importer), or None when it may be applied."""
    if not (any(k in diff for k in GUARDED) or diff.get("is_active") is False):
        return None
    if person_id == viewer.person_id:
        return t(
            "This is you: an import never deactivates, renames or changes the e-mail of the person importing it. The line is left alone."
        )
    role = above.get(person_id)
    if role is None:
        return None
    return t(
        "This person has the role “{role}”, above yours: only someone with that role can deactivate, rename or change the e-mail of this person. The line is left alone.",
        role=t(ROLES[role]),
    )
