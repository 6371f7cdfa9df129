"""Survey results for coordinators: the shape of one protected question result, the query
every result is read from, and the pairing-fit figures of a programme.

One protected table per programme (core.kernel.privacy) holds every figure of the
results, for every survey round, every department that can be filtered on, all
rounds together and every period of the dashboard: a number hidden in one view
cannot come back by subtracting two others. Free text is read per whole survey
round only (never for a date window, never for one department), with at least k
people who wrote. The pulse and end results are read by core.insights.survey_results;
the pairing-fit ratings are here. Result types have no person field on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.kernel.access import COORDINATOR, Viewer, require_role
from core.kernel.bags import fetch_bags
from core.kernel.privacy import SMALL, Cell, Table, emit
from core.kernel.settings import k_threshold
from core.programmes.programmes import programme_or_404
from core.surveys.questions import FIT, POOR_FIT_MAX, SCALE5, question_text
from db.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


@dataclass(frozen=True)
class QuestionResult:
    """One question's answers. ``n``/``mean`` are None when hidden; a hidden bar of the
    distribution is ``(value, None)``, and the distribution is empty when all is hidden."""

    code: str
    question_id: int | None  # None: a standard question, pooled over the surveys
    kind: str
    text: str
    n: int | None
    mean: float | None
    distribution: tuple[tuple[int, int | None], ...]  # (value, answers), every value
    suppressed: bool
    reason: str = ""  # core.kernel.privacy: small | difference | not_offered


def respondent() -> Any:
    """The person an answer counts for, labelled ``who`` for the protected bags."""
    # Erased people keep their answers, anonymous: each such response stands for one person.
    return func.coalesce(SurveyResponse.person_id, -SurveyResponse.id).label("who")


def answers_query(*columns: Any) -> Select[Any]:
    """``columns`` over every answer, joined to its response, question and survey."""
    return (
        select(*columns)
        .select_from(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .join(Survey, Survey.id == SurveyQuestion.survey_id)
    )


@dataclass(frozen=True)
class FitResults:
    result: QuestionResult
    poor_share: float | None  # share of 1–2 ratings; None when hidden
    poor_reason: str


def fit_table(s: Session, programme_id: int, k: int) -> tuple[Table, Cell, dict[int, Cell], Cell]:
    """The pairing-fit ratings of a programme (1–5): never the notes."""
    table = Table(k, f"fit:{programme_id}")
    base = answers_query(
        SurveyAnswer.value_int.label("val"),
        respondent(),
        SurveyAnswer.response_id.label("unit"),
        SurveyAnswer.question_id.label("unit2"),
        SurveyAnswer.value_int.label("v0"),
    ).where(
        Survey.programme_id == programme_id,
        Survey.kind == FIT,
        SurveyQuestion.code == "fit",
        SurveyAnswer.value_int.is_not(None),
    )
    bags = fetch_bags(s, base, [("val", int)], k, "answer", sums=1)
    values = {int(v): table.add(("fit", v), bag) for (v,), bag in sorted(bags.items())}  # type: ignore[call-overload]
    answered = table.total(("fit_answered",), list(values.values()), disjoint_people=True)
    poor = table.total(
        ("fit_poor",), [c for v, c in values.items() if v <= POOR_FIT_MAX], disjoint_people=True
    )
    rest = table.total(
        ("fit_not_poor",),
        [c for v, c in values.items() if v > POOR_FIT_MAX],
        disjoint_people=True,
        latent=True,
    )
    table.sum_of(answered, [poor, rest])
    table.protect()
    return table, answered, values, poor


def fit_results(sf: sessionmaker[Session], viewer: Viewer, programme_id: int) -> FitResults:
    """Fit ratings of a programme, protected: mean, distribution and poor-fit share."""
    require_role(viewer, COORDINATOR)
    with sf.begin() as s:
        programme_or_404(s, programme_id)
        _table, answered, values, poor = fit_table(s, programme_id, k_threshold(s))
    where = f"fit:{programme_id}"
    text = question_text("fit")
    emit(where, answered)
    if answered.hidden or answered.empty:
        hidden = answered.hidden or SMALL
        result = QuestionResult("fit", None, SCALE5, text, None, None, (), True, hidden)
        return FitResults(result, None, hidden)
    dist = []
    for v in range(1, 6):
        cell = values.get(v)
        if cell is not None:
            emit(where, cell)
        dist.append((v, 0 if cell is None else (None if cell.hidden else cell.n)))
    emit(where, poor)
    result = QuestionResult(
        "fit",
        None,
        SCALE5,
        text,
        answered.n,
        answered.bag.totals[0] / answered.n,
        tuple(dist),
        False,
    )
    return FitResults(result, None if poor.hidden else poor.n / answered.n, poor.hidden)
