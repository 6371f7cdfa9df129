"""My peer and Concerns pages, driven as the demo people would."""

import datetime as dt

import pytest
from sqlalchemy import select

from core.kernel import clock
from core.kernel.access import pages_for
from core.kernel.i18n import set_language
from core.relationship import agreement, notes, peer_view
from db.models import Account, AgreementMember, Concern, Meeting, Resource
from tests.builders import viewer_named
from tests.pages.conftest import texts
from ui.widgets import md_escape


def test_camille_sees_hugo_why_they_were_matched_and_their_agreement_in_french(open_app):
    at = open_app("camille", page="pages/my_peer.py")
    page = texts(at)
    assert "Hugo Bernard" in page
    assert (
        "Hugo Bernard peut aider Camille Martin en SQL" in page
    )  # the engine's reasons, in French
    assert "Rehearse my talk for the engineering all-hands" in page  # Hugo's expectations, as typed
    assert "Tout le monde a confirmé l’accord." in page
    assert md_escape("coord@tandem.example") in page  # the support contact, never a link


def test_changing_the_terms_resets_confirmations_and_camille_confirms_again(open_app, demo_store):
    at = open_app("camille", page="pages/my_peer.py")
    # AppTest formats the options of every select box in the test's thread: French, like her.
    set_language("fr")
    try:
        at.selectbox(key="agreement_cadence").set_value(7)
        at.button(key="agreement_terms_save").click().run()
        assert not at.exception
        assert "les confirmations ont donc été réinitialisées" in texts(at)
        with demo_store.sf.begin() as s:
            assert s.scalars(select(AgreementMember.confirmed_at)).all() == [None, None]
        assert "Accord pas encore confirmé par : vous, Hugo Bernard." in texts(at)
        at.button(key="agreement_confirm").click().run()
    finally:
        set_language("en")
    assert not at.exception
    assert "Accord pas encore confirmé par : Hugo Bernard." in texts(at)
    with demo_store.sf.begin() as s:
        assert len([c for c in s.scalars(select(AgreementMember.confirmed_at)) if c]) == 1


def test_hugo_confirms_after_the_change(open_app, demo_store):
    camille = viewer_named(demo_store.sf, "camille")
    agreement.set_terms(
        demo_store.sf,
        camille,
        peer_view.my_matches(demo_store.sf, camille)[0].match_id,
        cadence_days=30,
        meeting_format="phone",
        length_minutes=45,
        seen_version=1,
    )
    at = open_app("hugo", page="pages/my_peer.py")
    assert "every month, phone call, 45 minutes" in texts(at)
    assert "Agreement not confirmed yet by: Camille Martin, you." in texts(at)
    at.button(key="agreement_confirm").click().run()
    assert "You confirmed the agreement." in texts(at)


def test_hugo_plans_a_rehearsal(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    day = clock.today() + dt.timedelta(days=9)
    at.date_input(key="plan_date").set_value(day)
    at.time_input(key="plan_time").set_value(dt.time(11, 30))
    at.selectbox(key="plan_kind").set_value("rehearsal")
    at.text_area(key="plan_agenda").input("Run through my all-hands talk")
    at.button(key="plan_submit").click().run()
    assert not at.exception
    assert "Planned:" in texts(at)
    with demo_store.sf.begin() as s:
        m = s.scalar(
            select(Meeting).where(Meeting.kind == "rehearsal", Meeting.status == "planned")
        )
        assert (m.scheduled_at, m.agenda) == (
            dt.datetime.combine(day, dt.time(11, 30)),
            "Run through my all-hands talk",
        )


def test_planning_in_the_past_says_why_and_keeps_the_agenda(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    at.date_input(key="plan_date").set_value(clock.today())
    at.time_input(key="plan_time").set_value(dt.time(0, 0))
    at.text_area(key="plan_agenda").input("Keep me")
    at.button(key="plan_submit").click().run()
    assert "is in the past" in texts(at)
    assert at.text_area(key="plan_agenda").value == "Keep me"


def test_hugo_shares_a_resource_and_an_unsafe_link_is_refused(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    at.selectbox(key="res_kind").set_value("link")
    at.text_input(key="res_title").input("Bad")
    at.text_input(key="res_url").input("javascript:alert(1)")
    at.button(key="res_submit").click().run()
    assert "Only web addresses starting with http:// or https://" in texts(at)
    assert at.text_input(key="res_title").value == "Bad"  # nothing lost
    at.text_input(key="res_title").input("Feedback models")
    at.text_input(key="res_url").input("https://example.com/sbi")
    at.button(key="res_submit").click().run()
    assert "“Feedback models” shared." in texts(at)
    with demo_store.sf.begin() as s:
        titles = s.scalars(select(Resource.title)).all()
    assert "Feedback models" in titles and "Bad" not in titles
    assert "Feedback models" in texts(open_app("camille", page="pages/my_peer.py"))


def test_editing_shared_notes_at_the_same_time_keeps_my_text(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    camille = viewer_named(demo_store.sf, "camille")
    with demo_store.sf.begin() as s:
        nxt = s.scalar(select(Meeting).where(Meeting.status == "planned").order_by(Meeting.id))
        mid, version = nxt.id, nxt.version
    notes.save_shared_text(
        demo_store.sf, camille, mid, agenda="Camille's new agenda", notes="", seen_version=version
    )
    at.text_area(key=f"agenda_{mid}").input("Hugo's agenda")
    at.button(key=f"save_text_{mid}").click().run()
    assert not at.exception
    page = texts(at)
    assert "Your peer saved this meeting's agenda or notes meanwhile" in page
    assert "Camille's new agenda" in page  # theirs is shown
    assert at.text_area(key=f"agenda_{mid}").value == "Hugo's agenda"  # mine is kept
    at.button(key=f"save_text_{mid}").click().run()  # saving again, knowingly
    assert "Agenda and notes saved." in texts(at)
    with demo_store.sf.begin() as s:
        assert s.get_one(Meeting, mid).agenda == "Hugo's agenda"


def test_hugo_raises_a_concern_with_only_his_words(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    at.text_area(key="concern_text").input("Something said in our pair was repeated.")
    at.button(key="concern_send").click().run()
    assert "Sent to the coordinator." in texts(at)
    with demo_store.sf.begin() as s:
        hugo = s.scalar(select(Account.person_id).where(Account.username == "hugo"))
        mine = s.scalars(select(Concern).where(Concern.raised_by_id == hugo)).all()
    assert [(c.kind, c.body) for c in mine] == [
        ("concern", "Something said in our pair was repeated.")
    ]


def test_ending_needs_the_box_ticked(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    at.button(key="end").click().run()
    assert "Tick the box" in texts(at)
    at.checkbox(key="end_sure").check()
    at.text_area(key="end_reason").input("Moving to another team.")
    at.button(key="end").click().run()
    assert not at.exception
    assert "The relationship has ended" in texts(at)
    with demo_store.sf.begin() as s:
        ends = s.scalars(select(Concern.body).where(Concern.kind == "end")).all()
    assert ends == ["Moving to another team."]


def test_the_coordinator_reads_concerns_and_marks_one_handled(open_app, demo_store):
    at = open_app("coord", page="pages/coord_concerns.py")
    page = texts(at)
    assert "something I shared in confidence" in page
    with demo_store.sf.begin() as s:
        cid = s.scalar(
            select(Concern.id).where(Concern.kind == "concern", Concern.status == "open")
        )
    at.button(key=f"concern_handled_{cid}").click().run()
    assert not at.exception
    with demo_store.sf.begin() as s:
        assert s.get_one(Concern, cid).status == "handled"


def test_a_participant_cannot_open_the_concerns_page(open_app, demo_store):
    assert "coord_concerns" not in pages_for(viewer_named(demo_store.sf, "camille"))
    at = open_app("camille")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/coord_concerns.py")  # not even registered for her


def test_the_coordinator_has_no_my_peer_page(open_app, demo_store):
    assert "my_peer" not in pages_for(viewer_named(demo_store.sf, "coord"))
    at = open_app("coord")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/my_peer.py")


def test_home_shows_the_next_meeting_and_warns_when_one_is_overdue(open_app, demo_store):
    at = open_app("hugo")
    page = texts(at)
    assert "**Next meeting:**" in page and "Feedback review, with Camille Martin" in page
    assert "No meeting held for a while" not in page
    with demo_store.sf.begin() as s:  # nothing held since the match began, 24 days ago
        for m in s.scalars(select(Meeting).where(Meeting.status == "held")):
            m.status = "missed"
    assert "No meeting held for a while" in texts(open_app("hugo"))


# --------------------------------------------------------------------------- the other actions


def _planned_on_page(at):
    """The ids of the planned meetings the page offers to cancel, first one first."""
    return [int(b.key.removeprefix("cancel_")) for b in at.button if b.key.startswith("cancel_")]


def test_hugo_pauses_and_camille_resumes_with_a_word_each_time(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    at.text_area(key="pause_reason").input("Parental leave")
    at.button(key="pause").click().run()
    assert not at.exception
    page = texts(at)
    assert "The relationship is paused." in page
    assert "This relationship is paused. Resume it at the bottom of the page." in page
    at = open_app("camille", page="pages/my_peer.py")
    set_language("fr")  # AppTest formats her select boxes in the test's thread: French, like her
    try:
        at.button(key="resume").click().run()
    finally:
        set_language("en")
    assert not at.exception
    assert "Bon retour : la relation est de nouveau active." in texts(at)
    with demo_store.sf.begin() as s:
        assert s.scalars(select(Concern.body).where(Concern.kind == "pause")).all() == [
            "Parental leave"
        ]


def test_a_planned_meeting_is_moved_then_cancelled(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    (planned,) = _planned_on_page(at)
    day = clock.today() + dt.timedelta(days=20)
    at.date_input(key=f"move_date_{planned}").set_value(day)
    at.time_input(key=f"move_time_{planned}").set_value(dt.time(9, 15))
    at.button(key=f"move_{planned}").click().run()
    assert not at.exception
    assert "Moved to" in texts(at)
    (moved,) = _planned_on_page(at)
    at.button(key=f"cancel_{moved}").click().run()
    assert not at.exception
    assert "Meeting marked “Cancelled”." in texts(at)
    with demo_store.sf.begin() as s:
        assert s.get_one(Meeting, planned).status == "moved"
        assert s.get_one(Meeting, moved).status == "cancelled"
        assert s.get_one(Meeting, moved).scheduled_at.date() == day


def test_a_meeting_that_took_place_is_recorded_once_and_its_form_empties(open_app, demo_store):
    at = open_app("camille", page="pages/my_peer.py")
    day = clock.today() - dt.timedelta(days=1)
    at.date_input(key="held_date").set_value(day)
    at.time_input(key="held_time").set_value(dt.time(8, 0))
    at.text_area(key="held_notes").input("Coffee and a chat")
    set_language("fr")
    try:
        at.button(key="held_submit").click().run()
    finally:
        set_language("en")
    assert not at.exception
    assert "Rencontre enregistrée comme tenue." in texts(at)
    assert at.text_area(key="held_notes").value == ""
    with demo_store.sf.begin() as s:
        held = [m for m in s.scalars(select(Meeting)) if m.notes == "Coffee and a chat"]
    assert [(m.status, m.scheduled_at) for m in held] == [
        ("held", dt.datetime.combine(day, dt.time(8, 0)))
    ]


def test_the_person_who_shared_a_resource_removes_it(open_app, demo_store):
    at = open_app("hugo", page="pages/my_peer.py")
    at.text_input(key="res_title").input("Crucial conversations")
    at.selectbox(key="res_kind").set_value("book")
    at.button(key="res_submit").click().run()
    with demo_store.sf.begin() as s:
        rid = next(  # titles are encrypted at rest: compared here, not in SQL
            r.id for r in s.scalars(select(Resource)) if r.title == "Crucial conversations"
        )
    at.button(key=f"res_delete_{rid}").click().run()
    assert not at.exception
    assert "Resource removed." in texts(at)
    with demo_store.sf.begin() as s:
        assert s.get(Resource, rid) is None


def test_the_coordinator_is_told_a_concern_was_marked_handled(open_app, demo_store):
    at = open_app("coord", page="pages/coord_concerns.py")
    with demo_store.sf.begin() as s:
        cid = s.scalar(
            select(Concern.id).where(Concern.kind == "concern", Concern.status == "open")
        )
    at.button(key=f"concern_handled_{cid}").click().run()
    assert "Marqué comme traité." in texts(at)  # the coordinator reads French


def test_what_i_want_is_drawn_from_the_stored_text_and_saved_when_sent(open_app, demo_store):
    # The stored text is the field's default (a form's field), so a browser that missed a
    # run still draws it: set once in the session, it could come back empty.
    at = open_app("camille", page="pages/my_peer.py")
    with demo_store.sf.begin() as s:
        stored = s.scalars(select(AgreementMember.expectations)).all()
    field = at.text_area(key="agreement_mine")
    assert field.proto.default in stored and field.proto.default
    at.text_area(key="agreement_mine").input("Practise saying no, kindly")
    set_language("fr")  # AppTest formats the select boxes' options in the test's thread
    try:
        at.button(key="agreement_mine_save").click().run()
    finally:
        set_language("en")
    assert not at.exception
    with demo_store.sf.begin() as s:
        assert "Practise saying no, kindly" in s.scalars(select(AgreementMember.expectations)).all()
    assert at.text_area(key="agreement_mine").value == "Practise saying no, kindly"
