"""Invitations sent from Tandem: the People page's links, each e-mailed to its person.

The links are made and queued in one transaction (a link exists only once, in what
``issue`` returns: Tandem stores its fingerprint). The message, in the person's language,
holds the link; the outbox sends it on its next run and then keeps no body.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.accounts import invitations
from core.accounts.invitations import IssuedInvitation
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.errors import InvalidInput
from core.kernel.i18n import format_date, speaking, t
from core.notify import outbox, smtp
from core.notify.message import Kind, Outgoing
from db.models import Person


def _message(s: Session, issued: Sequence[IssuedInvitation]) -> list[Outgoing]:
    languages = dict(
        s.execute(
            select(Person.id, Person.language).where(Person.id.in_([i.person_id for i in issued]))
        )
        .tuples()
        .all()
    )
    items = []
    for i in issued:
        lang = languages.get(i.person_id) or "en"
        with speaking(lang):
            items.append(
                Outgoing(
                    key=f"{Kind.INVITATION}:{i.expires_at.isoformat()}:person:{i.person_id}",
                    kind=Kind.INVITATION,
                    person_id=i.person_id,
                    to_address=i.email,
                    locale=lang,
                    subject=t("Tandem: you are invited to the peer-mentoring programme"),
                    body=t(
                        "Hello {name},\n\nYou are invited to Tandem, the peer-mentoring programme of your company. Open your personal link to choose your username and password (it works once, until {date}):\n\n{link}",
                        name=i.name,
                        date=format_date(i.expires_at, "long"),
                        link=i.link,
                    ),
                    path="",
                )
            )
    return items


def email_invitations(
    sf: sessionmaker[Session],
    viewer: Viewer,
    people: Sequence[int] | str = invitations.NOT_YET_INVITED,
) -> list[IssuedInvitation]:
    """Make the invitation links and queue one e-mail each, in one transaction."""
    require_role(viewer, COORDINATOR)
    if not smtp.configured():
        raise InvalidInput(
            t("E-mail is not set up on this Tandem: download the links and send them yourself.")
        )
    with sf.begin() as s:
        issued = invitations.issue(s, viewer, people)
        outbox.enqueue(s, _message(s, issued))
    return issued
