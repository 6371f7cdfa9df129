"""Keys: derived from configured secrets, held newest first in a :class:`KeyRing`; row uids."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_ID_CHARS = 8
UID_BYTES = 16


def derive(secret: str) -> tuple[str, bytes]:
    """(key id, AES-256 key) of a configured secret: HKDF-style, SHA-256 based.

    Any high-entropy string can be a key (the config refuses weak ones); the id is a
    public fingerprint, computed with another label so it reveals nothing of the key.
    """
    prk = hmac.new(b"tandem at-rest encryption", secret.encode(), hashlib.sha256).digest()
    key = hmac.new(prk, b"aes-256-gcm v1\x01", hashlib.sha256).digest()
    kid = hmac.new(prk, b"key id v1\x01", hashlib.sha256).hexdigest()[:KEY_ID_CHARS]
    return kid, key


@dataclass(frozen=True)
class _Key:
    kid: str
    aead: AESGCM = field(repr=False)


class KeyRing:
    """Configured keys, newest first: the first encrypts, every one decrypts."""

    def __init__(self, secrets_: Sequence[str]) -> None:
        if not secrets_:
            raise ValueError("a key ring needs at least one key")
        keys: dict[str, _Key] = {}
        for secret in secrets_:
            kid, key = derive(secret)
            if kid in keys:
                raise ValueError(
                    f"two configured keys have the same id {kid} (the same key twice?)"
                )
            keys[kid] = _Key(kid, AESGCM(key))
        self._keys = keys
        self.primary = next(iter(keys.values()))

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def key(self, kid: str) -> _Key | None:
        return self._keys.get(kid)

    def __repr__(self) -> str:
        return f"KeyRing({', '.join(self._keys)})"


def new_uid() -> str:
    """A row's identity for the associated data: 128 random bits, as 32 hex digits."""
    return secrets.token_hex(UID_BYTES)
