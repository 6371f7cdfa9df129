"""Which pages exist for this viewer: only those their roles allow are registered."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core.kernel.access import Viewer, can_open
from core.kernel.i18n import N_, t

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    page_id: str
    file: str
    title: str  # English, translated at registration
    icon: str
    section: str


# Order matters: it is the sidebar's order. Later issues add their pages here.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "home.py", N_("Home"), ":material/home:", N_("Tandem")),
    PageSpec("profile", "profile.py", N_("My profile"), ":material/person:", N_("Tandem")),
    PageSpec(
        "accounts", "admin_accounts.py", N_("Accounts"), ":material/group:", N_("Administration")
    ),
    PageSpec("audit", "admin_audit.py", N_("Audit log"), ":material/policy:", N_("Administration")),
    PageSpec("coord_people", "coord_people.py", N_("People"), ":material/badge:", N_("People")),
    PageSpec("coord_skills", "coord_skills.py", N_("Skills"), ":material/category:", N_("People")),
    PageSpec("enrol", "enrol.py", N_("Join a programme"), ":material/how_to_reg:", N_("Tandem")),
    PageSpec(
        "coord_dashboard",
        "coord_dashboard.py",
        N_("Dashboard"),
        ":material/monitoring:",
        N_("Programme"),
    ),
    PageSpec(
        "coord_programmes",
        "coord_programmes.py",
        N_("Programmes"),
        ":material/event_note:",
        N_("Programme"),
    ),
    PageSpec(
        "coord_enrolments",
        "coord_enrolments.py",
        N_("Enrolments"),
        ":material/group_add:",
        N_("Programme"),
    ),
    PageSpec(
        "coord_matching",
        "coord_matching.py",
        N_("Matching"),
        ":material/join_inner:",
        N_("Programme"),
    ),
    PageSpec(
        "coord_announcements",
        "coord_announcements.py",
        N_("Announcements"),
        ":material/campaign:",
        N_("Programme"),
    ),
    PageSpec(
        "coord_needs",
        "coord_needs.py",
        N_("Training needs"),
        ":material/insights:",
        N_("Programme"),
    ),
    PageSpec(
        "coord_surveys",
        "coord_surveys.py",
        N_("Surveys and results"),
        ":material/bar_chart:",
        N_("Programme"),
    ),
    PageSpec(
        "coord_concerns", "coord_concerns.py", N_("Concerns"), ":material/report:", N_("Programme")
    ),
    PageSpec(
        "my_match", "my_match.py", N_("Match proposal"), ":material/handshake:", N_("My mentoring")
    ),
    PageSpec("my_peer", "my_peer.py", N_("My peer"), ":material/diversity_3:", N_("My mentoring")),
    PageSpec("goals", "goals.py", N_("My goals"), ":material/flag:", N_("My mentoring")),
    PageSpec(
        "journal",
        "journal.py",
        N_("Reflection journal"),
        ":material/edit_note:",
        N_("My mentoring"),
    ),
    PageSpec("feedback", "feedback.py", N_("Feedback"), ":material/forum:", N_("My mentoring")),
    PageSpec(
        "directory",
        "directory.py",
        N_("Find a colleague who can help"),
        ":material/person_search:",
        N_("My mentoring"),
    ),
    PageSpec("surveys", "surveys.py", N_("Surveys"), ":material/poll:", N_("My mentoring")),
    PageSpec("my_data", "my_data.py", N_("My data"), ":material/download:", N_("Tandem")),
)


def _page(spec: PageSpec) -> st.Page:
    return st.Page(
        str(PAGES_DIR / spec.file),
        title=t(spec.title),
        icon=spec.icon,
        url_path=spec.page_id,
        default=spec.page_id == "home",
    )


def signed_in_pages(viewer: Viewer) -> dict[str, list[st.Page]]:
    """The pages this viewer's roles allow, by section; and, hidden, a stand-in at the
    address of every other page, which says so in the viewer's language (Streamlit's own
    "Page not found" dialog is English) and runs none of that page's code."""
    sections: dict[str, list[st.Page]] = {}
    refused = []
    for spec in PAGES:
        if can_open(viewer, spec.page_id):
            sections.setdefault(t(spec.section), []).append(_page(spec))
        else:
            refused.append(_refused(spec))
    sections.setdefault(t("Tandem"), []).extend([_unsubscribe(), *refused])  # links only
    return sections


def _refused(spec: PageSpec) -> st.Page:
    return st.Page(
        _not_your_page,
        title=t(spec.title),
        icon=spec.icon,
        url_path=spec.page_id,
        visibility="hidden",
    )


def _not_your_page() -> None:
    st.error(t("This page is not available to your role."))
    st.page_link(_page(next(spec for spec in PAGES if spec.page_id == "home")))


UNSUBSCRIBE = "unsubscribe"


def signed_out_pages(
    sign_in: Callable[[], None], setup: Callable[[], None] | None
) -> list[st.Page]:
    pages = [
        st.Page(
            sign_in, title=t("Sign in"), icon=":material/login:", url_path="signin", default=True
        )
    ]
    if setup is not None:
        pages.append(
            st.Page(setup, title=t("Set up Tandem"), icon=":material/key:", url_path="setup")
        )
    # A signed-in page's address (a bookmark, a reload after signing out) shows the sign-in
    # form instead of "page not found"; after sign-in the same address opens that page.
    taken = {"signin", "setup", "invite", "home"}  # Home is the default page, at /
    pages.extend(
        st.Page(sign_in, title=t("Sign in"), icon=":material/login:", url_path=spec.page_id)
        for spec in PAGES
        if spec.page_id not in taken
    )
    # Reached from the personal link of an invitation (/invite?token=…).
    pages.append(
        st.Page(
            str(PAGES_DIR / "invite.py"),
            title=t("Accept an invitation"),
            icon=":material/mail:",
            url_path="invite",
        )
    )
    pages.append(_unsubscribe())
    return pages


def _unsubscribe() -> st.Page:
    """Reached from the one-click link at the foot of an e-mail, signed in or not."""
    return st.Page(
        str(PAGES_DIR / "unsubscribe.py"),
        title=t("Stop an e-mail"),
        icon=":material/unsubscribe:",
        url_path=UNSUBSCRIBE,
        visibility="hidden",
    )


def sign_in_page_ref() -> st.Page:
    """A reference to the signed-out sign-in page, for st.page_link from another signed-out page.

    Streamlit identifies a page by its url_path, so this stand-in links to the
    registered sign-in page (whose function lives in Home.py).
    """
    return st.Page(_stand_in, title=t("Sign in"), icon=":material/login:", url_path="signin")


def _stand_in() -> None:  # never run: only its url_path matters
    return None
