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
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (
    Connection,
    Engine,
    Text,
    bindparam,
    column,
    event,
    inspect,
    select,
    table,
    tuple_,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.types import TypeDecorator

log = logging.getLogger("tandem.crypto")

VERSION = "enc1"
PREFIX = VERSION + ":"
KEY_ID_CHARS = 8
HEADER_CHARS = len(PREFIX) + KEY_ID_CHARS + 1  # "enc1:0123abcd:"
UID_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
BLOCK = 16
UID_COLUMN = "uid"


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


# --------------------------------------------------------------------------- keys


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


# --------------------------------------------------------------------------- the ring in use

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


# --------------------------------------------------------------------------- ORM wiring

# Mapped class → the attribute keys of its encrypted columns.
PROTECTED: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class ProtectedTable:
    """A table with encrypted columns, as the maintenance commands see it."""

    name: str
    key: tuple[str, ...]  # primary key columns
    columns: tuple[str, ...]  # encrypted columns


def register(base: Any) -> None:
    """Wire every mapped class of ``base`` that has :class:`EncryptedText` columns."""
    for mapper in base.registry.mappers:
        keys = []
        for prop in mapper.column_attrs:
            col = prop.columns[0]
            if isinstance(col.type, EncryptedText):
                where = f"{mapper.local_table.name}.{col.name}"
                if col.type.where not in ("", where):
                    raise TypeError(f"one EncryptedText() per column: {where}")
                col.type.where = where
                keys.append(prop.key)
        if not keys:
            continue
        if UID_COLUMN not in mapper.columns:
            raise TypeError(f"{mapper.class_.__name__} has encrypted columns but no uid column")
        cls = mapper.class_
        PROTECTED[cls] = tuple(keys)
        event.listen(cls, "before_insert", _seal_new)
        event.listen(cls, "before_update", _seal_changed)
        event.listen(cls, "load", _check_loaded)
        event.listen(cls, "refresh", _check_refreshed)


def protected_tables() -> list[ProtectedTable]:
    """Every table with encrypted columns, in a stable order."""
    found = []
    for cls, keys in PROTECTED.items():
        mapper: Mapper[Any] = inspect(cls)
        tbl = mapper.local_table
        cols = tuple(mapper.get_property(k).columns[0].name for k in keys)  # type: ignore[attr-defined]
        pk = tuple(c.name for c in mapper.primary_key)
        found.append(ProtectedTable(tbl.name, pk, cols))  # type: ignore[attr-defined]
    return sorted(found, key=lambda t: t.name)


def _seal_new(_mapper: Any, _conn: Connection, target: Any) -> None:
    d = target.__dict__
    uid = d.get(UID_COLUMN)
    if not uid:
        target.uid = uid = new_uid()
    for key in PROTECTED[type(target)]:
        value = d.get(key)
        if value:
            d[key] = sealed(str(value), uid)


def _seal_changed(_mapper: Any, conn: Connection, target: Any) -> None:
    state = instance_state(target)
    changed = [k for k in PROTECTED[type(target)] if k in state.committed_state]
    if not changed:
        return
    d = target.__dict__
    uid = d.get(UID_COLUMN)
    if not uid:  # not loaded (an expired object): read it, it never changes
        mapper = state.mapper
        tbl = mapper.local_table
        pk = mapper.primary_key_from_instance(target)
        query = select(tbl.c[UID_COLUMN]).where(  # type: ignore[attr-defined]
            *(c == v for c, v in zip(mapper.primary_key, pk, strict=True))
        )
        uid = conn.execute(query).scalar_one()
        set_committed_value(target, UID_COLUMN, uid)
    for key in changed:
        value = d.get(key)
        if value and not (type(value) is Sealed and value.uid == uid):
            d[key] = sealed(str(value), uid)


def _check(target: Any, keys: Iterator[str] | Sequence[str]) -> None:
    d = target.__dict__
    uid = d.get(UID_COLUMN)
    if uid is None:
        return
    for key in keys:
        value = d.get(key)
        if type(value) is Opened and value.uid != uid:
            log.warning(
                "Tandem: %s.%s of row %s holds a value written for another row; not shown.",
                type(target).__name__,
                key,
                inspect(target).identity,
            )
            set_committed_value(target, key, unreadable())


def _check_loaded(target: Any, _context: Any) -> None:
    _check(target, PROTECTED[type(target)])


def _check_refreshed(target: Any, _context: Any, attrs: Any) -> None:
    keys = PROTECTED[type(target)]
    _check(target, keys if attrs is None else [k for k in keys if k in attrs])


# --------------------------------------------------------------------------- maintenance


def seal_rows(table_name: str, rows: list[dict[str, Any]]) -> None:
    """For bulk writers of plain dicts (demo/large.py): give each row of a protected table
    its uid and seal its private values in place (no-op for other tables)."""
    found = [t for t in protected_tables() if t.name == table_name]
    if not found:
        return
    ring = active()
    for row in rows:
        uid = row.get(UID_COLUMN) or new_uid()
        row[UID_COLUMN] = uid
        for name in found[0].columns:
            value = row.get(name)
            if value and type(value) is not Ciphertext:
                row[name] = Ciphertext(seal(ring, f"{table_name}.{name}", uid, value))


def _raw(t: ProtectedTable, *extra: str) -> Any:
    """A lightweight table without column types: values come and go as stored."""
    names = dict.fromkeys([*t.key, UID_COLUMN, *t.columns, *extra])
    return table(t.name, *(column(n) for n in names))


def has_uid_columns(conn: Connection) -> bool:
    """Is the schema at a revision with encrypted columns (0008 or later)?"""
    tables = protected_tables()
    if not tables or not inspect(conn).has_table(tables[0].name):
        return False
    return any(c["name"] == UID_COLUMN for c in inspect(conn).get_columns(tables[0].name))


def sample_key_ids(conn: Connection, per_table: int = 20) -> set[str]:
    """Key ids of the oldest and newest rows of every protected table (a cheap start-up look).

    Empty when the schema predates encryption or nothing is encrypted yet.
    """
    if not has_uid_columns(conn):
        return set()
    found: set[str] = set()
    for t in protected_tables():
        raw = _raw(t)
        order = [raw.c[k] for k in t.key]
        for direction in (order, [c.desc() for c in order]):
            rows = conn.execute(
                select(*(raw.c[c] for c in t.columns)).order_by(*direction).limit(per_table)
            )
            for row in rows:
                found.update(k for v in row if v and (k := key_id_of(v)))
    return found


def holds_ciphertext(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(sample_key_ids(conn, per_table=5))


@dataclass
class RekeyCounts:
    """What :func:`reencrypt` did, per table: values rewritten, already current, unreadable."""

    rewritten: dict[str, int] = field(default_factory=dict)
    current: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, int] = field(default_factory=dict)

    def add(self, kind: dict[str, int], name: str, n: int = 1) -> None:
        kind[name] = kind.get(name, 0) + n


def reencrypt(
    engine: Engine,
    ring: KeyRing,
    *,
    batch: int = 500,
    progress: Callable[[str, int], None] | None = None,
) -> RekeyCounts:
    """Re-encrypt every value not under the ring's newest key, ``batch`` rows per transaction.

    Resumable: values already under the newest key are left alone, so a run stopped
    half-way and started again only does what remains. Each row is rewritten only if its
    values did not change since they were read (a concurrent save wins: it wrote under
    the newest key already). Values that do not decrypt are counted and left as they are.
    """
    counts = RekeyCounts()
    newest = ring.primary.kid
    for t in protected_tables():
        raw = _raw(t)
        key_cols = [raw.c[k] for k in t.key]
        last: tuple[Any, ...] | None = None
        while True:
            with engine.begin() as conn:
                query = select(*key_cols, raw.c[UID_COLUMN], *(raw.c[c] for c in t.columns))
                if last is not None:
                    query = query.where(tuple_(*key_cols) > tuple_(*last))
                rows = conn.execute(query.order_by(*key_cols).limit(batch)).all()
                if not rows:
                    break
                last = tuple(rows[-1][: len(t.key)])
                updates = []
                for row in rows:
                    pk, uid, values = row[: len(t.key)], row[len(t.key)], row[len(t.key) + 1 :]
                    new: dict[str, str] = {}
                    for name, value in zip(t.columns, values, strict=True):
                        if not value:
                            continue
                        if key_id_of(value) == newest:
                            counts.add(counts.current, t.name)
                            continue
                        try:
                            text, _uid = open_value(ring, f"{t.name}.{name}", value)
                        except Undecryptable:
                            counts.add(counts.unreadable, t.name)
                            continue
                        new[name] = seal(ring, f"{t.name}.{name}", uid, text)
                    if new:
                        updates.append((pk, dict(zip(t.columns, values, strict=True)), new))
                for pk, old, new in updates:
                    stmt = raw.update().where(
                        *(c == v for c, v in zip(key_cols, pk, strict=True)),
                        *(raw.c[n] == bindparam(f"old_{n}", old[n]) for n in new),
                    )
                    if conn.execute(stmt.values(**new)).rowcount == 1:  # type: ignore[attr-defined]
                        counts.add(counts.rewritten, t.name, len(new))
            if progress is not None:
                progress(t.name, counts.rewritten.get(t.name, 0))
    return counts
