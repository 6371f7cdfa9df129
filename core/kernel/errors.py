"""Domain errors. Pages catch :class:`TandemError` and show ``str(e)``: already translated."""

from __future__ import annotations


class TandemError(Exception):
    """Base class: the message is a sentence a user can read, in their language."""


class NotAllowed(TandemError):
    pass


class NotFound(TandemError):
    pass


class InvalidInput(TandemError):
    pass


class Conflict(TandemError):
    """Someone else changed the record meanwhile, or the action was already done."""


class AccountLocked(TandemError):
    pass


class InvalidImport(TandemError):
    pass


class FileRejected(InvalidImport):
    """An uploaded file refused as a whole: unreadable, or past one of the reader's limits.

    ``limit`` names the limit breached (``"columns"``, ``"ratio"``…; see
    :class:`core.people.limits.Limits`), or is ``None`` when the file is simply unreadable.
    """

    def __init__(self, message: str, limit: str | None = None) -> None:
        super().__init__(message)
        self.limit = limit
