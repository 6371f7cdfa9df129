"""The matching screens, driven as the demo coordinator and participants (AppTest)."""

from sqlalchemy import select

from core.accounts.auth import sign_in
from core.kernel.i18n import t
from core.matching import proposals, suggestions
from db.models import Account, Match, MatchMember, Programme
from tests.builders import make_pool, suggestions_of
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


def _published(demo_store) -> int:
    """The demo programme in enrolment, matched and published by the admin."""
    pid = _spring(demo_store)
    admin = sign_in(demo_store.sf, "admin", "tandem-demo").viewer
    suggestions.run_matching(demo_store.sf, admin, pid)
    proposals.publish(demo_store.sf, admin, pid)
    return pid


def test_a_participant_accepts_a_proposal_and_sees_why(open_app, demo_store):
    pid = _published(demo_store)
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
        assert (
            s.scalar(
                select(MatchMember.response)
                .join(Account, Account.person_id == MatchMember.person_id)
                .where(Account.username == username, MatchMember.match_id == match_id)
            )
            == "accepted"
        )


def test_a_participant_cannot_open_the_matching_page(open_app):
    import pytest

    at = open_app("camille")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/coord_matching.py")


def test_a_fix_by_hand_says_next_to_its_form_how_it_went(open_app, demo_store):
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(_spring(demo_store)).run()
    at.button(key="run_matching").click().run()
    at.session_state["matching_fix_tab"] = "Remove a suggestion"  # the tab clicked
    at.run()
    at.button(key="FormSubmitter:remove_form-Remove").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Removed: these people are back in the pool."]
    at.session_state["matching_fix_tab"] = "Make a match"
    at.run()
    at.multiselect(key="make_people").set_value([]).run()
    at.button(key="FormSubmitter:make_form-Make this match").click().run()
    assert [e.value for e in at.error] == ["A match has 2 to 6 members, not 0."]
    assert not at.success


def test_publishing_says_how_many_matches_went_out(open_app, demo_store):
    pid = _spring(demo_store)
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(pid).run()
    at.button(key="run_matching").click().run()
    with demo_store.sf.begin() as s:
        count = len(s.scalars(select(Match.id).where(Match.programme_id == pid)).all())
    at.checkbox(key="publish_confirm").check().run()
    at.button(key="publish_button").click().run()
    assert [s.value for s in at.success] == [f"{count} matches published."]


def test_an_answer_to_a_withdrawn_proposal_is_refused_with_its_reason(open_app, demo_store):
    pid = _published(demo_store)
    with demo_store.sf.begin() as s:
        match_id = s.scalar(select(Match.id).where(Match.programme_id == pid).limit(1))
        usernames = s.scalars(
            select(Account.username)
            .join(MatchMember, MatchMember.person_id == Account.person_id)
            .where(MatchMember.match_id == match_id)
            .order_by(Account.username)
        ).all()
    at = open_app(usernames[0], page="pages/my_match.py", lang="en")
    other = sign_in(demo_store.sf, usernames[1], "tandem-demo").viewer
    proposals.respond(demo_store.sf, other, match_id, False)  # the proposal ends meanwhile
    at.button(key=f"accept_{match_id}").click().run()
    assert not at.exception
    refused = "This proposal was already answered or withdrawn."
    assert [e.value for e in at.error] in ([t(refused, "en")], [t(refused, "fr")])


def test_a_large_pool_is_counted_and_its_people_read_only_where_the_page_draws_them(
    open_app, demo_store
):
    """Thousands wait at company scale: the page counts them; the "by hand" form and the
    unmatched list read and draw them once opened, and then work as before."""
    from core.matching import edits

    pid, people = make_pool(demo_store.sf, 30, prefix="lazy")
    admin = sign_in(demo_store.sf, "admin", "tandem-demo").viewer
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(pid).run()
    assert "30 people waiting to be matched" in " ".join(c.value for c in at.caption)
    assert not [m for m in at.multiselect if m.key == "make_people"]  # the form is folded
    at.session_state[f"matching_by_hand_{pid}"] = True  # the coordinator opens it
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.multiselect(key="make_people").options) == 30

    first, second = list(people.values())[:2]
    edits.set_members(demo_store.sf, admin, pid, None, [first, second])
    proposals.publish(demo_store.sf, admin, pid)
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(pid).run()
    assert "28 people still unmatched" in [e.label for e in at.expander]
    assert not at.dataframe[1:]  # the proposals only: the unmatched list is folded
    at.session_state[f"unmatched_open_{pid}"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.dataframe[-1].value) == 28


def test_in_a_mentoring_programme_the_page_names_each_persons_role(open_app, demo_store):
    from core.matching import edits
    from db.models import Enrolment

    pid, people = make_pool(
        demo_store.sf,
        4,
        prefix="mento",
        name="Career mentoring",
        relationship_type="career",
        format="pairs",
    )
    with demo_store.sf.begin() as s:
        for e in s.scalars(select(Enrolment).where(Enrolment.programme_id == pid)):
            e.role = "mentor" if e.person_id == people["mento003"] else "mentee"
    admin = sign_in(demo_store.sf, "admin", "tandem-demo").viewer
    edits.set_members(demo_store.sf, admin, pid, None, [people["mento001"], people["mento003"]])
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(pid).run()
    assert not at.exception, [e.value for e in at.exception]
    members = at.dataframe[0].value.iloc[0, 1]
    assert members == "Mento003 (Mentor) · Mento001 (Mentee)", members  # the mentor first
    at.session_state["matching_fix_tab"] = "Make a match"  # a suggestion is listed: a tab
    at.run()
    options = at.multiselect(key="make_people").options
    assert "Mento002 (Mentee) — Finance" in options, options
    # In French (the label a French page writes; AppTest cannot rerun a French chooser).
    from core.kernel import i18n
    from ui.matching.people import who

    i18n.set_language("fr")
    try:
        assert who("Ana", "mentee") == "Ana (Mentoré)" and who("Ana", "peer") == "Ana"
    finally:
        i18n.set_language("en")


def test_a_mentee_and_a_mentor_read_who_is_whose_mentor(open_app, demo_store):
    from db.models import Enrolment

    pid, people = make_pool(
        demo_store.sf, 2, prefix="duo", relationship_type="career", format="pairs"
    )
    with demo_store.sf.begin() as s:
        for e in s.scalars(select(Enrolment).where(Enrolment.programme_id == pid)):
            e.role = "mentor" if e.person_id == people["duo000"] else "mentee"
    _published_pair_reads(
        open_app,
        demo_store,
        pid,
        list(people.values()),
        {"duo001": "Your mentor: **Duo000**", "duo000": "Your mentee: **Duo001**"},
        "Duo000 (Mentor) · Duo001 (Mentee)",
    )


def _published_pair_reads(open_app, demo_store, pid, ids, lines, listed):
    """Match ``ids`` by hand and publish: each member's proposal holds their line of
    ``lines``, and the coordinator's list of published proposals names them ``listed``."""
    from core.matching import edits

    admin = sign_in(demo_store.sf, "admin", "tandem-demo").viewer
    edits.set_members(demo_store.sf, admin, pid, None, ids)
    proposals.publish(demo_store.sf, admin, pid)
    for username, line in lines.items():
        at = open_app(username, page="pages/my_match.py", lang="en")
        assert not at.exception, [e.value for e in at.exception]
        assert line in texts(at), texts(at)
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(pid).run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.dataframe[0].value.iloc[:, 1]) == [listed]


def test_an_onboarding_pair_reads_buddy_and_new_hire(open_app, demo_store):
    """The one hired first is the new hire's buddy: the proposal and the coordinator's list
    say so by those names (in French too), not mentor and mentee."""
    import datetime as dt

    from core.kernel import clock, i18n
    from db.models import Person
    from ui.matching.people import who

    pid, people = make_pool(
        demo_store.sf, 2, prefix="welc", relationship_type="onboarding", format="pairs"
    )
    with demo_store.sf.begin() as s:
        s.get_one(Person, people["welc000"]).hire_date = clock.today() - dt.timedelta(days=900)
        s.get_one(Person, people["welc001"]).hire_date = clock.today() - dt.timedelta(days=9)
    _published_pair_reads(
        open_app,
        demo_store,
        pid,
        list(people.values()),
        {
            "welc001": "Your buddy: **Welc000**",
            "welc000": "The new colleague you welcome: **Welc001**",
        },
        "Welc000 (Buddy) · Welc001 (New hire)",
    )
    i18n.set_language("fr")
    try:
        assert who("Ana", "buddy") == "Ana (Binôme d’accueil)"
        assert who("Ana", "new_hire") == "Ana (Nouvelle recrue)"
    finally:
        i18n.set_language("en")


def test_thousands_of_suggestions_list_the_best_and_the_filter_finds_the_others(
    open_app, demo_store, monkeypatch
):
    from ui.matching import review

    monkeypatch.setattr(review, "LISTED", 5)  # as a company's 3 318 against 500
    pid = _spring(demo_store)
    admin = sign_in(demo_store.sf, "admin", "tandem-demo").viewer
    suggestions.run_matching(demo_store.sf, admin, pid)
    every = suggestions_of(demo_store.sf, pid)
    at = open_app("admin", page="pages/coord_matching.py")
    at.selectbox(key="matching_programme").set_value(pid).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert len(table) == 5
    assert f"The 5 best of {len(every)} suggestions are listed." in texts(at)
    assert not [m for m in at.multiselect if m.key == "make_people"]  # its tab is not chosen
    at.session_state["matching_fix_tab"] = "Remove a suggestion"
    at.run()
    assert len(at.selectbox(key="remove_pick").options) == 5
    # Each listed row's reasons are those of the whole list, phrased for it alone.
    why = dict(zip(table.iloc[:, 1], table.iloc[:, 3], strict=True))
    for row in every[:5]:
        assert why[row.names] == "; ".join(row.reasons[:3])
    # The last suggestion is not listed; its member's name lists it.
    last = every[-1]
    at.text_input(key="matching_filter").input(last.members[0].name).run()
    assert last.names in list(at.dataframe[0].value.iloc[:, 1])
    at.text_input(key="matching_filter").input("nobody by this name").run()
    assert not at.exception
    assert "No suggestion matches this filter." in texts(at)
    assert at.button(key="publish_button")  # every suggestion can still be published
