"""My goals, journal, action items and feedback: export and erasure.

Erased: my private writing is deleted (goals with their steps and the comments on
them, journal entries final and drafts, action items I own, feedback I received
and the requests I made); what I gave others stays with them, unsigned (feedback
I gave, comments on a peer's goal, action items I created for a peer).
(Later home: ``core/growth``, as its ``forget(s, person_id, now)``.)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from core.people.names import names_of
from core.privacy.rows import iso, row, update_rows
from db.models import (
    ActionItem,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
    RequestStatus,
)

GOAL_COLUMNS = (
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
)
JOURNAL_COLUMNS = (
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
)
FEEDBACK_COLUMNS = (
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
)


def _goals(s: Session, me: int) -> dict[str, Any]:
    """My goals with their steps and the comments on them; comments I wrote elsewhere."""
    goals = []
    for g in s.scalars(select(Goal).where(Goal.owner_id == me).order_by(Goal.id)):
        line = row(g, GOAL_COLUMNS)
        line["steps"] = [row(st, ("position", "title", "due_date", "done_at")) for st in g.steps]
        comments = list(
            s.scalars(
                select(GoalComment).where(GoalComment.goal_id == g.id).order_by(GoalComment.id)
            )
        )
        authors = names_of(s, [c.author_id for c in comments])
        line["comments"] = [
            {
                "author": authors.get(c.author_id or 0),
                "body": c.body,
                "created_at": iso(c.created_at),
            }
            for c in comments
        ]
        goals.append(line)
    elsewhere = [
        row(c, ("goal_id", "body", "created_at"))
        for c in s.scalars(
            select(GoalComment)
            .join(Goal, Goal.id == GoalComment.goal_id)
            .where(GoalComment.author_id == me, Goal.owner_id != me)
            .order_by(GoalComment.id)
        )
    ]
    return {"goals": goals, "goal_comments_i_wrote": elsewhere}


def _feedback(s: Session, me: int) -> dict[str, Any]:
    """Only what I asked, was asked, gave or received."""
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
    names = names_of(
        s,
        [r.requester_id for r in requests]
        + [r.giver_id for r in requests]
        + [f.giver_id for f in feedback]
        + [f.recipient_id for f in feedback],
    )
    return {
        "feedback_requests": [
            {
                **row(r, ("id", "topic", "context", "wished_by", "status", "created_at")),
                "direction": "asked by me" if r.requester_id == me else "asked of me",
                "requester": names.get(r.requester_id or 0),
                "giver": names.get(r.giver_id or 0),
            }
            for r in requests
        ],
        "feedback": [
            {
                **row(f, FEEDBACK_COLUMNS),
                "direction": "given" if f.giver_id == me else "received",
                "giver": names.get(f.giver_id or 0, "a former participant"),
                "recipient": names.get(f.recipient_id),
            }
            for f in feedback
        ],
    }


def export(s: Session, person_id: int) -> dict[str, Any]:
    """Sections "goals", "goal_comments_i_wrote", "journal", "action_items" and the feedback."""
    me = person_id
    journal = [
        row(j, JOURNAL_COLUMNS)
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
    owners = names_of(s, [i.owner_id for i in items])
    actions = [
        {
            **row(i, ("id", "match_id", "meeting_id", "title", "due_date", "done_at")),
            "owner": owners.get(i.owner_id),
            "created_at": iso(i.created_at),
        }
        for i in items
    ]
    return {**_goals(s, me), "journal": journal, "action_items": actions, **_feedback(s, me)}


def forget(s: Session, person_id: int, now: dt.datetime) -> None:
    """Private writing deleted; what I gave others stays with them, unsigned."""
    me = person_id
    my_entries = select(JournalEntry.id).where(JournalEntry.author_id == me)
    update_rows(
        s,
        ActionItem,
        ActionItem.journal_entry_id.in_(my_entries),
        ActionItem.owner_id != me,
        journal_entry_id=None,
    )
    s.execute(delete(ActionItem).where(ActionItem.owner_id == me))
    update_rows(s, ActionItem, ActionItem.created_by_id == me, created_by_id=None)
    s.execute(delete(JournalEntry).where(JournalEntry.author_id == me))
    my_goals = select(Goal.id).where(Goal.owner_id == me)
    s.execute(delete(GoalComment).where(GoalComment.goal_id.in_(my_goals)))
    s.execute(delete(GoalStep).where(GoalStep.goal_id.in_(my_goals)))
    s.execute(delete(Goal).where(Goal.owner_id == me))
    update_rows(s, GoalComment, GoalComment.author_id == me, author_id=None)

    # Feedback: what I received (and asked for) goes; what I gave stays, unsigned.
    s.execute(delete(Feedback).where(Feedback.recipient_id == me))
    s.execute(delete(FeedbackRequest).where(FeedbackRequest.requester_id == me))
    update_rows(s, Feedback, Feedback.giver_id == me, giver_id=None)
    update_rows(
        s,
        FeedbackRequest,
        FeedbackRequest.giver_id == me,
        FeedbackRequest.status == RequestStatus.OPEN,
        status=RequestStatus.CLOSED,
    )
    update_rows(s, FeedbackRequest, FeedbackRequest.giver_id == me, giver_id=None)
