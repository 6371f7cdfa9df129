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
