"""Demo data for the coordinator dashboard: enrolment spread over the enrolment window.

The base demo enrols everybody on one day; a real programme fills over its window
(a rush when it opens, another before it closes), which is what the "enrolment
over time" chart is for. Runs last, after every other seeder.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Enrolment
from demo.company import DemoContext


def seed_dashboard(s: Session, ctx: DemoContext) -> None:
    programme = ctx.programme
    if programme.enrolment_opens is None or programme.enrolment_closes is None:
        return
    rng = random.Random(5)  # its own seed: the other seeders' draws stay as they were
    opens = dt.datetime.combine(programme.enrolment_opens, dt.time(9))
    span = dt.datetime.combine(programme.enrolment_closes, dt.time(18)) - opens
    enrolments = s.scalars(
        select(Enrolment).where(Enrolment.programme_id == programme.id).order_by(Enrolment.id)
    ).all()
    for e in enrolments:
        u = rng.random()
        share = u**2 if rng.random() < 0.6 else 1 - (1 - u) ** 3
        when = opens + span * share
        e.created_at = when
        e.charter_accepted_at = when
        if e.updated_at is None or e.updated_at < when:
            e.updated_at = when
    s.flush()
