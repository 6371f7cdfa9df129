"""The invitation links as a CSV file, for the coordinator's spreadsheet or mail merge."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from core.accounts.invitations import IssuedInvitation
from core.kernel.text import neutralise


def links_csv(issued: Sequence[IssuedInvitation]) -> bytes:
    """The personal links as a CSV the coordinator opens in a spreadsheet or a mail merge."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "department", "link", "expires"])
    for inv in issued:
        # A cell starting with = + - @ is a formula to Excel: neutralised (CSV injection).
        writer.writerow(
            [
                neutralise(inv.name or ""),
                neutralise(inv.email or ""),
                neutralise(inv.department or ""),
                inv.link,
                inv.expires_at.date().isoformat(),
            ]
        )
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the accents right
