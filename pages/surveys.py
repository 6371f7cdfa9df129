"""Surveys (participant): the programme's surveys, my pairing's fit, my end-of-programme
mentor-skills re-assessment, and what I already answered."""

import datetime as dt

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from core.relationship import fit
from core.surveys import self_assessment, surveys
from ui.page import guard
from ui.widgets import md_escape, plain

store, viewer = guard("surveys")
st.title(t("Surveys"))
k = surveys.k_value(store.sf)
st.caption(
    t(
        "Your answers help the coordinators improve the programme. They only ever see totals over at least {k} people, never your name.",
        k=k,
    )
)

FLASH = "surveys_flash"
if FLASH in st.session_state:
    st.success(st.session_state.pop(FLASH))


def submitted_before(prefix: str, shown_key: str) -> list[int]:
    """Ids whose form was submitted in this run although it is no longer due (a second
    tab, a double click): render it again so that the refusal is shown, not swallowed."""
    return [i for i in st.session_state.get(shown_key, []) if st.session_state.get(f"{prefix}{i}")]


def scale(question: surveys.QuestionView, key: str) -> None:
    low, high = surveys.SCALE_RANGE[question.kind]
    st.radio(question.text, list(range(low, high + 1)), index=None, horizontal=True, key=key)
    if question.hint:  # what the ends of the scale mean: visible, not in a tooltip
        st.caption(question.hint)


open_now = surveys.open_surveys_for(store.sf, viewer)
fit_due = fit.fit_checks_due(store.sf, viewer)
skills_due = self_assessment.assessments_due(store.sf, viewer)
if not (open_now or fit_due or skills_due):
    st.info(t("No survey waits for your answer right now. Thank you!"))

# --------------------------------------------------------------------------- pairing fit

fit_ids = [c.match_id for c in fit_due]
fit_by_id = {c.match_id: c for c in fit_due}
for match_id in fit_ids + [
    i for i in submitted_before("fit_submit_", "fit_shown") if i not in fit_ids
]:
    check = fit_by_id.get(match_id)
    with st.container(border=True, key=f"fit_card_{match_id}"):
        st.subheader(t("How is your pairing going?"))
        if check:
            st.caption(
                t(
                    "With {peers} · first meeting on {date}",
                    peers=md_escape(", ".join(check.peers)),
                    date=format_date(check.first_meeting_at),
                )
            )
        with st.form(f"fit_form_{match_id}", clear_on_submit=False):
            score = st.radio(
                surveys.question_text("fit"),
                [1, 2, 3, 4, 5],
                index=None,
                horizontal=True,
                key=f"fit_score_{match_id}",
            )
            st.caption(surveys.question_hint("fit"))
            note = st.text_area(
                surveys.question_text("fit_note"),
                key=f"fit_note_{match_id}",
                max_chars=surveys.MAX_ANSWER_CHARS,
            )
            st.caption(surveys.question_hint("fit_note"))
            st.caption(
                t(
                    "If you answer 1 or 2, your coordinator learns that a member of this pair reported a poor fit — not who, and never your note — and can offer you a new match."
                )
            )
            if st.form_submit_button(t("Send"), key=f"fit_submit_{match_id}"):
                try:
                    flagged = fit.answer_fit(store.sf, viewer, match_id, score, note)
                except TandemError as e:
                    st.error(str(e))
                else:
                    st.session_state[FLASH] = (
                        t(
                            "Thank you. Your coordinator will get in touch to talk about a new match."
                        )
                        if flagged
                        else t("Thank you for your answer.")
                    )
                    st.rerun()
st.session_state["fit_shown"] = fit_ids

# --------------------------------------------------------------------------- pulse and end surveys

open_ids = [o.survey_id for o in open_now]
again = [i for i in submitted_before("survey_submit_", "surveys_shown") if i not in open_ids]
for survey_id in open_ids + again:
    try:
        form = surveys.survey_form(store.sf, viewer, survey_id)
    except TandemError as e:
        st.error(str(e))
        continue
    with st.container(border=True, key=f"survey_card_{survey_id}"):
        st.subheader(form.title)
        closes = (
            # closes_at is the first moment answers are refused: show the last day.
            t("open until {date}", date=format_date(form.closes_at - dt.timedelta(seconds=1)))
            if form.closes_at
            else t("open")
        )
        st.caption(f"{md_escape(form.programme)} · {t(surveys.KIND_LABELS[form.kind])} · {closes}")
        with st.form(f"survey_form_{survey_id}", clear_on_submit=False):
            for q in form.questions:
                key = f"q_{survey_id}_{q.id}"
                if q.kind == surveys.TEXT:
                    st.text_area(q.text, key=key, max_chars=surveys.MAX_ANSWER_CHARS)
                    if q.hint:
                        st.caption(q.hint)
                else:
                    scale(q, key)
            if st.form_submit_button(
                t("Send my answers"), type="primary", key=f"survey_submit_{survey_id}"
            ):
                answers = {
                    q.id: st.session_state.get(f"q_{survey_id}_{q.id}") for q in form.questions
                }
                try:
                    surveys.answer_survey(store.sf, viewer, survey_id, answers)
                except TandemError as e:
                    st.error(str(e))
                else:
                    st.session_state[FLASH] = t("Thank you: your answers are saved.")
                    st.rerun()
st.session_state["surveys_shown"] = open_ids

# --------------------------------------------------------------------------- end re-assessment

for due in skills_due:
    with st.container(border=True, key=f"skills_card_{due.programme_id}"):
        st.subheader(t("My mentor skills, at the end of the programme"))
        st.caption(
            t(
                "{programme} · ends on {date}. Rate yourself again, as at enrolment: from 1 (I am just starting) to 5 (I am at ease). Your growth is shown to the coordinators only as an average over at least {k} people.",
                programme=md_escape(due.programme),
                date=format_date(due.end_date),
                k=k,
            )
        )
        with st.form(f"skills_form_{due.programme_id}", clear_on_submit=False):
            for skill in self_assessment.SKILLS:
                st.radio(
                    self_assessment.skill_label(skill),
                    [1, 2, 3, 4, 5],
                    index=None,
                    horizontal=True,
                    key=f"skill_{due.programme_id}_{skill}",
                )
            if st.form_submit_button(
                t("Save my self-assessment"), key=f"skills_submit_{due.programme_id}"
            ):
                scores = {
                    skill: st.session_state.get(f"skill_{due.programme_id}_{skill}")
                    for skill in self_assessment.SKILLS
                }
                try:
                    self_assessment.record_self_assessment(
                        store.sf, viewer, due.programme_id, due.phase, scores
                    )
                except TandemError as e:
                    st.error(str(e))
                else:
                    st.session_state[FLASH] = t(
                        "Thank you: see how you grew under “My progress” on Home."
                    )
                    st.rerun()

# --------------------------------------------------------------------------- answered

answered = surveys.answered_surveys(store.sf, viewer)
mine = fit.my_fit_answers(store.sf, viewer)
if answered:
    st.subheader(t("Already answered"))
    for a in answered:
        title = t(surveys.KIND_LABELS[a.kind]) if a.kind == surveys.FIT else a.title
        st.markdown(
            f"- **{md_escape(title)}** · {md_escape(a.programme)} · "
            + t("answered on {date}", date=format_date(a.submitted_at))
        )
if mine:
    with st.expander(t("My pairing-fit answers (only you can see them)")):
        for answer in mine:
            st.markdown(
                t(
                    "**{score}/5** with {peers}, on {date}",
                    score=answer.score if answer.score is not None else "—",
                    peers=md_escape(", ".join(answer.peers)) or "—",
                    date=format_date(answer.answered_at),
                )
            )
            if answer.note:
                plain(answer.note)
