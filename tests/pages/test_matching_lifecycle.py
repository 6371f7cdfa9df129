"""The Matching page after publishing, as the demo coordinator (AppTest, English and French):
answers, re-pairing the waiting pool, the do-not-pair list."""

import pytest
from sqlalchemy import select

from core.accounts.auth import sign_in
from core.kernel.i18n import set_language, t, tn
from core.matching import do_not_pair, proposals, published, suggestions
from db.models import Account, Match, MatchMember, Programme
from tests.builders import suggestions_of
from tests.pages.conftest import texts

PASSWORD = "tandem-demo"


@pytest.fixture(params=["en", "fr"])
def lang(request):
    """Each test in English and in French (AppTest formats select boxes in this thread)."""
    set_language(request.param)
    yield request.param
    set_language("en")


def _spring(store) -> int:
    with store.sf.begin() as s:
        return s.scalar(select(Programme.id).where(Programme.status == "enrolment"))


def _open(open_app, store, lang):
    """The Matching page on the spring programme, the coordinator's account in ``lang``."""
    with store.sf.begin() as s:
        s.scalars(select(Account).where(Account.username == "admin")).one().language = lang
    at = open_app("admin", page="pages/coord_matching.py", lang=lang)
    at.selectbox(key="matching_programme").set_value(_spring(store)).run()
    return at


def _decline_one(store, pid, nth=0):
    """The nth published pair's first member declines: (their username, the pair's ids)."""
    with store.sf.begin() as s:
        match_id = s.scalars(
            select(Match.id).where(Match.programme_id == pid).order_by(Match.id)
        ).all()[nth]
        (username,) = s.execute(
            select(Account.username)
            .join(MatchMember, MatchMember.person_id == Account.person_id)
            .where(MatchMember.match_id == match_id)
            .order_by(Account.username)
            .limit(1)
        ).one()
        ids = set(s.scalars(select(MatchMember.person_id).where(MatchMember.match_id == match_id)))
    proposals.respond(store.sf, sign_in(store.sf, username, PASSWORD).viewer, match_id, False)
    return username, ids


def test_right_after_publishing_the_page_shows_the_proposals_and_their_answers(
    open_app, demo_store, lang
):
    at = _open(open_app, demo_store, lang)
    at.button(key="run_matching").click().run()
    n = len(suggestions_of(demo_store.sf, _spring(demo_store)))
    at.checkbox(key="publish_confirm").check().run()
    at.button(key="publish_button").click().run()
    assert not at.exception
    shown = texts(at)
    assert [s.value for s in at.success] == [
        tn("{n} match published.", "{n} matches published.", n, lang)
    ]
    assert t("Published proposals", lang) in shown
    assert t("Answers awaited", lang) in shown and t("Still unmatched", lang) in shown
    awaited = next(m for m in at.metric if m.label == t("Answers awaited", lang))
    assert int(awaited.value) >= 2 * n
    # Not the run's figures nor "no suggestion yet" any more: what was published.
    assert t("People matched", lang) not in shown
    assert t("No suggestion yet. Click “Suggest matches” to compute them.", lang) not in shown
    table = at.dataframe[0].value
    assert len(table) == n
    assert all(t("Waiting for answers", lang) == v for v in table[t("State", lang)])


def _coord(store):
    return sign_in(store.sf, "admin", PASSWORD).viewer


def test_a_decline_shows_and_re_pairing_the_waiting_pool_leaves_the_rest_alone(
    open_app, demo_store, lang
):
    pid = _spring(demo_store)
    coord = _coord(demo_store)
    suggestions.run_matching(demo_store.sf, coord, pid)
    proposals.publish(demo_store.sf, coord, pid)
    first = published.after_publishing(demo_store.sf, coord, pid)
    decliner, pair = _decline_one(demo_store, pid)
    _, other_pair = _decline_one(demo_store, pid, 1)  # so that the waiting pool can re-pair
    at = _open(open_app, demo_store, lang)
    declined = next(m for m in at.metric if m.label == t("People who declined", lang))
    assert declined.value == "2"
    answers = " ".join(at.dataframe[0].value[t("Answers", lang)])
    assert t("{name}: declined {when}", lang, name="", when="").strip(" ") in answers
    unmatched = at.dataframe[1].value
    assert list(unmatched[t("A proposal was declined", lang)]).count(t("Yes", lang)) == 4
    # Re-pair: the waiting pool only.
    at.button(key="run_matching").click().run()
    assert not at.exception
    new = suggestions_of(demo_store.sf, pid)
    assert new
    for row in new:
        assert not pair <= {m.person_id for m in row.members}
        assert not other_pair <= {m.person_id for m in row.members}
    at.checkbox(key="publish_confirm").check().run()
    at.button(key="publish_button").click().run()
    assert [s.value for s in at.success] == [
        tn("{n} match published.", "{n} matches published.", len(new), lang)
    ]
    after = published.after_publishing(demo_store.sf, coord, pid)
    before = {r.match_id: r.members for r in first.proposals}
    for row in after.proposals:
        if row.match_id in before:  # earlier proposals unchanged (members and answers)
            assert [m.person_id for m in row.members] == [m.person_id for m in before[row.match_id]]
    assert len(after.proposals) == len(first.proposals) + len(new)


def test_the_do_not_pair_list_is_edited_on_the_page_and_bad_input_changes_nothing(
    open_app, demo_store, lang
):
    pid = _spring(demo_store)
    at = _open(open_app, demo_store, lang)
    at.toggle(key="dnp_adding").set_value(True).run()
    people = at.selectbox(key="dnp_a").options
    assert len(people) >= 2
    first, second = at.selectbox(key="dnp_a").value, at.selectbox(key="dnp_b").value
    assert first != second
    at.selectbox(key="dnp_b").set_value(first)
    at.text_input(key="dnp_reason").input("Sister and brother")
    at.button(key="FormSubmitter:dnp_add_form-" + t("Add to the list", lang)).click().run()
    assert [e.value for e in at.error] == [t("Choose two different people.", lang)]
    assert at.text_input(key="dnp_reason").value == "Sister and brother"
    assert do_not_pair.list_entries(demo_store.sf, _coord(demo_store), pid) == []
    at.selectbox(key="dnp_b").set_value(second)
    at.button(key="FormSubmitter:dnp_add_form-" + t("Add to the list", lang)).click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == [
        t("Added: the matcher will never match these two people.", lang)
    ]
    assert "Sister and brother" in list(at.dataframe[-1].value[t("Reason", lang)])
    at.button(key="FormSubmitter:dnp_remove_form-" + t("Remove from the list", lang)).click().run()
    assert [s.value for s in at.success] == [t("Removed from the do-not-pair list.", lang)]
    assert do_not_pair.list_entries(demo_store.sf, _coord(demo_store), pid) == []


def test_a_coordinator_ends_a_running_pair_and_its_members_see_it_on_home(open_app, demo_store):
    with demo_store.sf.begin() as s:
        running = s.scalars(
            select(Programme.id).where(Programme.status == "running").order_by(Programme.id)
        ).first()
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(running).run()
    at.toggle(key="published_show_running").set_value(True).run()
    pick = at.selectbox(key="matching_end_pick")
    match_id = pick.value
    at.text_area(key="matching_end_reason").input("Leaves the company (HR-ONLY)")
    at.checkbox(key="matching_end_sure").check().run()
    at.button(key="matching_end").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "The pairing is ended" in texts(at)
    with demo_store.sf.begin() as s:
        match = s.get_one(Match, match_id)
        assert (match.status, match.end_reason) == ("ended", "Leaves the company (HR-ONLY)")
        (username,) = s.execute(
            select(Account.username)
            .join(MatchMember, MatchMember.person_id == Account.person_id)
            .where(MatchMember.match_id == match_id)
            .limit(1)
        ).one()
    home = texts(open_app(username))
    assert ("ended on" in home or "a pris fin le" in home) and "HR-ONLY" not in home
