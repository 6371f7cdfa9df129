"""Idempotent create forms: a key drawn with the form makes a second send return the first result.

A page draws a random key when it draws a create form (``ui.widgets.form_key``)
and passes it to the service. :func:`once` records the key in the ``submission``
table, unique per account, in the same transaction as what the form creates.
A replayed request, a double click that reached the server twice, or twenty
identical requests at once then create one row: on SQLite the transactions run
one after the other (BEGIN IMMEDIATE) and the later ones find the key; on
PostgreSQL the later inserts of the key wait for the first transaction, fail on
the unique constraint, and read what it created.

Services keep working without a key (demo seeding, scripts, older callers).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput
from core.kernel.i18n import t
from db.models import Submission

T = TypeVar("T")
KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")


def clean_key(key: object) -> str | None:
    """The form's key, None when the caller gave none; anything else is refused."""
    if key is None:
        return None
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise InvalidInput(t("This form could not be sent as it was drawn: reload the page."))
    return key


def _find(s: Session, account_id: int, key: str) -> Submission | None:
    return s.scalar(
        select(Submission).where(Submission.account_id == account_id, Submission.key == key)
    )


def _replayed(s: Session, done: Submission, kind: str, replay: Callable[[Session, int], T]) -> T:
    if done.kind != kind or done.result_id is None:
        raise Conflict(t("This form was already sent. Reload the page to see the result."))
    return replay(s, done.result_id)


def once(
    sf: sessionmaker[Session],
    viewer: Viewer,
    key: str | None,
    kind: str,
    create: Callable[[Session], tuple[T, int]],
    replay: Callable[[Session, int], T],
) -> T:
    """Run ``create`` once per (account, ``key``) and return its result.

    ``create(s)`` does the work inside the transaction and returns (result, id of
    the row it created). A later or concurrent call with the same key returns
    ``replay(s, that id)`` instead. Without a key, ``create`` simply runs.
    If ``create`` fails, nothing is recorded: the same key can be sent again.
    """
    key = clean_key(key)
    if key is None:
        with sf.begin() as s:
            return create(s)[0]
    for attempt in (1, 2):
        try:
            with sf.begin() as s:
                done = _find(s, viewer.account_id, key)
                if done is not None:
                    return _replayed(s, done, kind, replay)
                mark = Submission(
                    account_id=viewer.account_id, key=key, kind=kind, created_at=clock.now()
                )
                s.add(mark)
                # PostgreSQL: a concurrent send of the same key waits here for the first
                # transaction, then fails on the unique constraint (handled below).
                s.flush()
                result, result_id = create(s)
                mark.result_id = result_id
                return result
        except IntegrityError:
            with sf.begin() as s:
                done = _find(s, viewer.account_id, key)
                if done is not None:
                    return _replayed(s, done, kind, replay)
            # No key stored: the constraint that failed was another one, or the first
            # send was rolled back meanwhile. Once more, then let the error through.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
