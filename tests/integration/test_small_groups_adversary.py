"""No group under k can be worked out by combining views (issue 8, part 2).

An adversary's test: hypothesis builds small companies (people in 2–4 departments,
programmes, enrolments and withdrawals, pairs, meetings, goals, reflections,
feedback, survey rounds with free text, self-assessments, fit ratings, skills,
leavers, KPIs) with dates spread over weeks, then calls every coordinator-facing
function for every filter it offers, recording (core.kernel.privacy.recording) every
cell with the set of things it counts and the people behind them. A purely numeric
check would trip on coincidences, so the check is on sets:

* each figure equals the size of its set, and a shown count covers 0 or ≥ k people;
* (i) two shown figures whose sets nest differ by nobody or by ≥ k people;
* (ii) no hidden group of 1 … k−1 people (a hidden figure, or a never-shown group
  such as the people a shown rate leaves out) lies in the linear span of the shown
  cells' indicator vectors: exact integer elimination over "atoms", the classes of
  things that belong to exactly the same figures;
* a shown total minus the shown figures inside it never leaves 1 … k−1 people
  that the shown figures determine;
* (iii) free text only ever comes for a whole survey round, with ≥ k writers.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
from collections import defaultdict
from collections.abc import Hashable, Iterable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.insights import (
    dashboard,
    exports,
    figures,
    home,
    kpis,
    skills_growth,
    survey_results,
    survey_table,
    tna,
    view,
)
from core.kernel import clock
from core.kernel import privacy as suppression
from core.kernel.privacy import Cell, is_small
from core.kernel.settings import k_threshold
from core.surveys import questions, results, self_assessment
from db.models import (
    EnrolmentSkill,
    Feedback,
    FeedbackRequest,
    Goal,
    JournalEntry,
    Meeting,
    ProgrammeKPI,
    SelfAssessment,
    Setting,
    Skill,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from tests.builders import enrol, make_match, make_person, make_programme, make_user
from tests.conftest import _sqlite_store

NOW = dt.datetime(2026, 11, 25, 12, 0)  # a Wednesday
DEPARTMENTS = ("Sales", "Finance", "Legal", "Ops")
KPI_CODES = tuple(kpis.KPI_UNITS)


# --------------------------------------------------------------------------- a company


def build_company(sf, seed: int, people: int, departments: int, k: int) -> None:
    """A small company, drawn from ``seed``: everything a coordinator can count."""
    rng = random.Random(seed)
    day = dt.timedelta(days=1)
    with sf.begin() as s:
        s.merge(Setting(key="k", value=str(k)))
        staff = [
            make_person(
                s,
                department=rng.choice(DEPARTMENTS[:departments]) if rng.random() > 0.05 else None,
                leave_date=(NOW - rng.randint(0, 150) * day).date()
                if rng.random() < 0.15
                else None,
                hire_date=dt.date(2020, 1, 1),
            )
            for _ in range(people)
        ]
        skills = [Skill(name=f"Skill {i}", category="Technical") for i in range(3)]
        s.add_all(skills)
        programmes = []
        for i, status in enumerate(("running", "running", "closed")[: rng.randint(1, 3)]):
            p = make_programme(
                s,
                f"Programme {i}",
                status=status,
                start_date=(NOW - rng.choice((40, 200, 400)) * day).date(),
                enrolment_opens=(NOW - 420 * day).date(),
            )
            programmes.append(p)
            for code in rng.sample(KPI_CODES, rng.randint(0, len(KPI_CODES))):
                s.add(ProgrammeKPI(programme_id=p.id, metric=code, target=rng.randint(1, 80)))
        for p in programmes:
            enrolled = []
            for person in staff:
                if rng.random() > 0.75:
                    continue
                created = NOW - rng.randint(0, 70) * day
                withdrawn = rng.random() < 0.12
                e = enrol(s, p, person.id, status="withdrawn" if withdrawn else "enrolled")
                e.created_at = created
                if withdrawn:
                    e.withdrawn_at = created + rng.randint(0, 20) * day
                else:
                    enrolled.append((person, e))
                e.skills = [
                    EnrolmentSkill(skill_id=sk.id, kind=kind)
                    for sk in skills
                    for kind in ("wanted", "offered")
                    if rng.random() < 0.4
                ]
                for skill in rng.sample(self_assessment.SKILLS, rng.randint(0, 2)):
                    s.add(
                        SelfAssessment(
                            enrolment_id=e.id,
                            phase="baseline",
                            skill=skill,
                            score=rng.randint(1, 5),
                            at=created,
                        )
                    )
                    if rng.random() < 0.8:
                        s.add(
                            SelfAssessment(
                                enrolment_id=e.id,
                                phase="end",
                                skill=skill,
                                score=rng.randint(1, 5),
                                at=NOW,
                            )
                        )
            rng.shuffle(enrolled)
            matches = []
            for i in range(0, len(enrolled) - 1, 2):
                status = "active" if rng.random() < 0.8 else "published"
                pair = [enrolled[i][0].id, enrolled[i + 1][0].id]
                match = make_match(s, p, pair, status=status, started_days_ago=rng.randint(1, 60))
                matches.append((match, pair))
                if status != "active":
                    continue
                for _ in range(rng.randint(0, 4)):
                    when = NOW + rng.randint(-60, 7) * day
                    status_ = (
                        "planned"
                        if when > NOW
                        else rng.choice(("held", "held", "cancelled", "moved", "missed"))
                    )
                    s.add(
                        Meeting(
                            match_id=match.id,
                            scheduled_at=when,
                            status=status_,
                            created_at=when,
                            updated_at=when,
                        )
                    )
                for author in pair:
                    if rng.random() < 0.6:
                        when = NOW - rng.randint(0, 60) * day
                        s.add(
                            JournalEntry(
                                author_id=author,
                                match_id=match.id,
                                status="final",
                                created_at=when,
                                updated_at=when,
                            )
                        )
                if rng.random() < 0.4:
                    when = NOW - rng.randint(0, 50) * day
                    req = FeedbackRequest(
                        match_id=match.id,
                        requester_id=pair[0],
                        giver_id=pair[1],
                        topic="t",
                        created_at=when,
                    )
                    s.add(req)
                    s.flush()
                    if rng.random() < 0.7:
                        s.add(
                            Feedback(
                                request_id=req.id,
                                match_id=match.id,
                                giver_id=pair[1],
                                recipient_id=pair[0],
                                created_at=when + day,
                            )
                        )
                if rng.random() < 0.5:
                    fit_survey = Survey(
                        programme_id=p.id,
                        kind="fit",
                        title="Fit",
                        opens_at=NOW - 30 * day,
                        created_at=NOW,
                    )
                    fit_survey.questions = [SurveyQuestion(code="fit", kind="scale5", position=0)]
                    s.add(fit_survey)
                    s.flush()
                    for person_id in pair:
                        r = SurveyResponse(
                            survey_id=fit_survey.id, person_id=person_id, submitted_at=NOW
                        )
                        s.add(r)
                        s.flush()
                        s.add(
                            SurveyAnswer(
                                response_id=r.id,
                                question_id=fit_survey.questions[0].id,
                                value_int=rng.randint(1, 5),
                            )
                        )
            for person, _e in enrolled:
                for _ in range(rng.randint(0, 2)):
                    created = NOW - rng.randint(0, 70) * day
                    achieved = rng.random() < 0.5
                    s.add(
                        Goal(
                            owner_id=person.id,
                            programme_id=p.id,
                            title="g",
                            status="achieved" if achieved else "active",
                            achieved_at=min(NOW, created + rng.randint(0, 30) * day)
                            if achieved
                            else None,
                            created_at=created,
                            updated_at=created,
                        )
                    )
            for r_i, opened in enumerate(
                sorted(rng.sample(range(5, 80), rng.randint(0, 2)), reverse=True)
            ):
                survey = Survey(
                    programme_id=p.id,
                    kind="pulse",
                    title=f"Round {r_i}",
                    opens_at=NOW - opened * day,
                    created_at=NOW,
                )
                survey.questions = [
                    SurveyQuestion(code=code, kind=kind, position=i)
                    for i, (code, kind, _text) in enumerate(questions.STANDARD_QUESTIONS)
                ]
                s.add(survey)
                s.flush()
                for person, _e in enrolled:
                    if rng.random() < 0.3:
                        continue
                    r = SurveyResponse(
                        survey_id=survey.id,
                        person_id=person.id,
                        department=person.department,
                        submitted_at=survey.opens_at + rng.randint(0, 4) * day,
                    )
                    s.add(r)
                    s.flush()
                    for q in survey.questions:
                        if q.kind == questions.TEXT:
                            if rng.random() < 0.6:
                                s.add(
                                    SurveyAnswer(
                                        response_id=r.id,
                                        question_id=q.id,
                                        value_text=f"said {r.id}",
                                    )
                                )
                        elif rng.random() < 0.9:
                            low, high = questions.SCALE_RANGE[q.kind]
                            s.add(
                                SurveyAnswer(
                                    response_id=r.id,
                                    question_id=q.id,
                                    value_int=rng.randint(low, high),
                                )
                            )


# --------------------------------------------------------------------------- every view


def every_view(sf, coord) -> suppression.Recorder:
    """Call every coordinator-facing function for every filter it offers.

    The dashboard's views share one transaction and the programmes' tables (a
    dashboard call builds them and reads one view; here one build serves every
    view, which is what makes this fast enough to run on many companies).
    """
    today = clock.today()
    with suppression.recording() as rec:
        opts = dashboard.options(sf, coord)
        choices = {p: opts.offered[p] for p in [*(x.id for x in opts.programmes), None]}
        with sf.begin() as s:
            k = k_threshold(s)
            cache: dict[int, view.Family] = {}
            for prog in [*opts.programmes, None]:
                pid = prog.id if prog else None
                for dept in (None, *choices[pid].offered):
                    for code in dashboard.PERIODS:
                        if pid is None and code == "programme":
                            continue
                        start, end = dashboard.period_bounds(code, prog, today)
                        f = figures.Filters(pid, dept, start, end)
                        exports.rows(dashboard.assemble(view.View(s, k, f, cache)))
            for prog in opts.programmes:
                table = survey_table.survey_table(s, survey_table.programme_scope(s, prog.id, k))
                for dept in (None, *table.scope.offered):
                    for sid in (None, *(r.survey_id for r in table.rounds)):
                        survey_results.results_view(s, table, dept, sid)
        for prog in opts.programmes:
            survey_results.programme_surveys(sf, coord, prog.id)
            results.fit_results(sf, coord, prog.id)
            tna.needs_grid(sf, coord, prog.id)
            for dept in (None, *survey_results.survey_departments(sf, coord, prog.id)):
                skills_growth.mentor_skills_growth(sf, coord, prog.id, dept)
        home.programme_counts(sf, coord)
    return rec


# --------------------------------------------------------------------------- the checks


def _people(units: Iterable[Hashable], owners: dict[Hashable, set[int]]) -> set[int]:
    return set().union(*(owners[u] for u in units)) if units else set()


def in_span(basis: list[dict[int, int]], pivots: list[int], vector: dict[int, int]) -> bool:
    """Exact: is ``vector`` a rational combination of the reduced ``basis`` rows?"""
    v = dict(vector)
    for pivot, row in zip(pivots, basis, strict=True):
        if pivot in v:
            a, b = row[pivot], v[pivot]
            v = {i: v.get(i, 0) * a - row.get(i, 0) * b for i in v.keys() | row.keys()}
            v = {i: x for i, x in v.items() if x}
    return not v


def reduce_into(basis: list[dict[int, int]], pivots: list[int], vector: dict[int, int]) -> None:
    v = dict(vector)
    for pivot, row in zip(pivots, basis, strict=True):
        if pivot in v:
            a, b = row[pivot], v[pivot]
            v = {i: v.get(i, 0) * a - row.get(i, 0) * b for i in v.keys() | row.keys()}
            v = {i: x for i, x in v.items() if x}
    if not v:
        return
    g = 0
    for x in v.values():
        g = math.gcd(g, x)
    basis.append({i: x // g for i, x in v.items()})
    pivots.append(min(v))


def check(rec: suppression.Recorder, k: int) -> int:
    """Every rule of the module docstring; returns how many cells were checked."""
    cells: list[Cell] = list(rec.cells())
    owners: dict[Hashable, set[int]] = defaultdict(set)
    for c in cells:
        b = c.bag
        assert b.units is not None and b.pairs is not None and b.ids is not None, c
        # Each figure is the size of its set.
        assert b.n == len(b.units) and b.units == {u for u, _ in b.pairs}, c
        assert b.people == len(b.ids) == len({p for _, p in b.pairs}), c
        for u, p in b.pairs:
            owners[u].add(p)
    shown = {frozenset(c.bag.units) for c in cells if c.shown and not c.empty}
    named: dict[frozenset[Hashable], list[object]] = defaultdict(list)
    for c in cells:
        named[frozenset(c.bag.units)].append(c.key)
    for c in cells:
        if c.shown and not c.public:
            assert not is_small(c.people, k), f"shown although small: {c!r}"
    # Hidden groups of 1 … k−1 people, shown nowhere (a figure hidden only to protect
    # another one covers k or more people: working it out reveals no small group).
    hidden = {
        frozenset(c.bag.units)
        for c in cells
        if not c.shown and not c.empty and is_small(c.people, k)
    }
    # (i) nested shown figures differ by nobody or by at least k people (operational
    # figures, shown by name elsewhere, are public: only used as known below).
    public_sets = {frozenset(c.bag.units) for c in cells if c.public}
    by_size = sorted(shown - public_sets, key=len)
    for i, small_set in enumerate(by_size):
        for big in by_size[i + 1 :]:
            if small_set < big:
                diff = _people(big - small_set, owners)
                assert not is_small(len(diff), k), (
                    f"nested figures differ by {len(diff)} people: "
                    f"{named[big][:3]} ⊃ {named[small_set][:3]}"
                )
    # Residuals: a shown total minus every shown figure inside it.
    residuals = set()
    for total in shown:
        inside = [x for x in shown if x < total]
        rest = total - frozenset().union(*inside) if inside else frozenset()
        if rest and is_small(len(_people(rest, owners)), k):
            residuals.add(rest)
    targets = (hidden | residuals) - shown
    # (ii) atoms: classes of things that belong to exactly the same sets.
    family = sorted(shown | targets, key=lambda x: (len(x), sorted(map(repr, x))))
    membership: dict[Hashable, list[int]] = defaultdict(list)
    for i, x in enumerate(family):
        for u in x:
            membership[u].append(i)
    atom_of = {u: hash(tuple(m)) for u, m in membership.items()}
    atoms = {a: n for n, a in enumerate(sorted(set(atom_of.values())))}

    def vector(x: frozenset[Hashable]) -> dict[int, int]:
        return {atoms[atom_of[u]]: 1 for u in x}

    basis: list[dict[int, int]] = []
    pivots: list[int] = []
    for x in shown:
        reduce_into(basis, pivots, vector(x))
    # What the operational figures alone give (lists shown by name: the active pairs,
    # those needing a check-in) is known from those lists anyway.
    by_name: list[dict[int, int]] = []
    by_name_pivots: list[int] = []
    for x in public_sets:
        reduce_into(by_name, by_name_pivots, vector(x))
    for x in targets:
        if in_span(by_name, by_name_pivots, vector(x)):
            continue
        who = _people(x, owners)
        assert not in_span(basis, pivots, vector(x)), (
            f"a hidden group of {len(who)} people is a linear combination of shown figures: "
            f"{named.get(x, ['a total minus its parts'])[:3]}"
        )
    # (iii) free text: whole rounds only, never fewer than k writers.
    for where, window, texts in rec.texts:
        assert window[0] == "round", (where, window)
        assert len(texts) >= k, (where, len(texts))
    return len(cells)


# --------------------------------------------------------------------------- the test


@settings(
    max_examples=int(os.environ.get("TANDEM_ADVERSARY_EXAMPLES", "30")),
)
# Found by a CI run: Home shows the matched people, a figure the enrolment table
# had hidden to protect its engagement buckets, which then gave away 2 people.
@example(seed=642875, people=28, departments=3, k=3)
# Found while fixing it: the active pairs less those needing a check-in, both known by
# name from operational lists.
@example(seed=0, people=22, departments=2, k=5)
@given(
    seed=st.integers(0, 2**32 - 1),
    people=st.integers(0, 30),
    departments=st.integers(2, 4),
    k=st.sampled_from((3, 5)),
)
def test_no_group_under_k_can_be_worked_out_from_every_view_together(
    sqlite_template, tmp_path_factory, seed, people, departments, k
):
    clock.set_now(NOW)
    store = _sqlite_store(sqlite_template, tmp_path_factory.mktemp("company"))
    try:
        sf = store.sf
        coord = make_user(sf, f"coord{seed}", ("coordinator",))
        build_company(sf, seed, people, departments, k)
        rec = every_view(sf, coord)
        check(rec, k)
    finally:
        store.engine.dispose()
        clock.set_now(None)


def test_the_adversary_finds_a_leak_when_the_rule_is_applied_one_view_at_a_time(
    sqlite_store, monkeypatch
):
    """The check can fail: with complementary suppression switched off, the same
    company leaks (a total minus its shown parts)."""
    clock.set_now(NOW)
    sf = sqlite_store.sf
    coord = make_user(sf, "coord", ("coordinator",))
    with sf.begin() as s:
        s.merge(Setting(key="k", value="5"))
        p = make_programme(s, start_date=(NOW - dt.timedelta(days=40)).date())
        for i in range(8):
            x = make_person(s, department="Sales")
            e = enrol(s, p, x.id)
            e.created_at = NOW - dt.timedelta(days=2 if i < 2 else 30)
    monkeypatch.setattr(suppression.Table, "_problems", lambda self: [])
    rec = every_view(sf, coord)
    with pytest.raises(AssertionError):
        check(rec, 5)
