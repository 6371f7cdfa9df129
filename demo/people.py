"""Demo people: new hires without an account, most with a pending invitation.

So the People page shows every state: invited, invitation expired, still to
invite, and a colleague who left. They arrive the way people do, by the
coordinator's import of a people file, one file on each hire's first day. The
invitation tokens are random and never kept (only their hash), like real ones:
to try the invitation page in the demo, create a new link from the People page.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

from sqlalchemy import select

from core.accounts import invitations
from core.people import importer
from db.models import Person
from demo.context import DemoContext

NEW_HIRES = (
    # name, department, level, location, language, days since hire, invitation
    ("Margaux Chevalier", "Marketing", "L2", "Paris", "fr", 12, "pending"),
    ("Thibault Marchand", "Engineering", "L2", "Lyon", "fr", 9, "pending"),
    ("Sigrid Halvorsen", "Sales", "L3", "Remote", "en", 20, "pending"),
    ("Youssef Amrani", "Finance", "L2", "Paris", "fr", 6, "pending"),
    ("Aurélie Brun", "Operations", "L3", "Lyon", "fr", 40, "expired"),
    ("Tomás Ortega", "Engineering", "L3", "Remote", "en", 3, None),
)
COLUMNS = (
    "email",
    "name",
    "department",
    "level",
    "manager email",
    "location",
    "hire date",
    "leave date",
    "language",
)


def _email(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".") + "@tandem.example"


def import_people(ctx: DemoContext, rows: Sequence[dict[str, str]], filename: str) -> None:
    """The coordinator imports a people file (``rows``: column → value) now."""
    columns = [c for c in COLUMNS if any(c in row for row in rows)]
    lines = [",".join(columns)] + [",".join(row.get(c, "") for c in columns) for row in rows]
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    coord = ctx.coordinator
    preview = importer.preview(ctx.sf, coord, data, filename)
    importer.apply(ctx.sf, coord, preview)


def manager_emails(ctx: DemoContext) -> dict[str, str]:
    """Each department's lead (the participants' manager), by department."""
    ids = {p.department: p.manager_id for p in ctx.participants if p.manager_id}
    return {
        dept: ctx.s.get_one(Person, manager_id).email for dept, manager_id in ids.items() if dept
    }


def seed_people(ctx: DemoContext) -> None:
    """New hires without accounts (invited, expired, to invite) and one leaver."""
    now = ctx.now
    managers = manager_emails(ctx)
    for name, dept, level, location, language, days, invitation in NEW_HIRES:
        hired = ctx.at(now - dt.timedelta(days=days))
        row = {
            "email": _email(name),
            "name": name,
            "department": dept,
            "level": level,
            "location": location,
            "language": language,
            "hire date": hired.date().isoformat(),
        }
        if dept in managers:
            row["manager email"] = managers[dept]
        import_people(ctx, [row], f"new-hire-{hired.date().isoformat()}.csv")
        if invitation is None:
            continue
        sent = now - dt.timedelta(days=days - 1)
        if invitation == "expired":
            sent = now - dt.timedelta(days=invitations.INVITATION_DAYS + 5)
        ctx.at(sent)
        person_id = ctx.s.scalar(select(Person.id).where(Person.email == row["email"]))
        assert person_id is not None
        invitations.issue_invitations(ctx.sf, ctx.coordinator, [person_id])

    # A colleague who was there long before Tandem, and left last month.
    pierre = {
        "email": "pierre.lemaire@tandem.example",
        "name": "Pierre Lemaire",
        "department": "Sales",
        "level": "L4",
        "location": "Paris",
        "language": "fr",
        "hire date": "2017-06-12",
        "manager email": managers["Sales"],
    }
    ctx.at(now - dt.timedelta(days=400))
    import_people(ctx, [pierre], "people.csv")
    left = ctx.at(now - dt.timedelta(days=25))
    import_people(ctx, [{**pierre, "leave date": left.date().isoformat()}], "people.csv")
