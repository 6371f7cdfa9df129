"""The matching screens, driven as the demo coordinator and participants (AppTest)."""

from sqlalchemy import select

from core.matching import service as match_service
from db.models import Account, Match, MatchMember, Programme
from tests.pages.conftest import texts


def _spring(demo_store) -> int:
    with demo_store.sf.begin() as s:
        return s.scalar(select(Programme.id).where(Programme.status == "enrolment"))


def test_a_coordinator_suggests_reviews_and_publishes_matches(open_app, demo_store):
    pid = _spring(demo_store)
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(pid).run()
    at.button(key="run_matching").click().run()
    assert not at.exception
    shown = texts(at)
    assert "Distance from the optimum" in shown
    assert len(at.dataframe) >= 1 and len(at.dataframe[0].value) >= 10
    at.checkbox(key="publish_confirm").check().run()
    at.button(key="publish_button").click().run()
    assert any("matches published" in s.value for s in at.success)
    with demo_store.sf.begin() as s:
        statuses = set(s.scalars(select(Match.status).where(Match.programme_id == pid)))
    assert statuses == {"published"}


def test_a_participant_accepts_a_proposal_and_sees_why(open_app, demo_store):
    pid = _spring(demo_store)
    from core.accounts.auth import sign_in

    admin = sign_in(demo_store.sf, "admin", "tandem-demo").viewer
    match_service.run_matching(demo_store.sf, admin, pid)
    match_service.publish(demo_store.sf, admin, pid)
    with demo_store.sf.begin() as s:
        username, match_id = s.execute(
            select(Account.username, Match.id)
            .join(MatchMember, MatchMember.person_id == Account.person_id)
            .join(Match, Match.id == MatchMember.match_id)
            .where(Match.programme_id == pid)
            .limit(1)
        ).one()
    at = open_app(username, page="pages/my_match.py", lang="en")
    assert any(w in texts(at) for w in ("Why we matched you", "Pourquoi"))
    at.button(key=f"accept_{match_id}").click().run()
    assert not at.exception
    with demo_store.sf.begin() as s:
        assert s.scalar(
            select(MatchMember.response).join(Account, Account.person_id == MatchMember.person_id)
            .where(Account.username == username, MatchMember.match_id == match_id)
        ) == "accepted"


def test_a_participant_cannot_open_the_matching_page(open_app):
    import pytest

    at = open_app("camille")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/coord_matching.py")
