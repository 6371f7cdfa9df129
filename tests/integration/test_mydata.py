"""My data: the export holds mine and nothing private of others; erasure follows DESIGN.md."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.accounts import auth
from core.growth import feedback as fb
from core.growth import feedback_reads as fb_reads
from core.kernel import audit, clock
from core.kernel.access import Viewer
from core.kernel.errors import Conflict, InvalidInput, NotAllowed
from core.privacy import mydata
from db.models import (
    Account,
    ActionItem,
    AuditLog,
    Concern,
    Enrolment,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
    Match,
    Meeting,
    Person,
    Resource,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from tests.builders import (
    PASSWORD,
    enrol,
    make_match,
    make_participant,
    make_person,
    make_programme,
    make_user,
)

NOW = dt.datetime(2026, 11, 20, 10, 0)


@dataclass
class World:
    me: Viewer
    peer: Viewer
    stranger: Viewer
    match_id: int
    programme_id: int


def _journal(s, author: int, match_id: int, text: str, status: str = "final") -> JournalEntry:
    entry = JournalEntry(
        author_id=author,
        match_id=match_id,
        status=status,
        discussed=text,
        created_at=NOW,
        updated_at=NOW,
    )
    s.add(entry)
    s.flush()
    return entry


@pytest.fixture
def world(sf) -> World:
    clock.set_now(NOW)
    with sf.begin() as s:
        boss = make_person(s, "Big Boss")
    me = make_participant(
        sf, "camille", location="Paris", manager_id=boss.id, department="Marketing"
    )
    peer = make_participant(sf, "hugo")
    stranger = make_participant(sf, "omar")
    assert auth.sign_in(sf, "camille", PASSWORD) is not None  # an audit line about me
    with sf.begin() as s:
        programme = make_programme(s)
        enrol(s, programme, me.person_id, motivation="MY-MOTIVATION", availability=["tue-pm"])
        enrol(s, programme, peer.person_id, motivation="PEER-MOTIVATION")
        match = make_match(s, programme, [me.person_id, peer.person_id])
        match.explanation = [{"code": "gives", "giver": "Camille", "taker": "Hugo"}]
        other = make_match(s, programme, [stranger.person_id, make_person(s).id])

        goal = Goal(
            owner_id=me.person_id,
            title="MY-GOAL",
            visibility="private",
            created_at=NOW,
            updated_at=NOW,
        )
        goal.steps = [GoalStep(position=0, title="MY-STEP")]
        s.add(goal)
        peer_goal = Goal(
            owner_id=peer.person_id,
            title="PEER-PRIVATE-GOAL",
            visibility="private",
            created_at=NOW,
            updated_at=NOW,
        )
        peer_shared = Goal(
            owner_id=peer.person_id,
            title="PEER-SHARED-GOAL",
            visibility="shared",
            created_at=NOW,
            updated_at=NOW,
        )
        s.add_all([peer_goal, peer_shared])
        s.flush()
        s.add(
            GoalComment(
                goal_id=peer_shared.id, author_id=me.person_id, body="MY-COMMENT", created_at=NOW
            )
        )
        s.add(
            GoalComment(
                goal_id=goal.id,
                author_id=peer.person_id,
                body="PEER-COMMENT-ON-MY-GOAL",
                created_at=NOW,
            )
        )

        mine = _journal(s, me.person_id, match.id, "MY-JOURNAL")
        _journal(s, me.person_id, match.id, "MY-DRAFT", status="draft")
        _journal(s, peer.person_id, match.id, "PEER-PRIVATE-JOURNAL")
        s.add_all(
            [
                ActionItem(
                    match_id=match.id,
                    journal_entry_id=mine.id,
                    owner_id=me.person_id,
                    created_by_id=me.person_id,
                    title="MY-ACTION",
                    created_at=NOW,
                ),
                ActionItem(
                    match_id=match.id,
                    journal_entry_id=mine.id,
                    owner_id=peer.person_id,
                    created_by_id=me.person_id,
                    title="ACTION-FOR-PEER",
                    created_at=NOW,
                ),
                ActionItem(
                    match_id=match.id,
                    owner_id=peer.person_id,
                    created_by_id=peer.person_id,
                    title="PEER-OWN-ACTION",
                    created_at=NOW,
                ),
                Meeting(
                    match_id=match.id,
                    scheduled_at=NOW,
                    status="held",
                    agenda="SHARED-AGENDA",
                    notes='=HYPERLINK("http://x")',
                    created_by_id=me.person_id,
                    created_at=NOW,
                    updated_at=NOW,
                ),
                Meeting(
                    match_id=other.id,
                    scheduled_at=NOW,
                    agenda="STRANGER-AGENDA",
                    created_at=NOW,
                    updated_at=NOW,
                ),
                Resource(
                    match_id=match.id, added_by_id=me.person_id, title="SHARED-BOOK", created_at=NOW
                ),
                Concern(
                    programme_id=programme.id,
                    match_id=match.id,
                    raised_by_id=me.person_id,
                    body="MY-CONCERN",
                    created_at=NOW,
                ),
            ]
        )
        survey = Survey(programme_id=programme.id, title="Pulse", opens_at=NOW, created_at=NOW)
        survey.questions = [
            SurveyQuestion(position=0, code="satisfaction", kind="scale5"),
            SurveyQuestion(position=1, code="free", kind="text"),
        ]
        s.add(survey)
        s.flush()
        response = SurveyResponse(
            survey_id=survey.id, person_id=me.person_id, department="Marketing", submitted_at=NOW
        )
        s.add(response)
        s.flush()
        s.add_all(
            [
                SurveyAnswer(
                    response_id=response.id, question_id=survey.questions[0].id, value_int=4
                ),
                SurveyAnswer(
                    response_id=response.id,
                    question_id=survey.questions[1].id,
                    value_text="MY-SURVEY-TEXT",
                ),
            ]
        )
        match_id, programme_id = match.id, programme.id

    asked = fb.ask_feedback(sf, me, peer.person_id, "MY-REQUEST")
    fb.answer_request(sf, peer, asked.id, fb.STRUCTURED, worked="FEEDBACK-TO-ME", improve="x")
    fb.give_feedback(sf, me, peer.person_id, fb.STRUCTURED, worked="FEEDBACK-FROM-ME", improve="y")
    peer_asks = fb.ask_feedback(sf, peer, me.person_id, "PEER-REQUEST")
    assert peer_asks.status == fb.OPEN
    return World(me, peer, stranger, match_id, programme_id)


def _unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name).decode("utf-8-sig") for name in zf.namelist()}


# --------------------------------------------------------------------------- export


def test_the_export_is_a_zip_of_one_json_document_and_one_csv_per_kind(sf, world):
    export = mydata.export_my_data(sf, world.me)
    files = _unzip(export.data)
    assert export.filename == "tandem-my-data-2026-11-20.zip"
    assert {
        "my-data.json",
        "profile.csv",
        "enrolments.csv",
        "goals.csv",
        "goal_steps.csv",
        "journal.csv",
        "action_items.csv",
        "meetings.csv",
        "feedback.csv",
        "feedback_requests.csv",
        "resources.csv",
        "survey_answers.csv",
        "concerns.csv",
        "audit.csv",
    } <= set(files)
    doc = json.loads(files["my-data.json"])
    assert doc["profile"]["full_name"] == "Camille"
    assert doc["profile"]["email"].endswith("@example.com")
    assert (doc["profile"]["location"], doc["profile"]["username"]) == ("Paris", "camille")
    assert doc["profile"]["manager"] == "Big Boss"
    assert [g["title"] for g in doc["goals"]] == ["MY-GOAL"]
    assert doc["goals"][0]["steps"][0]["title"] == "MY-STEP"
    assert sorted(j["discussed"] for j in doc["journal"]) == ["MY-DRAFT", "MY-JOURNAL"]
    assert sorted(i["title"] for i in doc["action_items"]) == ["ACTION-FOR-PEER", "MY-ACTION"]
    assert {f["direction"]: f["worked"] for f in doc["feedback"]} == {
        "received": "FEEDBACK-TO-ME",
        "given": "FEEDBACK-FROM-ME",
    }
    assert doc["enrolments"][0]["motivation"] == "MY-MOTIVATION"
    assert [a["text"] for a in doc["survey_answers"]] == [None, "MY-SURVEY-TEXT"]
    assert [c["body"] for c in doc["concerns"]] == ["MY-CONCERN"]
    assert [m["agenda"] for m in doc["meetings"]] == ["SHARED-AGENDA"]
    assert {line["action"] for line in doc["audit"]} >= {"login"}
    rows = list(csv.DictReader(io.StringIO(files["journal.csv"])))
    assert sorted(r["discussed"] for r in rows) == ["MY-DRAFT", "MY-JOURNAL"]
    assert export.counts["goals"] == 1


def test_the_export_holds_nothing_of_others_private_text(sf, world):
    everything = "\n".join(_unzip(mydata.export_my_data(sf, world.me).data).values())
    for secret in (
        "PEER-PRIVATE-JOURNAL",
        "PEER-PRIVATE-GOAL",
        "PEER-MOTIVATION",
        "PEER-OWN-ACTION",
        "STRANGER-AGENDA",
        "password_hash",
        "$2b$",
    ):
        assert secret not in everything, secret
    assert "PEER-COMMENT-ON-MY-GOAL" in everything  # a comment on my goal is about me


def test_a_spreadsheet_formula_in_a_csv_cell_is_neutralised_but_the_json_keeps_it(sf, world):
    files = _unzip(mydata.export_my_data(sf, world.me).data)
    [row] = list(csv.DictReader(io.StringIO(files["meetings.csv"])))
    assert row["notes"] == '\'=HYPERLINK("http://x")'
    assert json.loads(files["my-data.json"])["meetings"][0]["notes"] == '=HYPERLINK("http://x")'


def test_the_export_is_written_in_the_audit_log(sf, world):
    mydata.export_my_data(sf, world.me)
    with sf.begin() as s:
        assert s.scalar(select(func.count()).where(AuditLog.action == "data_exported")) == 1
    assert "data_exported" in audit.ACTIONS and "data_erased" in audit.ACTIONS


# --------------------------------------------------------------------------- erasure


def _count(s, model, *where) -> int:
    return s.scalar(select(func.count()).select_from(model).where(*where)) or 0


@pytest.mark.parametrize("word", ["", "yes", "ERASED", "delete"])
def test_a_wrong_confirmation_word_erases_nothing(sf, world, word):
    with pytest.raises(InvalidInput, match="ERASE"):
        mydata.erase_my_data(sf, world.me, word)
    with sf.begin() as s:
        assert s.get_one(Person, world.me.person_id).erased_at is None
        assert _count(s, JournalEntry, JournalEntry.author_id == world.me.person_id) == 2
    assert auth.sign_in(sf, "camille", PASSWORD) is not None


def test_erasure_deletes_my_private_writing_and_received_feedback(sf, world):
    mydata.erase_my_data(sf, world.me, "erase")
    me = world.me.person_id
    with sf.begin() as s:
        assert _count(s, Goal, Goal.owner_id == me) == 0
        assert _count(s, GoalStep) == 0  # only my goal had steps
        assert _count(s, JournalEntry, JournalEntry.author_id == me) == 0
        assert _count(s, ActionItem, ActionItem.owner_id == me) == 0
        assert _count(s, Feedback, Feedback.recipient_id == me) == 0
        # Topics are encrypted at rest: compared in Python, not in SQL.
        assert sum(r.topic == "MY-REQUEST" for r in s.scalars(select(FeedbackRequest))) == 0
        assert (
            s.scalar(select(SurveyAnswer.value_text).where(SurveyAnswer.value_text.is_not(None)))
            is None
        )
        assert (
            s.scalar(select(SurveyAnswer.value_int).where(SurveyAnswer.value_int.is_not(None))) == 4
        )
        assert s.scalar(select(SurveyResponse.person_id)) is None
        assert s.scalar(select(SurveyResponse.department)) == "Marketing"
        enrolment = s.scalars(select(Enrolment).where(Enrolment.person_id == me)).one()
        assert (enrolment.motivation, enrolment.availability, enrolment.status) == (
            "",
            [],
            "withdrawn",
        )


def test_erasure_keeps_what_i_gave_with_its_recipient_signed_a_former_participant(sf, world):
    mydata.erase_my_data(sf, world.me, "ERASE")
    [kept] = fb_reads.received_page(sf, world.peer).items
    assert (kept.worked, kept.giver_id, kept.giver_name) == (
        "FEEDBACK-FROM-ME",
        None,
        "a former participant",
    )
    [closed] = fb_reads.settled_requests(sf, world.peer).items or [None]
    assert closed is None  # the peer's request to me is theirs: see my_requests
    [theirs] = fb_reads.my_requests(sf, world.peer).items
    assert (theirs.status, theirs.giver_name) == (fb.CLOSED, "a former participant")
    with sf.begin() as s:
        comments = s.scalars(select(GoalComment)).all()  # bodies are encrypted: no SQL "="
        assert next((c.author_id for c in comments if c.body == "MY-COMMENT"), None) is None
        assert s.scalar(select(Resource.added_by_id)) is None
        assert s.scalar(select(Concern.body)) == "MY-CONCERN"
        peer = world.peer.person_id
        assert _count(s, JournalEntry, JournalEntry.author_id == peer) == 1
        assert _count(s, Goal, Goal.owner_id == peer) == 2
        assert _count(s, ActionItem, ActionItem.owner_id == peer) == 2


def test_erasure_anonymises_my_profile_but_keeps_what_statistics_count(sf, world):
    mydata.erase_my_data(sf, world.me, "ERASE")
    with sf.begin() as s:
        person = s.get_one(Person, world.me.person_id)
        assert person.full_name == "Former participant"
        assert person.email == f"erased-{person.id}@erased.invalid"
        assert (person.manager_id, person.location, person.directory_opt_in) == (None, None, False)
        assert (person.department, person.level) == ("Marketing", "L3")
        assert person.erased_at == NOW
        match = s.get_one(Match, world.match_id)
        assert match.status == "ended"  # nobody is left to meet the peer
        assert "Camille" not in json.dumps(match.explanation)


def test_after_erasure_the_account_is_closed_and_signing_in_fails(sf, world):
    mydata.erase_my_data(sf, world.me, "ERASE")
    assert auth.sign_in(sf, "camille", PASSWORD) is None
    assert auth.resume_session(sf, "camille", NOW - dt.timedelta(hours=1)) is None
    with sf.begin() as s:
        account = s.get_one(Account, world.me.account_id)
        assert account.password_hash is None and not account.is_active
        assert account.sessions_revoked_before == NOW
        [line] = s.scalars(select(AuditLog).where(AuditLog.action == "data_erased")).all()
        assert line.detail == {} and line.target is None
        # Older lines name the account by its new pseudonym; only the failed try above is "camille".
        named = s.scalars(select(AuditLog.action).where(AuditLog.actor_username == "camille"))
        assert list(named) == ["login_failed"]
        assert _count(s, AuditLog, AuditLog.actor_username == account.username) >= 2
    assert auth.resume_session(sf, account.username, NOW) is None


def test_erasing_twice_says_it_is_already_done(sf, world):
    mydata.erase_my_data(sf, world.me, "ERASE")
    with pytest.raises(Conflict, match="already erased"):
        mydata.erase_my_data(sf, world.me, "ERASE")


def test_the_french_confirmation_word_works_in_french(sf, world):
    from core.kernel import i18n

    i18n.set_language("fr")
    try:
        assert mydata.confirmation_word() == "EFFACER"
        mydata.erase_my_data(sf, world.me, "effacer")
    finally:
        i18n.set_language("en")
    assert auth.sign_in(sf, "camille", PASSWORD) is None


@pytest.mark.parametrize("roles", [("coordinator", "participant"), ("admin", "participant")])
def test_staff_accounts_cannot_erase_themselves_here(sf, world, roles):
    staff = make_user(sf, "staff", roles)
    with pytest.raises(NotAllowed):
        mydata.erase_my_data(sf, staff, "ERASE")
