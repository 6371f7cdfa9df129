"""Feedback exchange between peers: ask, answer (or decline), acknowledge and rate, kudos.

Only the two people involved ever see a request or a piece of feedback (DESIGN.md,
"Who sees what"): every read here filters on the viewer's own person id, so
another circle member, a coordinator or an admin gets nothing. Coordinators get
numbers only, from :func:`feedback_counts`.

A giver who erased their data leaves their feedback with its recipient, unsigned
(``giver_id`` NULL): it then reads "a former participant".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, distinct, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.kernel import clock, submissions, validate
from core.kernel.access import COORDINATOR, PARTICIPANT, Viewer, require_role
from core.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from core.kernel.i18n import N_, t
from core.kernel.text import clean_line, clean_text
from core.relationship.membership import live_matches_of, peers_of
from db.models import Feedback, FeedbackRequest, Match, Person

# Kinds of feedback and the fields each one uses (all stored on Feedback).
STRUCTURED, SBI, KUDOS = "structured", "sbi", "kudos"
KINDS: dict[str, str] = {
    STRUCTURED: N_("What worked, what to improve, a suggestion"),
    SBI: N_("Situation, behaviour, impact"),
    KUDOS: N_("Kudos"),
}
FIELDS: dict[str, str] = {
    "worked": N_("What worked"),
    "improve": N_("What to improve"),
    "suggestion": N_("One concrete suggestion"),
    "situation": N_("Situation"),
    "behaviour": N_("Behaviour"),
    "impact": N_("Impact"),
}
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    STRUCTURED: ("worked", "improve", "suggestion"),
    SBI: ("situation", "behaviour", "impact"),
    KUDOS: ("worked",),
}
# The essential fields: without them the feedback does not help anyone.
REQUIRED: dict[str, tuple[str, ...]] = {
    STRUCTURED: ("worked", "improve"),
    SBI: ("situation", "behaviour", "impact"),
    KUDOS: ("worked",),
}

OPEN, ANSWERED, DECLINED, CLOSED = "open", "answered", "declined", "closed"
REQUEST_STATUSES: dict[str, str] = {
    OPEN: N_("Waiting for an answer"),
    ANSWERED: N_("Answered"),
    DECLINED: N_("Declined"),
    CLOSED: N_("Closed: the colleague left Tandem"),
}

MAX_TOPIC = 200
MAX_CONTEXT = 2_000
MAX_FIELD = 5_000
MAX_KUDOS = 500
# A second identical submission within this window is the same click twice.
DOUBLE_SUBMIT_WINDOW = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Peer:
    person_id: int
    name: str
    department: str | None
    match_id: int


@dataclass(frozen=True)
class RequestView:
    id: int
    requester_id: int | None
    requester_name: str
    giver_id: int | None
    giver_name: str
    topic: str
    context: str
    wished_by: dt.date | None
    status: str
    created_at: dt.datetime
    feedback_id: int | None = None

    @property
    def overdue(self) -> bool:
        return self.status == OPEN and self.wished_by is not None and self.wished_by < clock.today()


@dataclass(frozen=True)
class FeedbackView:
    id: int
    kind: str
    giver_id: int | None
    giver_name: str
    recipient_id: int
    recipient_name: str
    topic: str | None  # the request's topic, None when unsolicited
    request_id: int | None
    worked: str
    improve: str
    suggestion: str
    situation: str
    behaviour: str
    impact: str
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None
    usefulness: int | None

    def fields(self) -> list[tuple[str, str]]:
        """(English label, text) of the fields this kind uses, in order, empty ones left out."""
        return [
            (FIELDS[name], getattr(self, name))
            for name in KIND_FIELDS[self.kind]
            if getattr(self, name)
        ]


@dataclass(frozen=True)
class PendingFeedback:
    to_answer: tuple[RequestView, ...]
    to_acknowledge: tuple[FeedbackView, ...]

    @property
    def total(self) -> int:
        return len(self.to_answer) + len(self.to_acknowledge)


@dataclass(frozen=True)
class FeedbackCounts:
    """Numbers only, for coordinators: no names, no text."""

    requests: int
    open: int
    answered: int
    declined: int
    feedback: int  # structured and SBI, asked for or not
    kudos: int
    acknowledged: int
    people: int  # distinct people who asked, gave or received (for k-suppression)


# --------------------------------------------------------------------------- helpers


def _former() -> str:
    return t("a former participant")


def _names(s: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = s.execute(
        select(Person.id, Person.full_name, Person.erased_at).where(Person.id.in_(wanted))
    ).all()
    return {pid: (_former() if erased else name) for pid, name, erased in rows}


def _request_view(
    r: FeedbackRequest, names: dict[int, str], feedback_id: int | None = None
) -> RequestView:
    return RequestView(
        id=r.id,
        requester_id=r.requester_id,
        requester_name=names.get(r.requester_id or 0, _former()),
        giver_id=r.giver_id,
        giver_name=names.get(r.giver_id or 0, _former()),
        topic=r.topic,
        context=r.context,
        wished_by=r.wished_by,
        status=r.status,
        created_at=r.created_at,
        feedback_id=feedback_id,
    )


def _feedback_views(s: Session, rows: list[Feedback]) -> list[FeedbackView]:
    names = _names(s, [f.giver_id for f in rows] + [f.recipient_id for f in rows])
    request_ids = {f.request_id for f in rows if f.request_id is not None}
    topics: dict[int, str] = (
        dict(
            s.execute(
                select(FeedbackRequest.id, FeedbackRequest.topic).where(
                    FeedbackRequest.id.in_(request_ids)
                )
            )
            .tuples()
            .all()
        )
        if request_ids
        else {}
    )
    return [
        FeedbackView(
            id=f.id,
            kind=f.kind,
            giver_id=f.giver_id,
            giver_name=names.get(f.giver_id or 0, _former()),
            recipient_id=f.recipient_id,
            recipient_name=names.get(f.recipient_id, _former()),
            topic=topics.get(f.request_id) if f.request_id else None,
            request_id=f.request_id,
            worked=f.worked,
            improve=f.improve,
            suggestion=f.suggestion,
            situation=f.situation,
            behaviour=f.behaviour,
            impact=f.impact,
            created_at=f.created_at,
            acknowledged_at=f.acknowledged_at,
            usefulness=f.usefulness,
        )
        for f in rows
    ]


def _shared_match(s: Session, person_id: int, other_id: int) -> int:
    """The id of a live match both people are in, or NotAllowed."""
    if other_id != person_id and other_id in peers_of(s, person_id):
        for match in live_matches_of(s, person_id):
            if any(mm.person_id == other_id for mm in match.members):
                return match.id
    raise NotAllowed(t("You can only exchange feedback with a peer of your pair or circle."))


def _clean_fields(kind: str, values: Mapping[str, str | None]) -> dict[str, str]:
    validate.choice(kind, KINDS, t("Unknown kind of feedback."))
    # Fields of another kind (typed in another tab of the form) are ignored.
    limit = MAX_KUDOS if kind == KUDOS else MAX_FIELD
    cleaned = {
        name: clean_text(
            values.get(name),
            t(FIELDS[name]) if kind != KUDOS else t("Kudos"),
            max_chars=limit,
            required=name in REQUIRED[kind],
        )
        for name in KIND_FIELDS[kind]
    }
    return cleaned


def _same_content(f: Feedback, kind: str, fields: dict[str, str]) -> bool:
    return f.kind == kind and all(getattr(f, k) == v for k, v in fields.items())


def _require_participant(viewer: Viewer) -> None:
    require_role(viewer, PARTICIPANT)


# --------------------------------------------------------------------------- reads


def my_peers(sf: sessionmaker[Session], viewer: Viewer) -> list[Peer]:
    """The people I can ask for feedback or give feedback to: my live matches' other members."""
    with sf.begin() as s:
        peers: dict[int, Peer] = {}
        for match in live_matches_of(s, viewer.person_id):
            others = [mm.person_id for mm in match.members if mm.person_id != viewer.person_id]
            for p in s.scalars(
                select(Person).where(Person.id.in_(others), Person.erased_at.is_(None))
            ):
                peers.setdefault(p.id, Peer(p.id, p.full_name, p.department, match.id))
        return sorted(peers.values(), key=lambda p: p.name.casefold())


def my_requests(sf: sessionmaker[Session], viewer: Viewer) -> list[RequestView]:
    """Requests I made, newest first, with their status."""
    return _requests(sf, FeedbackRequest.requester_id == viewer.person_id)


def requests_to_answer(sf: sessionmaker[Session], viewer: Viewer) -> list[RequestView]:
    """Requests asked of me that still wait for my answer, oldest wish first."""
    return [
        r for r in _requests(sf, FeedbackRequest.giver_id == viewer.person_id) if r.status == OPEN
    ]


def requests_asked_of_me(sf: sessionmaker[Session], viewer: Viewer) -> list[RequestView]:
    """Every request asked of me (open, answered, declined), newest first."""
    return _requests(sf, FeedbackRequest.giver_id == viewer.person_id)


def _requests(sf: sessionmaker[Session], where: ColumnElement[bool]) -> list[RequestView]:
    with sf.begin() as s:
        rows = list(
            s.scalars(
                select(FeedbackRequest)
                .where(where)
                .order_by(FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())
            )
        )
        names = _names(s, [r.requester_id for r in rows] + [r.giver_id for r in rows])
        answers: dict[int | None, int] = (
            dict(
                s.execute(
                    select(Feedback.request_id, Feedback.id).where(
                        Feedback.request_id.in_([r.id for r in rows])
                    )
                )
                .tuples()
                .all()
            )
            if rows
            else {}
        )
        return [_request_view(r, names, answers.get(r.id)) for r in rows]


def received(sf: sessionmaker[Session], viewer: Viewer) -> list[FeedbackView]:
    """Feedback and kudos given to me, newest first."""
    with sf.begin() as s:
        rows = list(
            s.scalars(
                select(Feedback)
                .where(Feedback.recipient_id == viewer.person_id)
                .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            )
        )
        return _feedback_views(s, rows)


def given(sf: sessionmaker[Session], viewer: Viewer) -> list[FeedbackView]:
    """Feedback and kudos I gave, newest first."""
    with sf.begin() as s:
        rows = list(
            s.scalars(
                select(Feedback)
                .where(Feedback.giver_id == viewer.person_id)
                .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            )
        )
        return _feedback_views(s, rows)


def feedback_detail(sf: sessionmaker[Session], viewer: Viewer, feedback_id: int) -> FeedbackView:
    """One piece of feedback, for its giver or its recipient only (others: not found)."""
    with sf.begin() as s:
        f = validate.get(s, Feedback, feedback_id)
        if f is None or viewer.person_id not in (f.giver_id, f.recipient_id):
            raise NotFound(t("This feedback does not exist or is not yours to see."))
        return _feedback_views(s, [f])[0]


def request_detail(sf: sessionmaker[Session], viewer: Viewer, request_id: int) -> RequestView:
    """One request, for the two people involved only (others: not found)."""
    with sf.begin() as s:
        r = validate.get(s, FeedbackRequest, request_id)
        if r is None or viewer.person_id not in (r.requester_id, r.giver_id):
            raise NotFound(t("This feedback request does not exist or is not yours to see."))
        answer = s.scalar(select(Feedback.id).where(Feedback.request_id == r.id))
        return _request_view(r, _names(s, [r.requester_id, r.giver_id]), answer)


def pending(sf: sessionmaker[Session], viewer: Viewer) -> PendingFeedback:
    """What waits for me: requests to answer, feedback received not yet acknowledged."""
    to_answer = requests_to_answer(sf, viewer)
    with sf.begin() as s:
        rows = list(
            s.scalars(
                select(Feedback)
                .where(
                    Feedback.recipient_id == viewer.person_id, Feedback.acknowledged_at.is_(None)
                )
                .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            )
        )
        to_ack = _feedback_views(s, rows)
    return PendingFeedback(tuple(to_answer), tuple(to_ack))


def feedback_counts(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int | None = None
) -> FeedbackCounts:
    """Counts of feedback activity (per programme when given). Coordinators; numbers only."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        req = select(FeedbackRequest)
        fb = select(Feedback)
        if programme_id is not None:
            in_programme = select(Match.id).where(Match.programme_id == programme_id)
            req = req.where(FeedbackRequest.match_id.in_(in_programme))
            fb = fb.where(Feedback.match_id.in_(in_programme))
        r = req.subquery()
        f = fb.subquery()
        by_status: dict[str, int] = dict(
            s.execute(select(r.c.status, func.count()).group_by(r.c.status)).tuples().all()
        )
        by_kind: dict[str, int] = dict(
            s.execute(select(f.c.kind, func.count()).group_by(f.c.kind)).tuples().all()
        )
        acknowledged = s.scalar(
            select(func.count()).select_from(f).where(f.c.acknowledged_at.is_not(None))
        )
        people: set[int] = set()
        for col in (r.c.requester_id, r.c.giver_id):
            people.update(s.scalars(select(distinct(col)).where(col.is_not(None))))
        for col in (f.c.giver_id, f.c.recipient_id):
            people.update(s.scalars(select(distinct(col)).where(col.is_not(None))))
        return FeedbackCounts(
            requests=sum(by_status.values()),
            open=by_status.get(OPEN, 0),
            answered=by_status.get(ANSWERED, 0),
            declined=by_status.get(DECLINED, 0),
            feedback=by_kind.get(STRUCTURED, 0) + by_kind.get(SBI, 0),
            kudos=by_kind.get(KUDOS, 0),
            acknowledged=acknowledged or 0,
            people=len(people),
        )


# --------------------------------------------------------------------------- actions


def ask_feedback(
    sf: sessionmaker[Session],
    viewer: Viewer,
    giver_id: int,
    topic: str,
    context: str = "",
    wished_by: dt.date | None = None,
    *,
    key: str | None = None,
) -> RequestView:
    """Ask a peer for feedback on something concrete. The same request twice is one request.

    ``key``: the form's submission key; sent again (or at once), it returns the first request.
    """
    _require_participant(viewer)
    topic = clean_line(topic, t("Topic"), max_chars=MAX_TOPIC)
    context = clean_text(context, t("Context"), max_chars=MAX_CONTEXT)
    if isinstance(wished_by, dt.date) and wished_by < clock.today():
        raise InvalidInput(t("The wished date cannot be in the past."))
    wished_by = validate.optional_date(wished_by, t("Wished by"))

    def create(s: Session) -> tuple[RequestView, int]:
        match_id = _shared_match(s, viewer.person_id, giver_id)
        existing = next(  # topics are encrypted at rest: compared here, not in SQL
            (
                r
                for r in s.scalars(
                    select(FeedbackRequest).where(
                        FeedbackRequest.requester_id == viewer.person_id,
                        FeedbackRequest.giver_id == giver_id,
                        FeedbackRequest.status == OPEN,
                    )
                )
                if r.topic == topic
            ),
            None,
        )
        if existing is not None:  # a double click, or the same question asked again
            request = existing
        else:
            request = FeedbackRequest(
                match_id=match_id,
                requester_id=viewer.person_id,
                giver_id=giver_id,
                topic=topic,
                context=context,
                wished_by=wished_by,
                status=OPEN,
                created_at=clock.now(),
            )
            s.add(request)
            s.flush()
        return _request_view(request, _names(s, [viewer.person_id, giver_id])), request.id

    def replay(s: Session, request_id: int) -> RequestView:
        request = s.get(FeedbackRequest, request_id)
        if request is None or request.requester_id != viewer.person_id:
            raise NotFound(t("This feedback request does not exist or is not yours to see."))
        return _request_view(request, _names(s, [request.requester_id, request.giver_id]))

    return submissions.once(sf, viewer, key, "feedback_request", create, replay)


def _open_request_for_giver(s: Session, viewer: Viewer, request_id: int) -> FeedbackRequest:
    request = validate.get(s, FeedbackRequest, request_id)
    if request is None or viewer.person_id not in (request.giver_id, request.requester_id):
        raise NotFound(t("This feedback request does not exist or is not yours to see."))
    if request.giver_id != viewer.person_id:
        raise NotAllowed(t("Only the colleague who was asked can answer this request."))
    return request


def answer_request(
    sf: sessionmaker[Session],
    viewer: Viewer,
    request_id: int,
    kind: str,
    *,
    key: str | None = None,
    **values: str,
) -> FeedbackView:
    """Answer a request in a structured form (structured or SBI).

    Submitting the same answer twice returns the first one; a different second
    answer is refused with a Conflict. ``key``: the form's submission key; the
    same form sent again returns the first answer.
    """
    _require_participant(viewer)
    if kind == KUDOS:
        raise InvalidInput(t("Answer a request with structured feedback, not kudos."))
    fields = _clean_fields(kind, values)

    def create(s: Session) -> tuple[FeedbackView, int]:
        view = _answer(s, viewer, request_id, kind, fields)
        return view, view.id

    return submissions.once(
        sf, viewer, key, "feedback", create, lambda s, found: _given_view(s, viewer, found)
    )


def _given_view(s: Session, viewer: Viewer, feedback_id: int) -> FeedbackView:
    """Feedback a form of mine already created, as I see it now."""
    f = s.get(Feedback, feedback_id)
    if f is None or f.giver_id != viewer.person_id:
        raise NotFound(t("This feedback does not exist or is not yours to see."))
    return _feedback_views(s, [f])[0]


def _answer(
    s: Session, viewer: Viewer, request_id: int, kind: str, fields: dict[str, str]
) -> FeedbackView:
    """Answer an open request inside the caller's transaction (see :func:`answer_request`)."""
    request = _open_request_for_giver(s, viewer, request_id)
    if request.status != OPEN:
        return _already_answered(s, request, kind, fields)
    # Conditional update: of two concurrent answers only one moves the request on.
    # Session.execute() is typed as Result; a DML statement gives a CursorResult.
    moved = cast(
        "CursorResult[Any]",
        s.execute(
            update(FeedbackRequest)
            .where(FeedbackRequest.id == request_id, FeedbackRequest.status == OPEN)
            .values(status=ANSWERED)
            .execution_options(synchronize_session=False)
        ),
    ).rowcount
    if moved != 1:
        s.refresh(request)
        return _already_answered(s, request, kind, fields)
    if request.requester_id is None:  # the requester erased their data meanwhile
        raise NotFound(t("This feedback request was withdrawn."))
    feedback = Feedback(
        request_id=request.id,
        match_id=request.match_id,
        giver_id=viewer.person_id,
        recipient_id=request.requester_id,
        kind=kind,
        created_at=clock.now(),
        **fields,
    )
    s.add(feedback)
    s.flush()
    return _feedback_views(s, [feedback])[0]


def _already_answered(
    s: Session, request: FeedbackRequest, kind: str, fields: dict[str, str]
) -> FeedbackView:
    if request.status == ANSWERED:
        existing = s.scalars(select(Feedback).where(Feedback.request_id == request.id)).first()
        if existing is not None and _same_content(existing, kind, fields):
            return _feedback_views(s, [existing])[0]
        raise Conflict(t("You already answered this request; your answer was kept as it was."))
    if request.status == DECLINED:
        raise Conflict(t("You declined this request; it can no longer be answered."))
    raise Conflict(t("This feedback request is closed."))


def decline_request(sf: sessionmaker[Session], viewer: Viewer, request_id: int) -> RequestView:
    """Decline politely: the requester sees that this time it was not possible."""
    _require_participant(viewer)
    with sf.begin() as s:
        request = _open_request_for_giver(s, viewer, request_id)
        if request.status == ANSWERED:
            raise Conflict(t("You already answered this request; it can no longer be declined."))
        if request.status == OPEN:
            s.execute(
                update(FeedbackRequest)
                .where(FeedbackRequest.id == request_id, FeedbackRequest.status == OPEN)
                .values(status=DECLINED)
                .execution_options(synchronize_session=False)
            )
            s.refresh(request)
            if request.status == ANSWERED:
                raise Conflict(
                    t("You already answered this request; it can no longer be declined.")
                )
        return _request_view(request, _names(s, [request.requester_id, request.giver_id]))


def give_feedback(
    sf: sessionmaker[Session],
    viewer: Viewer,
    recipient_id: int,
    kind: str,
    *,
    key: str | None = None,
    **values: str,
) -> FeedbackView:
    """Give feedback nobody asked for (structured, SBI) or kudos to a peer.

    ``key``: the form's submission key; the same form sent again returns the first one.
    """
    _require_participant(viewer)
    fields = _clean_fields(kind, values)

    def create(s: Session) -> tuple[FeedbackView, int]:
        match_id = _shared_match(s, viewer.person_id, recipient_id)
        recent = s.scalars(
            select(Feedback).where(
                Feedback.giver_id == viewer.person_id,
                Feedback.recipient_id == recipient_id,
                Feedback.request_id.is_(None),
                Feedback.created_at >= clock.now() - DOUBLE_SUBMIT_WINDOW,
            )
        ).all()
        for f in recent:
            if _same_content(f, kind, fields):  # the same click twice
                return _feedback_views(s, [f])[0], f.id
        feedback = Feedback(
            match_id=match_id,
            giver_id=viewer.person_id,
            recipient_id=recipient_id,
            kind=kind,
            created_at=clock.now(),
            **fields,
        )
        s.add(feedback)
        s.flush()
        return _feedback_views(s, [feedback])[0], feedback.id

    return submissions.once(
        sf, viewer, key, "feedback", create, lambda s, found: _given_view(s, viewer, found)
    )


def send_kudos(
    sf: sessionmaker[Session],
    viewer: Viewer,
    recipient_id: int,
    text: str,
    *,
    key: str | None = None,
) -> FeedbackView:
    """A short appreciation for a peer."""
    return give_feedback(sf, viewer, recipient_id, KUDOS, key=key, worked=text)


def acknowledge(
    sf: sessionmaker[Session], viewer: Viewer, feedback_id: int, usefulness: int | None
) -> FeedbackView:
    """The recipient acknowledges feedback and rates how useful it was (1–5; kudos: no rating).

    Acknowledging again changes the rating and keeps the first acknowledgement time.
    """
    _require_participant(viewer)
    with sf.begin() as s:
        f = validate.get(s, Feedback, feedback_id)
        if f is None or viewer.person_id not in (f.giver_id, f.recipient_id):
            raise NotFound(t("This feedback does not exist or is not yours to see."))
        if f.recipient_id != viewer.person_id:
            raise NotAllowed(t("Only the person who received this feedback can acknowledge it."))
        if f.kind == KUDOS:
            rating = None
        else:
            rating = validate.whole_number(
                usefulness, 1, 5, t("Rate how useful it was, from 1 to 5.")
            )
        f.usefulness = rating
        if f.acknowledged_at is None:
            f.acknowledged_at = clock.now()
        s.flush()
        return _feedback_views(s, [f])[0]
