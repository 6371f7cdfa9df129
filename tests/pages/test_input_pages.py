"""Pages and bad input (issue 8 §6): a link with an impossible id, forms sent with their key."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from core.kernel import clock
from db.models import Goal, Person, Submission
from tests.pages.conftest import texts


@pytest.mark.parametrize("raw", ["99999999999999999999", "2199023255552", "-4", "0x10", "٣"])
def test_an_enrol_link_with_an_impossible_programme_id_is_a_clear_message(open_app, raw):
    at = open_app("camille")
    at.query_params["programme"] = raw
    at.switch_page("pages/enrol.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert (
        "Ce programme n’existe pas ou n’est pas ouvert aux participants." in shown
        or "Le lien ne désigne aucun programme." in shown
    )


def _goals(store, owner: str) -> int:
    with store.sf.begin() as s:
        owner_id = s.scalar(select(Person.id).where(Person.full_name == owner))
        return s.scalar(select(func.count()).where(Goal.owner_id == owner_id))


def test_the_goal_form_is_sent_with_its_key_and_the_next_one_gets_a_new_key(open_app, demo_store):
    at = open_app("hugo", page="pages/goals.py")
    before = _goals(demo_store, "Hugo Bernard")
    key = at.session_state["_submission_goal_new"]
    at.text_input(key="goal_new_title").input("Run the Q4 retro")
    at.date_input(key="goal_new_target").set_value(clock.today() + dt.timedelta(days=40))
    at.button(key="FormSubmitter:goal_new_form-Add the goal").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _goals(demo_store, "Hugo Bernard") == before + 1
    with demo_store.sf.begin() as s:
        sent = s.scalar(select(Submission).where(Submission.key == key))
        assert sent is not None and sent.kind == "goal"
    assert at.session_state["_submission_goal_new"] != key  # a new form, a new key
