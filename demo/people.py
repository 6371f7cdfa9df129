"""Demo people: new hires without an account, most with a pending invitation.

So the People page shows every state: invited, invitation expired, still to
invite, and a colleague who left. The invitation tokens are random and never kept
(only their hash), like real ones: to try the invitation page in the demo, create
a new link from the People page.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from core.accounts.invitations import INVITATION_DAYS, digest
from db.models import Invitation, Person

if TYPE_CHECKING:
    from demo.company import DemoContext

NEW_HIRES = (
    # name, department, level, location, language, days since hire, invitation
    ("Margaux Chevalier", "Marketing", "L2", "Paris", "fr", 12, "pending"),
    ("Thibault Marchand", "Engineering", "L2", "Lyon", "fr", 9, "pending"),
    ("Sigrid Halvorsen", "Sales", "L3", "Remote", "en", 20, "pending"),
    ("Youssef Amrani", "Finance", "L2", "Paris", "fr", 6, "pending"),
    ("Aurélie Brun", "Operations", "L3", "Lyon", "fr", 40, "expired"),
    ("Tomás Ortega", "Engineering", "L3", "Remote", "en", 3, None),
)


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".") + "@tandem.example"


def seed_people(s: Session, ctx: DemoContext) -> None:
    """New hires without accounts (invited, expired, to invite) and one leaver."""
    now = ctx.now
    managers = {p.department: p.manager_id for p in ctx.participants}
    for name, dept, level, location, language, days, invitation in NEW_HIRES:
        person = Person(
            email=_email(name),
            full_name=name,
            department=dept,
            level=level,
            location=location,
            language=language,
            hire_date=now.date() - dt.timedelta(days=days),
            manager_id=managers.get(dept),
            created_at=now - dt.timedelta(days=days),
            updated_at=now - dt.timedelta(days=days),
        )
        s.add(person)
        s.flush()
        if invitation is None:
            continue
        sent = now - dt.timedelta(days=days - 1)
        if invitation == "expired":
            sent = now - dt.timedelta(days=INVITATION_DAYS + 5)
        s.add(
            Invitation(
                person_id=person.id,
                token_hash=digest(secrets.token_urlsafe(32)),
                created_at=sent,
                expires_at=sent + dt.timedelta(days=INVITATION_DAYS),
            )
        )
    left = now.date() - dt.timedelta(days=25)
    s.add(
        Person(
            email="pierre.lemaire@tandem.example",
            full_name="Pierre Lemaire",
            department="Sales",
            level="L4",
            location="Paris",
            language="fr",
            hire_date=dt.date(2017, 6, 12),
            leave_date=left,
            is_active=False,
            manager_id=managers.get("Sales"),
            created_at=now - dt.timedelta(days=400),
            updated_at=now - dt.timedelta(days=25),
        )
    )
    s.flush()
