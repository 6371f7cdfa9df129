"""Surveys (participant): the programme's surveys, my pairing's fit, my end-of-programme
mentor-skills re-assessment, and what I already answered."""

import datetime as dt

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from core.relationship import fit
from core.surveys import answering, questions, self_assessment
from ui.actions import act, flash
from ui.page import guard
from ui.widgets import md_escape, plain

store, viewer = guard("surveys")
st.title(t("Surveys"))
k = questions.k_value(store.sf)
st.caption(
    t(
        "Your answers help the coordinators improve the programme. They only ever see totals over at least {k} people, never your name.",
        k=k,
    )
)


def flash_gone(prefix: str, shown_key: str, now: list[int]) -> None:
    """The message of a card drawn last time and gone now (answered, or answered in
    another tab): shown here, at the top, since its card is no longer drawn."""
    for i in st.session_state.get(shown_key, []):
        if i not in now:
            flash(f"{prefix}{i}")


def send_fit(match_id: int) -> None:
    ss = st.session_state
    score = ss.get(f"fit_score_{match_id}")
    act(
        f"fit_{match_id}",
        fit.answer_fit,
        match_id,
        score,
        ss.get(f"fit_note_{match_id}"),
        done=t("Thank you. Your coordinator will get in touch to talk about a new match.")
        if questions.poor_fit(score)
        else t("Thank you for your answer."),
    )


def send_answers(survey_id: int, question_ids: tuple[int, ...]) -> None:
    answers = {q: st.session_state.get(f"q_{survey_id}_{q}") for q in question_ids}
    act(
        f"survey_{survey_id}",
        answering.answer_survey,
        survey_id,
        answers,
        done=t("Thank you: your answers are saved."),
    )


def send_skills(programme_id: int, phase: str) -> None:
    scores = {
        skill: st.session_state.get(f"skill_{programme_id}_{skill}")
        for skill in self_assessment.SKILLS
    }
    act(
        f"skills_{programme_id}",
        self_assessment.record_self_assessment,
        programme_id,
        phase,
        scores,
        done=t("Thank you: see how you grew under “My progress” on Home."),
    )


def scale(question: questions.QuestionView, key: str) -> None:
    low, high = questions.SCALE_RANGE[question.kind]
    st.radio(question.text, list(range(low, high + 1)), index=None, horizontal=True, key=key)
    if question.hint:  # what the ends of the scale mean: visible, not in a tooltip
        st.caption(question.hint)


open_now = answering.open_surveys_for(store.sf, viewer)
fit_due = fit.fit_checks_due(store.sf, viewer)
skills_due = self_assessment.assessments_due(store.sf, viewer)
fit_ids = [c.match_id for c in fit_due]
open_ids = [o.survey_id for o in open_now]
skills_ids = [d.programme_id for d in skills_due]
flash_gone("fit_", "fit_shown", fit_ids)
flash_gone("survey_", "surveys_shown", open_ids)
flash_gone("skills_", "skills_shown", skills_ids)
if not (open_now or fit_due or skills_due):
    st.info(t("No survey waits for your answer right now. Thank you!"))

# --------------------------------------------------------------------------- pairing fit

for check in fit_due:
    match_id = check.match_id
    with st.container(border=True, key=f"fit_card_{match_id}"):
        st.header(t("How is your pairing going?"))
        st.caption(
            t(
                "With {peers} · first meeting on {date}",
                peers=md_escape(", ".join(check.peers)),
                date=format_date(check.first_meeting_at),
            )
        )
        with st.form(f"fit_form_{match_id}", clear_on_submit=False):
            st.radio(
                questions.question_text("fit"),
                [1, 2, 3, 4, 5],
                index=None,
                horizontal=True,
                key=f"fit_score_{match_id}",
            )
            st.caption(questions.question_hint("fit"))
            st.text_area(
                questions.question_text("fit_note"),
                key=f"fit_note_{match_id}",
                max_chars=questions.MAX_ANSWER_CHARS,
            )
            st.caption(questions.question_hint("fit_note"))
            st.caption(
                t(
                    "If you answer 1 or 2, your coordinator learns that a member of this pair reported a poor fit — not who, and never your note — and can offer you a new match."
                )
            )
            st.form_submit_button(
                t("Send"), key=f"fit_submit_{match_id}", on_click=send_fit, args=(match_id,)
            )
        flash(f"fit_{match_id}")
st.session_state["fit_shown"] = fit_ids

# --------------------------------------------------------------------------- pulse and end surveys

for survey_id in open_ids:
    try:  # closed or withdrawn from meanwhile: say so instead of drawing the form
        form = answering.survey_form(store.sf, viewer, survey_id)
    except TandemError as e:
        st.error(str(e))
        continue
    with st.container(border=True, key=f"survey_card_{survey_id}"):
        st.header(form.title)
        closes = (
            # closes_at is the first moment answers are refused: show the last day.
            t("open until {date}", date=format_date(form.closes_at - dt.timedelta(seconds=1)))
            if form.closes_at
            else t("open")
        )
        kind = t(questions.KIND_LABELS[form.kind])
        st.caption(f"{md_escape(form.programme)} · {kind} · {closes}")
        with st.form(f"survey_form_{survey_id}", clear_on_submit=False):
            for q in form.questions:
                key = f"q_{survey_id}_{q.id}"
                if q.kind == questions.TEXT:
                    st.text_area(q.text, key=key, max_chars=questions.MAX_ANSWER_CHARS)
                    if q.hint:
                        st.caption(q.hint)
                else:
                    scale(q, key)
            st.form_submit_button(
                t("Send my answers"),
                type="primary",
                key=f"survey_submit_{survey_id}",
                on_click=send_answers,
                args=(survey_id, tuple(q.id for q in form.questions)),
            )
        flash(f"survey_{survey_id}")
st.session_state["surveys_shown"] = open_ids

# --------------------------------------------------------------------------- end re-assessment

for due in skills_due:
    with st.container(border=True, key=f"skills_card_{due.programme_id}"):
        st.header(t("My mentor skills, at the end of the programme"))
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
            st.form_submit_button(
                t("Save my self-assessment"),
                key=f"skills_submit_{due.programme_id}",
                on_click=send_skills,
                args=(due.programme_id, due.phase),
            )
        flash(f"skills_{due.programme_id}")
st.session_state["skills_shown"] = skills_ids

# --------------------------------------------------------------------------- answered

answered = answering.answered_surveys(store.sf, viewer)
mine = fit.my_fit_answers(store.sf, viewer)
if answered:
    st.header(t("Already answered"))
    for a in answered:
        title = t(questions.KIND_LABELS[a.kind]) if a.kind == questions.FIT else a.title
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
