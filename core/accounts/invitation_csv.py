"""The invitation links as a CSV file, for the coordinator's spreadsheet or mail merge."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from core.accounts.invitations import IssuedInvitation


def _csv_cell(value: str | None) -> str:
    # A cell starting with = + - @ is a formula to Excel: neutralise it (CSV injection).
    text = value or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def links_csv(issued: Sequence[IssuedInvitation]) -> bytes:
    """The personal links as a CSV the coordinator opens in a spreadsheet or a mail merge."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "department", "link", "expires"])
    for inv in issued:
        writer.writerow(
            [
                _csv_cell(inv.name),
                _csv_cell(inv.email),
                _csv_cell(inv.department),
                inv.link,
                inv.expires_at.date().isoformat(),
            ]
        )
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the accents right
