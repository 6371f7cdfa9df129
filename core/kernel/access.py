"""Who may do what: roles, the signed-in viewer, and which pages each role may open.

The router registers only the pages :func:`pages_for` returns, and every page
checks :func:`require_page` again, so a URL typed by hand gets nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.kernel.errors import InvalidInput, NotAllowed
from core.kernel.i18n import N_, t

PARTICIPANT, COORDINATOR, ADMIN = "participant", "coordinator", "admin"
ROLES: dict[str, str] = {
    PARTICIPANT: N_("Participant"),
    COORDINATOR: N_("Coordinator"),
    ADMIN: N_("Admin"),
}


@dataclass(frozen=True)
class Viewer:
    """The signed-in person, as every service sees them."""

    account_id: int
    person_id: int
    username: str
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    language: str = "en"

    def has(self, role: str) -> bool:
        # An admin can do everything a coordinator does (DESIGN.md, roles).
        if role == COORDINATOR:
            return bool({COORDINATOR, ADMIN} & self.roles)
        return role in self.roles


def require_role(viewer: Viewer | None, role: str) -> Viewer:
    if viewer is None or not viewer.has(role):
        raise NotAllowed(
            t("You do not have access to this: it needs the role “{role}”.", role=t(ROLES[role]))
        )
    return viewer


# Page id -> roles that may open it (any one of them is enough).
# Later issues add their pages here and in ui/nav.py.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "home": frozenset({PARTICIPANT, COORDINATOR, ADMIN}),
    "profile": frozenset({PARTICIPANT, COORDINATOR, ADMIN}),
    "accounts": frozenset({ADMIN}),
    "audit": frozenset({ADMIN}),
    "coord_people": frozenset({COORDINATOR}),
    "coord_skills": frozenset({COORDINATOR}),
    "coord_programmes": frozenset({COORDINATOR}),
    "coord_enrolments": frozenset({COORDINATOR}),
    "coord_matching": frozenset({COORDINATOR}),
    "my_match": frozenset({PARTICIPANT}),
    "coord_announcements": frozenset({COORDINATOR}),
    "coord_needs": frozenset({COORDINATOR}),
    "coord_dashboard": frozenset({COORDINATOR}),
    "enrol": frozenset({PARTICIPANT}),
    "feedback": frozenset({PARTICIPANT}),
    "directory": frozenset({PARTICIPANT}),
    "my_data": frozenset({PARTICIPANT}),
    "surveys": frozenset({PARTICIPANT}),
    "coord_surveys": frozenset({COORDINATOR}),
    "my_peer": frozenset({PARTICIPANT}),
    "coord_concerns": frozenset({COORDINATOR}),
    "goals": frozenset({PARTICIPANT}),
    "journal": frozenset({PARTICIPANT}),
}


def can_open(viewer: Viewer, page: str) -> bool:
    allowed = PAGE_ROLES.get(page, frozenset())
    return any(viewer.has(role) for role in allowed)


def pages_for(viewer: Viewer) -> list[str]:
    return [page for page in PAGE_ROLES if can_open(viewer, page)]


def require_page(viewer: Viewer | None, page: str) -> Viewer:
    if viewer is None or not can_open(viewer, page):
        raise NotAllowed(t("This page is not available to your role."))
    return viewer


def validate_roles(roles: Iterable[str]) -> frozenset[str]:
    roles = frozenset(roles)
    unknown = roles - ROLES.keys()
    if unknown:
        raise InvalidInput(t("Unknown role: {role}", role=", ".join(sorted(unknown))))
    return roles
