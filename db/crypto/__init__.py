"""Private text encrypted at rest: AES-256-GCM under a key ring, bound to its table, column and row.

What a participant writes for themselves or their peer is stored as::

    enc1:<key id, 8 hex digits>:<base64 of row uid (16 bytes) | nonce (12) | ciphertext+tag>

- **Cipher**: AES-256-GCM (``cryptography``), a fresh random 96-bit nonce per value. The
  plaintext is padded to a multiple of 16 bytes, so a copy of the database shows lengths to
  within 16 bytes only. The empty string is stored as ``""`` (an empty field is no secret,
  and erasing text is then a plain ``UPDATE … SET col = ''``); NULL stays NULL.
- **Keys** live outside the database (core/kernel/config.py loads them). A :class:`KeyRing`
  holds one or more: the first encrypts, every one decrypts; the key id written in clear in
  each value says which key opens it, so the start-up check and the re-encryption command
  find values written under another key without decrypting anything.
- **Row identity as associated data.** Autoincrement ids are only known after the INSERT,
  so each protected table has a ``uid`` column: 128 random bits drawn in Python before the
  INSERT and never changed. The associated data is ``tandem|enc1|<table>.<column>|<uid>``:
  a value copied to another column or another row does not decrypt (GCM's tag fails, or the
  uid it names is not its row's). Moving the uid along with the text is moving the row,
  which a writer with database access can do anyway by changing its foreign keys.
  (Encrypting in a flush event once ids exist would cost a second UPDATE per INSERT and
  could not cover bulk writers such as demo/large.py, which assign their ids themselves.)
- **Where it happens**: the :class:`EncryptedText` column type. The ORM's ``before_insert``
  / ``before_update`` events hand it :class:`Sealed` values (the text with its row's uid);
  reads decrypt in the type and the ``load``/``refresh`` events check that the uid named in
  each value is the row's. Services keep reading and writing plain strings. A plain
  non-empty string bound to such a column any other way (a Core UPDATE, a comparison in
  SQL) is refused with :class:`PlaintextRefused`: it could only store plaintext or compare
  against random ciphertext.
- **A value that does not decrypt** (tampered, truncated, or written under a key no longer
  in the ring) is never shown: it reads as :class:`Unreadable`, a visible placeholder
  sentence (installed translated by core), and a warning naming the table, column and row
  (never the text) goes to the ``tandem.crypto`` log.

The package, by responsibility (``from db import crypto`` gives every public name):
:mod:`~db.crypto.keys` (key ring, row uids), :mod:`~db.crypto.cipher` (AES-GCM and the
value format), :mod:`~db.crypto.column` (the ring in use, :class:`EncryptedText`),
:mod:`~db.crypto.orm` (the flush and load events), :mod:`~db.crypto.maintenance` (bulk
sealing, the start-up look at key ids, re-encryption).
"""

from db.crypto.cipher import (
    BLOCK,
    HEADER_CHARS,
    NONCE_BYTES,
    PREFIX,
    TAG_BYTES,
    VERSION,
    key_id_of,
    looks_sealed,
    open_value,
    seal,
)
from db.crypto.column import (
    Ciphertext,
    EncryptedText,
    Opened,
    Sealed,
    Unreadable,
    active,
    install,
    installed,
    sealed,
    unreadable,
)
from db.crypto.errors import CryptoError, NoKeyRing, PlaintextRefused, Undecryptable
from db.crypto.keys import KEY_ID_CHARS, UID_BYTES, KeyRing, derive, new_uid
from db.crypto.maintenance import (
    RekeyCounts,
    has_uid_columns,
    holds_ciphertext,
    reencrypt,
    sample_key_ids,
    seal_rows,
)
from db.crypto.orm import PROTECTED, UID_COLUMN, ProtectedTable, protected_tables, register

__all__ = [
    "VERSION",
    "PREFIX",
    "KEY_ID_CHARS",
    "HEADER_CHARS",
    "UID_BYTES",
    "NONCE_BYTES",
    "TAG_BYTES",
    "BLOCK",
    "UID_COLUMN",
    "CryptoError",
    "NoKeyRing",
    "PlaintextRefused",
    "Undecryptable",
    "derive",
    "KeyRing",
    "new_uid",
    "seal",
    "looks_sealed",
    "key_id_of",
    "open_value",
    "install",
    "installed",
    "active",
    "Sealed",
    "Opened",
    "Unreadable",
    "Ciphertext",
    "sealed",
    "unreadable",
    "EncryptedText",
    "PROTECTED",
    "ProtectedTable",
    "register",
    "protected_tables",
    "seal_rows",
    "has_uid_columns",
    "sample_key_ids",
    "holds_ciphertext",
    "RekeyCounts",
    "reencrypt",
]
