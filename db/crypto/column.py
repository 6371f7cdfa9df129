"""The key ring in use and the :class:`EncryptedText` column type that seals and opens values."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from db.crypto.cipher import open_value, seal
from db.crypto.errors import NoKeyRing, PlaintextRefused, Undecryptable
from db.crypto.keys import KeyRing

log = logging.getLogger("tandem.crypto")


_ring: KeyRing | None = None
_placeholder: Callable[[], str] = lambda: "[This text could not be decrypted.]"  # noqa: E731


def install(ring: KeyRing | None, *, unreadable: Callable[[], str] | None = None) -> None:
    """Make ``ring`` the process's key ring (None: none); ``unreadable`` phrases the placeholder."""
    global _ring, _placeholder
    _ring = ring
    if unreadable is not None:
        _placeholder = unreadable


def installed() -> KeyRing | None:
    return _ring


def active() -> KeyRing:
    if _ring is None:
        raise NoKeyRing(
            "No encryption key ring is installed: open the database with "
            "core.kernel.store.open_store() (it loads the keys from the configuration)."
        )
    return _ring


class Sealed(str):
    """Text on its way to an encrypted column: the plain string plus its row's uid."""

    __slots__ = ("uid",)
    uid: str


class Opened(str):
    """Text read from an encrypted column, with the uid of the row its value names."""

    __slots__ = ("uid",)
    uid: str


class Unreadable(str):
    """The placeholder shown instead of a value that did not decrypt."""

    __slots__ = ()


class Ciphertext(str):
    """A value already sealed (bulk writers): stored as it is."""

    __slots__ = ()


def sealed(text: str, uid: str) -> Sealed:
    value = Sealed(text)
    value.uid = uid
    return value


def unreadable() -> Unreadable:
    return Unreadable(_placeholder())


class EncryptedText(TypeDecorator[str]):
    """A TEXT column holding sealed values; see the module's docstring."""

    impl = Text
    cache_ok = True

    def __init__(self, where: str = "") -> None:
        super().__init__()
        self.where = where  # "table.column", set by register()

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        kind = type(value)
        if kind is Sealed:
            return seal(active(), self.where, value.uid, value)
        if kind is Ciphertext:
            return str(value)
        raise PlaintextRefused(
            f"{self.where} is encrypted: plain text reaches it only through the ORM (an object "
            "flushed by a session), and it cannot be compared or searched in SQL (do it in Python)."
        )

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        try:
            text, uid = open_value(active(), self.where, value)
        except Undecryptable as e:
            log.warning("Tandem: a value of %s could not be decrypted: %s", self.where, e)
            return unreadable()
        result = Opened(text)
        result.uid = uid
        return result
