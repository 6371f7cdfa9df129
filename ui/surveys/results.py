"""The Results tab: one survey round or all, one department or all, every figure protected
(core.kernel.privacy): responses, NPS over time, answers per question and written answers
(ui/surveys/answers.py), mentor-skills growth (ui/surveys/skills.py)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from core.insights import survey_results
from core.insights.chart_parts import finish
from core.kernel.access import Viewer
from core.kernel.i18n import format_number, format_percent, t
from core.kernel.store import Store
from ui.dashboard.filters import kept_parts
from ui.surveys import answers, skills
from ui.surveys.explain import hidden, signed
from ui.widgets import draw_chart, figures_as_text, md_escape


def results_tab(
    store: Store,
    viewer: Viewer,
    programme_id: int,
    summaries: Sequence[survey_results.SurveySummary],
    k: int,
) -> None:
    """Draw the Results tab of a programme."""
    # Labels are computed here: a format_func runs again later, outside this run's language.
    titles = {0: t("All surveys")} | {x.survey_id: x.title for x in summaries}
    f1, f2 = st.columns(2)
    # 0 and "" stand for "all": a None option reads as "nothing chosen".
    survey_pick = f1.selectbox(
        t("Survey"),
        list(titles),
        format_func=titles.__getitem__,
        key=f"cs_pick_survey_{programme_id}",
    )
    departments = {"": t("All departments")} | {
        d: d
        for d in survey_results.survey_departments(
            store.sf, viewer, programme_id, kept_parts(store)
        )
    }
    department = f2.selectbox(
        t("Department"),
        list(departments),
        format_func=departments.__getitem__,
        key=f"cs_pick_department_{programme_id}",
    )
    results = survey_results.survey_results(
        store.sf,
        viewer,
        programme_id,
        department or None,
        survey_id=survey_pick or None,
        tables=kept_parts(store),
    )
    st.caption(
        t(
            "Every number below is computed over at least {k} answers; smaller groups are hidden to protect anonymity, and so is any figure that would give one back by subtraction from another. Results are read per whole survey round, never for a date window. Departments are the respondents' departments when they answered; a department is offered when it has at least {k} participants and leaves at least {k} for the others.",
            k=k,
        )
    )
    by_code = {q.code: q for q in results.questions}
    m1, m2, m3 = st.columns(3)
    m1.metric(
        t("Responses"),
        results.responses if results.responses is not None else "—",
        delta=hidden(results.reason, k) if results.suppressed else None,
        delta_color="off",
        delta_arrow="off",
    )
    m2.metric(
        t("Net Promoter Score"),
        signed(results.nps.nps) if results.nps.nps is not None else "—",
        help=t(
            "% of 9–10 answers minus % of 0–6 answers to “would you recommend the programme”, from −100 to +100."
        ),
    )
    sat = by_code.get("satisfaction")
    m3.metric(
        t("Satisfaction"),
        f"{format_number(sat.mean, 1)} / 5" if sat and sat.mean is not None else "—",
    )
    if results.suppressed:
        st.info(
            hidden(results.reason, k)
            if results.reason != "small"
            else t(
                "Fewer than {k} answers match these filters: the results are hidden to protect anonymity.",
                k=k,
            )
        )
    _nps_over_time(results.nps_by_survey, k)
    answers.answers_per_question(results.questions, k)
    answers.written_answers(results, bool(survey_pick), k)
    skills.growth_section(store, viewer, programme_id, department or None, k)


def _nps_over_time(points: Sequence[survey_results.NpsPoint], k: int) -> None:
    """One point per survey round; hidden rounds listed by name."""
    too_few = hidden("small", k)
    st.header(t("NPS over time"))
    st.caption(t("One point per survey round."))
    shown = [p for p in points if not p.suppressed]
    if shown:
        nps_data = pd.DataFrame(
            {
                "label": [p.label for p in shown],
                "order": list(range(len(shown))),
                "nps": [round(p.nps or 0, 1) for p in shown],
                "n": [p.n for p in shown],
                "promoters": [
                    too_few if p.promoters is None else format_percent(p.promoters) for p in shown
                ],
                "detractors": [
                    too_few if p.detractors is None else format_percent(p.detractors) for p in shown
                ],
            }
        )
        x = alt.X(
            "label:N",
            sort=alt.SortField("order"),
            title=None,
            axis=alt.Axis(labelAngle=0, labelLimit=260),
        )
        base = alt.Chart(nps_data).encode(
            x=x,
            y=alt.Y("nps:Q", title=t("NPS"), scale=alt.Scale(domain=[-100, 100])),
            tooltip=[
                alt.Tooltip("label:N", title=t("When")),
                alt.Tooltip("nps:Q", title=t("NPS")),
                alt.Tooltip("promoters:N", title=t("Promoters (9–10)")),
                alt.Tooltip("detractors:N", title=t("Detractors (0–6)")),
                alt.Tooltip("n:Q", title=t("Answers")),
            ],
        )
        zero = (
            alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(strokeDash=[4, 4]).encode(y=alt.Y("y:Q"))
        )
        line = base.mark_line(point=alt.OverlayMarkDef(size=80))
        text = base.mark_text(dy=-14, fontWeight="bold").encode(
            text=alt.Text("nps:Q", format="+.0f")
        )
        title = t("Net Promoter Score over time")
        draw_chart(
            finish(alt.layer(zero, line, text), height=260, description=title), width="stretch"
        )
        table = pd.DataFrame({t("When"): nps_data["label"], t("NPS"): nps_data["nps"]})
        figures_as_text(title, table, "t_survey_nps")
    else:
        st.caption(t("No NPS to show yet."))
    hidden_points = [p.label for p in points if p.suppressed]
    if hidden_points:
        st.caption(
            t(
                "Hidden (fewer than {k} answers, or they would reveal such a group by subtraction): {which}",
                k=k,
                which=md_escape(", ".join(hidden_points)),
            )
        )
