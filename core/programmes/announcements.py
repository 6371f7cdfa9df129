"""Announcements (coordinators): messages on Home to one programme's participants or to everyone.

Home (core.insights.home.announcements_for) shows the published ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import Conflict
from core.kernel.i18n import t
from core.kernel.text import clean_line, clean_text
from core.kernel.tx import get_or_404, reading
from core.programmes.programmes import programme_or_404
from db.models import Announcement, Person, Programme

MAX_TITLE = 200
MAX_BODY = 5_000


@dataclass(frozen=True)
class AnnouncementRow:
    announcement_id: int
    title: str
    body: str
    programme_id: int | None
    programme: str | None  # None: everyone
    author: str | None
    created_at: dt.datetime
    published_at: dt.datetime | None


def _audit(s: Session, viewer: Viewer, action: str, a: Announcement) -> None:
    audit.by(s, viewer, action, target=f"{a.title[:150]} (#{a.id})")


def publish_announcement(
    sf: sessionmaker[Session],
    viewer: Viewer,
    *,
    title: str,
    body: str,
    programme_id: int | None,
) -> AnnouncementRow:
    """Publish a message to a programme's participants (or everyone when programme_id is None)."""
    require_role(viewer, COORDINATOR)
    title = clean_line(title, t("Title"), max_chars=MAX_TITLE)
    body = clean_text(body, t("Message"), max_chars=MAX_BODY, required=True)
    now = clock.now()
    with sf.begin() as s:
        programme = None if programme_id is None else programme_or_404(s, programme_id)
        # A double click publishes once: the same message to the same audience is refused.
        same = s.scalar(
            select(Announcement.id).where(
                Announcement.title == title,
                Announcement.body == body,
                Announcement.programme_id.is_(None)
                if programme_id is None
                else Announcement.programme_id == programme_id,
                Announcement.published_at.is_not(None),
            )
        )
        if same is not None:
            raise Conflict(t("This announcement is already published."))
        a = Announcement(
            programme_id=programme_id,
            author_id=viewer.person_id,
            title=title,
            body=body,
            published_at=now,
            created_at=now,
        )
        s.add(a)
        s.flush()
        _audit(s, viewer, "announcement_published", a)
        return AnnouncementRow(
            a.id,
            a.title,
            a.body,
            programme_id,
            programme.name if programme else None,
            viewer.name,
            a.created_at,
            a.published_at,
        )


def list_announcements(
    sf: sessionmaker[Session], viewer: Viewer, limit: int = 200
) -> list[AnnouncementRow]:
    """Every announcement, published or not, newest first."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        rows = s.execute(
            select(Announcement, Programme.name, Person.full_name)
            .outerjoin(Programme, Programme.id == Announcement.programme_id)
            .outerjoin(Person, Person.id == Announcement.author_id)
            .order_by(Announcement.created_at.desc(), Announcement.id.desc())
            .limit(limit)
        ).all()
        return [
            AnnouncementRow(
                a.id, a.title, a.body, a.programme_id, name, author, a.created_at, a.published_at
            )
            for a, name, author in rows
        ]


def set_published(
    sf: sessionmaker[Session], viewer: Viewer, announcement_id: int, published: bool
) -> None:
    """Unpublish (hide from Home) or publish again. Doing it twice changes nothing."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        a = get_or_404(
            s,
            Announcement,
            announcement_id,
            missing=t("This announcement does not exist (any more)."),
        )
        if published == (a.published_at is not None):
            return
        a.published_at = clock.now() if published else None
        _audit(s, viewer, "announcement_published" if published else "announcement_unpublished", a)
