"""What each person wants by e-mail, per kind, and the one-click unsubscribe link.

No row means the default (immediately). The unsubscribe link carries a token signed with
the app's cookie key (HMAC-SHA256) naming the person and the kind: it works without
signing in, cannot be forged or turned to another person or kind, and never expires
(a one-click unsubscribe must keep working in an old e-mail).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.accounts.invitations import base_url
from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer
from core.kernel.config import signing_key
from core.kernel.errors import Conflict, InvalidInput, NotFound
from core.kernel.i18n import N_, t
from core.kernel.tx import reading
from core.notify.message import DEFAULT_DELIVERY, Delivery, Kind
from db.models import NotificationPref, Person

# What a person chooses for, in the Profile page's order; the coordinators' two last.
LABELS: dict[Kind, str] = {
    Kind.PROPOSAL: N_("A pairing proposed to me"),
    Kind.MEETING_TOMORROW: N_("A meeting tomorrow (with the calendar invitation)"),
    Kind.MEETING_OVERDUE: N_("A meeting overdue on our rhythm"),
    Kind.FEEDBACK_REQUEST: N_("Feedback asked of me"),
    Kind.FEEDBACK_RECEIVED: N_("Feedback received, to acknowledge"),
    Kind.ACTION_DUE: N_("Action items due"),
    Kind.SURVEY_OPEN: N_("A survey to answer"),
    Kind.INVITATION: N_("Invitations to Tandem"),
    Kind.CONCERN_RAISED: N_("A concern raised in a programme (coordinators)"),
    Kind.COORDINATOR_WEEKLY: N_("The weekly summary (coordinators)"),
}
STAFF_KINDS = frozenset({Kind.CONCERN_RAISED, Kind.COORDINATOR_WEEKLY})
DELIVERY_LABELS: dict[Delivery, str] = {
    Delivery.IMMEDIATELY: N_("Immediately"),
    Delivery.DAILY: N_("In a daily digest"),
    Delivery.NEVER: N_("Never"),
}
UNSUBSCRIBE_PATH = "unsubscribe"
_KINDS = frozenset(k.value for k in Kind)
_DELIVERIES = frozenset(d.value for d in Delivery)


def _delivery(value: object) -> Delivery:
    """A stored or chosen delivery; anything unknown is the default."""
    return Delivery(value) if value in _DELIVERIES else DEFAULT_DELIVERY


def kinds_for(viewer: Viewer) -> list[Kind]:
    """The kinds a signed-in person chooses for: the coordinators' ones only for
    coordinators; not invitations, which go to people without an account (their own
    e-mail's link stops them)."""
    return [
        k
        for k in LABELS
        if k != Kind.INVITATION and (k not in STAFF_KINDS or viewer.has(COORDINATOR))
    ]


# --------------------------------------------------------------------------- session level


def deliveries(s: Session, person_ids: Iterable[int], kind: Kind) -> dict[int, Delivery]:
    """Each person's choice for ``kind`` (the default where they made none)."""
    ids = list(set(person_ids))
    out = dict.fromkeys(ids, DEFAULT_DELIVERY)
    for i in range(0, len(ids), 900):
        for person_id, value in s.execute(
            select(NotificationPref.person_id, NotificationPref.delivery).where(
                NotificationPref.kind == kind, NotificationPref.person_id.in_(ids[i : i + 900])
            )
        ):
            out[person_id] = _delivery(value)
    return out


def _set(s: Session, person_id: int, kind: Kind, delivery: Delivery) -> None:
    row = s.get(NotificationPref, (person_id, str(kind)))
    if row is None:
        s.add(
            NotificationPref(
                person_id=person_id, kind=kind, delivery=delivery, updated_at=clock.now()
            )
        )
    elif row.delivery != delivery:
        row.delivery, row.updated_at = delivery, clock.now()


def forget(s: Session, person_id: int) -> None:
    """Erasure: a person's choices go (their notifications cascade with the person)."""
    for row in s.scalars(select(NotificationPref).where(NotificationPref.person_id == person_id)):
        s.delete(row)


# --------------------------------------------------------------------------- services


def my_preferences(sf: sessionmaker[Session], viewer: Viewer) -> dict[Kind, Delivery]:
    """My choice for every kind I may receive."""
    kinds = kinds_for(viewer)
    with reading(sf) as s:
        rows = dict(
            s.execute(
                select(NotificationPref.kind, NotificationPref.delivery).where(
                    NotificationPref.person_id == viewer.person_id
                )
            )
            .tuples()
            .all()
        )
    return {k: _delivery(rows.get(k)) for k in kinds}


def save_preferences(
    sf: sessionmaker[Session], viewer: Viewer, choices: Mapping[str, str]
) -> dict[Kind, Delivery]:
    """Save my choices (kind → delivery); an unknown kind or delivery is refused whole."""
    allowed = set(kinds_for(viewer))
    clean: dict[Kind, Delivery] = {}
    for kind, delivery in choices.items():
        if kind not in _KINDS or Kind(kind) not in allowed:
            raise InvalidInput(t("This kind of e-mail is not one you can receive."))
        if delivery not in _DELIVERIES:
            raise InvalidInput(t("Choose immediately, in a daily digest or never."))
        clean[Kind(kind)] = Delivery(delivery)
    try:
        with sf.begin() as s:
            for kind, delivery in clean.items():
                _set(s, viewer.person_id, kind, delivery)
    except IntegrityError as e:  # the same choice saved at the same moment elsewhere
        raise Conflict(
            t("Your e-mail choices were saved meanwhile: check them and save again.")
        ) from e
    return my_preferences(sf, viewer)


# --------------------------------------------------------------------------- unsubscribe


def _signature(person_id: int, kind: str) -> str:
    mac = hmac.new(
        signing_key().encode("utf-8"),
        f"tandem-unsubscribe:{person_id}:{kind}".encode(),
        hashlib.sha256,
    ).digest()
    return base64.urlsafe_b64encode(mac[:24]).decode("ascii")


def unsubscribe_token(person_id: int, kind: Kind) -> str:
    return f"{person_id}.{kind}.{_signature(person_id, kind)}"


def unsubscribe_url(person_id: int, kind: Kind) -> str:
    return f"{base_url()}/{UNSUBSCRIBE_PATH}?token={quote(unsubscribe_token(person_id, kind))}"


@dataclass(frozen=True)
class Unsubscribe:
    person_id: int
    kind: Kind
    label: str  # what is turned off, translated


def _check(token: str) -> tuple[int, Kind]:
    refused = InvalidInput(
        t("This unsubscribe link is not valid: open it again from the e-mail, whole.")
    )
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in _KINDS:
        raise refused
    person_id, kind = int(parts[0]), Kind(parts[1])
    if not hmac.compare_digest(parts[2].encode(), _signature(person_id, kind).encode()):
        raise refused
    return person_id, kind


def read_unsubscribe(token: str) -> Unsubscribe:
    """What the link would turn off (nothing changes yet); InvalidInput if forged."""
    person_id, kind = _check(token)
    return Unsubscribe(person_id, kind, t(LABELS[kind]))


def unsubscribe(sf: sessionmaker[Session], token: str) -> Unsubscribe:
    """Turn the link's kind to "never" for its person, without signing in (idempotent)."""
    person_id, kind = _check(token)
    try:
        with sf.begin() as s:
            if s.get(Person, person_id) is None:
                raise NotFound(
                    t("This person no longer exists in Tandem: nothing more will be sent.")
                )
            _set(s, person_id, kind, Delivery.NEVER)
            audit.record(
                s, "notification_unsubscribed", target=f"person:{person_id}", kind=str(kind)
            )
    except IntegrityError:  # the link opened twice at once: the other click saved it
        pass
    return Unsubscribe(person_id, kind, t(LABELS[kind]))
