"""Home cards of a participant: surveys waiting for an answer, and my progress."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from core.growth import progress
from core.insights.chart_parts import finish
from core.kernel.access import Viewer
from core.kernel.i18n import format_date, format_number, t, tn
from core.kernel.store import Store
from core.surveys.self_assessment import END_DUE, END_LATER
from ui.widgets import draw_chart, figures_as_text, md_escape


def surveys_card(store: Store, viewer: Viewer) -> None:
    """How many surveys, fit checks and self-assessments wait, with a link; nothing if none."""
    todo = progress.survey_todo(store.sf, viewer)
    if not todo.total:
        return
    with st.container(border=True, key="surveys_card"):
        heading = t("Surveys")
        st.markdown(f"### {heading}")
        st.markdown(
            tn(
                "{n} survey waits for your answer.",
                "{n} surveys wait for your answer.",
                todo.total,
            )
        )
        st.page_link("pages/surveys.py", label=t("Answer now"), icon=":material/rate_review:")


def progress_card(store: Store, viewer: Viewer) -> None:
    """My goals achieved, meetings held, reflections per month and mentor-skills growth."""
    mine = progress.my_progress(store.sf, viewer)
    with st.container(border=True, key="progress_card"):
        heading = t("My progress")
        st.markdown(f"### {heading}")
        if not mine.has_activity:
            st.caption(
                t("Your goals achieved, meetings held and reflections written will show here.")
            )
            return
        a, b, c = st.columns(3)
        a.metric(t("Goals achieved"), f"{mine.goals_achieved} / {mine.goals}")
        b.metric(t("Meetings held"), mine.meetings_held)
        c.metric(t("Reflections written"), mine.reflections)
        months = pd.DataFrame(
            {
                "month": [format_date(m.month, "MMM y") for m in mine.reflections_by_month],
                "order": list(range(len(mine.reflections_by_month))),
                "count": [m.count for m in mine.reflections_by_month],
            }
        )
        title = t("Reflections per month")
        draw_chart(
            finish(
                alt.Chart(months, title=title, description=title)
                .mark_bar()
                .encode(
                    x=alt.X(
                        "month:N",
                        sort=alt.SortField("order"),
                        title=None,
                        axis=alt.Axis(labelAngle=0),
                    ),
                    y=alt.Y("count:Q", title=None, axis=alt.Axis(tickMinStep=1)),
                    tooltip=[
                        alt.Tooltip("month:N", title=t("Month")),
                        alt.Tooltip("count:Q", title=t("Reflections")),
                    ],
                ),
                height=150,
            ),
            width="stretch",
        )
        table = pd.DataFrame({t("Month"): months["month"], t("Reflections"): months["count"]})
        figures_as_text(title, table, "t_reflections_by_month")
        both = [x for x in mine.skills if x.baseline is not None and x.end is not None]
        if both:
            st.markdown(
                t(
                    "**My mentor skills** ({programme}), at enrolment → at the end:",
                    programme=md_escape(mine.skills_programme or ""),
                )
            )
            st.markdown(
                " · ".join(
                    f"{md_escape(x.label)} {x.baseline} → {x.end}"
                    + (f" (+{x.end - x.baseline})" if x.end > x.baseline else "")
                    for x in both
                )
            )
            average = sum(x.end - x.baseline for x in both) / len(both)
            st.caption(
                t(
                    "On average {delta} points per skill.",
                    delta=("+" if average > 0 else "") + format_number(average, 1),
                )
            )
        elif any(x.baseline is not None for x in mine.skills):
            _re_assessment(mine)


def _re_assessment(mine: progress.MyProgress) -> None:
    """Where my end-of-programme self-assessment stands, said as it is today."""
    if mine.skills_end_state == END_DUE:
        st.caption(
            t(
                "Your mentor-skills self-assessment is due now: rate yourself again to see how you grew."
            )
        )
        st.page_link(
            "pages/surveys.py", label=t("Rate my mentor skills"), icon=":material/assignment:"
        )
    elif mine.skills_end_state == END_LATER and mine.skills_end_opens is not None:
        st.caption(
            t(
                "Your mentor-skills self-assessment is asked again from {date}, near the end of the programme, to show how you grew.",
                date=format_date(mine.skills_end_opens),
            )
        )
    elif mine.skills_end_state == END_LATER:
        st.caption(
            t(
                "Your mentor-skills self-assessment is asked again near the end of the programme, to show how you grew."
            )
        )
    else:
        st.caption(
            t(
                "The end-of-programme self-assessment was not filled in, so there is no before and after to show."
            )
        )
