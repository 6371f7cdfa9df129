"""AppTest: feedback, the expert directory and My data, driven as the demo participants."""

from __future__ import annotations

from sqlalchemy import select

from core.accounts import auth
from db.models import Feedback, FeedbackRequest, Person
from demo.company import DEMO_PASSWORD
from tests.pages.conftest import texts

FEEDBACK, DIRECTORY, MY_DATA = "pages/feedback.py", "pages/directory.py", "pages/my_data.py"


def _open_tab(at, label: str, lang: str = "en") -> None:
    """Select a tab of the feedback page (only the tab shown runs)."""
    from core.kernel.i18n import t

    at.session_state["feedback_tab"] = t(label, lang)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def _person_id(store, name: str) -> int:
    with store.sf.begin() as s:
        return s.scalar(select(Person.id).where(Person.full_name == name))


def test_camille_asks_hugo_for_feedback(open_app, demo_store):
    at = open_app("camille", page=FEEDBACK)
    at.text_input(key="ask_topic").input("<b>My pitch</b> to the board")
    at.text_area(key="ask_context").input("Did I answer the CFO's question?")
    at.button(key="ask_submit").click().run()
    assert not at.exception
    assert "Hugo Bernard" in " ".join(str(s.value) for s in at.success)
    assert at.text_input(key="ask_topic").value == ""  # sent: the form is ready for the next one
    hugo_id = _person_id(demo_store, "Hugo Bernard")
    with demo_store.sf.begin() as s:
        # Topics are encrypted at rest: found in Python, not with SQL's "=" (exactly one).
        [request] = [
            r
            for r in s.scalars(select(FeedbackRequest))
            if r.topic == "<b>My pitch</b> to the board"
        ]
        assert request.giver_id == hugo_id
        assert request.context == "Did I answer the CFO's question?"


def test_an_empty_topic_is_refused_and_what_was_typed_stays(open_app, demo_store):
    at = open_app("hugo", page=FEEDBACK)
    at.text_area(key="ask_context").input("Half an hour of context I do not want to lose")
    at.button(key="ask_submit").click().run()
    assert not at.exception
    assert at.error and "Topic" in at.error[0].value
    assert at.text_area(key="ask_context").value == "Half an hour of context I do not want to lose"


def test_hugo_answers_camilles_pending_request(open_app, demo_store):
    with demo_store.sf.begin() as s:
        request_id = s.scalar(select(FeedbackRequest.id).where(FeedbackRequest.status == "open"))
    at = open_app("hugo", page=FEEDBACK)
    _open_tab(at, "To answer")
    assert "The budget negotiation with our agency" in texts(at)
    at.text_area(key=f"answer_{request_id}_worked").input("You stayed calm when they pushed.")
    at.text_area(key=f"answer_{request_id}_improve").input("You conceded the fee too early.")
    at.button(key=f"answer_submit_{request_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Camille Martin" in " ".join(str(s.value) for s in at.success)
    with demo_store.sf.begin() as s:
        request = s.get_one(FeedbackRequest, request_id)
        answer = s.scalars(select(Feedback).where(Feedback.request_id == request_id)).one()
        assert request.status == "answered"
        assert answer.improve == "You conceded the fee too early."


def test_a_declined_request_moves_below_what_is_still_open_with_where_it_ended(
    open_app, demo_store
):
    with demo_store.sf.begin() as s:
        request_id = s.scalar(select(FeedbackRequest.id).where(FeedbackRequest.status == "open"))
    at = open_app("hugo", page=FEEDBACK)
    _open_tab(at, "To answer")
    topic = "The budget negotiation with our agency"
    open_card, settled_card = f"### {topic}", f"**{topic}** · Camille Martin"
    shown = [m.value for m in at.markdown]
    assert open_card in shown and settled_card not in shown
    assert "Answered or declined" in texts(at)  # the demo's request hugo answered
    at.button(key=f"decline_{request_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [m.value for m in at.markdown]
    assert open_card not in shown and settled_card in shown
    assert "Nobody is waiting for your feedback." in texts(at)
    statuses = [c.value.rsplit(" · ", 1)[1] for c in at.caption if c.value.startswith("Asked on")]
    assert statuses == ["Declined", "Answered"]  # newest first


def test_hugo_acknowledges_camilles_kudos(open_app, demo_store):
    with demo_store.sf.begin() as s:
        kudos_id = s.scalar(select(Feedback.id).where(Feedback.kind == "kudos"))
    at = open_app("hugo", page=FEEDBACK)
    _open_tab(at, "Received")
    at.button(key=f"ack_{kudos_id}").click().run()
    assert not at.exception
    with demo_store.sf.begin() as s:
        assert s.get_one(Feedback, kudos_id).acknowledged_at is not None


def test_camille_reads_hugos_answer_in_french_with_its_rating(open_app):
    at = open_app("camille", page=FEEDBACK)
    assert "Demander un feedback" in [tab.label for tab in at.tabs]
    assert "one number per slide" not in texts(at)  # only the tab shown is drawn
    _open_tab(at, "Received", "fr")
    page = texts(at)
    assert "My presentation at the marketing all" in page  # demo content stays as typed
    assert "one number per slide" in page
    assert "utilité : 5/5" in page


def test_home_shows_hugo_what_waits_for_him(open_app):
    at = open_app("hugo")
    page = texts(at)
    assert "asks for your feedback on “The budget negotiation with our agency”" in page
    assert "1 piece of feedback received to acknowledge" in page


def test_the_feedback_page_says_what_waits_and_leaves_out_what_does_not(open_app, demo_store):
    """Hugo has a request to answer and a kudos to acknowledge; once he answered, the notice
    speaks of the kudos alone (it said "0 to answer")."""
    at = open_app("hugo", page=FEEDBACK)
    notice = " ".join(i.value for i in at.info)
    assert (
        "Waiting for you: 1 request to answer, 1 piece of feedback received to acknowledge."
        in notice
    )
    with demo_store.sf.begin() as s:
        for request in s.scalars(select(FeedbackRequest).where(FeedbackRequest.status == "open")):
            request.status = "declined"
    at = open_app("hugo", page=FEEDBACK)
    notice = " ".join(i.value for i in at.info)
    assert "Waiting for you: 1 piece of feedback received to acknowledge." in notice
    assert "answer" not in notice


def test_hugo_opts_out_of_the_directory_and_back_in(open_app, demo_store):
    at = open_app("hugo", page=DIRECTORY)
    assert at.toggle(key="directory_opt_in").value is True
    hugo_id = _person_id(demo_store, "Hugo Bernard")
    at.toggle(key="directory_opt_in").set_value(False).run()
    assert not at.exception
    with demo_store.sf.begin() as s:
        assert s.get_one(Person, hugo_id).directory_opt_in is False
    at.toggle(key="directory_opt_in").set_value(True).run()
    with demo_store.sf.begin() as s:
        assert s.get_one(Person, hugo_id).directory_opt_in is True


def test_the_directory_shows_name_department_skills_offered_and_a_way_to_write_only(
    open_app, demo_store
):
    at = open_app("hugo", page=DIRECTORY)
    at.selectbox(key="directory_skill").set_value("Public speaking").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["Name", "Department", "Skills offered", "E-mail"]
    assert "Camille Martin" in set(table["Name"])
    assert all("Public speaking" in skills for skills in table["Skills offered"])
    with demo_store.sf.begin() as s:
        camille = s.scalar(select(Person).where(Person.full_name == "Camille Martin"))
        assert "mailto:" + camille.email in set(table["E-mail"])


def test_a_directory_with_more_people_than_it_lists_says_so(open_app, monkeypatch):
    """The first hundred of thousands: the page says they are the first, and how to narrow."""
    from core.people import directory

    monkeypatch.setattr(directory, "MAX_RESULTS", 5)  # the demo lists about twenty
    at = open_app("hugo", page=DIRECTORY)
    assert len(at.dataframe[0].value) == 5
    captions = " ".join(c.value for c in at.caption)
    assert "The first 5 colleagues by name: choose a skill or a department" in captions
    at.selectbox(key="directory_skill").set_value("SQL").run()  # fewer than five offer it
    captions = " ".join(c.value for c in at.caption)
    assert "The first" not in captions and "colleague" in captions


def test_an_admin_sets_the_chat_link_and_the_directory_offers_it(open_app):
    admin = open_app("admin", page="pages/admin_accounts.py")
    admin.text_input(key="chat_link_template").input("http://chat.example.com/{email}")
    admin.button[[b.label for b in admin.button].index("Save the chat link")].click().run()
    assert "must start with https://" in " ".join(e.value for e in admin.error)
    admin.text_input(key="chat_link_template").input("https://chat.example.com/u/{email}")
    admin.button[[b.label for b in admin.button].index("Save the chat link")].click().run()
    assert not admin.error and "Chat link saved." in [x.value for x in admin.success]

    at = open_app("hugo", page=DIRECTORY)
    at.selectbox(key="directory_skill").set_value("Public speaking").run()
    table = at.dataframe[0].value
    assert list(table.columns)[-1] == "Chat"
    assert all(link.startswith("https://chat.example.com/u/") for link in table["Chat"])


def test_my_data_offers_the_download(open_app):
    at = open_app("camille", page=MY_DATA)
    assert not at.exception
    assert len(at.get("download_button")) == 1


def test_erasing_with_the_wrong_word_is_refused_and_nothing_is_erased(open_app, demo_store):
    at = open_app("hugo", page=MY_DATA)
    at.text_input(key="erase_confirm").input("yes please")
    at.button(key="erase_submit").click().run()
    assert not at.exception
    assert at.error and "ERASE" in at.error[0].value
    assert at.text_input(key="erase_confirm").value == "yes please"
    hugo_id = _person_id(demo_store, "Hugo Bernard")
    with demo_store.sf.begin() as s:
        assert s.get_one(Person, hugo_id).erased_at is None


def test_erasing_signs_hugo_out_for_good(open_app, demo_store):
    hugo_id = _person_id(demo_store, "Hugo Bernard")
    at = open_app("hugo", page=MY_DATA)
    at.text_input(key="erase_confirm").input("ERASE")
    at.button(key="erase_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Your data was erased" in " ".join(str(s.value) for s in at.success)
    with demo_store.sf.begin() as s:
        assert s.get_one(Person, hugo_id).erased_at is not None
    assert not at.session_state["authentication_status"]  # this tab is signed out too
    at.run()  # the next interaction shows nothing of hugo's any more
    assert not at.exception
    assert "Hugo" not in texts(at)
    assert auth.sign_in(demo_store.sf, "hugo", DEMO_PASSWORD) is None


def test_older_acknowledged_feedback_waits_behind_a_button(open_app, demo_store):
    import datetime as dt

    from core.kernel import clock

    hugo_id, camille_id = (_person_id(demo_store, n) for n in ("Hugo Bernard", "Camille Martin"))
    with demo_store.sf.begin() as s:
        match_id = s.scalar(
            select(Feedback.match_id).where(Feedback.recipient_id == camille_id).limit(1)
        )
        for i in range(25):
            when = clock.now() - dt.timedelta(days=400 + i)  # older than the demo's own
            s.add(
                Feedback(
                    match_id=match_id,
                    giver_id=hugo_id,
                    recipient_id=camille_id,
                    kind="kudos",
                    worked=f"Old kudos number {i}",
                    created_at=when,
                    acknowledged_at=when,
                )
            )
    at = open_app("camille", page=FEEDBACK)
    _open_tab(at, "Received", "fr")
    shown = [i for i in range(25) if f"Old kudos number {i}" in texts(at)]
    assert shown and len(shown) < 25
    at.button(key="feedback_more_received").click().run()
    assert not at.exception
    more = [i for i in range(25) if f"Old kudos number {i}" in texts(at)]
    assert len(more) == len(shown) + 10 and more[: len(shown)] == shown
