"""The cipher and the value format: ``enc1:<key id>:<base64 of uid | nonce | ciphertext+tag>``."""

from __future__ import annotations

import binascii
import os

from cryptography.exceptions import InvalidTag

from db.crypto.errors import Undecryptable
from db.crypto.keys import KEY_ID_CHARS, UID_BYTES, KeyRing

VERSION = "enc1"
PREFIX = VERSION + ":"
HEADER_CHARS = len(PREFIX) + KEY_ID_CHARS + 1  # "enc1:0123abcd:"
NONCE_BYTES = 12
TAG_BYTES = 16
BLOCK = 16


def _aad(where: str, uid: bytes) -> bytes:
    return b"tandem|" + VERSION.encode() + b"|" + where.encode() + b"|" + uid.hex().encode()


def _pad(data: bytes) -> bytes:
    return data + b"\x80" + b"\x00" * (-(len(data) + 1) % BLOCK)


def _unpad(data: bytes) -> bytes:
    stripped = data.rstrip(b"\x00")
    if not stripped.endswith(b"\x80"):
        raise Undecryptable("bad padding")
    return stripped[:-1]


def seal(ring: KeyRing, where: str, uid: str, text: str) -> str:
    """Encrypt ``text`` for column ``where`` ("table.column") of the row ``uid``."""
    raw_uid = bytes.fromhex(uid)
    if len(raw_uid) != UID_BYTES:
        raise ValueError("a row uid has 32 hex digits")
    nonce = os.urandom(NONCE_BYTES)
    key = ring.primary
    body = key.aead.encrypt(nonce, _pad(text.encode()), _aad(where, raw_uid))
    blob = binascii.b2a_base64(raw_uid + nonce + body, newline=False).decode()
    return f"{PREFIX}{key.kid}:{blob}"


def looks_sealed(value: str) -> bool:
    """Has ``value`` the shape of a sealed value (not a proof that it decrypts)?"""
    return len(value) > HEADER_CHARS and value.startswith(PREFIX) and value[HEADER_CHARS - 1] == ":"


def key_id_of(value: str) -> str | None:
    """The id of the key a sealed value was written with; None for anything else."""
    return value[len(PREFIX) : HEADER_CHARS - 1] if looks_sealed(value) else None


def open_value(ring: KeyRing, where: str, value: str) -> tuple[str, str]:
    """(text, row uid) of a sealed value of column ``where``; :class:`Undecryptable` if not."""
    if not looks_sealed(value):
        raise Undecryptable("not an encrypted value")
    kid = value[len(PREFIX) : HEADER_CHARS - 1]
    key = ring.key(kid)
    if key is None:
        raise Undecryptable(f"written with key {kid}, which is not configured", kid)
    try:
        blob = binascii.a2b_base64(value[HEADER_CHARS:], strict_mode=True)
    except binascii.Error as e:
        raise Undecryptable("malformed", kid) from e
    if len(blob) < UID_BYTES + NONCE_BYTES + TAG_BYTES + BLOCK:
        raise Undecryptable("truncated", kid)
    uid, nonce, body = blob[:UID_BYTES], blob[UID_BYTES : UID_BYTES + NONCE_BYTES], blob[28:]
    try:
        padded = key.aead.decrypt(nonce, body, _aad(where, uid))
        return _unpad(padded).decode(), uid.hex()
    except (InvalidTag, UnicodeDecodeError) as e:
        raise Undecryptable("authentication failed (changed outside Tandem?)", kid) from e
