"""Every result figure of a programme's pulse and end surveys, in one protected table."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from core.insights.scope import ALL, OTHERS, Scope, Window, scope_of
from core.insights.table_cache import TableCache
from core.kernel.bags import fetch_bags, midnight
from core.kernel.i18n import t
from core.kernel.privacy import Bag, Cell, Table, combine
from core.kernel.settings import k_threshold
from core.kernel.tx import get_or_404
from core.surveys.questions import CUSTOM_SCALE, CUSTOM_TEXT, RESULT_KINDS, TEXT, question_text
from core.surveys.results import answers_query, respondent
from db.models import Programme, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse

QKey = str | tuple[str, int]  # a standard question's code, or ("custom", question id)


@dataclass(frozen=True)
class Round:
    survey_id: int
    title: str
    opens_at: dt.datetime
    questions: tuple[tuple[int, str, str, str], ...]  # (id, code, kind, text)


@dataclass
class SurveyTable:
    scope: Scope
    table: Table
    rounds: tuple[Round, ...]
    responses: dict[tuple[str, int | None], Cell]
    answered: dict[tuple[str, int | None, QKey], Cell]
    values: dict[tuple[str, int | None, QKey, int], Cell]
    promoters: dict[tuple[str, int | None], Cell]
    detractors: dict[tuple[str, int | None], Cell]
    windows: dict[tuple[str, Window, str], Cell]  # (row, period, code): the dashboard's
    window_rounds: dict[Window, tuple[int, ...]]
    texts: dict[tuple[int, int], Cell]  # (survey, question) → written answers (all people)

    def mean(self, cell: Cell) -> float | None:
        return cell.bag.totals[0] / cell.n if cell.n and cell.bag.totals else None


DASHBOARD_CODES = ("satisfaction", "peer_help", "progress", "nps")


def _qkey(qid: int, code: str) -> QKey:
    return ("custom", qid) if code == CUSTOM_SCALE else code


def _rounds(s: Session, programme_id: int) -> tuple[Round, ...]:
    surveys = s.scalars(
        select(Survey)
        .where(Survey.programme_id == programme_id, Survey.kind.in_(RESULT_KINDS))
        .order_by(Survey.opens_at, Survey.id)
    ).all()
    return tuple(
        Round(
            sv.id,
            sv.title,
            sv.opens_at,
            tuple((q.id, q.code, q.kind, question_text(q.code, q.text)) for q in sv.questions),
        )
        for sv in surveys
    )


def survey_table(s: Session, scope: Scope) -> SurveyTable:
    """Every result figure of a programme's pulse and end surveys, protected together.

    Per department: how many answered each question, with its mean and NPS. The
    distribution of answers (and the shares of promoters and detractors) only for
    all departments together: split by department, it is too fine to protect.
    """
    k, pid = scope.k, scope.programme_id
    table = Table(k, f"surveys:{pid}")
    rounds = _rounds(s, pid)
    in_programme = (Survey.programme_id == pid, Survey.kind.in_(RESULT_KINDS))

    columns = {
        "dept": SurveyResponse.department,
        "rnd": Survey.id,
        "qid": SurveyQuestion.id,
        "val": SurveyAnswer.value_int,
    }

    def answer_bags(*keys: tuple[str, Callable[[Any], Hashable] | None]) -> dict[Any, Bag]:
        """The answers' bags by ``keys`` (labels of ``columns``, with their types)."""
        query = answers_query(
            *(columns[label].label(label) for label, _ in keys),
            respondent(),
            SurveyAnswer.response_id.label("unit"),
            SurveyAnswer.question_id.label("unit2"),
            # Sums: of the values (means), of promoters and detractors (NPS).
            SurveyAnswer.value_int.label("v0"),
            case((SurveyAnswer.value_int >= 9, 1), else_=0).label("v1"),
            case((SurveyAnswer.value_int <= 6, 1), else_=0).label("v2"),
        ).where(*in_programme, SurveyQuestion.kind != TEXT, SurveyAnswer.value_int.is_not(None))
        return fetch_bags(s, query, list(keys), k, "answer", sums=3)

    by_row = answer_bags(("dept", None), ("rnd", int), ("qid", int))
    by_value = answer_bags(("rnd", int), ("qid", int), ("val", int))
    respondents = (
        select(
            SurveyResponse.department.label("dept"),
            Survey.id.label("rnd"),
            respondent(),
            SurveyResponse.id.label("unit"),
        )
        .join(Survey, Survey.id == SurveyResponse.survey_id)
        .where(*in_programme)
    )
    by_round = fetch_bags(s, respondents, [("dept", None), ("rnd", int)], k, "response")
    written = answers_query(
        Survey.id.label("rnd"),
        SurveyQuestion.id.label("qid"),
        respondent(),
        SurveyAnswer.response_id.label("unit"),
        SurveyAnswer.question_id.label("unit2"),
    ).where(
        *in_programme,
        SurveyQuestion.kind == TEXT,
        SurveyQuestion.code.in_(("free", CUSTOM_TEXT)),
        SurveyAnswer.value_text.is_not(None),
        SurveyAnswer.value_text != "",
    )
    by_text = fetch_bags(s, written, [("rnd", int), ("qid", int)], k, "answer")

    rows = scope.rows
    codes = {q[0]: q[1] for r in rounds for q in r.questions}

    def total(
        key: tuple[Hashable, ...], parts: list[Cell], *, disjoint: bool, latent: bool = False
    ) -> Cell:
        return table.total(key, parts, disjoint_people=disjoint, latent=latent)

    # Answers per department, round and question (n, mean, NPS).
    grouped: dict[tuple[str, int, QKey], list[Bag]] = defaultdict(list)
    for (dept, rnd, qid), bag in by_row.items():
        grouped[(scope.row(dept), rnd, _qkey(qid, codes.get(qid, "")))].append(bag)
    answered: dict[tuple[str, int | None, QKey], Cell] = {}
    for (row, rnd, qkey), bags in sorted(grouped.items(), key=lambda kv: repr(kv[0])):
        answered[(row, rnd, qkey)] = table.add(
            ("answered", row, rnd, qkey),
            combine(bags, k, disjoint_people=True),
            latent=row == OTHERS,
        )
    round_keys = sorted({(rnd, qkey) for (_, rnd, qkey) in grouped}, key=repr)
    for rnd, qkey in round_keys:
        answered[(ALL, rnd, qkey)] = total(
            ("answered", ALL, rnd, qkey),
            [answered[(r, rnd, qkey)] for r in rows if (r, rnd, qkey) in answered],
            disjoint=True,
        )
    # The distribution, for everyone together.
    values: dict[tuple[str, int | None, QKey, int], Cell] = {}
    for (rnd, qid, val), bag in sorted(by_value.items()):
        qkey = _qkey(qid, codes.get(qid, ""))
        values[(ALL, rnd, qkey, val)] = table.add(("value", ALL, rnd, qkey, val), bag)
    for rnd, qkey in round_keys:
        table.sum_of(
            answered[(ALL, rnd, qkey)],
            [c for (_, r2, q2, _v), c in values.items() if (r2, q2) == (rnd, qkey)],
        )
    # All rounds together (standard questions only: a custom one belongs to its round).
    standard = sorted({qkey for _, qkey in round_keys if isinstance(qkey, str)})
    for qkey in standard:
        for row in (*rows, ALL):
            parts = [c for (r2, rnd, q2), c in answered.items() if (r2, q2) == (row, qkey) and rnd]
            if parts:
                answered[(row, None, qkey)] = total(
                    ("answered", row, None, qkey), parts, disjoint=False, latent=row == OTHERS
                )
        if (ALL, None, qkey) in answered:
            table.sum_of(
                answered[(ALL, None, qkey)],
                [answered[(r, None, qkey)] for r in rows if (r, None, qkey) in answered],
            )
        by_val: dict[int, list[Cell]] = defaultdict(list)
        for (_, rnd, q2, val), cell in list(values.items()):
            if q2 == qkey and rnd is not None:
                by_val[val].append(cell)
        for val, parts in sorted(by_val.items()):
            values[(ALL, None, qkey, val)] = total(
                ("value", ALL, None, qkey, val), parts, disjoint=False
            )
        if (ALL, None, qkey) in answered:
            table.sum_of(
                answered[(ALL, None, qkey)],
                [c for (_, rnd, q2, _v), c in values.items() if q2 == qkey and rnd is None],
            )
    # Promoters and detractors, for everyone together (their shares are shown with the
    # NPS), with the rest of each share and the passives: a subtraction away.
    promoters: dict[tuple[str, int | None], Cell] = {}
    detractors: dict[tuple[str, int | None], Cell] = {}
    for rnd in [*(r.survey_id for r in rounds), None]:
        whole = answered.get((ALL, rnd, "nps"))
        if whole is None:
            continue
        mine = [(v, c) for (_, r2, q2, v), c in values.items() if (r2, q2) == (rnd, "nps")]
        groups = {
            "promoters": [c for v, c in mine if v >= 9],
            "detractors": [c for v, c in mine if v <= 6],
            "passives": [c for v, c in mine if 6 < v < 9],
            "not_promoters": [c for v, c in mine if v < 9],
            "not_detractors": [c for v, c in mine if v > 6],
        }
        shares = {
            name: total(
                (name, ALL, rnd),
                parts,
                disjoint=rnd is not None,
                latent=name not in ("promoters", "detractors"),
            )
            for name, parts in groups.items()
        }
        promoters[(ALL, rnd)], detractors[(ALL, rnd)] = shares["promoters"], shares["detractors"]
        table.sum_of(whole, [shares["promoters"], shares["detractors"], shares["passives"]])
        table.sum_of(whole, [shares["promoters"], shares["not_promoters"]])
        table.sum_of(whole, [shares["detractors"], shares["not_detractors"]])
    # Responses per round, per department, and all rounds together.
    responses: dict[tuple[str, int | None], Cell] = {}
    resp_rows: dict[tuple[str, int], list[Bag]] = defaultdict(list)
    for (dept, rnd), bag in by_round.items():
        resp_rows[(scope.row(dept), rnd)].append(bag)
    for r in rounds:
        for row in rows:
            responses[(row, r.survey_id)] = table.add(
                ("responses", row, r.survey_id),
                combine(resp_rows.get((row, r.survey_id), []), k, disjoint_people=True),
                latent=row == OTHERS,
            )
        responses[(ALL, r.survey_id)] = total(
            ("responses", ALL, r.survey_id),
            [responses[(row, r.survey_id)] for row in rows],
            disjoint=True,
        )
    for row in (*rows, ALL):
        responses[(row, None)] = total(
            ("responses", row, None),
            [responses[(row, r.survey_id)] for r in rounds],
            disjoint=False,
            latent=row == OTHERS,
        )
    table.sum_of(responses[(ALL, None)], [responses[(r, None)] for r in rows])
    # The dashboard's periods: the rounds that opened in each (whole rounds only).
    window_rounds: dict[Window, tuple[int, ...]] = {}
    sets: dict[frozenset[int], tuple[int, ...]] = {}
    for window in scope.windows:
        first, last = window
        chosen = tuple(
            r.survey_id
            for r in rounds
            if (first is None or r.opens_at >= midnight(first))
            and r.opens_at < midnight(last + dt.timedelta(days=7))
        )
        window_rounds[window] = chosen
        sets[frozenset(chosen)] = chosen
    every = frozenset(r.survey_id for r in rounds)
    made: dict[tuple[str, frozenset[int], str], Cell] = {}
    for rset, chosen in sets.items():
        for code in DASHBOARD_CODES:
            for row in (*rows, ALL):
                parts = [
                    answered[(row, rnd, code)] for rnd in chosen if (row, rnd, code) in answered
                ]
                if rset == every and (row, None, code) in answered:
                    made[(row, rset, code)] = answered[(row, None, code)]
                elif len(parts) == 1:
                    made[(row, rset, code)] = parts[0]
                else:
                    made[(row, rset, code)] = total(
                        ("period", row, chosen, code), parts, disjoint=False, latent=row == OTHERS
                    )
            table.sum_of(made[(ALL, rset, code)], [made[(r, rset, code)] for r in rows])
    # Two periods, one inside the other, differ by the rounds between: protected too.
    for outer in sets:
        for inner in sets:
            if not inner < outer:
                continue
            for code in DASHBOARD_CODES:
                for row in (*rows, ALL):
                    between = [
                        answered[(row, rnd, code)]
                        for rnd in outer - inner
                        if (row, rnd, code) in answered
                    ]
                    gap = total(
                        ("period_between", row, tuple(sorted(outer)), tuple(sorted(inner)), code),
                        between,
                        disjoint=False,
                        latent=True,
                    )
                    table.sum_of(made[(row, outer, code)], [made[(row, inner, code)], gap])
    windows: dict[tuple[str, Window, str], Cell] = {
        (row, window, code): made[(row, frozenset(chosen), code)]
        for window, chosen in window_rounds.items()
        for row in (*scope.offered, ALL)
        for code in DASHBOARD_CODES
    }
    texts: dict[tuple[int, int], Cell] = {
        (rnd, qid): table.add(("written", rnd, qid), bag)
        for (rnd, qid), bag in sorted(by_text.items(), key=lambda kv: repr(kv[0]))
    }
    return SurveyTable(
        scope,
        table.protect(),
        rounds,
        responses,
        answered,
        values,
        promoters,
        detractors,
        windows,
        window_rounds,
        texts,
    )


def survey_programme(s: Session, programme_id: object) -> Programme:
    """The programme whose survey results are asked for, or NotFound."""
    return get_or_404(s, Programme, programme_id, missing=t("This programme does not exist."))


def programme_scope(
    s: Session, programme_id: int, k: int | None = None, tables: TableCache | None = None
) -> Scope:
    k = k if k is not None else k_threshold(s)
    return scope_of(s, survey_programme(s, programme_id), k, tables=tables)


def nps_of(cell: Cell) -> float | None:
    """NPS of the answers a cell counts: % of 9–10 minus % of 0–6 (from its sums)."""
    if not cell.n or len(cell.bag.totals) < 3:
        return None
    _, promoters, detractors = cell.bag.totals
    return 100.0 * (promoters - detractors) / cell.n
