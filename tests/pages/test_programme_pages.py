"""The programme pages driven as the demo users: coord (French), admin, camille (French), hugo."""

import dataclasses

import pytest
from sqlalchemy import func, select

from core.accounts.auth import viewer_of
from core.kernel.access import can_open
from core.programmes import enrolled, programmes
from db.models import (
    Account,
    Announcement,
    Enrolment,
    EnrolmentSkill,
    Person,
    Programme,
    SelfAssessment,
    Skill,
)
from tests.pages.conftest import texts
from ui.widgets import md_escape

HTML = "<script>alert(1)</script>"
COORD_PAGES = ("coord_programmes", "coord_enrolments", "coord_announcements", "coord_needs")


def viewer(store, username):
    with store.sf.begin() as s:
        account = s.scalar(select(Account).where(Account.username == username))
        return viewer_of(account, s.get_one(Person, account.person_id))


def programme_id(store, name_start):
    with store.sf.begin() as s:
        return s.scalar(select(Programme.id).where(Programme.name.like(f"{name_start}%")))


def skill_ids(store, *names):
    with store.sf.begin() as s:
        rows = dict(s.execute(select(Skill.name, Skill.id).where(Skill.name.in_(names))).all())
    return [rows[n] for n in names]


def errors(at):
    return "\n".join(e.value for e in at.error)


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("page", COORD_PAGES)
def test_a_participant_has_no_coordinator_page(open_app, demo_store, page):
    at = open_app("camille")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(f"pages/{page}.py")
    assert not can_open(viewer(demo_store, "camille"), page)


@pytest.mark.parametrize("username", ["coord", "admin"])
def test_coordinators_and_admins_have_the_programme_pages_but_not_enrol(demo_store, username):
    v = viewer(demo_store, username)
    assert all(can_open(v, page) for page in COORD_PAGES)
    assert not can_open(v, "enrol")


# --------------------------------------------------------------------------- programmes


def test_a_coordinator_creates_a_programme_and_it_opens_selected(open_app, demo_store):
    at = open_app("coord", page="pages/coord_programmes.py")
    at.text_input(key="new_name").input("Pilote hiver")
    at.text_area(key="new_description").input("Un essai.")
    at.button(key="new_submit").click().run()
    assert not at.exception and not at.error
    assert "Programme « Pilote hiver » créé en brouillon." in texts(at)
    pid = programme_id(demo_store, "Pilote hiver")
    assert at.selectbox(key="prog_pick").value == pid
    with demo_store.sf.begin() as s:
        assert s.get_one(Programme, pid).status == "draft"


def test_a_refused_programme_keeps_what_was_typed_and_says_why(open_app, demo_store):
    at = open_app("coord", page="pages/coord_programmes.py")
    at.text_area(key="new_description").input("Ce que j’ai écrit.")
    at.number_input(key="new_kpi_nps").set_value(40)
    at.button(key="new_submit").click().run()
    assert "« Nom » ne peut pas être vide." in errors(at)
    assert at.text_area(key="new_description").value == "Ce que j’ai écrit."
    assert at.number_input(key="new_kpi_nps").value == 40
    at.text_input(key="new_name").input("x" * 50_000)
    at.button(key="new_submit").click().run()
    assert "trop long : 50\u202f000 caractères" in errors(at)
    with demo_store.sf.begin() as s:
        assert s.scalar(select(func.count()).select_from(Programme)) == 3


def test_html_in_a_programme_name_is_stored_as_typed_and_shown_escaped(open_app, demo_store):
    coord = viewer(demo_store, "coord")
    p = programmes.create_programme(demo_store.sf, coord, programmes.ProgrammeForm(name=HTML))
    at = open_app("coord", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(p.id).run()
    assert at.header[0].value == md_escape(HTML)
    assert at.text_input(key=f"p{p.id}_name").value == HTML


def test_saving_a_change_updates_the_programme(open_app, demo_store):
    pid = programme_id(demo_store, "Peer mentoring — Spring")
    at = open_app("coord", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(pid).run()
    at.number_input(key=f"p{pid}_circle_size").set_value(5)
    at.button(key=f"p{pid}_submit").click().run()
    assert "Programme enregistré." in texts(at)
    with demo_store.sf.begin() as s:
        assert s.get_one(Programme, pid).circle_size == 5


def test_a_save_after_another_coordinator_saved_gets_a_conflict_and_a_reload(open_app, demo_store):
    pid = programme_id(demo_store, "Peer mentoring — Spring")
    at = open_app("coord", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(pid).run()
    # Meanwhile the admin saves the same programme.
    admin = viewer(demo_store, "admin")
    current = programmes.get_programme(demo_store.sf, admin, pid)
    form = dataclasses.replace(programmes.ProgrammeForm.of(current), session_minutes=45)
    programmes.update_programme(demo_store.sf, admin, pid, form, expected_version=current.version)
    at.text_input(key=f"p{pid}_name").input("Mon nom")
    at.button(key=f"p{pid}_submit").click().run()
    assert "modifié entre-temps par quelqu’un d’autre" in errors(at)
    assert at.text_input(key=f"p{pid}_name").value == "Mon nom"  # nothing lost
    at.button(key=f"reload_{pid}").click().run()
    assert at.number_input(key=f"p{pid}_minutes").value == 45
    at.button(key=f"p{pid}_submit").click().run()
    assert "Programme enregistré." in texts(at)


def test_a_refused_transition_shows_its_reasons(open_app, demo_store):
    pid = programme_id(demo_store, "Onboarding buddies")
    at = open_app("coord", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(pid).run()
    at.button(key=f"to_{pid}_enrolment").click().run()
    assert "Fixez la période d’inscription avant d’ouvrir les inscriptions." in errors(at)
    assert "Rédigez la charte de confidentialité" in errors(at)
    with demo_store.sf.begin() as s:
        assert s.get_one(Programme, pid).status == "draft"


def test_each_reason_of_a_refusal_keeps_its_own_line(open_app, demo_store):
    pid = programme_id(demo_store, "Onboarding buddies")
    at = open_app("coord", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(pid).run()
    at.button(key=f"to_{pid}_enrolment").click().run()
    (shown,) = [e.value for e in at.error]
    assert "  \n" in shown and "\n" not in shown.replace("  \n", "")  # a Markdown line break each


def test_closing_a_running_programme_from_the_state_tab(open_app, demo_store):
    pid = programme_id(demo_store, "Peer mentoring — Autumn")
    at = open_app("admin", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(pid).run()
    at.button(key=f"to_{pid}_closed").click().run()
    assert "The programme is now “Closed”." in texts(at)
    assert not any(b.key == f"to_{pid}_closed" for b in at.button)


def test_duplicating_opens_the_next_cycle_as_a_draft(open_app, demo_store):
    pid = programme_id(demo_store, "Peer mentoring — Autumn")
    at = open_app("coord", page="pages/coord_programmes.py")
    at.selectbox(key="prog_pick").set_value(pid).run()
    at.button(key=f"dup_submit_{pid}").click().run()
    copy = programme_id(demo_store, "Peer mentoring — Autumn 2026 (cycle suivant)")
    assert copy and at.selectbox(key="prog_pick").value == copy
    with demo_store.sf.begin() as s:
        assert s.get_one(Programme, copy).status == "draft"


# --------------------------------------------------------------------------- enrolments


def test_the_enrolment_list_shows_who_joined_and_filters_by_status(open_app, demo_store):
    at = open_app("coord", page="pages/coord_enrolments.py")
    table = at.dataframe[0].value
    assert len(table) == 40 and "Hugo Bernard" in set(table["Nom"])
    at.selectbox(key="enr_status").set_value("withdrawn").run()
    assert len(at.dataframe[0].value) == 2
    at.selectbox(key="enr_status").set_value("enrolled").run()
    at.text_input(key="enr_search").input("hugo").run()
    assert list(at.dataframe[0].value["Nom"]) == ["Hugo Bernard"]


def test_a_long_enrolment_list_comes_a_page_at_a_time(open_app, demo_store, monkeypatch):
    monkeypatch.setattr(enrolled, "PAGE_SIZE", 15)  # the demo's 40 enrolled: three pages
    at = open_app("coord", page="pages/coord_enrolments.py")
    assert len(at.dataframe[0].value) == 15
    assert "40 personnes correspondent ; 1 à 15 sont affichées." in texts(at)
    at.number_input(key="enr_page").set_value(3).run()
    assert len(at.dataframe[0].value) == 10
    assert "40 personnes correspondent ; 31 à 40 sont affichées." in texts(at)
    assert len(at.selectbox(key="enr_person").options) == 10  # the profile: someone of the page
    # A filter that leaves one page removes the pager and shows its people from the first.
    at.text_input(key="enr_search").input("hugo").run()
    assert list(at.dataframe[0].value["Nom"]) == ["Hugo Bernard"]
    assert not [n for n in at.number_input if n.key == "enr_page"]


# --------------------------------------------------------------------------- announcements


def test_a_published_announcement_reaches_the_participants_home(open_app, demo_store):
    at = open_app("coord", page="pages/coord_announcements.py")
    at.text_input(key="ann_title").input("Réunion d’information")
    at.text_area(key="ann_body").input("Jeudi à 12 h, salle Lumière.")
    at.button(key="ann_submit").click().run()
    assert "Annonce publiée sur l’accueil." in texts(at)
    assert at.text_input(key="ann_title").value == ""  # cleared only after success
    home = open_app("camille")
    assert "Réunion d’information" in texts(home)


def test_an_announcement_with_html_or_too_long_is_handled(open_app, demo_store):
    at = open_app("coord", page="pages/coord_announcements.py")
    at.text_input(key="ann_title").input("Titre")
    at.text_area(key="ann_body").input("x" * 50_000)
    at.button(key="ann_submit").click().run()
    assert "« Message » est trop long" in errors(at)
    assert at.text_input(key="ann_title").value == "Titre"
    at.text_area(key="ann_body").input(HTML)
    at.button(key="ann_submit").click().run()
    with demo_store.sf.begin() as s:
        assert s.scalar(select(Announcement.body).where(Announcement.title == "Titre")) == HTML
    assert HTML in [el.value for el in at.text]  # shown literally, as plain text


def test_unpublishing_from_the_list(open_app, demo_store):
    with demo_store.sf.begin() as s:
        a = s.scalar(select(Announcement).where(Announcement.title == "Welcome to Tandem"))
        aid = a.id
    at = open_app("coord", page="pages/coord_announcements.py")
    at.button(key=f"ann_toggle_{aid}").click().run()
    with demo_store.sf.begin() as s:
        assert s.get_one(Announcement, aid).published_at is None
    assert "Welcome to Tandem" not in texts(open_app("hugo"))


def test_the_invitation_and_the_poster_are_offered_for_a_programme(open_app, demo_store):
    pid = programme_id(demo_store, "Peer mentoring — Spring")
    at = open_app("coord", page="pages/coord_announcements.py")
    assert at.selectbox(key="ann_invite_programme").value == pid  # the open one first
    assert f"/enrol?programme={pid}" in at.code[0].value
    assert at.code[0].value.startswith("Rejoignez Peer mentoring — Spring 2027")
    assert len(at.get("download_button")) == 1
    at.text_area(key=f"ann_pitch_{pid}").input("x" * 501).run()
    assert "« Accroche » est trop long" in errors(at)


# --------------------------------------------------------------------------- training needs


def test_the_needs_heatmap_and_who_wants_a_skill(open_app, demo_store):
    at = open_app("coord", page="pages/coord_needs.py")
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    sql = skill_ids(demo_store, "SQL")[0]
    at.selectbox(key="tna_skill").set_value(sql).run()
    shown = texts(at)
    assert "la souhaitent" in shown or "la souhaite" in shown
    with demo_store.sf.begin() as s:
        wanting = s.scalar(
            select(func.count())
            .select_from(EnrolmentSkill)
            .join(Enrolment, Enrolment.id == EnrolmentSkill.enrolment_id)
            .join(Programme, Programme.id == Enrolment.programme_id)
            .where(
                EnrolmentSkill.skill_id == sql,
                EnrolmentSkill.kind == "wanted",
                Enrolment.status == "enrolled",
                Programme.name.like("Peer mentoring — Spring%"),
            )
        )
    assert wanting and len(at.dataframe[1].value) == wanting  # [0]: the grid as a table
    department = at.selectbox(key="tna_department")
    assert department.options and department.value is None
    department.set_value(department.options[0]).run()
    assert not at.exception
    assert set(at.dataframe[1].value["Service"]) == {department.options[0]}


def test_the_needs_heatmap_names_every_row_and_column_and_marks_hidden_cells_with_a_dot(open_app):
    import json

    at = open_app("coord", page="pages/coord_needs.py")
    [chart] = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    axes = [layer["encoding"][c]["axis"] for layer in spec["layer"] for c in ("x", "y")]
    assert axes and all(a.get("labelOverlap") is False for a in axes)  # no label dropped
    marks = [
        layer["encoding"]["text"]["field"]
        for layer in spec["layer"]
        if "text" in layer.get("encoding", {})
    ]
    assert marks == ["mark"]  # a dot, not the word "hidden", which overlapped at phone width


def test_the_needs_page_opens_for_an_admin(open_app):
    at = open_app("admin", page="pages/coord_needs.py")
    assert "Training needs" in texts(at) and not at.exception


# --------------------------------------------------------------------------- enrol


def test_camille_enrols_in_the_open_programme(open_app, demo_store):
    pid = programme_id(demo_store, "Peer mentoring — Spring")
    at = open_app("camille", page="pages/enrol.py")
    assert at.radio(key="enrol_pick").value == pid
    offered, wanted = skill_ids(demo_store, "Writing", "SQL")
    at.multiselect(key=f"en{pid}_offered").set_value([offered])
    at.multiselect(key=f"en{pid}_wanted").set_value([wanted])
    at.multiselect(key=f"en{pid}_availability").set_value(["tue-pm"])
    at.select_slider(key=f"en{pid}_sa_empathy").set_value(5)
    at.text_area(key=f"en{pid}_motivation").input(HTML)
    at.button(key=f"en{pid}_submit").click().run()
    assert "Acceptez la charte de confidentialité pour vous inscrire." in errors(at)
    assert at.multiselect(key=f"en{pid}_offered").value == [offered]  # nothing lost
    at.checkbox(key=f"en{pid}_charter").check()
    at.button(key=f"en{pid}_submit").click().run()
    assert "Vous êtes inscrit à Peer mentoring — Spring 2027." in texts(at)
    with demo_store.sf.begin() as s:
        e = s.scalar(
            select(Enrolment).where(
                Enrolment.programme_id == pid,
                Enrolment.person_id == viewer(demo_store, "camille").person_id,
            )
        )
        assert e.status == "enrolled" and e.motivation == HTML and e.languages == ["fr"]
        scores = dict(
            s.execute(
                select(SelfAssessment.skill, SelfAssessment.score).where(
                    SelfAssessment.enrolment_id == e.id
                )
            ).all()
        )
    assert len(scores) == 7 and scores["empathy"] == 5
    # The form is now an edit form, and the motivation shows as typed in its box.
    assert at.text_area(key=f"en{pid}_motivation").value == HTML


def test_after_enrolling_the_programme_stays_chosen_under_its_new_label(open_app, demo_store):
    """The browser keeps a radio choice by its label, which gains "you are enrolled": the
    page must send the pick again, or the browser shows nothing selected."""
    pid = programme_id(demo_store, "Peer mentoring — Spring")
    at = open_app("camille", page="pages/enrol.py")
    offered, wanted = skill_ids(demo_store, "Writing", "SQL")
    at.multiselect(key=f"en{pid}_offered").set_value([offered])
    at.multiselect(key=f"en{pid}_wanted").set_value([wanted])
    at.multiselect(key=f"en{pid}_availability").set_value(["tue-pm"])
    at.checkbox(key=f"en{pid}_charter").check()
    at.button(key=f"en{pid}_submit").click().run()
    pick = at.radio(key="enrol_pick")
    shown = pick.options[pick.index]
    assert pick.value == pid and "vous êtes inscrit" in shown
    assert pick.proto.set_value and pick.proto.raw_value == shown


def test_a_motivation_of_50000_characters_is_refused_without_losing_the_form(open_app, demo_store):
    pid = programme_id(demo_store, "Peer mentoring — Spring")
    at = open_app("camille", page="pages/enrol.py")
    at.text_area(key=f"en{pid}_motivation").input("x" * 50_000)
    at.button(key=f"en{pid}_submit").click().run()
    assert "« Motivation » est trop long : 50\u202f000 caractères, 2\u202f000 au plus." in errors(
        at
    )
    assert "Choisissez au moins une compétence que vous pouvez offrir." in errors(at)
    assert len(at.text_area(key=f"en{pid}_motivation").value) == 50_000


def test_the_link_preselects_a_programme_and_a_draft_is_not_found(open_app, demo_store):
    autumn = programme_id(demo_store, "Peer mentoring — Autumn")
    draft = programme_id(demo_store, "Onboarding buddies")
    at = open_app("camille")
    at.query_params["programme"] = str(autumn)
    at.switch_page("pages/enrol.py").run()
    assert at.radio(key="enrol_pick").value == autumn
    assert "Les inscriptions sont closes : le programme a commencé." in texts(at)
    at = open_app("camille")
    at.query_params["programme"] = str(draft)
    at.switch_page("pages/enrol.py").run()
    assert "Ce programme n’existe pas ou n’est pas ouvert aux participants." in texts(at)


def test_hugo_edits_his_answers_then_withdraws(open_app, demo_store):
    pid = programme_id(demo_store, "Peer mentoring — Spring")
    at = open_app("hugo", page="pages/enrol.py")
    assert at.radio(key="enrol_pick").value == pid
    assert "You are enrolled since" in texts(at)
    at.multiselect(key=f"en{pid}_availability").set_value(["fri-am"])
    at.button(key=f"en{pid}_submit").click().run()
    assert "Your answers are saved." in texts(at)
    at.checkbox(key=f"en{pid}_withdraw_sure").check().run()
    at.button(key=f"en{pid}_withdraw").click().run()
    assert "You withdrew from Peer mentoring — Spring 2027." in texts(at)
    with demo_store.sf.begin() as s:
        e = s.scalar(
            select(Enrolment).where(
                Enrolment.programme_id == pid,
                Enrolment.person_id == viewer(demo_store, "hugo").person_id,
            )
        )
        assert (e.status, e.availability) == ("withdrawn", ["fri-am"])


def test_the_needs_page_says_so_when_nobody_named_a_skill(open_app, demo_store):
    """A company that starts without a skill list (the 10 000-person company did): no grid,
    a sentence — it used to end in a KeyError on the empty table."""
    with demo_store.sf.begin() as s:
        s.execute(EnrolmentSkill.__table__.delete())
        s.execute(Skill.__table__.update().values(merged_into_id=None))
        s.execute(Skill.__table__.delete())
    at = open_app("admin", page="pages/coord_needs.py")
    assert not at.exception
    assert "Nobody enrolled in this programme has named a skill yet" in texts(at)
