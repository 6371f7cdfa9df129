"""Names and words compared as a reader does: without case or accents.

``fold("Élodie Ângström")`` is ``"elodie angstrom"``. The directory's search matches folded
text, and a person's ``sort_name`` is their folded full name: SQLite compares bytes (``É``
after ``z``, ``de Villiers`` after ``Zola``) and PostgreSQL the cluster's collation (bytes
too under ``C``), so lists of people order by this stored, indexed key instead.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive form ("Négociation" ~ "negociation")."""
    if text.isascii():  # nothing to decompose: most names and skills
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold()  # a compatibility form can be a capital ("ℌ" is "H")


def sort_name(full_name: str) -> str:
    """The key a list of people orders by (then by full name and id, for ties)."""
    return fold(full_name)[:200]


def name_key(full_name: str) -> tuple[str, str]:
    """Names sorted in Python as lists of people are in SQL (``db.models.NAME_ORDER``)."""
    return sort_name(full_name), full_name
