"""privacy_at_rest: private text encrypted at rest; a retention setting per programme (issue 13).

- Every table holding what participants write for themselves or their peer gets a
  ``uid`` column (128 random bits per row, the associated data of its encrypted values,
  see db/crypto.py); its private columns become TEXT (a sealed value is longer than the
  text) and every non-empty value is encrypted with the newest configured key. The
  downgrade decrypts them and restores the columns as they were; it refuses, changing
  nothing, if a value does not decrypt with the configured keys (a key is missing).
- ``programme.retention_days``: private text is erased that many days after the
  programme closes; NULL (the default) keeps it.

The keys come from the configuration (core/kernel/config.py): the ring installed by
``open_store`` or ``python -m tandem migrate``, else loaded here (the alembic command).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from db import crypto
from db.migrate import MigrationError

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table → (primary key, {private column: its VARCHAR length at 0007, None for TEXT})
TABLES: dict[str, tuple[tuple[str, ...], dict[str, int | None]]] = {
    "action_item": (("id",), {"title": 300}),
    "agreement_member": (("agreement_id", "person_id"), {"expectations": None}),
    "concern": (("id",), {"body": None}),
    "feedback": (
        ("id",),
        dict.fromkeys(("worked", "improve", "suggestion", "situation", "behaviour", "impact")),
    ),
    "feedback_request": (("id",), {"topic": 200, "context": None}),
    "goal": (("id",), {"title": 200, "outcome": None}),
    "goal_comment": (("id",), {"body": None}),
    "goal_step": (("id",), {"title": 200}),
    "journal_entry": (
        ("id",),
        dict.fromkeys(
            (
                "discussed",
                "situation",
                "handling",
                "reaction",
                "went_well",
                "went_less_well",
                "differently",
                "learned",
                "next_step",
            )
        ),
    ),
    "meeting": (("id",), {"agenda": None, "notes": None}),
    "resource": (("id",), {"title": 300, "url": 2000, "note": None}),
}
BATCH = 1000

Rewrite = Callable[[str, str, str], str]  # (table.column, row uid, value) → new value


def _ring() -> crypto.KeyRing:
    ring = crypto.installed()
    if ring is None:  # the alembic command line: nobody loaded the keys
        from core.kernel.config import encryption_ring

        ring = encryption_ring()
    return ring


def _rewrite(conn: sa.Connection, name: str, change: Rewrite) -> None:
    """Pass every row of ``name`` through ``change``, in batches (keyset pagination)."""
    pk, columns = TABLES[name]
    t = sa.table(name, *(sa.column(c) for c in (*pk, "uid", *columns)))
    keys = [t.c[k] for k in pk]
    update = (
        t.update()
        .where(*(t.c[k] == sa.bindparam(f"k_{k}") for k in pk))
        .values(uid=sa.bindparam("v_uid"), **{c: sa.bindparam(f"v_{c}") for c in columns})
    )
    last: Sequence[Any] | None = None
    while True:
        query = sa.select(*keys, t.c.uid, *(t.c[c] for c in columns)).order_by(*keys)
        if last is not None:
            query = query.where(sa.tuple_(*keys) > sa.tuple_(*last))
        rows = conn.execute(query.limit(BATCH)).all()
        if not rows:
            return
        last = tuple(rows[-1][: len(pk)])
        params = []
        for row in rows:
            uid = row[len(pk)] or crypto.new_uid()
            values = row[len(pk) + 1 :]
            param = {f"k_{k}": v for k, v in zip(pk, row[: len(pk)], strict=True)}
            param["v_uid"] = uid
            for col, value in zip(columns, values, strict=True):
                param[f"v_{col}"] = change(f"{name}.{col}", uid, value) if value else value
            params.append(param)
        conn.execute(update, params)


def upgrade() -> None:
    with op.batch_alter_table("programme") as batch:
        batch.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
    for name, (_pk, columns) in TABLES.items():
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
            for col, length in columns.items():
                if length is not None:
                    batch.alter_column(
                        col,
                        existing_type=sa.String(length=length),
                        type_=sa.Text(),
                        existing_nullable=False,
                    )
    ring = _ring()

    def encrypt(where: str, uid: str, value: str) -> str:
        if crypto.looks_sealed(value):  # already encrypted for this row: keep it
            try:
                if crypto.open_value(ring, where, value)[1] == uid:
                    return value
            except crypto.Undecryptable:
                pass  # a text that only looks like one
        return crypto.seal(ring, where, uid, value)

    conn = op.get_bind()
    for name in TABLES:
        _rewrite(conn, name, encrypt)
        with op.batch_alter_table(name) as batch:
            batch.alter_column("uid", existing_type=sa.String(length=32), nullable=False)


def downgrade() -> None:
    ring = _ring()
    failed: list[str] = []

    def decrypt(where: str, uid: str, value: str) -> str:
        if not crypto.looks_sealed(value):
            return value  # written in clear by hand (nothing the application writes)
        try:
            return crypto.open_value(ring, where, value)[0]
        except crypto.Undecryptable as e:
            failed.append(f"{where} ({e})")
            return value

    conn = op.get_bind()
    for name in TABLES:
        _rewrite(conn, name, decrypt)
    if failed:
        raise MigrationError(
            f"{len(failed)} encrypted values could not be decrypted with the configured keys "
            f"(ids {', '.join(ring.ids)}), e.g. {'; '.join(failed[:3])}. Add the key they were "
            "written with to the configuration and downgrade again: nothing was changed."
        )
    for name, (_pk, columns) in TABLES.items():
        with op.batch_alter_table(name) as batch:
            for col, length in columns.items():
                if length is not None:
                    batch.alter_column(
                        col,
                        existing_type=sa.Text(),
                        type_=sa.String(length=length),
                        existing_nullable=False,
                    )
            batch.drop_column("uid")
    with op.batch_alter_table("programme") as batch:
        batch.drop_column("retention_days")
