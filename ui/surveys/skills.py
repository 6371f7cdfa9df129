"""The Results tab's mentor-skills growth: self-assessment at enrolment and at the end."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from core.insights import skills_growth
from core.insights.chart_parts import finish
from core.kernel.access import Viewer
from core.kernel.i18n import t
from core.kernel.store import Store
from ui.dashboard.filters import kept_parts
from ui.surveys.explain import hidden, signed
from ui.widgets import draw_chart, figures_as_text


def growth_section(
    store: Store, viewer: Viewer, programme_id: int, department: str | None, k: int
) -> None:
    """Average self-assessment per skill, over the people who answered both times."""
    st.header(t("Mentor-skills growth"))
    growth = skills_growth.mentor_skills_growth(
        store.sf, viewer, programme_id, department, kept_parts(store)
    )
    visible = [g for g in growth if not g.suppressed]
    if visible:
        at_start, at_end = t("At enrolment"), t("At the end")
        rows = []
        for g in visible:
            growth_label = signed(g.growth or 0, 1)
            for when, score in ((at_start, g.baseline), (at_end, g.end)):
                rows.append(
                    {
                        "skill": g.label,
                        "when": when,
                        "score": score,
                        "n": g.n,
                        "growth": growth_label,
                    }
                )
        draw_chart(
            finish(
                alt.Chart(pd.DataFrame(rows))
                .mark_bar()
                .encode(
                    y=alt.Y("skill:N", title=None, sort=[g.label for g in visible]),
                    yOffset=alt.YOffset("when:N", sort=[at_start, at_end]),
                    x=alt.X(
                        "score:Q",
                        title=t("Average self-assessment (1–5)"),
                        scale=alt.Scale(domain=[0, 5]),
                        axis=alt.Axis(values=[0, 1, 2, 3, 4, 5]),
                    ),
                    color=alt.Color(
                        "when:N",
                        title=None,
                        sort=[at_start, at_end],
                        scale=alt.Scale(range=["#A7C7BD", "#2F6F5E"]),
                        legend=alt.Legend(orient="bottom"),
                    ),
                    tooltip=[
                        alt.Tooltip("skill:N", title=t("Skill")),
                        alt.Tooltip("when:N", title=t("When")),
                        alt.Tooltip("score:Q", title=t("Average"), format=".2f"),
                        alt.Tooltip("growth:N", title=t("Growth")),
                        alt.Tooltip("n:Q", title=t("People")),
                    ],
                ),
                height=40 * len(visible) + 40,
                description=t("Mentor-skills growth"),
            ),
            width="stretch",
        )
        frame = pd.DataFrame(rows)
        table = pd.DataFrame(
            {t("Skill"): frame["skill"], t("When"): frame["when"], t("Average"): frame["score"]}
        )
        figures_as_text(t("Mentor-skills growth"), table, "t_skills_growth")
        st.caption(
            t(
                "Average self-assessment at enrolment and at the end, over the people who answered both."
            )
        )
    hidden_skills = [g.label for g in growth if g.suppressed and g.reason]
    if any(g.reason == "not_offered" for g in growth):
        st.caption(hidden("not_offered", k))
    elif hidden_skills and not visible:
        st.caption(
            t(
                "Shown once at least {k} people have answered the self-assessment at enrolment and at the end.",
                k=k,
            )
        )
    elif hidden_skills:
        st.caption(
            t(
                "Hidden (fewer than {k} people, or they would reveal such a group by subtraction): {which}",
                k=k,
                which=", ".join(hidden_skills),
            )
        )
