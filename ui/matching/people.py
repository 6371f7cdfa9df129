"""How the matching pages name the people of a match: with their role where help goes one way."""

from __future__ import annotations

from core.kernel.i18n import t
from core.matching import candidates
from core.matching.rows import Member


def who(name: str, role: str) -> str:
    """A name, with the role where help goes one way ("Ana (Mentor)")."""
    label = candidates.ROLE_LABELS.get(role)
    return name if role == "peer" or label is None else f"{name} ({t(label)})"


def names(members: tuple[Member, ...]) -> str:
    """The members in one line, each with their role where help goes one way."""
    return " · ".join(who(m.name, m.role) for m in members)
