"""Training needs (coordinators): skills wanted vs offered by department, and who can help whom."""

import altair as alt
import pandas as pd
import streamlit as st

from core.insights import figures, tna
from core.insights.chart_parts import HEAT_SCHEME, HEAT_TEXT, HIDDEN_CELL, QUIET_TEXT, finish
from core.insights.scope import OTHERS
from core.kernel.errors import TandemError
from core.kernel.i18n import format_number, t, tn
from core.programmes import programmes
from ui.dashboard.filters import kept_parts
from ui.page import guard
from ui.widgets import draw_chart, figures_as_text

store, viewer = guard("coord_needs")
st.title(t("Training needs"))
st.caption(
    t(
        "Skills that enrolled participants want, against the skills they offer, by department. Withdrawn people are not counted."
    )
)

rows = programmes.list_programmes(store.sf, viewer)
if not rows:
    st.info(t("No programme yet."))
    st.stop()
by_id = {r.programme_id: r for r in rows}
default = next((r.programme_id for r in rows if r.status == "enrolment"), rows[0].programme_id)
ids = list(by_id)
picked = st.selectbox(
    t("Programme"),
    ids,
    index=ids.index(default),
    format_func=lambda i: by_id[i].name,
    key="tna_programme",
)
try:
    grid = tna.needs_grid(store.sf, viewer, picked, kept_parts(store))
except TandemError as e:
    st.error(str(e))
    st.stop()

if grid.enrolled == 0:
    st.info(t("Nobody is enrolled in this programme yet."))
    st.stop()

OTHER_DEPTS = t("Other departments")
ALL = t("All departments")
HIDDEN = t("hidden")


def row_label(department: str) -> str:
    return OTHER_DEPTS if department == OTHERS else department


def _mark(value: int | None) -> str:
    """A cell's text: its gap, or a dot where it is hidden (a word would not fit a phone)."""
    return "·" if value is None else _label(value)


def _label(value: int | None) -> str:
    if value is None:
        return HIDDEN
    return f"{value:+d}" if value else "0"


records = [
    {
        "department": row_label(c.department),
        "skill": c.skill,
        "wanted": c.wanted,
        "offered": c.offered,
        "gap": c.gap,
        "people": c.people,
        "suppressed": c.gap is None,
        "label": _label(c.gap),
        "mark": _mark(c.gap),
        "why": figures.hidden_text(grid.k, c.reason) if c.gap is None else "",
    }
    for c in grid.cells
] + [
    {
        "department": ALL,
        "skill": s.skill,
        "wanted": s.wanted,
        "offered": s.offered,
        "gap": s.gap,
        "people": grid.enrolled,
        "suppressed": s.gap is None,
        "label": _label(s.gap),
        "mark": _mark(s.gap),
        "why": figures.hidden_text(grid.k) if s.gap is None else "",
    }
    for s in grid.totals
]
if not records:  # people enrolled, but none named a skill they offer or want
    st.info(
        t(
            "Nobody enrolled in this programme has named a skill yet: the grid appears once "
            "people say which skills they offer and want."
        )
    )
    st.stop()
data = pd.DataFrame(records)
skills_order = [s.skill for s in grid.totals]
departments_order = [ALL] + [row_label(d) for d, _ in grid.departments]
shown_gaps = data.loc[~data["suppressed"], "gap"].abs()
extent = max(1, int(shown_gaps.max()) if len(shown_gaps) else 1)

base = alt.Chart(data).encode(
    # Every label shown: Vega-Lite drops every other one when they might overlap.
    x=alt.X(
        "skill:N",
        sort=skills_order,
        title=t("Skill"),
        axis=alt.Axis(labelAngle=-40, labelOverlap=False, labelLimit=160),
    ),
    y=alt.Y(
        "department:N",
        sort=departments_order,
        title=t("Department"),
        axis=alt.Axis(labelOverlap=False, labelLimit=160),
    ),
    tooltip=[
        alt.Tooltip("department:N", title=t("Department")),
        alt.Tooltip("skill:N", title=t("Skill")),
        alt.Tooltip("wanted:Q", title=t("Wanted")),
        alt.Tooltip("offered:Q", title=t("Offered")),
        alt.Tooltip("label:N", title=t("Gap (wanted − offered)")),
        alt.Tooltip("people:Q", title=t("Enrolled people")),
        alt.Tooltip("why:N", title=" "),
    ],
)
cells = (
    base.transform_filter("!datum.suppressed")
    .mark_rect(stroke="white")
    .encode(
        color=alt.Color(
            "gap:Q",
            title=t("Gap"),
            scale=alt.Scale(scheme=HEAT_SCHEME, reverse=True, domain=[-extent, extent]),
        )
    )
)
hidden = base.transform_filter("datum.suppressed").mark_rect(color=HIDDEN_CELL, stroke="white")
labels = base.mark_text(fontSize=11).encode(
    text=alt.Text("mark:N"),
    color=alt.ColorValue(HEAT_TEXT, condition={"test": "datum.suppressed", "value": QUIET_TEXT}),
)
height = 34 * len(departments_order) + 40
title = t("Gap (wanted − offered)")
draw_chart(
    finish(alt.layer(cells, hidden, labels), height=height, description=title),
    width="stretch",
    height=height + 130,  # Streamlit does not take the height from the spec
    key="tna_chart",
)
figures_as_text(  # the cells as the chart shows them: a hidden gap stays hidden
    title,
    pd.DataFrame(
        {t("Department"): data["department"], t("Skill"): data["skill"], title: data["label"]}
    ),
    "t_tna",
)
st.caption(
    t(
        "Red: more people want the skill than offer it (a gap). Blue: more offer it than want it (a surplus). Grey with a dot: hidden, because the wanted or offered count covers fewer than {k} people, or would reveal such a group by subtraction from the other rows.",
        k=grid.k,
    )
)
if grid.withheld:
    st.caption(
        tn(
            "{n} department is counted with the other departments: {names} (fewer than {k} participants alone, or too few left for the rest).",
            "{n} departments are counted with the other departments: {names} (fewer than {k} participants alone, or too few left for the rest).",
            len(grid.withheld),
            names=", ".join(grid.withheld),
            k=grid.k,
        )
    )

st.header(t("Who wants it, who offers it"))
options = {s.skill_id: s for s in grid.totals}
ranked = sorted(options, key=lambda i: -(options[i].gap or 0))
left, right = st.columns(2)
skill_id = left.selectbox(
    t("Skill"),
    ranked,
    format_func=lambda i: options[i].skill,
    key="tna_skill",
)
named = [d for d, _ in grid.departments if d != OTHERS]  # departments shown on their own
department = right.selectbox(
    t("Department"), named, index=None, placeholder=ALL, key="tna_department"
)
try:
    who = tna.skill_people(store.sf, viewer, picked, skill_id, department)
except TandemError as e:
    st.error(str(e))
    st.stop()


def _table(people: tuple[tna.PersonLine, ...]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("Name"): [p.name for p in people],
            t("Department"): [p.department or t("No department") for p in people],
            t("Level"): [p.level or "" for p in people],
            t("Location"): [p.location or "" for p in people],
        }
    )


def _people(people: tuple[tna.PersonLine, ...], total: int, key: str) -> None:
    if people:
        st.dataframe(_table(people), hide_index=True, key=key)
    if total > len(people) and department is None:
        st.caption(
            t(
                "The first {shown} by department and name are shown: pick a department to see others.",
                shown=len(people),
            )
        )
    elif total > len(people):
        st.caption(t("The first {shown} by name are shown.", shown=len(people)))


left, right = st.columns(2)
with left:
    wanted = format_number(who.wanted_total)
    st.markdown(
        "**" + tn("{n} person wants it", "{n} people want it", who.wanted_total, n=wanted) + "**"
    )
    _people(who.wanted_by, who.wanted_total, "tna_wanted")
with right:
    offered = format_number(who.offered_total)
    st.markdown(
        "**"
        + tn("{n} person offers it", "{n} people offer it", who.offered_total, n=offered)
        + "**"
    )
    _people(who.offered_by, who.offered_total, "tna_offered")
