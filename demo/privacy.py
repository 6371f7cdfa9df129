"""Demo retention (issue 13): the running programme erases private text a year after it ends.

So the programme page shows the setting and camille's journal page the erase date with
its reminder to download her data first. Set through the service, as the coordinator.
"""

from __future__ import annotations

from core.privacy import retention
from demo.context import DemoContext

DEMO_RETENTION_DAYS = 365


def seed_privacy(ctx: DemoContext) -> None:
    ctx.s.flush()
    retention.set_retention(
        ctx.sf,
        ctx.coordinator,
        ctx.programme.id,
        DEMO_RETENTION_DAYS,
        expected_version=ctx.programme.version,
    )
