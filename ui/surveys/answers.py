"""The Results tab's answers, question by question: a bar chart of each scale question's
answers (hidden bars named) and what participants wrote to each text question (once at least
k people wrote in a round), every figure protected (core.kernel.privacy)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd
import streamlit as st

from core.insights import survey_results
from core.insights.chart_parts import finish
from core.kernel.i18n import format_number, t, tn
from core.surveys import questions
from core.surveys.results import QuestionResult
from ui.surveys.explain import hidden
from ui.widgets import draw_chart, figures_as_text, md_escape


def answers_per_question(found: Sequence[QuestionResult], k: int) -> None:
    """A bar chart of each scale question's answers, hidden bars named."""
    st.header(t("Answers per question"))
    scale_results = [q for q in found if q.kind != questions.TEXT]
    if not scale_results:
        st.caption(t("No answer yet."))
    cols = st.columns(2)
    for i, q in enumerate(scale_results):
        with cols[i % 2].container(border=True, key=f"cs_q_{q.code}_{q.question_id or 0}"):
            st.markdown(f"**{md_escape(q.text)}**")
            if q.suppressed:
                st.caption(hidden(q.reason, k))
                continue
            st.caption(
                tn(
                    "{n} answer · average {mean}",
                    "{n} answers · average {mean}",
                    q.n or 0,
                    mean=format_number(q.mean or 0, 1),
                )
            )
            dist = pd.DataFrame(
                {
                    "value": [v for v, c in q.distribution if c is not None],
                    "answers": [c for _, c in q.distribution if c is not None],
                }
            )
            draw_chart(
                finish(
                    alt.Chart(dist)
                    .mark_bar()
                    .encode(
                        x=alt.X("value:O", title=None, axis=alt.Axis(labelAngle=0)),
                        # whole answers, from zero at the bottom, even when every bar
                        # shown is empty (Vega would centre a lone "0.000000")
                        y=alt.Y(
                            "answers:Q",
                            title=t("Answers"),
                            axis=alt.Axis(format="d", tickMinStep=1),
                            scale=alt.Scale(domain=[0, max([1, *dist["answers"]])], nice=True),
                        ),
                        tooltip=[
                            alt.Tooltip("value:O", title=t("Answer")),
                            alt.Tooltip("answers:Q", title=t("Answers")),
                        ],
                    ),
                    height=160,
                    description=q.text,
                ),
                width="stretch",
            )
            table = pd.DataFrame({t("Answer"): dist["value"], t("Answers"): dist["answers"]})
            figures_as_text(q.text, table, f"t_q_{q.code}_{q.question_id or 0}")
            bars_hidden = [str(v) for v, c in q.distribution if c is None]
            if bars_hidden:
                st.caption(
                    t(
                        "Answers hidden for {values}: fewer than {k} each, or they would reveal such a group by subtraction.",
                        values=", ".join(bars_hidden),
                        k=k,
                    )
                )


def written_answers(results: survey_results.SurveyResults, one_round: bool, k: int) -> None:
    """Free text per whole round, once at least k people wrote, without names."""
    st.header(t("What participants wrote"))
    if results.texts_note:
        st.caption(
            t(
                "Written answers are shown for all departments together only: one department's answers, compared with everyone's, would show the others'."
            )
        )
    elif not results.free_texts:
        st.caption(t("No written answer yet."))
    for group in results.free_texts:
        label = f"{group.survey} · {group.text}" if not one_round else group.text
        with st.expander(label, expanded=not group.suppressed):
            if group.suppressed:
                st.caption(
                    t(
                        "Written answers appear once at least {k} people have written one in this survey round.",
                        k=k,
                    )
                )
                continue
            st.caption(
                tn(
                    "{n} written answer, without a name.",
                    "{n} written answers, in alphabetical order and without names.",
                    group.n or 0,
                )
            )
            st.markdown("\n".join("- " + md_escape(x).replace("\n", " ") for x in group.texts))
