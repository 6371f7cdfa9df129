"""Surveys and results (coordinator): plan a programme's surveys, add questions, read the
protected results (core.kernel.privacy) per survey round, NPS over time, mentor-skills growth,
and pairs flagged as a poor fit."""

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from core.insights import skills_growth, survey_results
from core.kernel import clock
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, format_number, format_percent, t
from core.relationship import fit
from core.surveys import surveys
from ui.page import guard
from ui.widgets import md_escape

store, viewer = guard("coord_surveys")
st.title(t("Surveys and results"))

choices = surveys.programme_choices(store.sf, viewer)
if not choices:
    st.info(t("No programme yet."))
    st.stop()
names = dict(choices)
programme_id = st.selectbox(
    t("Programme"), list(names), format_func=names.__getitem__, key="cs_programme"
)
k = surveys.k_value(store.sf)


def hidden(reason: str) -> str:
    """Why a result is hidden (core.kernel.privacy's reasons, in the reader's words)."""
    if reason == "not_offered":
        return t("Not shown for one department: it would reveal a small group.")
    if reason == "difference":
        return t(
            "Hidden: with the other figures it would reveal a group of fewer than {k} people.",
            k=k,
        )
    return t("Hidden: fewer than {k} answers.", k=k)


HIDDEN = hidden("small")
STATES = {"scheduled": t("Scheduled"), "open": t("Open now"), "closed": t("Answers closed")}
PLAN_STATUSES = {
    "created": t("Created"),
    "upcoming": t("To create (opens later)"),
    "due": t("To create (due now)"),
    "missed": t("Missed"),
}
FLASH = "cs_flash"
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))


def done(message: str) -> None:
    st.session_state[FLASH] = message
    st.rerun()


def signed(value: float) -> str:
    return ("+" if value > 0 else "") + format_number(value)


summaries = survey_results.programme_surveys(store.sf, viewer, programme_id)
tab_results, tab_surveys, tab_fit = st.tabs(
    [t("Results"), t("Surveys and schedule"), t("Pairing fit")]
)

# --------------------------------------------------------------------------- results

with tab_results:
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
        d: d for d in survey_results.survey_departments(store.sf, viewer, programme_id)
    }
    department = f2.selectbox(
        t("Department"),
        list(departments),
        format_func=departments.__getitem__,
        key=f"cs_pick_department_{programme_id}",
    )
    results = survey_results.survey_results(
        store.sf, viewer, programme_id, department or None, survey_id=survey_pick or None
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
        delta=hidden(results.reason) if results.suppressed else None,
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
            hidden(results.reason)
            if results.reason != "small"
            else t(
                "Fewer than {k} answers match these filters: the results are hidden to protect anonymity.",
                k=k,
            )
        )

    st.subheader(t("NPS over time"))
    st.caption(t("One point per survey round."))
    points = results.nps_by_survey
    shown = [p for p in points if not p.suppressed]
    if shown:
        nps_data = pd.DataFrame(
            {
                "label": [p.label for p in shown],
                "order": list(range(len(shown))),
                "nps": [round(p.nps or 0, 1) for p in shown],
                "n": [p.n for p in shown],
                "promoters": [
                    HIDDEN if p.promoters is None else format_percent(p.promoters) for p in shown
                ],
                "detractors": [
                    HIDDEN if p.detractors is None else format_percent(p.detractors) for p in shown
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
        zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(strokeDash=[4, 4]).encode(y="y:Q")
        chart = base.mark_line(point=alt.OverlayMarkDef(size=80)) + base.mark_text(
            dy=-14, fontWeight="bold"
        ).encode(text=alt.Text("nps:Q", format="+.0f"))
        st.altair_chart((zero + chart).properties(height=260), width="stretch")
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

    st.subheader(t("Answers per question"))
    scale_results = [q for q in results.questions if q.kind != surveys.TEXT]
    if not scale_results:
        st.caption(t("No answer yet."))
    cols = st.columns(2)
    for i, q in enumerate(scale_results):
        with cols[i % 2].container(border=True, key=f"cs_q_{q.code}_{q.question_id or 0}"):
            st.markdown(f"**{md_escape(q.text)}**")
            if q.suppressed:
                st.caption(hidden(q.reason))
                continue
            st.caption(
                t(
                    "{n} answers · average {mean}",
                    n=q.n,
                    mean=format_number(q.mean or 0, 1),
                )
            )
            dist = pd.DataFrame(
                {
                    "value": [v for v, c in q.distribution if c is not None],
                    "answers": [c for _, c in q.distribution if c is not None],
                }
            )
            st.altair_chart(
                alt.Chart(dist)
                .mark_bar()
                .encode(
                    x=alt.X("value:O", title=None, axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("answers:Q", title=t("Answers")),
                    tooltip=[
                        alt.Tooltip("value:O", title=t("Answer")),
                        alt.Tooltip("answers:Q", title=t("Answers")),
                    ],
                )
                .properties(height=160),
                width="stretch",
            )
            bars_hidden = [str(v) for v, c in q.distribution if c is None]
            if bars_hidden:
                st.caption(
                    t(
                        "Answers hidden for {values}: fewer than {k} each, or they would reveal such a group by subtraction.",
                        values=", ".join(bars_hidden),
                        k=k,
                    )
                )

    st.subheader(t("What participants wrote"))
    if results.texts_note:
        st.caption(
            t(
                "Written answers are shown for all departments together only: one department's answers, compared with everyone's, would show the others'."
            )
        )
    elif not results.free_texts:
        st.caption(t("No written answer yet."))
    for group in results.free_texts:
        label = f"{group.survey} · {group.text}" if not survey_pick else group.text
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
                t(
                    "{n} written answers, in alphabetical order and without names.",
                    n=group.n,
                )
            )
            st.markdown("\n".join("- " + md_escape(x).replace("\n", " ") for x in group.texts))

    st.subheader(t("Mentor-skills growth"))
    growth = skills_growth.mentor_skills_growth(store.sf, viewer, programme_id, department or None)
    visible = [g for g in growth if not g.suppressed]
    if visible:
        at_start, at_end = t("At enrolment"), t("At the end")
        rows = []
        for g in visible:
            growth_label = ("+" if (g.growth or 0) > 0 else "") + format_number(g.growth or 0, 1)
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
        st.altair_chart(
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
            )
            .properties(height=40 * len(visible) + 40),
            width="stretch",
        )
        st.caption(
            t(
                "Average self-assessment at enrolment and at the end, over the people who answered both."
            )
        )
    hidden_skills = [g.label for g in growth if g.suppressed and g.reason]
    if any(g.reason == "not_offered" for g in growth):
        st.caption(hidden("not_offered"))
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

# --------------------------------------------------------------------------- surveys and schedule

with tab_surveys:
    with st.expander(t("Plan the surveys from the schedule"), expanded=not summaries):
        st.caption(
            t(
                "A survey some days after the pairs started, then at a regular interval, and one shortly before the programme ends. Each stays open two weeks. Surveys that open later can still receive questions of your own."
            )
        )
        c1, c2, c3 = st.columns(3)
        first = c1.number_input(
            t("First survey, days after matching"), 0, 365, 30, key="cs_first_after"
        )
        every = c2.number_input(t("Then every … days"), 7, 365, 60, key="cs_every")
        at_end = c3.checkbox(t("And at the end"), value=True, key="cs_at_end")
        options = {"first_after_days": int(first), "every_days": int(every), "at_end": at_end}
        try:
            plan = surveys.plan_surveys(store.sf, viewer, programme_id, **options)
        except TandemError as e:
            st.error(str(e))
            plan = []
        if plan:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("Survey"): [
                            t("Pulse survey {n}", n=p.point.number)
                            if p.point.kind == surveys.PULSE
                            else t(surveys.KIND_LABELS[surveys.END])
                            for p in plan
                        ],
                        t("Opens"): [format_date(p.point.opens_on) for p in plan],
                        t("Last day"): [format_date(p.point.closes_on) for p in plan],
                        t("Status"): [PLAN_STATUSES[p.status] for p in plan],
                    }
                ),
                hide_index=True,
                width="stretch",
            )
            to_create = sum(p.status in ("due", "upcoming") for p in plan)
            if st.button(
                t("Create the planned surveys"), disabled=not to_create, key="cs_create_planned"
            ):
                try:
                    n = surveys.create_planned_surveys(store.sf, viewer, programme_id, **options)
                except TandemError as e:
                    st.error(str(e))
                else:
                    done(t("{n} surveys created.", n=n))

    with st.expander(t("Create a survey now")):
        with st.form("cs_new_survey", clear_on_submit=False):
            title = st.text_input(t("Title"), key="cs_new_title", max_chars=200)
            n1, n2, n3 = st.columns(3)
            opens_on = n1.date_input(t("Opens on"), value=clock.today(), key="cs_new_opens")
            closes_on = n2.date_input(
                t("Last day to answer"),
                value=clock.today() + dt.timedelta(days=13),
                key="cs_new_closes",
            )
            kind = n3.radio(
                t("Kind"),
                [surveys.PULSE, surveys.END],
                format_func={k: t(v) for k, v in surveys.KIND_LABELS.items()}.__getitem__,
                key="cs_new_kind",
            )
            st.caption(
                t(
                    "Every survey asks the standard questions (satisfaction, recommendation, help from the peer, progress, a free comment). Add your own before it opens."
                )
            )
            if st.form_submit_button(t("Create the survey"), key="cs_new_submit"):
                try:
                    surveys.create_survey(
                        store.sf,
                        viewer,
                        programme_id,
                        title=title,
                        opens_on=opens_on,
                        closes_on=closes_on,
                        kind=kind,
                    )
                except TandemError as e:
                    st.error(str(e))
                else:
                    done(t("Survey created."))

    if not summaries:
        st.info(t("No survey for this programme yet."))
    for sv in reversed(summaries):
        with st.container(border=True, key=f"cs_card_{sv.survey_id}"):
            head, count = st.columns([3, 2])
            head.markdown(f"#### {md_escape(sv.title)}")
            head.caption(
                f"{t(surveys.KIND_LABELS[sv.kind])} · {STATES[sv.state]} · "
                + t(
                    "{opens} → {closes}",
                    opens=format_date(sv.opens_at),
                    closes=format_date(sv.closes_at - dt.timedelta(seconds=1))
                    if sv.closes_at
                    else "…",
                )
            )
            if sv.responses is None or sv.invited is None:
                count.caption(
                    t("Fewer than {k} participants have answered so far.", k=k)
                    if sv.hidden == "small"
                    else hidden(sv.hidden or "small")
                )
            else:
                rate = sv.responses / sv.invited if sv.invited else 0.0
                count.progress(
                    min(rate, 1.0),
                    text=t(
                        "{n} of {total} participants answered ({rate})",
                        n=sv.responses,
                        total=sv.invited,
                        rate=format_percent(rate),
                    ),
                )
            with st.expander(t("Questions")):
                for q in sv.questions:
                    mine = q.code in (surveys.CUSTOM_SCALE, surveys.CUSTOM_TEXT)
                    kind_label = {
                        surveys.SCALE5: t("1–5"),
                        surveys.SCALE10: t("0–10"),
                        surveys.TEXT: t("text"),
                    }[q.kind]
                    left, right = st.columns([5, 1])
                    left.markdown(f"- {md_escape(q.text)} · *{kind_label}*")
                    if mine and sv.state == "scheduled":
                        if right.button(t("Remove"), key=f"cs_rm_{q.id}"):
                            try:
                                surveys.remove_custom_question(store.sf, viewer, q.id)
                            except TandemError as e:
                                st.error(str(e))
                            else:
                                done(t("Question removed."))
                if sv.state == "scheduled":
                    with st.form(f"cs_add_q_{sv.survey_id}", clear_on_submit=False):
                        text = st.text_input(
                            t("A question of your own"),
                            key=f"cs_q_text_{sv.survey_id}",
                            max_chars=300,
                        )
                        qkind = st.radio(
                            t("Answered with"),
                            ["scale", "text"],
                            format_func={
                                "scale": t("a 1–5 scale (disagree → agree)"),
                                "text": t("free text"),
                            }.__getitem__,
                            horizontal=True,
                            key=f"cs_q_kind_{sv.survey_id}",
                        )
                        if st.form_submit_button(
                            t("Add the question"), key=f"cs_q_add_{sv.survey_id}"
                        ):
                            try:
                                surveys.add_custom_question(
                                    store.sf, viewer, sv.survey_id, kind=qkind, text=text
                                )
                            except TandemError as e:
                                st.error(str(e))
                            else:
                                done(t("Question added."))
                else:
                    st.caption(t("The survey has opened: its questions no longer change."))
            if sv.state == "scheduled" and st.button(
                t("Delete this survey"), key=f"cs_delete_{sv.survey_id}"
            ):
                try:
                    surveys.delete_survey(store.sf, viewer, sv.survey_id)
                except TandemError as e:
                    st.error(str(e))
                else:
                    done(t("Survey deleted."))

# --------------------------------------------------------------------------- pairing fit

with tab_fit:
    st.caption(
        t(
            "After their first meeting, each member rates whether the pairing fits them (1–5). A rating of 1 or 2 flags the pair here, without saying who, and without the member's note, which stays private."
        )
    )
    found = surveys.fit_results(store.sf, viewer, programme_id)
    summary = found.result
    if summary.suppressed:
        st.metric(t("Average fit"), "—")
        st.caption(hidden(summary.reason))
    else:
        a, b = st.columns(2)
        a.metric(t("Average fit"), f"{format_number(summary.mean or 0, 1)} / 5")
        if found.poor_share is None:
            b.metric(
                t("Poor fit (1–2)"),
                "—",
                delta=hidden(found.poor_reason),
                delta_color="off",
                delta_arrow="off",
            )
        else:
            b.metric(t("Poor fit (1–2)"), format_percent(found.poor_share))
    flags = fit.fit_flags(store.sf, viewer, programme_id)
    st.subheader(t("Pairs to talk to"))
    if not flags:
        st.success(t("No pair is flagged."))
    for flag in flags:
        with st.container(border=True, key=f"cs_flag_{flag.concern_id}"):
            st.markdown(f"**{md_escape(' · '.join(flag.members))}**")
            st.caption(
                t(
                    "A member reported a poor fit on {date}.",
                    date=format_date(flag.flagged_at),
                )
            )
            b1, b2 = st.columns(2)
            if b1.button(t("Mark as handled"), key=f"cs_flag_done_{flag.concern_id}"):
                try:
                    fit.mark_fit_flag_handled(store.sf, viewer, flag.concern_id)
                except TandemError as e:
                    st.error(str(e))
                else:
                    done(t("Flag handled."))
            if flag.match_status in fit.FIT_STATES:
                sure = b2.checkbox(
                    t("I have talked to them: end this pairing"),
                    key=f"cs_flag_sure_{flag.concern_id}",
                )
                if b2.button(
                    t("End the pairing to re-match"),
                    disabled=not sure,
                    key=f"cs_flag_end_{flag.concern_id}",
                ):
                    try:
                        fit.end_pairing_for_rematch(store.sf, viewer, flag.concern_id)
                    except TandemError as e:
                        st.error(str(e))
                    else:
                        done(t("The pairing has ended: both members can be matched again."))
