"""My data: download everything Tandem holds about me, or erase it (DESIGN.md, "Erasure").

Export: one zip with ``my-data.json`` (one document) and one CSV per kind. It
holds what is mine or about me, and what my pair shares with me (meetings'
agendas and notes, shared resources); never a peer's private text.

Erasure, self-service only, after typing a confirmation word:

* deleted — my goals (steps, comments on them), journal entries (final and
  drafts), action items I own, feedback I received and the requests I made,
  survey free text, my enrolments' motivation and availability, my agreement
  expectations;
* kept with its recipient, unsigned — feedback I gave ("a former participant"),
  comments I wrote on a peer's goal, resources and meetings I added, concerns I
  sent to the coordinator;
* kept, anonymous, for statistics — my person row (department and level only),
  enrolments (withdrawn), matches (a live pair is ended), numeric survey answers;
* my account is deactivated, its password hash removed, its sessions revoked and
  its username replaced, so signing in fails; one audit line "data erased".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.growth.feedback import CLOSED, OPEN
from core.kernel import audit, clock
from core.kernel.access import COORDINATOR, Viewer
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, t
from db.models import LIVE_MATCH_STATUSES as LIVE_STATUSES
from db.models import (
    Account,
    ActionItem,
    Agreement,
    AgreementMember,
    AuditLog,
    Concern,
    Enrolment,
    EnrolmentSkill,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    Invitation,
    JournalEntry,
    LoginThrottle,
    Match,
    MatchMember,
    Meeting,
    Person,
    Programme,
    Resource,
    SelfAssessment,
    Skill,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)

FORMAT = "tandem-my-data/1"
ERASE_WORD = N_("ERASE")
FORMER_NAME = "Former participant"  # stored; pages show it as it is
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    counts: dict[str, int]  # kind → number of rows, to show what the zip holds


# --------------------------------------------------------------------------- export


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _row(obj: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {c: _iso(getattr(obj, c)) for c in columns}


def _names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(
        s.execute(select(Person.id, Person.full_name).where(Person.id.in_(wanted))).tuples().all()
    )


def collect(s: Session, person_id: int, account_id: int | None) -> dict[str, Any]:
    """Everything about ``person_id`` as plain JSON-able data (never commits)."""
    person = s.get_one(Person, person_id)
    account = s.get(Account, account_id) if account_id else None
    me = person_id
    doc: dict[str, Any] = {"format": FORMAT, "exported_at": _iso(clock.now())}

    manager = s.get(Person, person.manager_id) if person.manager_id else None
    profile = _row(
        person,
        (
            "full_name",
            "email",
            "department",
            "level",
            "job_title",
            "location",
            "hire_date",
            "leave_date",
            "language",
            "directory_opt_in",
            "created_at",
            "updated_at",
        ),
    )
    profile["manager"] = manager.full_name if manager else None
    if account is not None:
        profile.update(
            username=account.username,
            account_language=account.language,
            roles=sorted(r.role for r in account.roles),
            account_created_at=_iso(account.created_at),
            last_login_at=_iso(account.last_login_at),
            password_changed_at=_iso(account.password_changed_at),
        )
    doc["profile"] = profile

    # Enrolments, with skills and self-assessments.
    programmes = dict(s.execute(select(Programme.id, Programme.name)).tuples().all())
    skill_names = dict(s.execute(select(Skill.id, Skill.name)).tuples().all())
    enrolments = []
    for e in s.scalars(select(Enrolment).where(Enrolment.person_id == me).order_by(Enrolment.id)):
        skills = s.execute(
            select(EnrolmentSkill.kind, EnrolmentSkill.skill_id).where(
                EnrolmentSkill.enrolment_id == e.id
            )
        ).all()
        row = _row(
            e,
            (
                "id",
                "status",
                "role",
                "mentor_capacity",
                "goal_themes",
                "availability",
                "work_mode",
                "languages",
                "motivation",
                "charter_accepted_at",
                "created_at",
                "updated_at",
                "withdrawn_at",
            ),
        )
        row["programme"] = programmes.get(e.programme_id)
        row["skills_offered"] = sorted(skill_names[i] for k, i in skills if k == "offered")
        row["skills_wanted"] = sorted(skill_names[i] for k, i in skills if k == "wanted")
        row["self_assessment"] = [
            _row(a, ("phase", "skill", "score", "at"))
            for a in s.scalars(
                select(SelfAssessment)
                .where(SelfAssessment.enrolment_id == e.id)
                .order_by(SelfAssessment.id)
            )
        ]
        enrolments.append(row)
    doc["enrolments"] = enrolments

    # Matches I am (or was) in: who my peers were and why we were matched.
    my_match_ids = list(s.scalars(select(MatchMember.match_id).where(MatchMember.person_id == me)))
    matches = list(s.scalars(select(Match).where(Match.id.in_(my_match_ids)).order_by(Match.id)))
    member_names = _names(s, [mm.person_id for m in matches for mm in m.members])
    doc["matches"] = []
    for m in matches:
        mine = next(mm for mm in m.members if mm.person_id == me)
        row = _row(
            m,
            ("id", "status", "kind", "created_at", "published_at", "started_at", "ended_at"),
        )
        row.update(
            programme=programmes.get(m.programme_id),
            my_role=mine.role,
            my_response=mine.response,
            peers=[member_names.get(mm.person_id) for mm in m.members if mm.person_id != me],
            explanation=m.explanation,
        )
        doc["matches"].append(row)
    doc["agreements"] = [
        {
            "match_id": ag.match_id,
            "cadence_days": ag.cadence_days,
            "meeting_format": ag.meeting_format,
            "length_minutes": ag.length_minutes,
            "my_expectations": am.expectations,
            "confirmed_at": _iso(am.confirmed_at),
        }
        for ag, am in s.execute(
            select(Agreement, AgreementMember)
            .join(AgreementMember, AgreementMember.agreement_id == Agreement.id)
            .where(AgreementMember.person_id == me)
            .order_by(Agreement.id)
        )
    ]

    # Goals with their steps and the comments on them; comments I wrote elsewhere.
    goals = []
    for g in s.scalars(select(Goal).where(Goal.owner_id == me).order_by(Goal.id)):
        row = _row(
            g,
            (
                "id",
                "title",
                "outcome",
                "category",
                "target_date",
                "status",
                "visibility",
                "manual_progress",
                "created_at",
                "updated_at",
                "achieved_at",
            ),
        )
        row["steps"] = [_row(st, ("position", "title", "due_date", "done_at")) for st in g.steps]
        comments = list(
            s.scalars(
                select(GoalComment).where(GoalComment.goal_id == g.id).order_by(GoalComment.id)
            )
        )
        authors = _names(s, [c.author_id for c in comments])
        row["comments"] = [
            {
                "author": authors.get(c.author_id or 0),
                "body": c.body,
                "created_at": _iso(c.created_at),
            }
            for c in comments
        ]
        goals.append(row)
    doc["goals"] = goals
    doc["goal_comments_i_wrote"] = [
        _row(c, ("goal_id", "body", "created_at"))
        for c in s.scalars(
            select(GoalComment)
            .join(Goal, Goal.id == GoalComment.goal_id)
            .where(GoalComment.author_id == me, Goal.owner_id != me)
            .order_by(GoalComment.id)
        )
    ]

    doc["journal"] = [
        _row(
            j,
            (
                "id",
                "match_id",
                "meeting_id",
                "status",
                "shared",
                "discussed",
                "situation",
                "handling",
                "reaction",
                "went_well",
                "went_less_well",
                "differently",
                "learned",
                "next_step",
                "usefulness",
                "wellbeing",
                "created_at",
                "updated_at",
            ),
        )
        for j in s.scalars(
            select(JournalEntry).where(JournalEntry.author_id == me).order_by(JournalEntry.id)
        )
    ]

    items = list(
        s.scalars(
            select(ActionItem)
            .where(or_(ActionItem.owner_id == me, ActionItem.created_by_id == me))
            .order_by(ActionItem.id)
        )
    )
    item_names = _names(s, [i.owner_id for i in items])
    doc["action_items"] = [
        {
            **_row(i, ("id", "match_id", "meeting_id", "title", "due_date", "done_at")),
            "owner": item_names.get(i.owner_id),
            "created_at": _iso(i.created_at),
        }
        for i in items
    ]

    # Meetings and resources of my matches: shared with me by definition.
    doc["meetings"] = [
        _row(
            mt,
            (
                "id",
                "match_id",
                "scheduled_at",
                "duration_minutes",
                "kind",
                "status",
                "place",
                "agenda",
                "notes",
            ),
        )
        for mt in s.scalars(
            select(Meeting)
            .where(Meeting.match_id.in_(my_match_ids))
            .order_by(Meeting.scheduled_at, Meeting.id)
        )
    ]
    resources = list(
        s.scalars(select(Resource).where(Resource.match_id.in_(my_match_ids)).order_by(Resource.id))
    )
    adders = _names(s, [r.added_by_id for r in resources])
    doc["resources"] = [
        {
            **_row(r, ("id", "match_id", "kind", "title", "url", "note", "created_at")),
            "added_by": adders.get(r.added_by_id or 0),
        }
        for r in resources
    ]

    # Feedback: only what I asked, was asked, gave or received.
    requests = list(
        s.scalars(
            select(FeedbackRequest)
            .where(or_(FeedbackRequest.requester_id == me, FeedbackRequest.giver_id == me))
            .order_by(FeedbackRequest.id)
        )
    )
    feedback = list(
        s.scalars(
            select(Feedback)
            .where(or_(Feedback.giver_id == me, Feedback.recipient_id == me))
            .order_by(Feedback.id)
        )
    )
    fb_names = _names(
        s,
        [r.requester_id for r in requests]
        + [r.giver_id for r in requests]
        + [f.giver_id for f in feedback]
        + [f.recipient_id for f in feedback],
    )
    doc["feedback_requests"] = [
        {
            **_row(r, ("id", "topic", "context", "wished_by", "status", "created_at")),
            "direction": "asked by me" if r.requester_id == me else "asked of me",
            "requester": fb_names.get(r.requester_id or 0),
            "giver": fb_names.get(r.giver_id or 0),
        }
        for r in requests
    ]
    doc["feedback"] = [
        {
            **_row(
                f,
                (
                    "id",
                    "request_id",
                    "kind",
                    "worked",
                    "improve",
                    "suggestion",
                    "situation",
                    "behaviour",
                    "impact",
                    "created_at",
                    "acknowledged_at",
                    "usefulness",
                ),
            ),
            "direction": "given" if f.giver_id == me else "received",
            "giver": fb_names.get(f.giver_id or 0, "a former participant"),
            "recipient": fb_names.get(f.recipient_id),
        }
        for f in feedback
    ]

    answers = s.execute(
        select(Survey.title, SurveyResponse.submitted_at, SurveyQuestion, SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyResponse.person_id == me)
        .order_by(SurveyResponse.id, SurveyQuestion.position)
    ).all()
    doc["survey_answers"] = [
        {
            "survey": title,
            "submitted_at": _iso(submitted),
            "question": q.code,
            "question_text": q.text,
            "value": a.value_int,
            "text": a.value_text,
        }
        for title, submitted, q, a in answers
    ]
    doc["concerns"] = [
        _row(c, ("id", "kind", "body", "status", "created_at", "handled_at"))
        for c in s.scalars(select(Concern).where(Concern.raised_by_id == me).order_by(Concern.id))
    ]

    about_me = [AuditLog.actor_account_id == account_id] if account_id else []
    if account is not None:
        about_me += [
            AuditLog.actor_username == account.username,
            AuditLog.target == account.username,
        ]
    doc["audit"] = (
        [
            _row(line, ("at", "actor_username", "action", "target"))
            for line in s.scalars(
                select(AuditLog).where(or_(*about_me)).order_by(AuditLog.at, AuditLog.id)
            )
        ]
        if about_me
        else []
    )
    return doc


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        value = "; ".join(str(_csv_cell(v)) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    # A spreadsheet would run a cell starting with "=" as a formula: quote it.
    if isinstance(value, str) and value.startswith(CSV_FORMULA_START):
        return "'" + value
    return value


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    writer = csv.DictWriter(out, fieldnames=columns or ["empty"], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def _tables(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One flat table per kind, for the CSV files."""
    steps = [
        {"goal_id": g["id"], "goal": g["title"], **step}
        for g in doc["goals"]
        for step in g["steps"]
    ]
    comments = [
        {"goal_id": g["id"], "goal": g["title"], **c} for g in doc["goals"] for c in g["comments"]
    ] + [
        {"goal_id": c["goal_id"], "goal": None, "author": "me", **c}
        for c in doc["goal_comments_i_wrote"]
    ]
    return {
        "profile": [doc["profile"]],
        "enrolments": [
            {k: v for k, v in e.items() if k != "self_assessment"} for e in doc["enrolments"]
        ],
        "self_assessment": [
            {"enrolment_id": e["id"], **a} for e in doc["enrolments"] for a in e["self_assessment"]
        ],
        "matches": doc["matches"],
        "agreements": doc["agreements"],
        "goals": [
            {k: v for k, v in g.items() if k not in ("steps", "comments")} for g in doc["goals"]
        ],
        "goal_steps": steps,
        "goal_comments": comments,
        "journal": doc["journal"],
        "action_items": doc["action_items"],
        "meetings": doc["meetings"],
        "feedback_requests": doc["feedback_requests"],
        "feedback": doc["feedback"],
        "resources": doc["resources"],
        "survey_answers": doc["survey_answers"],
        "concerns": doc["concerns"],
        "audit": doc["audit"],
    }


README = """Tandem — my data
================

my-data.json   everything below in one document (UTF-8 JSON)
*.csv          one table per kind (UTF-8 with BOM, comma-separated)

Text is exactly as it was typed. In the CSV files a cell that would start with
=, +, -, @ is prefixed with an apostrophe so that a spreadsheet does not run it.
"""


def export_my_data(sf: sessionmaker[Session], viewer: Viewer) -> Export:
    """A zip of everything Tandem holds about the viewer (JSON + one CSV per kind)."""
    with sf.begin() as s:
        person = s.get(Person, viewer.person_id)
        if person is None or person.erased_at is not None:
            raise NotFound(t("Your profile no longer exists."))
        doc = collect(s, viewer.person_id, viewer.account_id)
        audit.record(
            s,
            "data_exported",
            actor_account_id=viewer.account_id,
            actor_username=viewer.username,
        )
    tables = _tables(doc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README)
        zf.writestr("my-data.json", json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        for name, rows in tables.items():
            # BOM: spreadsheets then read accents right.
            zf.writestr(f"{name}.csv", "\ufeff" + _csv(rows))
    stamp = clock.now().strftime("%Y-%m-%d")
    return Export(
        filename=f"tandem-my-data-{stamp}.zip",
        data=buffer.getvalue(),
        counts={name: len(rows) for name, rows in tables.items()},
    )


# --------------------------------------------------------------------------- erasure


def confirmation_word() -> str:
    """The word to type to confirm erasure, in the viewer's language."""
    return t(ERASE_WORD)


def _scrub(value: Any, name: str) -> Any:
    """``value`` (JSON) with every occurrence of ``name`` replaced by the former-participant name."""
    if isinstance(value, str):
        return value.replace(name, FORMER_NAME) if name else value
    if isinstance(value, list):
        return [_scrub(v, name) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, name) for k, v in value.items()}
    return value


def erase_my_data(sf: sessionmaker[Session], viewer: Viewer, confirmation: str) -> None:
    """Erase the viewer's data as DESIGN.md defines it (see the module docstring).

    Self-service only: it acts on the viewer and nobody else. Staff accounts
    (coordinator, admin) cannot erase themselves here.
    """
    typed = (confirmation or "").strip().casefold()
    if typed not in {confirmation_word().casefold(), ERASE_WORD.casefold()}:
        raise InvalidInput(
            t("Type {word} to confirm: nothing was erased.", word=confirmation_word())
        )
    if viewer.has(COORDINATOR):
        raise NotAllowed(
            t("A coordinator or admin account cannot erase itself here; ask another admin.")
        )
    now = clock.now()
    me = viewer.person_id
    with sf.begin() as s:
        account = s.get(Account, viewer.account_id)
        person = s.get(Person, me)
        if account is None or person is None or account.person_id != me:
            raise NotFound(t("Your profile no longer exists."))
        if person.erased_at is not None:
            raise Conflict(t("Your data was already erased."))
        old_name, old_username = person.full_name, account.username

        # Private writing: deleted.
        my_entries = select(JournalEntry.id).where(JournalEntry.author_id == me)
        s.execute(
            update(ActionItem)
            .where(ActionItem.journal_entry_id.in_(my_entries), ActionItem.owner_id != me)
            .values(journal_entry_id=None)
            .execution_options(synchronize_session=False)
        )
        s.execute(delete(ActionItem).where(ActionItem.owner_id == me))
        s.execute(
            update(ActionItem)
            .where(ActionItem.created_by_id == me)
            .values(created_by_id=None)
            .execution_options(synchronize_session=False)
        )
        s.execute(delete(JournalEntry).where(JournalEntry.author_id == me))
        my_goals = select(Goal.id).where(Goal.owner_id == me)
        s.execute(delete(GoalComment).where(GoalComment.goal_id.in_(my_goals)))
        s.execute(delete(GoalStep).where(GoalStep.goal_id.in_(my_goals)))
        s.execute(delete(Goal).where(Goal.owner_id == me))
        s.execute(
            update(GoalComment)
            .where(GoalComment.author_id == me)
            .values(author_id=None)
            .execution_options(synchronize_session=False)
        )

        # Feedback: what I received (and asked for) goes; what I gave stays, unsigned.
        s.execute(delete(Feedback).where(Feedback.recipient_id == me))
        s.execute(delete(FeedbackRequest).where(FeedbackRequest.requester_id == me))
        s.execute(
            update(Feedback)
            .where(Feedback.giver_id == me)
            .values(giver_id=None)
            .execution_options(synchronize_session=False)
        )
        s.execute(
            update(FeedbackRequest)
            .where(FeedbackRequest.giver_id == me, FeedbackRequest.status == OPEN)
            .values(status=CLOSED)
            .execution_options(synchronize_session=False)
        )
        s.execute(
            update(FeedbackRequest)
            .where(FeedbackRequest.giver_id == me)
            .values(giver_id=None)
            .execution_options(synchronize_session=False)
        )

        # Surveys: free text goes; numeric answers stay, no longer linked to me.
        my_responses = select(SurveyResponse.id).where(SurveyResponse.person_id == me)
        s.execute(
            update(SurveyAnswer)
            .where(SurveyAnswer.response_id.in_(my_responses))
            .values(value_text=None)
            .execution_options(synchronize_session=False)
        )
        s.execute(
            update(SurveyResponse)
            .where(SurveyResponse.person_id == me)
            .values(person_id=None)
            .execution_options(synchronize_session=False)
        )

        # What I sent to others stays with them, unsigned.
        for model, column in (
            (Resource, Resource.added_by_id),
            (Meeting, Meeting.created_by_id),
            (Concern, Concern.raised_by_id),
        ):
            s.execute(
                update(model)
                .where(column == me)
                .values({column.key: None})
                .execution_options(synchronize_session=False)
            )

        # Enrolments stay for the counts, withdrawn, without free text.
        for e in s.scalars(select(Enrolment).where(Enrolment.person_id == me)):
            e.motivation = ""
            e.availability = []
            if e.status == "enrolled":
                e.status = "withdrawn"
                e.withdrawn_at = now
            e.updated_at = now
        s.execute(
            update(AgreementMember)
            .where(AgreementMember.person_id == me)
            .values(expectations="")
            .execution_options(synchronize_session=False)
        )

        # Matches stay for the statistics; a live pair ends (nobody left to meet);
        # my name leaves the explanations.
        for match in s.scalars(
            select(Match).where(
                Match.id.in_(select(MatchMember.match_id).where(MatchMember.person_id == me))
            )
        ):
            if match.explanation:
                match.explanation = _scrub(match.explanation, old_name)
            if match.status in LIVE_STATUSES and len(match.members) <= 2:
                match.status = "ended"
                match.ended_at = now

        # The profile: anonymous, keeping only what statistics count (department, level).
        person.full_name = FORMER_NAME
        person.email = f"erased-{person.id}@erased.invalid"
        person.job_title = None
        person.manager_id = None
        person.location = None
        person.hire_date = None
        person.leave_date = None
        person.language = "en"
        person.directory_opt_in = False
        person.is_active = False
        person.erased_at = now
        person.updated_at = now

        # The account: no way back in, and every open session ends.
        new_username = f"erased-{account.id}"
        account.username = new_username
        account.password_hash = None
        account.is_active = False
        account.sessions_revoked_before = now
        account.last_login_at = None
        s.execute(delete(Invitation).where(Invitation.person_id == me))
        s.execute(delete(LoginThrottle).where(LoginThrottle.username == old_username))
        for audit_column in (AuditLog.actor_username, AuditLog.target):
            s.execute(
                update(AuditLog)
                .where(audit_column == old_username)
                .values({audit_column.key: new_username})
                .execution_options(synchronize_session=False)
            )
        audit.record(s, "data_erased", actor_account_id=account.id, actor_username=new_username)
