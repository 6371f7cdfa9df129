"""The errors of encryption at rest."""

from __future__ import annotations


class CryptoError(Exception):
    """Base of the errors of this module."""


class NoKeyRing(CryptoError):
    """Encrypted text was read or written before any key ring was installed."""


class PlaintextRefused(CryptoError):
    """A plain string reached an encrypted column outside the ORM's sealing (a bug)."""


class Undecryptable(CryptoError):
    """A stored value does not decrypt: tampered, malformed, or its key is not in the ring."""

    def __init__(self, message: str, key_id: str | None = None) -> None:
        super().__init__(message)
        self.key_id = key_id
