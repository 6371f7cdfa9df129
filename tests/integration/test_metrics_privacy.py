"""No coordinator-facing function returns private text (DESIGN.md "Who sees what").

Every private or pair-only text column gets a unique marker; every public function
of core.insights.metrics (and the exports and the report built from its results) is called,
and no marker may appear anywhere in what comes back.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import itertools
from zoneinfo import ZoneInfo

import pytest

from core.insights import dashboard
from core.insights.figures import Filters
from core.kernel import clock
from db.models import (
    ActionItem,
    Agreement,
    AgreementMember,
    Concern,
    Feedback,
    FeedbackRequest,
    Goal,
    GoalComment,
    GoalStep,
    JournalEntry,
    Meeting,
    Resource,
    SelfAssessment,
    Setting,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from tests.builders import enrol, make_match, make_person, make_programme, make_user

NOW = dt.datetime(2026, 11, 25, 12, 0)
_n = itertools.count()
MARKERS: list[str] = []


def secret(kind: str) -> str:
    marker = f"SECRET-{kind}-{next(_n):04d}"
    MARKERS.append(marker)
    return marker


def _seed(s) -> int:
    p = make_programme(s, start_date=dt.date(2025, 1, 6), status="running")
    people = [make_person(s, department=f"Dept{i % 2}") for i in range(12)]
    enrolments = [enrol(s, p, x.id, motivation=secret("motivation")) for x in people]
    for i in range(0, 12, 2):
        a, b = people[i], people[i + 1]
        m = make_match(s, p, [a.id, b.id], started_days_ago=60)
        m.end_reason = secret("end_reason")
        agreement = Agreement(match_id=m.id, updated_at=NOW)
        s.add(agreement)
        s.flush()
        for x in (a, b):
            s.add(
                AgreementMember(
                    agreement_id=agreement.id, person_id=x.id, expectations=secret("expect")
                )
            )
        for days, status in ((50, "held"), (30, "held"), (20, "cancelled"), (10, "held")):
            when = NOW - dt.timedelta(days=days)
            mt = Meeting(
                match_id=m.id,
                scheduled_at=when,
                status=status,
                place=secret("place"),
                agenda=secret("agenda"),
                notes=secret("notes"),
                created_at=when,
                updated_at=when,
            )
            s.add(mt)
            s.flush()
            for author in (a, b):
                entry = JournalEntry(
                    author_id=author.id,
                    match_id=m.id,
                    meeting_id=mt.id,
                    status="final",
                    shared=author is a,
                    created_at=when,
                    updated_at=when,
                    usefulness=4,
                    **{
                        f: secret(f"journal_{f}")
                        for f in (
                            "discussed",
                            "situation",
                            "handling",
                            "reaction",
                            "went_well",
                            "went_less_well",
                            "differently",
                            "learned",
                            "next_step",
                        )
                    },
                )
                s.add(entry)
                s.flush()
                s.add(
                    ActionItem(
                        match_id=m.id,
                        journal_entry_id=entry.id,
                        owner_id=author.id,
                        title=secret("action"),
                        created_at=when,
                    )
                )
        for owner in (a, b):
            for visibility, status in (("private", "achieved"), ("shared", "active")):
                goal = Goal(
                    owner_id=owner.id,
                    programme_id=p.id,
                    match_id=m.id,
                    title=secret(f"goal_{visibility}"),
                    outcome=secret("outcome"),
                    category=secret("category"),
                    status=status,
                    visibility=visibility,
                    achieved_at=NOW - dt.timedelta(days=3) if status == "achieved" else None,
                    created_at=NOW - dt.timedelta(days=40),
                    updated_at=NOW,
                    steps=[GoalStep(position=0, title=secret("step"))],
                )
                s.add(goal)
                s.flush()
                s.add(
                    GoalComment(
                        goal_id=goal.id, author_id=b.id, body=secret("comment"), created_at=NOW
                    )
                )
        req = FeedbackRequest(
            match_id=m.id,
            requester_id=a.id,
            giver_id=b.id,
            topic=secret("fb_topic"),
            context=secret("fb_context"),
            created_at=NOW - dt.timedelta(days=8),
        )
        s.add(req)
        s.flush()
        s.add(
            Feedback(
                request_id=req.id,
                match_id=m.id,
                giver_id=b.id,
                recipient_id=a.id,
                created_at=NOW - dt.timedelta(days=7),
                **{
                    f: secret(f"feedback_{f}")
                    for f in ("worked", "improve", "suggestion", "situation", "behaviour", "impact")
                },
            )
        )
        s.add(
            Resource(
                match_id=m.id,
                title=secret("resource"),
                url="https://example.com/" + secret("url"),
                note=secret("resource_note"),
                created_at=NOW,
            )
        )
        s.add(
            Concern(
                programme_id=p.id,
                match_id=m.id,
                raised_by_id=a.id,
                body=secret("concern"),
                created_at=NOW,
            )
        )
    for e in enrolments:
        for phase, score in (("baseline", 2), ("end", 4)):
            s.add(
                SelfAssessment(enrolment_id=e.id, phase=phase, skill="empathy", score=score, at=NOW)
            )
    survey = Survey(programme_id=p.id, title="Pulse", opens_at=NOW, created_at=NOW)
    survey.questions = [
        SurveyQuestion(code="nps", kind="scale10", position=0),
        SurveyQuestion(code="satisfaction", kind="scale5", position=1),
        SurveyQuestion(code="free", kind="text", position=2),
    ]
    s.add(survey)
    s.flush()
    for x in people:
        r = SurveyResponse(
            survey_id=survey.id, person_id=x.id, department=x.department, submitted_at=NOW
        )
        s.add(r)
        s.flush()
        nps, sat, free = survey.questions
        s.add(SurveyAnswer(response_id=r.id, question_id=nps.id, value_int=9))
        s.add(SurveyAnswer(response_id=r.id, question_id=sat.id, value_int=4))
        s.add(SurveyAnswer(response_id=r.id, question_id=free.id, value_text=secret("free_text")))
    return p.id


def _public_functions():
    for name in dashboard.__all__:
        fn = getattr(dashboard, name)
        if inspect.isfunction(fn) and list(inspect.signature(fn).parameters)[:2] == [
            "sf",
            "viewer",
        ]:
            yield name, fn


@pytest.fixture
def seeded(sf):
    clock.set_now(NOW)
    MARKERS.clear()
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        s.merge(Setting(key="k", value="2"))
        pid = _seed(s)
    return coord, pid


def test_the_privacy_test_reaches_every_public_metric_function():
    names = {name for name, _ in _public_functions()}
    assert {"dashboard", "pairs_needing_checkin", "survey_results", "kpis", "retention"} <= names


def test_no_metric_function_returns_journal_feedback_or_private_goal_text(sf, seeded):
    coord, pid = seeded
    assert len(MARKERS) > 200
    outputs = []
    for f in (
        Filters(),
        Filters(programme_id=pid),
        Filters(programme_id=pid, department="Dept0", start=dt.date(2026, 9, 1), end=NOW.date()),
    ):
        for _name, fn in _public_functions():
            params = inspect.signature(fn).parameters
            result = fn(sf, coord, f) if "f" in params else fn(sf, coord)
            outputs.append(repr(result))
    text = "\n".join(outputs)
    # The functions did return data (the test would pass vacuously otherwise).
    assert "check_in" in text or "on_track" in text
    assert "empathy" in text
    leaked = [m for m in MARKERS if m in text]
    assert not leaked, leaked[:5]


def test_exports_and_the_printed_report_carry_no_private_text_either(sf, seeded):
    import zipfile

    from core.insights import exports, report

    coord, pid = seeded
    d = dashboard.dashboard(sf, coord, Filters(programme_id=pid))
    rows = exports.rows(d)
    xlsx = zipfile.ZipFile(io.BytesIO(exports.to_xlsx(rows, [("Programme", "Pilot")])))
    parts = [
        exports.to_csv(rows).decode("utf-8-sig"),
        *(xlsx.read(name).decode("utf-8", "replace") for name in xlsx.namelist()),
        report.report_html(d, programme="Pilot", department=None, period="2026"),
    ]
    text = "\n".join(parts)
    assert "empathy" in text.lower() or "Empathy" in text
    leaked = [m for m in MARKERS if m in text]
    assert not leaked, leaked[:5]


def test_the_report_escapes_names_it_did_not_write(sf, seeded):
    from core.insights import report

    coord, pid = seeded
    d = dashboard.dashboard(sf, coord, Filters(programme_id=pid))
    html = report.report_html(
        d, programme="<script>alert(1)</script>", department="R&D <b>", period="2026"
    )
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "R&amp;D &lt;b&gt;" in html
    assert html.count("data:image/png;base64,") >= 4  # charts embedded, nothing fetched


def test_the_report_is_dated_in_its_readers_time_zone(sf, seeded):
    from core.insights import report
    from core.kernel.i18n import format_datetime

    coord, pid = seeded
    d = dashboard.dashboard(sf, coord, Filters(programme_id=pid))
    now = clock.now()
    paris = report.report_html(
        d, programme="Pilot", department=None, period="2026", zone=ZoneInfo("Europe/Paris")
    )
    utc = report.report_html(d, programme="Pilot", department=None, period="2026")
    in_paris = now.replace(tzinfo=dt.UTC).astimezone(ZoneInfo("Europe/Paris"))
    assert f"produced on {format_datetime(in_paris.replace(tzinfo=None), 'short')}" in paris
    assert f"produced on {format_datetime(now, 'short')}" in utc
    assert in_paris.hour != now.hour  # an hour or two apart: the two dates differ
