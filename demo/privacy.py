"""Demo retention (issue 13): the running programme erases private text a year after it ends.

So the programme page shows the setting and camille's journal page the erase date with
its reminder to download her data first.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from demo.company import DemoContext

DEMO_RETENTION_DAYS = 365


def seed_privacy(s: Session, ctx: DemoContext) -> None:
    ctx.programme.retention_days = DEMO_RETENTION_DAYS
    s.flush()
