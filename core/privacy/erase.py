"""Erasure of my data (DESIGN.md, "Erasure"): every area forgets me, in one transaction.

What each area deletes, unsigns or keeps anonymous for the statistics is said in
its module (``core/privacy/<area>.py``); in short:

* deleted — my goals (steps, comments on them), journal entries (final and
  drafts), action items I own, feedback I received and the requests I made,
  survey free text, my enrolments' motivation and availability, my agreement
  expectations;
* kept with its recipient, unsigned — feedback I gave ("a former participant"),
  comments I wrote on a peer's goal, resources and meetings I added, concerns I
  sent to the coordinator;
* kept, anonymous, for statistics — my person row (department and level only),
  enrolments (withdrawn), matches (a live pair is ended), numeric survey answers;
* my account is deactivated, its password hash removed, its sessions revoked and
  its username replaced, so signing in fails;
* my e-mail notifications and choices are deleted, and those waiting for others that
  name me;
* every dashboard part the servers keep in the database is deleted (the pairs needing a
  check-in name their members): each is built again from what is left.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.insights import shared_parts
from core.privacy import (
    accounts,
    growth,
    notifications,
    people,
    programmes,
    relationship,
    surveys,
)

# The order matters: private writing first (rows that point at others' rows), the
# relationship while my name is still there to scrub, the person and account last.
AREAS = (notifications, growth, surveys, relationship, programmes, people, accounts)


def forget(s: Session, person_id: int, now: dt.datetime) -> None:
    """Every area forgets ``person_id`` in the caller's transaction (never commits)."""
    for area in AREAS:
        area.forget(s, person_id, now)
    shared_parts.forget_all(s)
