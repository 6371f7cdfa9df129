"""Retention on the pages (issue 13): the coordinator's field, the participant's reminder."""

from sqlalchemy import func, select

from db.models import Account, AuditLog, Enrolment, Programme
from demo.privacy import DEMO_RETENTION_DAYS
from tests.pages.conftest import texts


def camille_programme(store) -> int:
    with store.sf.begin() as s:
        person = s.scalar(select(Account.person_id).where(Account.username == "camille"))
        return s.scalar(
            select(Enrolment.programme_id)
            .join(Programme, Programme.id == Enrolment.programme_id)
            .where(Enrolment.person_id == person, Programme.status == "running")
        )


def test_the_coordinator_sets_a_retention_and_the_settings_still_save(open_app, demo_store):
    pid = camille_programme(demo_store)
    at = open_app("coord", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(pid).run()
    at.text_input(key=f"retention_{pid}_days").input("60")
    at.button(key=f"retention_{pid}_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Conservation enregistrée." in texts(at)
    with demo_store.sf.begin() as s:
        assert s.get_one(Programme, pid).retention_days == 60
    # The programme's own form was not made stale by that save.
    at.button(key=f"p{pid}_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Programme enregistré." in texts(at)


def test_a_bad_retention_says_why_and_changes_nothing(open_app, demo_store):
    pid = camille_programme(demo_store)
    changes = select(func.count()).where(AuditLog.action == "retention_changed")
    with demo_store.sf() as s:
        before = s.scalar(changes)  # the demo set its retention through the service
    at = open_app("coord", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(pid).run()
    at.text_input(key=f"retention_{pid}_days").input("deux mois")
    at.button(key=f"retention_{pid}_submit").click().run()
    assert not at.exception
    assert "nombre entier de jours" in " ".join(e.value for e in at.error)
    assert at.text_input(key=f"retention_{pid}_days").value == "deux mois"
    with demo_store.sf.begin() as s:
        assert s.get_one(Programme, pid).retention_days == DEMO_RETENTION_DAYS
        assert s.scalar(changes) == before


def test_camille_sees_the_erase_date_and_a_reminder_to_export(open_app, demo_store):
    at = open_app("camille", page="pages/journal.py")  # the demo keeps text a year
    assert not at.exception
    shown = texts(at)
    assert "seront effacés le" in shown and "Mes données" in shown
