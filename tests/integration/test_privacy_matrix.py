"""Who sees what (DESIGN.md), checked as a matrix through the real core services.

Viewers: the *author* (Anouk), her *peer* (Bertil, the other member of her pair),
*another participant* (Cosima: enrolled in the same programme, in another pair), a
*coordinator* and an *admin* (admin role only). Every private text is written through
the services themselves with a unique marker ("MARK-…"). Then every viewer calls every
read function of core — the participant ones and the coordinator/admin ones — and what
comes back is turned into text (``repr`` of the result, the text of an .ics file or of
the my-data zip, the message of a refusal). Each cell of the matrix is one named test:

* ``<viewer>-sees-<object>``: every marker of the object appears in some read;
* ``<viewer>-sees-no-<object>``: no marker of the object appears in any read;
* ``<viewer>-may-call-<read>`` / ``<viewer>-may-not-call-<read>``: a read the viewer
  may not call raises NotAllowed or NotFound, and nothing else.

A cell the product fails because it leaks is marked ``xfail(strict=True)`` with the
leak in its reason (see ``LEAKS``), never weakened.

Speed: seeding and reading take a few seconds; the per-test ``sf`` fixture would redo
them (and TRUNCATE PostgreSQL) for each of the several hundred cells. So the world is
seeded once per database in a module-scoped fixture built exactly like conftest's
``store`` (same template, same PostgreSQL cluster, same ``postgres`` mark), and every
viewer's reads are harvested once; the cells only look up.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker

from core.accounts import accounts
from core.accounts.auth import viewer_of
from core.growth import actions, feedback, feedback_reads, goal_steps, goals, journal, progress
from core.insights import dashboard, exports, home, skills_growth, survey_results, tna
from core.insights.figures import Filters
from core.insights.table_cache import TableCache
from core.kernel import audit, clock
from core.kernel.access import Viewer
from core.kernel.errors import NotAllowed, NotFound, TandemError
from core.matching import do_not_pair as match_do_not_pair
from core.matching import edits as match_edits
from core.matching import proposals as match_proposals
from core.matching import published as match_published
from core.matching import suggestions as match_suggestions
from core.notify import admin as notify_admin
from core.notify import prefs as notify_prefs
from core.notify import sources as notify_sources
from core.people import directory, importer, roster
from core.privacy import mydata
from core.programmes import (
    announcements,
    answers,
    enrolled,
    enrolment,
    outreach,
    programmes,
    skills,
)
from core.relationship import (
    agreement,
    concerns,
    fit,
    ics,
    lifecycle,
    meetings,
    notes,
    peer_view,
    resources,
    schedule,
)
from core.surveys import answering, questions, results, rounds, self_assessment
from db.models import Programme
from tests.builders import enrol, make_account, make_match, make_person, make_programme
from tests.conftest import _pg_store, _sqlite_store

NOW = dt.datetime(2026, 11, 2, 9, 30)
TODAY = NOW.date()

AUTHOR, PEER, OTHER, COORDINATOR, ADMIN = "author", "peer", "other", "coordinator", "admin"
VIEWERS = (AUTHOR, PEER, OTHER, COORDINATOR, ADMIN)
PARTICIPANTS = frozenset({AUTHOR, PEER, OTHER})
PAIR = frozenset({AUTHOR, PEER})
STAFF = frozenset({COORDINATOR, ADMIN})
NOBODY: frozenset[str] = frozenset()

# Full names that cannot be mistaken for any other text.
NAMES = {
    AUTHOR: "Anouk Author-Zq",
    PEER: "Bertil Peer-Zq",
    OTHER: "Cosima Other-Zq",
    "fourth": "Dagny Fourth-Zq",
    "fifth": "Emrys Fifth-Zq",
    COORDINATOR: "Corin Coordinator-Zq",
    ADMIN: "Ada Admin-Zq",
}
AUTHOR_DEPARTMENT = "Finance"  # she is alone in it: any department cell about her is < k


def _mark(slug: str) -> str:
    return f"MARK-{slug}-7f3a"


# One unique marker per private text.
M = {
    slug: _mark(slug)
    for slug in (
        "account-location",
        "skill-offered",
        "skill-wanted",
        "skill-offered-by-peer",
        "motivation",
        "agreement-expectations",
        "meeting-agenda",
        "meeting-notes",
        "meeting-place",
        "meeting-next-agenda",
        "goal-private-title",
        "goal-private-outcome",
        "goal-private-step",
        "goal-shared-title",
        "goal-shared-outcome",
        "goal-shared-step",
        "goal-shared-comment",
        "goal-unshared-title",
        "goal-unshared-step",
        "journal-private-discussed",
        "journal-private-learned",
        "journal-shared-discussed",
        "journal-shared-went-well",
        "journal-unshared-discussed",
        "journal-draft-discussed",
        "action-owned-by-peer",
        "action-owned-by-author",
        "resource-title",
        "resource-note",
        "feedback-topic",
        "feedback-context",
        "feedback-worked",
        "feedback-improve",
        "feedback-suggestion",
        "feedback-kudos",
        "fit-note",
        "concern",
        "survey-free-text",
        "survey-free-text-under-k",
    )
}
assert not [a for a in M.values() for b in M.values() if a != b and a in b], "markers overlap"


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    viewers: dict[str, Viewer]
    p: int  # the programme of both pairs (5 participants answered its survey)
    q: int  # a small programme: only the author wrote free text in its survey
    pair: int  # author + peer
    other_pair: int  # other + a fourth participant
    held: int  # a held meeting of the pair (agenda and notes)
    planned: int  # a planned meeting of the pair (place and agenda)
    private_goal: int = 0
    shared_goal: int = 0
    unshared_goal: int = 0
    private_entry: int = 0
    shared_entry: int = 0
    unshared_entry: int = 0
    draft_entry: int = 0
    request: int = 0
    answer: int = 0
    kudos: int = 0
    survey_p: int = 0
    survey_q: int = 0
    skill_offered: int = 0


def _user(
    sf: sessionmaker[Session], username: str, name: str, roles=("participant",), **fields: Any
) -> Viewer:
    with sf.begin() as s:
        person = make_person(s, name=name, **fields)
        account = make_account(s, username, roles, person=person)
        return viewer_of(account, person)


def _enrolment_form(offered: list[int], wanted: list[int], motivation: str = ""):
    return answers.EnrolmentForm(
        offered=offered,
        wanted=wanted,
        goal_themes=("career",),
        availability=("mon-am",),
        languages=("en",),
        motivation=motivation,
        self_assessment={code: 3 for code in answers.MENTOR_SKILLS},
        charter_accepted=True,
    )


def _answer_survey(sf: sessionmaker[Session], viewer: Viewer, survey_id: int, text: str) -> None:
    form = answering.survey_form(sf, viewer, survey_id)
    values = {questions.SCALE5: 4, questions.SCALE10: 9, questions.TEXT: text}
    answering.answer_survey(sf, viewer, survey_id, {q.id: values[q.kind] for q in form.questions})


def _seed(sf: sessionmaker[Session]) -> World:
    clock.set_now(NOW)
    author = _user(
        sf,
        "anouk",
        NAMES[AUTHOR],
        department=AUTHOR_DEPARTMENT,
        location=M["account-location"],
    )
    peer = _user(sf, "bertil", NAMES[PEER])
    other = _user(sf, "cosima", NAMES[OTHER])
    fourth = _user(sf, "dagny", NAMES["fourth"])
    fifth = _user(sf, "emrys", NAMES["fifth"])
    coordinator = _user(sf, "corin", NAMES[COORDINATOR], roles=("coordinator",))
    admin = _user(sf, "ada", NAMES[ADMIN], roles=("admin",))
    with sf.begin() as s:
        p = make_programme(s, "Autumn pilot", status="enrolment")
        q = make_programme(s, "Small pilot", status="running")
        p_id, q_id = p.id, q.id

    # The enrolment profile, through the enrolment form. A skill's name is its marker.
    def skill(name: str) -> int:
        return skills.add_skill(sf, coordinator, name, programme_id=p_id).skill_id

    offered, wanted = skill(M["skill-offered"]), skill(M["skill-wanted"])
    peer_offered = skill(M["skill-offered-by-peer"])
    negotiation, speaking = skill("Negotiation"), skill("Public speaking")
    enrolment.save_enrolment(
        sf, author, p_id, _enrolment_form([offered], [wanted], M["motivation"])
    )
    enrolment.save_enrolment(
        sf, peer, p_id, _enrolment_form([peer_offered, negotiation], [speaking])
    )
    for v in (other, fourth, fifth):
        enrolment.save_enrolment(sf, v, p_id, _enrolment_form([negotiation], [speaking]))
    directory.set_opt_in(sf, author, True)  # the peer stays out of the directory
    with sf.begin() as s:
        programme = s.get_one(Programme, p_id)
        programme.status = "running"
        pair = make_match(s, programme, [author.person_id, peer.person_id]).id
        other_pair = make_match(s, programme, [other.person_id, fourth.person_id]).id
        small = s.get_one(Programme, q_id)
        for v in (author, peer, fifth):
            enrol(s, small, v.person_id)

    agreement.save_expectations(sf, author, pair, M["agreement-expectations"])

    # Meetings: shared agenda and notes, a place.
    held = schedule.record_held_meeting(sf, author, pair, NOW - dt.timedelta(days=2))
    held = notes.save_shared_text(
        sf,
        peer,
        held.meeting_id,
        agenda=M["meeting-agenda"],
        notes=M["meeting-notes"],
        seen_version=held.version,
    )
    (planned,) = schedule.plan_meetings(
        sf,
        author,
        pair,
        dt.datetime.combine(TODAY + dt.timedelta(days=5), dt.time(14, 0)),
        place=M["meeting-place"],
        agenda=M["meeting-next-agenda"],
    )
    schedule.record_held_meeting(sf, other, other_pair, NOW - dt.timedelta(days=3))

    w = World(
        viewers={
            AUTHOR: author,
            PEER: peer,
            OTHER: other,
            COORDINATOR: coordinator,
            ADMIN: admin,
        },
        p=p_id,
        q=q_id,
        pair=pair,
        other_pair=other_pair,
        held=held.meeting_id,
        planned=planned.meeting_id,
        skill_offered=offered,
    )

    # Goals: private, shared (with the peer's comment), shared then made private again.
    target = TODAY + dt.timedelta(days=60)
    w.private_goal = goals.create_goal(
        sf,
        author,
        title=M["goal-private-title"],
        outcome=M["goal-private-outcome"],
        target_date=target,
        steps=[M["goal-private-step"]],
    ).id
    w.shared_goal = goals.create_goal(
        sf,
        author,
        title=M["goal-shared-title"],
        outcome=M["goal-shared-outcome"],
        target_date=target,
        steps=[M["goal-shared-step"]],
    ).id
    goals.set_shared(sf, author, w.shared_goal, True)
    goals.add_comment(sf, peer, w.shared_goal, M["goal-shared-comment"])
    w.unshared_goal = goals.create_goal(
        sf,
        author,
        title=M["goal-unshared-title"],
        target_date=target,
        steps=[M["goal-unshared-step"]],
    ).id
    goals.set_shared(sf, author, w.unshared_goal, True)
    goals.set_shared(sf, author, w.unshared_goal, False)

    # Journal: a private entry after the meeting, a shared one, one shared then
    # unshared, and a draft (written last: the one to resume).
    w.private_entry = journal.finalise(
        sf,
        author,
        None,
        {
            "discussed": M["journal-private-discussed"],
            "learned": M["journal-private-learned"],
            "meeting_id": w.held,
        },
    ).id
    w.shared_entry = journal.finalise(
        sf,
        author,
        None,
        {
            "discussed": M["journal-shared-discussed"],
            "went_well": M["journal-shared-went-well"],
        },
    ).id
    journal.set_shared(sf, author, w.shared_entry, True)
    w.unshared_entry = journal.finalise(
        sf, author, None, {"discussed": M["journal-unshared-discussed"]}
    ).id
    journal.set_shared(sf, author, w.unshared_entry, True)
    journal.set_shared(sf, author, w.unshared_entry, False)
    w.draft_entry = journal.save_draft(
        sf, author, None, "discussed", M["journal-draft-discussed"]
    ).entry_id

    # Action items: one for the peer noted in the private entry, one for the author
    # noted in the shared entry.
    actions.add_action(
        sf,
        author,
        title=M["action-owned-by-peer"],
        owner_id=peer.person_id,
        due_date=TODAY + dt.timedelta(days=7),
        journal_entry_id=w.private_entry,
    )
    actions.add_action(
        sf,
        author,
        title=M["action-owned-by-author"],
        owner_id=author.person_id,
        journal_entry_id=w.shared_entry,
    )

    resources.add_resource(
        sf, author, pair, kind="book", title=M["resource-title"], note=M["resource-note"]
    )

    # Feedback: the author asks, the peer answers, and sends kudos.
    w.request = feedback.ask_feedback(
        sf, author, peer.person_id, M["feedback-topic"], M["feedback-context"]
    ).id
    w.answer = feedback.answer_request(
        sf,
        peer,
        w.request,
        feedback.STRUCTURED,
        worked=M["feedback-worked"],
        improve=M["feedback-improve"],
        suggestion=M["feedback-suggestion"],
    ).id
    w.kudos = feedback.send_kudos(sf, peer, author.person_id, M["feedback-kudos"]).id

    # A poor fit (flags the pair, without the note) and a concern in the author's words.
    assert fit.answer_fit(sf, author, pair, 2, note=M["fit-note"])
    concerns.raise_concern(sf, author, pair, M["concern"])

    # Surveys: five people write free text in P (k = 5); in Q only the author does.
    closes = TODAY + dt.timedelta(days=14)
    w.survey_p = rounds.create_survey(
        sf, coordinator, p_id, title="Pulse 1", opens_on=TODAY, closes_on=closes
    ).id
    w.survey_q = rounds.create_survey(
        sf, coordinator, q_id, title="Pulse small", opens_on=TODAY, closes_on=closes
    ).id
    _answer_survey(sf, author, w.survey_p, M["survey-free-text"])
    for n, v in enumerate((peer, other, fourth, fifth)):
        _answer_survey(sf, v, w.survey_p, f"Some words number {n}")
    _answer_survey(sf, author, w.survey_q, M["survey-free-text-under-k"])
    for v in (peer, fifth):
        _answer_survey(sf, v, w.survey_q, "")
    return w


# --------------------------------------------------------------------------- every read


@dataclass(frozen=True)
class Read:
    name: str
    call: Callable[[sessionmaker[Session], World, Viewer], Any]
    callers: frozenset[str]  # must be able to call it
    refused: frozenset[str]  # must get NotAllowed or NotFound
    catalogue: bool = False  # lists every skill of a programme, chosen by anybody or not


def _own(name: str, call: Callable[..., Any], *, staff_refused: bool = False) -> Read:
    """A participant's read of their own things (a staff account has none)."""
    return Read(name, call, PARTICIPANTS, STAFF if staff_refused else NOBODY)


def _only(name: str, call: Callable[..., Any], callers: frozenset[str]) -> Read:
    return Read(name, call, callers, frozenset(VIEWERS) - callers)


def _staff(name: str, call: Callable[..., Any], **kw: Any) -> Read:
    return Read(name, call, STAFF, PARTICIPANTS, **kw)


FILTERS: dict[str, Callable[[World], Filters]] = {
    "all": lambda w: Filters(),
    "P": lambda w: Filters(programme_id=w.p),
    "Q": lambda w: Filters(programme_id=w.q),
    "P-Finance": lambda w: Filters(programme_id=w.p, department=AUTHOR_DEPARTMENT),
}


def _metric_reads() -> Iterator[Read]:
    """Every public function of core.insights.dashboard, found by its signature (so a new one is
    read too): ``(sf, viewer, f)`` under each filter, ``(sf, viewer)`` once (either with
    the server's kept ``tables`` or not); the whole
    dashboard once more through parts kept between views (core.insights.table_cache)."""
    for name, fn in inspect.getmembers(dashboard, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != dashboard.__name__:
            continue
        params = list(inspect.signature(fn).parameters)
        if params in (["sf", "viewer"], ["sf", "viewer", "tables"]):
            yield _staff(f"dashboard.{name}", lambda sf, w, v, fn=fn: fn(sf, v))
        elif params[:3] == ["sf", "viewer", "f"] and params[3:] in ([], ["tables"]):
            for key, make in FILTERS.items():
                yield _staff(
                    f"dashboard.{name}:{key}", lambda sf, w, v, fn=fn, make=make: fn(sf, v, make(w))
                )
    kept = TableCache()
    for key, make in FILTERS.items():
        yield _staff(
            f"dashboard.dashboard, kept parts:{key}",
            lambda sf, w, v, make=make: dashboard.dashboard(sf, v, make(w), kept),
        )


def _calendar(sf: sessionmaker[Session], v: Viewer, match_id: int) -> bytes:
    """The .ics files the My peer page offers, for every meeting of the pair at once."""
    overview = peer_view.my_peer_page(sf, v, match_id).overview
    return ics.ics_bytes(overview.meetings, overview.peer_names)


def _survey_results(key: str, **kw: Any) -> Read:
    def call(sf: sessionmaker[Session], w: World, v: Viewer) -> Any:
        programme = w.q if key == "Q" else w.p
        return survey_results.survey_results(sf, v, programme, **kw)

    return _staff(f"survey_results.survey_results:{key}", call)


READS: tuple[Read, ...] = (
    # goals
    _own("goals.my_goals", lambda sf, w, v: goals.my_goals(sf, v)),
    _own("goals.my_goal_list", lambda sf, w, v: goals.my_goal_list(sf, v, folded=True)),
    _only(
        "notify_admin.mail_status",
        lambda sf, w, v: notify_admin.mail_status(sf, v),
        frozenset({ADMIN}),
    ),
    Read(
        "notify_prefs.my_preferences",
        lambda sf, w, v: notify_prefs.my_preferences(sf, v),
        frozenset(VIEWERS),
        NOBODY,
    ),
    _own("goals.peer_goals", lambda sf, w, v: goals.peer_goals(sf, v)),
    _own("goals.goal_progress", lambda sf, w, v: goals.goal_progress(sf, v)),
    # journal
    _own("journal.current_draft", lambda sf, w, v: journal.current_draft(sf, v)),
    _own("journal.my_entries", lambda sf, w, v: journal.my_entries(sf, v)),
    _own("journal.peer_entries", lambda sf, w, v: journal.peer_entries(sf, v)),
    _own("journal.meeting_choices", lambda sf, w, v: journal.meeting_choices(sf, v)),
    _only(
        "journal.get_entry:private",
        lambda sf, w, v: journal.get_entry(sf, v, w.private_entry),
        {AUTHOR},
    ),
    _only(
        "journal.get_entry:shared", lambda sf, w, v: journal.get_entry(sf, v, w.shared_entry), PAIR
    ),
    _only(
        "journal.get_entry:unshared",
        lambda sf, w, v: journal.get_entry(sf, v, w.unshared_entry),
        {AUTHOR},
    ),
    _only(
        "journal.get_entry:draft",
        lambda sf, w, v: journal.get_entry(sf, v, w.draft_entry),
        {AUTHOR},
    ),
    # action items
    _own("actions.open_actions", lambda sf, w, v: actions.open_actions(sf, v)),
    _own("actions.my_actions", lambda sf, w, v: actions.my_actions(sf, v)),
    _own("actions.owner_choices", lambda sf, w, v: actions.owner_choices(sf, v)),
    # meetings
    _own("meetings.home_card:pair", lambda sf, w, v: meetings.home_card(sf, v, w.pair)),
    _only("ics.ics_bytes:pair", lambda sf, w, v: _calendar(sf, v, w.pair), PAIR),
    # the relationship, its agreement, concerns, resources
    _own("peer_view.my_matches", lambda sf, w, v: peer_view.my_matches(sf, v)),
    _only(
        "peer_view.my_peer_page:pair",
        lambda sf, w, v: peer_view.my_peer_page(sf, v, w.pair),
        PAIR,
    ),
    _staff(
        "concerns.concerns_for_coordinator",
        lambda sf, w, v: concerns.concerns_for_coordinator(sf, v),
    ),
    # feedback
    _own("feedback_reads.my_peers", lambda sf, w, v: feedback_reads.my_peers(sf, v)),
    _own("feedback_reads.my_requests", lambda sf, w, v: feedback_reads.my_requests(sf, v).items),
    _own(
        "feedback_reads.settled_requests",
        lambda sf, w, v: feedback_reads.settled_requests(sf, v).items,
    ),
    _own("feedback_reads.received_page", lambda sf, w, v: feedback_reads.received_page(sf, v)),
    _own("feedback_reads.given_page", lambda sf, w, v: feedback_reads.given_page(sf, v)),
    _own("feedback_reads.pending", lambda sf, w, v: feedback_reads.pending(sf, v)),
    # surveys and the fit check
    _own("answering.open_surveys_for", lambda sf, w, v: answering.open_surveys_for(sf, v)),
    _own("answering.answered_surveys", lambda sf, w, v: answering.answered_surveys(sf, v)),
    _only(
        "answering.survey_form:P",
        lambda sf, w, v: answering.survey_form(sf, v, w.survey_p),
        PARTICIPANTS,
    ),
    _survey_results("P"),
    _survey_results("Q"),
    _survey_results("P-Finance", department=AUTHOR_DEPARTMENT),
    _staff(
        "survey_results.programme_surveys:P",
        lambda sf, w, v: survey_results.programme_surveys(sf, v, w.p),
    ),
    _staff(
        "survey_results.programme_surveys:Q",
        lambda sf, w, v: survey_results.programme_surveys(sf, v, w.q),
    ),
    _staff("rounds.programme_choices", lambda sf, w, v: rounds.programme_choices(sf, v)),
    _staff(
        "survey_results.survey_departments:P",
        lambda sf, w, v: survey_results.survey_departments(sf, v, w.p),
    ),
    _staff("rounds.plan_surveys:P", lambda sf, w, v: rounds.plan_surveys(sf, v, w.p)),
    _own("fit.fit_checks_due", lambda sf, w, v: fit.fit_checks_due(sf, v)),
    _own("fit.my_fit_answers", lambda sf, w, v: fit.my_fit_answers(sf, v)),
    _staff("fit.fit_flags:P", lambda sf, w, v: fit.fit_flags(sf, v, w.p, include_handled=True)),
    _staff("results.fit_results:P", lambda sf, w, v: results.fit_results(sf, v, w.p)),
    # my data
    _own("mydata.export_my_data", lambda sf, w, v: mydata.export_my_data(sf, v).data),
    # the expert directory and enrolment
    _own(
        "directory.read.search",
        lambda sf, w, v: directory.read(sf, v).search(),
        staff_refused=True,
    ),
    _own("directory.read", lambda sf, w, v: directory.read(sf, v), staff_refused=True),
    _own("directory.my_listing", lambda sf, w, v: directory.my_listing(sf, v), staff_refused=True),
    _own("enrolment.list_offers", lambda sf, w, v: enrolment.list_offers(sf, v)),
    _own("enrolment.get_offer:P", lambda sf, w, v: enrolment.get_offer(sf, v, w.p)),
    _own("enrolment.my_enrolment:P", lambda sf, w, v: enrolment.my_enrolment(sf, v, w.p)),
    _own("enrolment.directory_opt_in", lambda sf, w, v: enrolment.directory_opt_in(sf, v)),
    Read(
        "enrolment.programme_skills:P",
        lambda sf, w, v: enrolment.programme_skills(sf, v, w.p),
        PARTICIPANTS,
        NOBODY,
        catalogue=True,
    ),
    _staff("enrolled.enrolment_page:P", lambda sf, w, v: enrolled.enrolment_page(sf, v, w.p)),
    _staff("enrolled.departments_of:P", lambda sf, w, v: enrolled.departments_of(sf, v, w.p)),
    # matching
    _own("match_proposals.my_proposals", lambda sf, w, v: match_proposals.my_proposals(sf, v)),
    _staff("match_suggestions.pool:P", lambda sf, w, v: match_suggestions.pool(sf, v, w.p)),
    _staff(
        "match_suggestions.suggestion_page:P",
        lambda sf, w, v: match_suggestions.suggestion_page(sf, v, w.p, limit=100),
    ),
    _staff(
        "match_suggestions.suggestion_count:P",
        lambda sf, w, v: match_suggestions.suggestion_count(sf, v, w.p),
    ),
    _staff(
        "match_suggestions.pool_size:P", lambda sf, w, v: match_suggestions.pool_size(sf, v, w.p)
    ),
    _staff("match_suggestions.last_run:P", lambda sf, w, v: match_suggestions.last_run(sf, v, w.p)),
    _staff("match_suggestions.declined:P", lambda sf, w, v: match_suggestions.declined(sf, v, w.p)),
    _staff(
        "match_published.after_publishing:P",
        lambda sf, w, v: match_published.after_publishing(sf, v, w.p),
    ),
    _staff(
        "match_do_not_pair.list_entries:P",
        lambda sf, w, v: match_do_not_pair.list_entries(sf, v, w.p),
    ),
    _staff("match_do_not_pair.people:P", lambda sf, w, v: match_do_not_pair.people(sf, v, w.p)),
    # training-needs analysis, skills, people, programmes, announcements
    _staff("tna.needs_grid:P", lambda sf, w, v: tna.needs_grid(sf, v, w.p), catalogue=True),
    _staff(
        "tna.skill_people:P",
        lambda sf, w, v: tna.skill_people(sf, v, w.p, w.skill_offered),
    ),
    _staff(
        "skills.list_skills:P",
        lambda sf, w, v: skills.list_skills(sf, v, w.p, include_shared=True),
        catalogue=True,
    ),
    _staff("skills.skill_scopes", lambda sf, w, v: skills.skill_scopes(sf, v)),
    _staff("skills.categories", lambda sf, w, v: skills.categories(sf, v)),
    _staff("roster.list_people", lambda sf, w, v: roster.list_people(sf, v)),
    _staff("roster.people_summary", lambda sf, w, v: roster.people_summary(sf, v)),
    _staff("programmes.list_programmes", lambda sf, w, v: programmes.list_programmes(sf, v)),
    _staff("programmes.get_programme:P", lambda sf, w, v: programmes.get_programme(sf, v, w.p)),
    _staff(
        "programmes.eligibility_choices", lambda sf, w, v: programmes.eligibility_choices(sf, v)
    ),
    _staff(
        "outreach.invitation_text:P",
        lambda sf, w, v: outreach.invitation_text(sf, v, w.p),
    ),
    _staff(
        "announcements.list_announcements",
        lambda sf, w, v: announcements.list_announcements(sf, v),
    ),
    # Home and progress
    _own("home.my_matches", lambda sf, w, v: home.my_matches(sf, v)),
    _own("home.recently_ended", lambda sf, w, v: home.recently_ended(sf, v)),
    Read(
        "accounts.my_time_zone",
        lambda sf, w, v: accounts.my_time_zone(sf, v),
        frozenset(VIEWERS),
        NOBODY,
    ),
    _own("home.announcements_for", lambda sf, w, v: home.announcements_for(sf, v)),
    _staff("home.programme_counts", lambda sf, w, v: home.programme_counts(sf, v)),
    _own("progress.my_progress", lambda sf, w, v: progress.my_progress(sf, v)),
    _own("progress.survey_todo", lambda sf, w, v: progress.survey_todo(sf, v)),
    _own(
        "self_assessment.assessments_due", lambda sf, w, v: self_assessment.assessments_due(sf, v)
    ),
    _staff(
        "skills_growth.mentor_skills_growth:P",
        lambda sf, w, v: skills_growth.mentor_skills_growth(sf, v, w.p),
    ),
    # the dashboard: every metric under four filters, and its CSV export
    *_metric_reads(),
    _staff(
        "exports.to_csv:P",
        lambda sf, w, v: exports.to_csv(exports.rows(dashboard.dashboard(sf, v, FILTERS["P"](w)))),
    ),
    # admin only
    _only("audit.read_log", lambda sf, w, v: audit.read_log(sf, v, limit=1000), {ADMIN}),
    _only("accounts.list_accounts", lambda sf, w, v: accounts.list_accounts(sf, v), {ADMIN}),
    _only(
        "directory.current_chat_template",
        lambda sf, w, v: directory.current_chat_template(sf, v),
        {ADMIN},
    ),
    Read(
        "accounts.reset_notice",
        lambda sf, w, v: accounts.reset_notice(sf, v),
        frozenset(VIEWERS),
        NOBODY,
    ),
)
READ = {r.name: r for r in READS}
assert len(READ) == len(READS), "two reads with the same name"
assert {
    "dashboard.dashboard:P",
    "dashboard.survey_results:Q",
    "dashboard.pairs_needing_checkin:all",
} < set(READ)


# --------------------------------------------------------------------------- harvesting


@dataclass(frozen=True)
class Outcome:
    text: str  # what the viewer got, as text (a refusal: its message)
    value: Any = None
    refused: str | None = None  # NotAllowed / NotFound
    error: str | None = None  # any other domain error: a bug in the matrix or the product


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        if value[:2] == b"PK":  # the my-data zip: every file in it
            with zipfile.ZipFile(io.BytesIO(value)) as zf:
                return "\n".join(zf.read(n).decode("utf-8-sig") for n in zf.namelist())
        # iCalendar folds lines at 75 octets: unfold so a marker is never cut.
        return value.decode("utf-8").replace("\r\n ", "")
    if hasattr(value, "__table__"):  # an ORM row (a programme): its columns
        return repr({a.key: getattr(value, a.key) for a in sa_inspect(value).mapper.column_attrs})
    return repr(value)


def _call(fn: Callable[[], Any]) -> Outcome:
    try:
        value = fn()
    except (NotAllowed, NotFound) as e:
        return Outcome(repr(e), refused=type(e).__name__)
    except TandemError as e:
        return Outcome(repr(e), error=repr(e))
    return Outcome(_text(value), value)


@dataclass
class Matrix:
    world: World
    seen: dict[str, dict[str, Outcome]]  # viewer -> read name -> outcome
    mail: list[str]  # every e-mail notification the world gives rise to, attachments included


def _harvest(sf: sessionmaker[Session]) -> Matrix:
    w = _seed(sf)
    seen = {
        who: {r.name: _call(lambda r=r, v=v: r.call(sf, w, v)) for r in READS}
        for who, v in w.viewers.items()
    }
    with sf() as s:
        mail = [
            " ".join(
                [o.subject, o.body, o.path]
                + [a.content.decode("utf-8", "replace") for a in o.attachments]
            )
            for o in notify_sources.collect(s, clock.now())
        ]
    return Matrix(w, seen, mail)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def matrix(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Matrix]:
    """The seeded world and every viewer's reads, once per database (see the docstring)."""
    if request.param == "sqlite":
        store = _sqlite_store(sqlite_template, tmp_path_factory.mktemp("privacy-matrix"))
    else:
        store = _pg_store(request.getfixturevalue("pg_url"))
    try:
        yield _harvest(store.sf)
    finally:
        clock.set_now(None)
        store.engine.dispose()


# --------------------------------------------------------------------------- the matrix

SEES, NEVER = "sees", "never"


@dataclass(frozen=True)
class Obj:
    slug: str  # as it reads in a test id: "coordinator-sees-no-<slug>"
    markers: tuple[str, ...]
    expect: dict[str, str]  # viewer -> SEES / NEVER (absent: allowed, not required)
    only_via: dict[str, frozenset[str]] = field(default_factory=dict)  # viewer -> reads
    ignore_catalogue: bool = False  # a skill name is also in the list everybody picks from


def _m(*slugs: str) -> tuple[str, ...]:
    return tuple(M[s] for s in slugs)


def _row(author: str, peer: str, other: str, coordinator: str, admin: str) -> dict[str, str]:
    row = dict(zip(VIEWERS, (author, peer, other, coordinator, admin), strict=True))
    return {who: x for who, x in row.items() if x}


DIRECTORY_READS = frozenset({"directory.read.search", "directory.read"})

OBJECTS: tuple[Obj, ...] = (
    # "account: name, department, level, location": others, the directory only (opt-in)
    Obj(
        "account-name",
        (NAMES[AUTHOR],),
        _row(SEES, SEES, SEES, SEES, SEES),
        only_via={OTHER: DIRECTORY_READS},
    ),
    Obj("account-location", _m("account-location"), _row(SEES, SEES, NEVER, SEES, SEES)),
    Obj(
        "name-of-a-peer-not-in-the-directory",
        (NAMES[PEER],),
        _row(SEES, "", NEVER, SEES, SEES),
    ),
    # "enrolment profile": peer after matching; others: skills offered, via the directory
    Obj(
        "profile-skills-offered",
        _m("skill-offered"),
        _row(SEES, SEES, SEES, SEES, SEES),
        only_via={OTHER: DIRECTORY_READS},
        ignore_catalogue=True,
    ),
    Obj(
        "profile-skills-wanted",
        _m("skill-wanted"),
        _row(SEES, SEES, NEVER, SEES, SEES),
        ignore_catalogue=True,
    ),
    Obj(
        "skills-offered-by-a-peer-not-in-the-directory",
        _m("skill-offered-by-peer"),
        _row(SEES, "", NEVER, SEES, SEES),
        ignore_catalogue=True,
    ),
    # motivation: the peer may read it (DESIGN.md) but no page shows it: not asserted
    Obj("profile-motivation", _m("motivation"), _row(SEES, "", NEVER, SEES, SEES)),
    # "match, its explanation, agreement": coordinators may, so not asserted for them
    Obj("agreement-expectations", _m("agreement-expectations"), _row(SEES, SEES, NEVER, "", "")),
    # "meeting dates, status, shared agenda/notes": staff get dates and status only
    Obj(
        "meeting-agenda-notes-and-place",
        _m("meeting-agenda", "meeting-notes", "meeting-place", "meeting-next-agenda"),
        _row(SEES, SEES, NEVER, NEVER, NEVER),
    ),
    Obj(
        "private-goal",
        _m("goal-private-title", "goal-private-outcome", "goal-private-step"),
        _row(SEES, NEVER, NEVER, NEVER, NEVER),
    ),
    Obj(
        "shared-goal-and-comments",
        _m("goal-shared-title", "goal-shared-outcome", "goal-shared-step", "goal-shared-comment"),
        _row(SEES, SEES, NEVER, NEVER, NEVER),
    ),
    # "sharing is per item and can be undone"
    Obj(
        "goal-shared-then-made-private",
        _m("goal-unshared-title", "goal-unshared-step"),
        _row(SEES, NEVER, NEVER, NEVER, NEVER),
    ),
    Obj(
        "private-journal",
        _m("journal-private-discussed", "journal-private-learned"),
        _row(SEES, NEVER, NEVER, NEVER, NEVER),
    ),
    Obj(
        "shared-journal",
        _m("journal-shared-discussed", "journal-shared-went-well"),
        _row(SEES, SEES, NEVER, NEVER, NEVER),
    ),
    Obj(
        "journal-shared-then-made-private",
        _m("journal-unshared-discussed"),
        _row(SEES, NEVER, NEVER, NEVER, NEVER),
    ),
    Obj("journal-draft", _m("journal-draft-discussed"), _row(SEES, NEVER, NEVER, NEVER, NEVER)),
    # "action item: peer ✓ when the peer owns it" (this one comes from a private entry)
    Obj(
        "action-item-owned-by-peer",
        _m("action-owned-by-peer"),
        _row(SEES, SEES, NEVER, NEVER, NEVER),
    ),
    # ... and an item of the author's stays hers even in an entry she shared
    Obj(
        "action-item-owned-by-author",
        _m("action-owned-by-author"),
        _row(SEES, NEVER, NEVER, NEVER, NEVER),
    ),
    # "feedback request / answer: the two people involved" (here: author and peer)
    Obj(
        "feedback-request",
        _m("feedback-topic", "feedback-context"),
        _row(SEES, SEES, NEVER, NEVER, NEVER),
    ),
    Obj(
        "feedback-answer-and-kudos",
        _m("feedback-worked", "feedback-improve", "feedback-suggestion", "feedback-kudos"),
        _row(SEES, SEES, NEVER, NEVER, NEVER),
    ),
    # "survey answers: aggregates over ≥ k answers; free text only with ≥ k answers"
    Obj(
        "survey-free-text-with-k-answers",
        _m("survey-free-text"),
        _row(SEES, NEVER, NEVER, SEES, SEES),
    ),
    Obj(
        "survey-free-text-under-k",
        _m("survey-free-text-under-k"),
        _row(SEES, NEVER, NEVER, NEVER, NEVER),
    ),
    # the fit check's note: "Only you can read it; the coordinator never sees it."
    Obj("fit-note", _m("fit-note"), _row(SEES, NEVER, NEVER, NEVER, NEVER)),
    # "concern raised to the coordinator: the words the participant chose to send"
    Obj("concern", _m("concern"), _row(SEES, NEVER, NEVER, SEES, SEES)),
    # shared resources belong to the pair, like the meeting notes
    Obj(
        "shared-resources",
        _m("resource-title", "resource-note"),
        _row(SEES, SEES, NEVER, NEVER, NEVER),
    ),
)
OBJECT = {o.slug: o for o in OBJECTS}

# Cells the product fails today because it leaks: (viewer, slug) -> the leak.
LEAKS: dict[tuple[str, str], str] = {}


def _cell_id(viewer: str, slug: str) -> str:
    verb = "sees" if OBJECT[slug].expect[viewer] == SEES else "sees-no"
    return f"{viewer}-{verb}-{slug}"


def _cells() -> list[Any]:
    cells = []
    for o in OBJECTS:
        for viewer in VIEWERS:
            if viewer not in o.expect:
                continue
            marks = []
            if (viewer, o.slug) in LEAKS:
                marks.append(pytest.mark.xfail(strict=True, reason=LEAKS[viewer, o.slug]))
            cells.append(pytest.param(viewer, o.slug, marks=marks, id=_cell_id(viewer, o.slug)))
    return cells


def _where(m: Matrix, viewer: str, marker: str, *, ignore_catalogue: bool) -> list[str]:
    """The reads in which ``viewer`` got ``marker``."""
    return [
        name
        for name, outcome in m.seen[viewer].items()
        if marker in outcome.text and not (ignore_catalogue and READ[name].catalogue)
    ]


@pytest.mark.parametrize(("viewer", "slug"), _cells())
def test_who_sees_what(matrix: Matrix, viewer: str, slug: str) -> None:
    o = OBJECT[slug]
    found = {
        mk: _where(matrix, viewer, mk, ignore_catalogue=o.ignore_catalogue) for mk in o.markers
    }
    if o.expect[viewer] == NEVER:
        leaks = {mk: reads for mk, reads in found.items() if reads}
        assert not leaks, f"LEAK: {viewer} gets {slug} text from {leaks}"
        return
    missing = [mk for mk, reads in found.items() if not reads]
    assert not missing, f"{viewer} should read {missing} ({slug}) but no read returns it"
    allowed = o.only_via.get(viewer)
    if allowed is not None:
        elsewhere = {mk: sorted(set(reads) - allowed) for mk, reads in found.items()}
        assert not any(elsewhere.values()), f"LEAK: {viewer} gets {slug} from {elsewhere}"


def _call_cells() -> list[Any]:
    cells = []
    for r in READS:
        for viewer in VIEWERS:
            if viewer in r.callers:
                cells.append(pytest.param(viewer, r.name, True, id=f"{viewer}-may-call-{r.name}"))
            elif viewer in r.refused:
                cells.append(
                    pytest.param(viewer, r.name, False, id=f"{viewer}-may-not-call-{r.name}")
                )
    return cells


@pytest.mark.parametrize(("viewer", "read", "allowed"), _call_cells())
def test_who_may_call_what(matrix: Matrix, viewer: str, read: str, allowed: bool) -> None:
    outcome = matrix.seen[viewer][read]
    assert outcome.error is None, f"{viewer} calling {read}: {outcome.error}"
    if allowed:
        assert outcome.refused is None, f"{viewer} was refused {read}: {outcome.text}"
    else:
        assert outcome.refused in ("NotAllowed", "NotFound"), (
            f"{viewer} called {read} and got {outcome.text[:300]}"
        )


def test_staff_reading_a_participants_own_things_get_nothing_or_a_clear_refusal(
    matrix: Matrix,
) -> None:
    """Reads of a participant's own things, not asserted either way for staff: a staff
    account gets its own (empty) things or NotAllowed/NotFound, never another error."""
    for viewer in STAFF:
        for r in READS:
            if viewer not in r.callers | r.refused:
                assert matrix.seen[viewer][r.name].error is None, r.name


# --------------------------------------------------------------------------- details


def test_no_e_mail_notification_carries_any_private_text(matrix: Matrix) -> None:
    """Every kind the world gives rise to (requests, feedback, surveys, concerns, the
    coordinators' summary…): only that something waits, never what was written."""
    assert len(matrix.mail) >= 5
    kinds = " ".join(matrix.mail)
    leaks = sorted(slug for slug, marker in M.items() if marker in kinds)
    assert not leaks, f"LEAK by e-mail: {leaks}"


@pytest.mark.parametrize("viewer", sorted(STAFF))
def test_survey_free_text_reaches_staff_without_a_name(matrix: Matrix, viewer: str) -> None:
    reads = [n for n in READ if ".survey_results" in n]
    assert len(reads) == 7
    for name in reads:
        text = matrix.seen[viewer][name].text
        named = [n for n in NAMES.values() if n in text]
        assert not named, f"{name} names {named} next to survey answers"
    texts = matrix.seen[viewer]["survey_results.survey_results:P"].value.free_texts
    assert [ft.n for ft in texts if ft.code == "free"] == [5]


@pytest.mark.parametrize("viewer", sorted(STAFF))
def test_a_department_filter_does_not_single_out_one_persons_free_text(
    matrix: Matrix, viewer: str
) -> None:
    assert M["survey-free-text"] in matrix.seen[viewer]["survey_results.survey_results:P"].text
    filtered = matrix.seen[viewer]["survey_results.survey_results:P-Finance"].value
    assert M["survey-free-text"] not in repr(filtered)
    assert all(ft.suppressed for ft in filtered.free_texts)


@pytest.mark.parametrize("viewer", sorted(STAFF))
def test_the_concern_reaches_staff_with_the_words_only(matrix: Matrix, viewer: str) -> None:
    rows = matrix.seen[viewer]["concerns.concerns_for_coordinator"].value
    (concern,) = [r for r in rows if r.kind == "concern"]
    assert concern.body == M["concern"]
    (flag,) = [r for r in rows if r.kind == "fit"]
    assert flag.body == "" and NAMES[AUTHOR] not in flag.raised_by


# --------------------------------------------------------------------------- completeness

# Public functions of these modules taking (sf, viewer, ...) that this matrix does not
# call, and why: they write (or are only about the caller's own actions).
NOT_READS = {
    notify_prefs: {"save_preferences"},
    notify_admin: {"send_test"},
    accounts: {
        "create_account",
        "set_roles",
        "reset_password",
        "lift_lock",
        "dismiss_reset_notice",
        "set_active",
        "set_language",
        "set_time_zone",
        "change_password",
    },
    actions: {"add_action", "set_done"},
    agreement: {"save_expectations", "set_terms", "confirm_agreement"},
    announcements: {
        "publish_announcement",
        "set_published",
    },
    concerns: {"raise_concern", "mark_concern_handled"},
    directory: {"set_opt_in", "set_chat_template"},
    enrolment: {"save_enrolment", "withdraw"},
    feedback: {
        "ask_feedback",
        "answer_request",
        "decline_request",
        "give_feedback",
        "send_kudos",
        "acknowledge",
    },
    fit: {"answer_fit", "mark_fit_flag_handled", "end_pairing_for_rematch"},
    goal_steps: {"add_step", "update_step", "set_step_done", "move_step", "delete_step"},
    goals: {
        "create_goal",
        "update_goal",
        "set_status",
        "set_shared",
        "delete_goal",
        "add_comment",
    },
    journal: {
        "save_draft_values",
        "save_draft",
        "finalise",
        "edit_entry",
        "set_shared",
        "delete_entry",
    },
    match_suggestions: {"run_matching"},
    match_edits: {"swap", "set_members", "remove_suggestion"},
    match_proposals: {"publish", "respond"},
    lifecycle: {
        "end_relationship",
        "pause_relationship",
        "resume_relationship",
        "withdraw",
        "end_by_coordinator",
    },
    mydata: {"erase_my_data"},
    importer: {"apply", "preview"},
    outreach: {"poster_pdf"},  # a compressed PDF of invitation_text's facts
    programmes: {
        "create_programme",
        "update_programme",
        "change_status",
        "duplicate_programme",
    },
    notes: {"save_shared_text"},
    resources: {"add_resource", "delete_resource"},
    schedule: {"plan_meetings", "record_held_meeting", "set_status", "move_meeting"},
    self_assessment: {"record_self_assessment"},
    skills: {"add_skill", "rename_skill", "set_category", "merge_skills", "delete_skill"},
    answering: {"answer_survey"},
    rounds: {
        "create_planned_surveys",
        "create_survey",
        "add_custom_question",
        "remove_custom_question",
        "delete_survey",
    },
}
MODULES = tuple(
    dict.fromkeys(
        (
            *NOT_READS,
            audit,
            enrolled,
            feedback_reads,
            home,
            dashboard,
            meetings,
            peer_view,
            progress,
            roster,
            skills_growth,
            survey_results,
            tna,
        )
    )
)


# The name each module goes by in this file (READ's keys use it).
ALIASES = {v: k for k, v in dict(globals()).items() if inspect.ismodule(v)}


def test_the_matrix_calls_every_read_of_the_services() -> None:
    called = {name.split(":")[0] for name in READ}
    missing = []
    for module in MODULES:
        short = ALIASES[module]
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters)
            if params[:2] != ["sf", "viewer"]:
                continue
            if f"{short}.{name}" not in called and name not in NOT_READS.get(module, ()):
                missing.append(f"{short}.{name}")
    assert not missing, (
        f"Functions the matrix does not know: {missing}. Add a read to READS (with who may "
        "call it), or a write to NOT_READS."
    )
