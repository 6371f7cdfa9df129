"""People, Skills and the signed-out invitation page, driven in AppTest on the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.accounts import invitations
from core.accounts.auth import sign_in, viewer_of
from core.kernel import clock
from core.kernel.access import can_open
from core.people import roster
from db.models import Account, Invitation, Person, Skill
from tests.builders import make_person
from tests.pages.conftest import ROOT, texts

SAMPLE = (ROOT / "docs" / "sample-people.csv").read_bytes()


def viewer(store, username):
    with store.sf.begin() as s:
        account = s.scalar(select(Account).where(Account.username == username))
        return viewer_of(account, s.get_one(Person, account.person_id))


def person_id(store, email):
    with store.sf.begin() as s:
        return s.scalar(select(Person.id).where(Person.email == email))


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("page", ["coord_people", "coord_skills"])
def test_a_participant_has_neither_people_nor_skills_page(open_app, demo_store, page):
    at = open_app("camille")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"pages/{page}.py")
    assert not can_open(viewer(demo_store, "camille"), page)
    assert can_open(viewer(demo_store, "coord"), page)


# --------------------------------------------------------------------------- people


def test_the_people_page_lists_the_demo_newcomers_and_their_invitations(open_app):
    at = open_app("admin", page="pages/coord_people.py")
    assert not at.exception
    assert "People" in {t.value for t in at.title}
    at.text_input(key="people_search").input("Margaux").run()
    table = at.dataframe[0].value
    assert table["Name"].tolist() == ["Margaux Chevalier"]
    assert table["Invitation"].tolist() == ["invited"]
    at.selectbox(key="people_filter").set_value("inactive").run()
    at.text_input(key="people_search").input("").run()
    assert "Pierre Lemaire" in at.dataframe[0].value["Name"].tolist()


def test_a_coordinator_in_french_sees_the_page_in_french(open_app):
    at = open_app("coord", page="pages/coord_people.py")
    assert not at.exception
    assert "Personnes" in {t.value for t in at.title}


def test_uploading_the_sample_file_previews_then_imports_it(open_app, demo_store):
    at = open_app("admin", page="pages/coord_people.py")
    at.file_uploader(key="people_file").set_value(("sample-people.csv", SAMPLE, "text/csv"))
    at.run()
    assert not at.exception
    assert "Lines read: 20 — new: 20, changed: 0, unchanged: 0, with errors: 0." in texts(at)
    preview = at.dataframe[-1].value
    assert len(preview) == 20
    assert set(preview["Status"]) == {"new"}
    assert at.checkbox(key="people_deactivate_missing").value is False
    at.button(key="people_import").click().run()
    assert not at.error, errors(at)
    assert "Import done — created: 20, updated: 0, unchanged: 0, deactivated: 0." in texts(at)
    assert set(at.dataframe[-1].value["Status"]) == {"unchanged"}  # the preview is refreshed
    with demo_store.sf.begin() as s:
        ravi = s.scalar(select(Person).where(Person.email == "ravi.menon@tandem.example"))
        mei = s.scalar(select(Person).where(Person.email == "mei.tanaka@tandem.example"))
        assert mei.manager_id == ravi.id
    # The same file again: everything unchanged.
    at.button(key="people_import").click().run()
    assert "Import done — created: 0, updated: 0, unchanged: 20, deactivated: 0." in texts(at)


def test_a_broken_file_shows_the_report_and_cannot_be_imported(open_app, demo_store):
    broken = b"email,name,hire date\nnot-an-email,Ana,2020-01-01\nbo@example.com,Bo,01/02/2020\nok@example.com,Ok,\n"
    at = open_app("admin", page="pages/coord_people.py")
    at.file_uploader(key="people_file").set_value(("broken.csv", broken, "text/csv")).run()
    report = at.dataframe[1].value  # the directory, then the report
    assert report["Problem"].tolist() == [
        "“not-an-email” is not a valid e-mail address.",
        "“01/02/2020” is not a date: write it as YYYY-MM-DD, for example 2024-03-31.",
    ]
    assert at.button(key="people_import").disabled
    at.checkbox(key="people_valid_only").check().run()
    at.button(key="people_import").click().run()
    assert "Import done — created: 1, updated: 0, unchanged: 0, deactivated: 0." in texts(at)
    assert person_id(demo_store, "ok@example.com") is not None
    assert person_id(demo_store, "bo@example.com") is None


def test_a_file_that_is_not_a_table_gets_one_clear_error(open_app):
    at = open_app("admin", page="pages/coord_people.py")
    at.file_uploader(key="people_file").set_value(("people.txt", b"", "text/plain")).run()
    assert "The file is empty." in errors(at)
    assert not [b for b in at.button if b.key == "people_import"]


def test_creating_invitation_links_offers_them_for_download(open_app, demo_store):
    to_invite = roster.people_summary(demo_store.sf, viewer(demo_store, "admin")).not_invited
    assert to_invite >= 2  # at least Tomás (never invited) and Aurélie (link expired)
    with demo_store.sf.begin() as s:
        before = s.scalar(select(func.count()).select_from(Invitation))
    at = open_app("admin", page="pages/coord_people.py")
    assert at.radio(key="invite_scope").value == invitations.NOT_YET_INVITED
    at.button(key="invite_issue").click().run()
    assert not at.error, errors(at)
    assert f"{to_invite} invitation links created, valid until" in texts(at)
    assert at.get("download_button")
    with demo_store.sf.begin() as s:
        assert s.scalar(select(func.count()).select_from(Invitation)) == before + to_invite


# --------------------------------------------------------------------------- skills


def test_a_coordinator_adds_renames_merges_and_deletes_skills(open_app, demo_store):
    at = open_app("admin", page="pages/coord_skills.py")
    assert not at.exception
    assert "Public speaking" in at.dataframe[0].value["Skill"].tolist()
    at.text_input(key="skill_new_name").input("Storytelling")
    at.text_input(key="skill_new_category").input("Communication")
    at.button(key="FormSubmitter:skill_add-Add").click().run()
    assert not at.error, errors(at)
    with demo_store.sf.begin() as s:
        story = s.scalar(select(Skill).where(Skill.name == "Storytelling"))
        speaking = s.scalar(select(Skill).where(Skill.name == "Public speaking"))
        assert story.category == "Communication"
    at.text_input(key="skill_new_name").input("storytelling")
    at.button(key="FormSubmitter:skill_add-Add").click().run()
    assert "A skill “Storytelling” already exists in this list." in errors(at)
    assert at.text_input(key="skill_new_name").value == "storytelling"  # kept

    at.selectbox(key="skill_merge_source").set_value(story.id)
    at.selectbox(key="skill_merge_target").set_value(speaking.id)
    at.button(key="FormSubmitter:skill_merge-Merge").click().run()
    assert not at.error, errors(at)
    with demo_store.sf.begin() as s:
        assert s.get_one(Skill, story.id).merged_into_id == speaking.id

    at.selectbox(key="skill_edit_pick").set_value(speaking.id)
    at.text_input(key="skill_edit_name").input("Public speaking and storytelling")
    at.button(key="FormSubmitter:skill_edit-Save").click().run()
    assert not at.error, errors(at)
    with demo_store.sf.begin() as s:
        assert s.get_one(Skill, speaking.id).name == "Public speaking and storytelling"


# --------------------------------------------------------------------------- invitation page


def _signed_out(token: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "Home.py"), default_timeout=30)
    at.session_state["tandem_lang"] = "en"
    if token is not None:
        at.query_params["token"] = token
    at.run()
    at.switch_page("pages/invite.py")
    return at.run()


def _issue(store, email) -> str:
    coord = viewer(store, "coord")
    (issued,) = invitations.issue_invitations(store.sf, coord, [person_id(store, email)])
    return invitations.token_from(issued.link)


def test_an_invited_person_creates_their_account_while_signed_out(demo_store):
    token = _issue(demo_store, "tomas.ortega@tandem.example")
    at = _signed_out(token)
    assert not at.exception
    assert "Welcome, Tomás Ortega! Choose how you will sign in to Tandem." in texts(at)
    at.text_input(key="invite_username").input("tomas")
    at.text_input(key="invite_password").input("tandem-newcomer")
    at.text_input(key="invite_repeat").input("tandem-newcomer")
    at.button(key="FormSubmitter:invite_form-Create my account").click().run()
    assert not at.exception and not at.error, errors(at)
    assert "Your account tomas is ready. You can now sign in." in texts(at)
    assert sign_in(demo_store.sf, "tomas", "tandem-newcomer") is not None
    # The same link again: refused clearly.
    again = _signed_out(token)
    assert "This invitation link was already used." in errors(again)


def test_a_refused_password_keeps_the_form_and_says_why(demo_store):
    token = _issue(demo_store, "tomas.ortega@tandem.example")
    at = _signed_out(token)
    at.text_input(key="invite_username").input("tomas")
    at.text_input(key="invite_password").input("tandem-newcomer")
    at.text_input(key="invite_repeat").input("tandem-newcomr")
    at.button(key="FormSubmitter:invite_form-Create my account").click().run()
    assert "The two passwords differ." in errors(at)
    assert at.text_input(key="invite_username").value == "tomas"


def test_an_expired_link_says_so_on_the_invitation_page(demo_store):
    clock.set_now(clock.now() - dt.timedelta(days=30))
    token = _issue(demo_store, "tomas.ortega@tandem.example")
    clock.set_now(None)
    at = _signed_out(token)
    assert "This invitation link expired on" in errors(at)
    assert at.get("page_link")


def test_without_a_token_the_page_asks_for_the_link(demo_store):
    at = _signed_out(None)
    assert "Open the personal link from your invitation, or paste it here." in texts(at)
    token = _issue(demo_store, "tomas.ortega@tandem.example")
    at.text_input(key="invite_pasted").input(f"http://localhost:8501/invite?token={token}").run()
    assert "Welcome, Tomás Ortega!" in texts(at)


def _active(store) -> int:
    with store.sf.begin() as s:
        return s.scalar(select(func.count(Person.id)).where(Person.is_active.is_(True)))


def test_deactivating_the_missing_asks_for_the_number_and_the_import_can_be_undone(
    open_app, demo_store
):
    before = _active(demo_store)
    at = open_app("admin", page="pages/coord_people.py")
    at.file_uploader(key="people_file").set_value(("sample-people.csv", SAMPLE, "text/csv"))
    at.run()
    at.checkbox(key="people_deactivate_missing").check().run()
    label = at.text_input(key="people_deactivate_confirm").label
    missing = int(label.split()[1])  # "Type N to confirm that N people …"
    assert missing > 0
    at.text_input(key="people_deactivate_confirm").input(str(missing + 1))
    at.button(key="people_import").click().run()
    assert f"Type {missing} to confirm" in " ".join(e.value for e in at.error)
    assert _active(demo_store) == before  # nothing imported, nobody deactivated

    at.text_input(key="people_deactivate_confirm").input(f" {missing} ")
    at.button(key="people_import").click().run()
    assert not at.error, [e.value for e in at.error]
    assert f"deactivated: {missing}." in texts(at)
    after = _active(demo_store)
    assert after < before
    # The next import asks again: nothing of this confirmation is carried over.
    assert at.checkbox(key="people_deactivate_missing").value is False
    assert not [x for x in at.text_input if x.key == "people_deactivate_confirm"]
    assert "Recent deactivations" in texts(at)

    [undo] = [b for b in at.button if b.key.startswith("people_undo_")]
    undo.click().run()
    assert f"Import undone: {missing} people are active again." in texts(at)
    assert _active(demo_store) == after + missing
    assert not [b for b in at.button if b.key.startswith("people_undo_")]


def test_a_long_people_list_is_read_a_page_at_a_time(open_app, demo_store):
    with demo_store.sf.begin() as s:
        for i in range(roster.PAGE_SIZE + 5):
            make_person(s, f"Zz Pager {i:02}")
        everybody = s.scalars(select(Person.full_name).where(Person.erased_at.is_(None))).all()
    at = open_app("admin", page="pages/coord_people.py")
    pages = -(-len(everybody) // roster.PAGE_SIZE)
    assert at.number_input(key="people_page").max == pages and "are shown" in texts(at)
    seen = at.dataframe[0].value["Name"].tolist()
    assert len(seen) == roster.PAGE_SIZE
    for n in range(2, pages + 1):
        at.number_input(key="people_page").set_value(n).run()
        assert not at.exception
        seen += at.dataframe[0].value["Name"].tolist()
    assert sorted(seen) == sorted(everybody)  # each once
    at.text_input(key="people_search").input("Zz Pager 05").run()  # one page: no pager
    assert at.dataframe[0].value["Name"].tolist() == ["Zz Pager 05"]
    assert not [n for n in at.number_input if n.key == "people_page"]
