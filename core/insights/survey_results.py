"""Survey results for coordinators: responses, NPS, distributions and free text per round.

Who sees what (DESIGN.md): a coordinator sees aggregates over at least k answers
only, and free text only when at least k people wrote some, sorted so that nothing
links a sentence to a person. The result types below have no person field on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.insights.figures import NPS, SURVEY_SCALES, Figure, Point, Surveys, cell_mean
from core.insights.headcounts import anchors
from core.insights.scope import ALL, Scope, scope_of
from core.insights.survey_table import (
    QKey,
    SurveyTable,
    nps_of,
    programme_scope,
    survey_programme,
    survey_table,
)
from core.insights.table_cache import TableCache, kept_or_built
from core.insights.view import View
from core.kernel import clock
from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.i18n import t
from core.kernel.privacy import NOT_OFFERED, emit, emit_texts, fixed_rate
from core.kernel.settings import k_threshold
from core.kernel.tx import reading
from core.surveys.answering import survey_state
from core.surveys.questions import (
    CUSTOM_SCALE,
    RESULT_KINDS,
    SCALE_RANGE,
    STANDARD_QUESTIONS,
    QuestionView,
    question_text,
    question_views,
)
from core.surveys.results import QuestionResult
from db.models import Survey, SurveyAnswer

# --------------------------------------------------------------------------- pure rules


def nps(counts: Mapping[int, int]) -> float | None:
    """Net Promoter Score from answer → count on 0–10: % of 9–10 minus % of 0–6."""
    n = sum(counts.values())
    if not n:
        return None
    promoters = sum(c for v, c in counts.items() if v >= 9)
    detractors = sum(c for v, c in counts.items() if v <= 6)
    return 100.0 * (promoters - detractors) / n


MAX_FREE_TEXTS = 200  # a coordinator reads a sample, never the whole table at once


@dataclass(frozen=True)
class SurveySummary:
    survey_id: int
    kind: str
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    state: str  # scheduled|open|closed
    responses: int | None  # people who answered; None when hidden (core.kernel.privacy)
    invited: int | None  # participants enrolled in the programme; None when hidden
    questions: tuple[QuestionView, ...]
    hidden: str = ""  # why responses is hidden


def _surveys_part(s: Session, scope: Scope, tables: TableCache | None) -> SurveyTable:
    """The programme's protected survey table: the dashboard's surveys part."""
    return kept_or_built(tables, s, "surveys", scope, lambda: survey_table(s, scope))


def programme_surveys(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    tables: TableCache | None = None,
) -> list[SurveySummary]:
    """A programme's pulse and end surveys, with how many people answered each: the
    results' own protected counts (a round's responses hidden there are hidden here)."""
    require_role(viewer, COORDINATOR)
    now = clock.now()
    with reading(sf) as s:
        programme = survey_programme(s, programme_id)
        k = k_threshold(s)
        table = _surveys_part(s, scope_of(s, programme, k, tables=tables), tables)
        where = f"programme_surveys:{programme_id}"
        enrolled, matched = anchors(s, [programme_id], k, tables)[programme_id]
        invited_hidden, _ = fixed_rate(matched, enrolled, k)
        surveys = s.scalars(
            select(Survey)
            .where(Survey.programme_id == programme_id, Survey.kind.in_(RESULT_KINDS))
            .order_by(Survey.opens_at, Survey.id)
        ).all()
        out = []
        for sv in surveys:
            cell = table.responses.get((ALL, sv.id))
            if cell is not None:
                emit(where, cell)
            hidden = cell.hidden if cell is not None else ""
            out.append(
                SurveySummary(
                    sv.id,
                    sv.kind,
                    sv.title,
                    sv.opens_at,
                    sv.closes_at,
                    survey_state(sv, now),
                    None if hidden else (cell.n if cell is not None else 0),
                    None if invited_hidden else enrolled.n,
                    question_views(s, sv),
                    hidden,
                )
            )
        return out


@dataclass(frozen=True)
class NpsPoint:
    label: str  # the survey's title, for a chart axis
    survey_id: int | None
    opens_at: dt.datetime | None
    n: int | None
    nps: float | None  # −100 … 100
    promoters: float | None  # share 0–1 (None when the promoters are too few to show)
    detractors: float | None
    suppressed: bool
    reason: str = ""


@dataclass(frozen=True)
class FreeTexts:
    """Free-text answers of one question of one whole survey round: only with at
    least k people who wrote, sorted, never named."""

    code: str
    question_id: int | None
    text: str
    n: int | None
    texts: tuple[str, ...]
    suppressed: bool
    reason: str = ""
    survey: str = ""  # the round's title


@dataclass(frozen=True)
class SurveyResults:
    k: int
    responses: int | None  # None when hidden
    suppressed: bool
    questions: tuple[QuestionResult, ...]
    nps: NpsPoint
    nps_by_survey: tuple[NpsPoint, ...]
    free_texts: tuple[FreeTexts, ...]
    reason: str = ""
    texts_note: str = ""  # why no free text is shown for this choice, if so


def nps_point(st: SurveyTable, row: str, rnd: int | None, label: str, where: str) -> NpsPoint:
    cell = st.answered.get((row, rnd, "nps"))
    survey = next((r for r in st.rounds if r.survey_id == rnd), None)
    opens = survey.opens_at if survey else None
    if cell is None:
        return NpsPoint(label, rnd, opens, 0, None, None, None, False)
    emit(where, cell)
    if cell.hidden:
        return NpsPoint(label, rnd, opens, None, None, None, None, True, cell.hidden)
    # The shares of promoters and detractors: for everyone together only.
    prom, det = st.promoters.get((row, rnd)), st.detractors.get((row, rnd))
    for c in (prom, det):
        if c is not None:
            emit(where, c)
    return NpsPoint(
        label,
        rnd,
        opens,
        cell.n,
        nps_of(cell),
        None if prom is None or prom.hidden else prom.n / cell.n,
        None if det is None or det.hidden else det.n / cell.n,
        False,
    )


def _question(st: SurveyTable, row: str, rnd: int | None, qkey: QKey, where: str) -> QuestionResult:
    cell = st.answered[(row, rnd, qkey)]
    if isinstance(qkey, tuple):
        qid: int | None = qkey[1]
        _, code, kind, text = next(q for r in st.rounds for q in r.questions if q[0] == qid)
    else:
        qid, code = None, qkey
        kind = next(q[2] for r in st.rounds for q in r.questions if q[1] == code)
        text = question_text(code)
    emit(where, cell)
    if cell.hidden:
        return QuestionResult(code, qid, kind, text, None, None, (), True, cell.hidden)
    low, high = SCALE_RANGE[kind]
    dist: list[tuple[int, int | None]] = []
    if row != ALL:  # the distribution is for everyone together only
        return QuestionResult(code, qid, kind, text, cell.n, st.mean(cell), (), False)
    for v in range(low, high + 1):
        bar = st.values.get((row, rnd, qkey, v))
        if bar is None:
            dist.append((v, 0))
        else:
            emit(where, bar)
            dist.append((v, None if bar.hidden else bar.n))
    return QuestionResult(code, qid, kind, text, cell.n, st.mean(cell), tuple(dist), False)


def results_view(
    s: Session, st: SurveyTable, department: str | None, survey_id: int | None
) -> SurveyResults:
    """The results for one choice of filters, read from the protected table."""
    k = st.scope.k
    where = f"survey_results:{st.scope.programme_id}:{department}:{survey_id}"
    row = ALL if department is None else department
    if department is not None and department not in st.scope.offered:
        hidden = NpsPoint(t("All answers"), None, None, None, None, None, None, True, NOT_OFFERED)
        return SurveyResults(k, None, True, (), hidden, (), (), NOT_OFFERED)
    rounds = [r for r in st.rounds if survey_id is None or r.survey_id == survey_id]
    responses = st.responses.get((row, survey_id))
    order = {code: i for i, (code, _k, _t) in enumerate(STANDARD_QUESTIONS)}
    qkeys = sorted(
        {
            q
            for (r2, rnd, q) in st.answered
            if r2 == row and rnd == survey_id and isinstance(q, str)
        },
        key=lambda q: order.get(q, 99),
    )
    questions = [_question(st, row, survey_id, q, where) for q in qkeys]
    for r in rounds:  # custom questions, in their own round
        for qid, code, _kind, _text in r.questions:
            if code == CUSTOM_SCALE and (row, r.survey_id, ("custom", qid)) in st.answered:
                questions.append(_question(st, row, r.survey_id, ("custom", qid), where))
    free: list[FreeTexts] = []
    note = ""
    if department is not None:
        note = NOT_OFFERED  # written answers are never split by department
    else:
        for r in rounds:
            for qid, code, _kind, text in r.questions:
                cell = st.texts.get((r.survey_id, qid))
                if cell is None:
                    continue
                emit(where, cell)
                if cell.hidden:
                    free.append(FreeTexts(code, qid, text, None, (), True, cell.hidden, r.title))
                    continue
                found = s.scalars(
                    select(SurveyAnswer.value_text).where(
                        SurveyAnswer.question_id == qid,
                        SurveyAnswer.value_text.is_not(None),
                        SurveyAnswer.value_text != "",
                    )
                ).all()
                # Sorted, not in answer order: the order must not point at anyone.
                ordered = tuple(sorted((x for x in found if x), key=lambda x: (x.casefold(), x)))
                emit_texts(where, ("round", r.survey_id), ordered)
                free.append(
                    FreeTexts(code, qid, text, cell.n, ordered[:MAX_FREE_TEXTS], False, "", r.title)
                )
    if responses is not None:
        emit(where, responses)
    return SurveyResults(
        k=k,
        responses=None if responses is None or responses.hidden else responses.n,
        suppressed=bool(responses is not None and responses.hidden),
        questions=tuple(questions),
        nps=nps_point(st, row, survey_id, t("All answers"), where),
        nps_by_survey=tuple(
            nps_point(st, row, r.survey_id, r.title, where)
            for r in rounds
            if (row, r.survey_id, "nps") in st.answered  # rounds with answers only
        ),
        free_texts=tuple(free),
        reason=responses.hidden if responses is not None else "",
        texts_note=note,
    )


def survey_results(
    sf: sessionmaker[Session],
    viewer: Viewer,
    programme_id: int,
    department: str | None = None,
    *,
    survey_id: int | None = None,
    tables: TableCache | None = None,
) -> SurveyResults:
    """Results of a programme's pulse and end surveys for coordinators, protected.

    ``department`` is the respondent's department when they answered (only the
    departments of :func:`survey_departments`); ``survey_id`` keeps one survey round.
    There is no date window: a partial round minus another would isolate people.
    """
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        st = _surveys_part(s, programme_scope(s, programme_id, tables=tables), tables)
        return results_view(s, st, department, survey_id)


def survey_departments(
    sf: sessionmaker[Session], viewer: Viewer, programme_id: int, tables: TableCache | None = None
) -> list[str]:
    """Departments the results can be filtered on (core.kernel.privacy.offered_groups)."""
    require_role(viewer, COORDINATOR)
    with reading(sf) as s:
        return list(programme_scope(s, programme_id, tables=tables).offered)


# --------------------------------------------------------------------------- the dashboard's part


def dashboard_surveys(v: View) -> Surveys:
    if not v.offered:
        hidden = Figure(None, suppressed=True, reason=NOT_OFFERED)
        return Surveys((), (), hidden, hidden)
    questions = []
    for code in SURVEY_SCALES:
        cell = v.comp(
            [fam.surveys.windows.get((v.row, v.window, code)) for fam in v.fams],
            "survey",
            code,
        )
        if cell is None or cell.empty:
            continue
        emit(v.where, cell)
        questions.append(
            Point(code, "mean", None, suppressed=True, reason=cell.hidden)
            if cell.hidden
            else Point(code, "mean", round(cell_mean(cell) or 0, 2))
        )
    nps_cell = v.comp(
        [fam.surveys.windows.get((v.row, v.window, NPS)) for fam in v.fams],
        "survey",
        NPS,
    )
    by_survey = []
    for fam in v.fams:
        st = fam.surveys
        for r in st.rounds:
            if r.survey_id not in st.window_rounds.get(v.window, ()):
                continue
            cell = st.answered.get((v.row, r.survey_id, NPS))
            if cell is None or cell.empty:
                continue
            emit(v.where, cell)
            value = nps_of(cell)
            by_survey.append(
                Point(r.opens_at.date(), NPS, None, suppressed=True, reason=cell.hidden)
                if cell.hidden
                else Point(r.opens_at.date(), NPS, round(value or 0, 1))
            )
    by_survey.sort(key=lambda p: p.x)
    if nps_cell is None or nps_cell.empty:
        return Surveys(tuple(questions), tuple(by_survey), Figure(None), Figure(0))
    emit(v.where, nps_cell)
    if nps_cell.hidden:
        hidden = Figure(None, suppressed=True, reason=nps_cell.hidden)
        return Surveys(tuple(questions), tuple(by_survey), hidden, hidden)
    value = nps_of(nps_cell)
    return Surveys(
        tuple(questions),
        tuple(by_survey),
        Figure(None if value is None else round(value, 1)),
        Figure(nps_cell.n),
    )
