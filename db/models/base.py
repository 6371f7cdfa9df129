"""The declarative base: stable constraint names and the column helpers every model uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, MetaData, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

from db.crypto import EncryptedText, new_uid

# Stable constraint names so that Alembic migrations (and SQLite batch mode) work.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


def _fk(target: str, *, nullable: bool = False, ondelete: str = "CASCADE") -> Any:
    return mapped_column(ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


def _private(**kwargs: Any) -> Any:
    """Private text, encrypted at rest with the row's ``uid`` as associated data (db/crypto/)."""
    return mapped_column(EncryptedText(), **kwargs)


def _uid() -> Any:
    """The row identity bound into its encrypted values: random, drawn before the INSERT."""
    return mapped_column(String(32), default=new_uid)
