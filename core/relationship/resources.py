"""Shared resources of a pair or circle: links, books, talks a member found useful.

Every member sees them; whoever added one can delete it. A web address must be
http:// or https:// — anything else (javascript:, data:, file: …) is refused, so a
link shown to the peer can never run code or open a local file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock, submissions, tx, validate
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, t
from core.kernel.text import clean_line, clean_text
from core.kernel.views import from_row
from core.people.names import former, names_of
from core.relationship.membership import member_match, open_match
from db.models import Resource

KINDS: dict[str, str] = {
    "link": N_("Link"),
    "book": N_("Book"),
    "talk": N_("Talk"),
    "other": N_("Other"),
}
MAX_URL = 2000
MAX_TITLE = 300
MAX_NOTE = 2000


@dataclass(frozen=True)
class ResourceView:
    resource_id: int
    match_id: int
    kind: str
    title: str
    url: str
    note: str
    added_by: str
    added_by_me: bool
    created_at: dt.datetime


def clean_url(value: str | None, *, required: bool) -> str:
    """A web address: http:// or https:// with a host, no spaces; else a clear refusal."""
    url = (value or "").strip()
    if not url:
        if required:
            raise InvalidInput(t("A link needs its web address (https://…)."))
        return ""
    if len(url) > MAX_URL:
        raise InvalidInput(
            t("This web address is too long: at most {max} characters.", max=MAX_URL)
        )
    try:
        parts = urlsplit(url)
    except ValueError as e:
        raise InvalidInput(t("This is not a valid web address.")) from e
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidInput(t("Only web addresses starting with http:// or https:// can be shared."))
    if not parts.hostname or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InvalidInput(t("This is not a valid web address."))
    return url


def _view(r: Resource, names: dict[int, str], me: int) -> ResourceView:
    return from_row(
        ResourceView,
        r,
        resource_id=r.id,
        added_by=names.get(r.added_by_id or 0) or former(),
        added_by_me=r.added_by_id == me,
    )


def shared_in(s: Session, match_id: int, me: int) -> list[ResourceView]:
    """The resources of match ``match_id``, newest first, as ``me`` reads them."""
    rows = list(
        s.scalars(
            select(Resource)
            .where(Resource.match_id == match_id)
            .order_by(Resource.created_at.desc(), Resource.id.desc())
        )
    )
    names = names_of(s, {r.added_by_id for r in rows})
    return [_view(r, names, me) for r in rows]


def add_resource(
    sf: sessionmaker[Session],
    viewer: Viewer,
    match_id: int,
    *,
    kind: str,
    title: str,
    url: str = "",
    note: str = "",
    key: str | None = None,
) -> ResourceView:
    """Share a link, book or talk with my peer(s).

    ``key``: the form's submission key; the same form sent again returns the first one.
    """
    validate.choice(kind, KINDS, t("Choose a kind: link, book, talk or other."))
    title = clean_line(title, t("Title"), max_chars=MAX_TITLE)
    url = clean_url(url, required=kind == "link")
    note = clean_text(note, t("Note"), max_chars=MAX_NOTE)

    def create(s: Session) -> tuple[ResourceView, int]:
        match = open_match(s, viewer, match_id)
        same = next(  # titles and links are encrypted at rest: compared here, not in SQL
            (
                r.id
                for r in s.scalars(select(Resource).where(Resource.match_id == match.id))
                if r.title.lower() == title.lower() and r.url == url
            ),
            None,
        )
        if same is not None:
            raise Conflict(t("“{title}” is already in your resources.", title=title))
        resource = Resource(
            match_id=match.id,
            added_by_id=viewer.person_id,
            kind=kind,
            title=title,
            url=url,
            note=note,
            created_at=clock.now(),
        )
        s.add(resource)
        s.flush()
        return _view(resource, names_of(s, {viewer.person_id}), viewer.person_id), resource.id

    def replay(s: Session, resource_id: int) -> ResourceView:
        resource = s.get(Resource, resource_id)
        if resource is None or resource.added_by_id != viewer.person_id:
            raise NotFound(t("This resource was already removed."))
        return _view(resource, names_of(s, {viewer.person_id}), viewer.person_id)

    return submissions.once(sf, viewer, key, "resource", create, replay)


def delete_resource(sf: sessionmaker[Session], viewer: Viewer, resource_id: int) -> None:
    """Remove a resource I added."""
    with sf.begin() as s:
        resource = tx.get_or_404(
            s, Resource, resource_id, missing=t("This resource was already removed.")
        )
        member_match(s, viewer, resource.match_id)
        if resource.added_by_id != viewer.person_id:
            raise NotAllowed(t("Only the person who added a resource can remove it."))
        s.delete(resource)
