"""My data: download everything Tandem holds about me, or erase it (DESIGN.md, "Erasure").

The two services of the My data page, each one transaction: the document comes
from :mod:`core.privacy.export`, the erasure from :mod:`core.privacy.erase`
(what each area keeps or deletes is written in ``core/privacy/<area>.py``).
Erasure is self-service only, after typing a confirmation word; one audit line
"data erased" remains.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, t
from core.privacy import erase, export
from core.privacy.accounts import erased_username
from db.models import Account, Person

ERASE_WORD = N_("ERASE")


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    counts: dict[str, int]  # kind → number of rows, to show what the zip holds


def export_my_data(sf: sessionmaker[Session], viewer: Viewer) -> Export:
    """A zip of everything Tandem holds about the viewer (JSON + one CSV per kind)."""
    with sf.begin() as s:
        person = s.get(Person, viewer.person_id)
        if person is None or person.erased_at is not None:
            raise NotFound(t("Your profile no longer exists."))
        doc = export.collect(s, viewer.person_id, viewer.account_id)
        audit.by(s, viewer, "data_exported")
    data, counts = export.zipped(doc)
    stamp = clock.now().strftime("%Y-%m-%d")
    return Export(filename=f"tandem-my-data-{stamp}.zip", data=data, counts=counts)


def confirmation_word() -> str:
    """The word to type to confirm erasure, in the viewer's language."""
    return t(ERASE_WORD)


def erase_my_data(sf: sessionmaker[Session], viewer: Viewer, confirmation: str) -> None:
    """Erase the viewer's data as DESIGN.md defines it (see :mod:`core.privacy.erase`).

    Self-service only: it acts on the viewer and nobody else. Staff accounts
    (coordinator, admin) cannot erase themselves here.
    """
    typed = (confirmation or "").strip().casefold()
    if typed not in {confirmation_word().casefold(), ERASE_WORD.casefold()}:
        raise InvalidInput(
            t("Type {word} to confirm: nothing was erased.", word=confirmation_word())
        )
    if viewer.has(COORDINATOR):
        raise NotAllowed(
            t("A coordinator or admin account cannot erase itself here; ask another admin.")
        )
    now = clock.now()
    with sf.begin() as s:
        account = s.get(Account, viewer.account_id)
        person = s.get(Person, viewer.person_id)
        if account is None or person is None or account.person_id != viewer.person_id:
            raise NotFound(t("Your profile no longer exists."))
        if person.erased_at is not None:
            raise Conflict(t("Your data was already erased."))
        erase.forget(s, viewer.person_id, now)
        audit.record(
            s,
            "data_erased",
            actor_account_id=account.id,
            actor_username=erased_username(account.id),
        )
