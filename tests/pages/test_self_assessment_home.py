"""AppTest: Home says where a participant's end-of-programme self-assessment stands, as it is today."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock
from db.models import Enrolment, Person, Programme, SelfAssessment
from tests.pages.conftest import texts


def _end_in(store, name: str, days: int) -> None:
    """Move the end of ``name``'s programme with a self-assessment ``days`` from today."""
    with store.sf.begin() as s:
        person = s.scalar(select(Person.id).where(Person.full_name == name))
        programme = s.scalars(
            select(Programme)
            .join(Enrolment, Enrolment.programme_id == Programme.id)
            .join(SelfAssessment, SelfAssessment.enrolment_id == Enrolment.id)
            .where(Enrolment.person_id == person)
            .order_by(Programme.start_date.desc().nulls_last())
        ).first()
        assert programme is not None, "the demo gives them a baseline self-assessment"
        programme.end_date = clock.today() + dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("user", "name", "due", "later"),
    [  # hugo reads Tandem in English, camille in French
        ("hugo", "Hugo Bernard", "self-assessment is due now", "asked again from"),
        ("camille", "Camille Martin", "est à faire maintenant", "redemandée à partir du"),
    ],
)
def test_home_says_the_self_assessment_is_due_now_when_it_is_and_later_when_it_is_not(
    open_app, demo_store, user, name, due, later
):
    _end_in(demo_store, name, 10)
    shown = texts(open_app(user))
    assert due in shown and later not in shown

    _end_in(demo_store, name, 90)
    shown = texts(open_app(user))
    assert later in shown and due not in shown
