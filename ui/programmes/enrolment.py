"""The enrolment form (participants): role, skills, practicalities, mentor skills, charter."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.kernel.i18n import t
from core.programmes import answers
from core.programmes import enrolment as enr
from ui.programmes import pick
from ui.widgets import choose_many, md_escape, plain


def enrolment_form(
    offer: enr.ProgrammeOffer,
    base: enr.MyEnrolment | None,
    skills: list[enr.SkillOption],
    *,
    k: int,
    opted_in: bool,
    language: str,
) -> answers.EnrolmentForm | None:
    """The participant's answers (``base``: what they answered before); the typed form when sent."""
    prefix = f"en{offer.programme_id}"
    with st.form(f"{prefix}_form", clear_on_submit=False, enter_to_submit=False):
        typed: dict[str, Any] = {"role": "peer", "mentor_capacity": 1}
        if offer.one_way:
            typed.update(_role(prefix, base))
        typed.update(_skills(prefix, base, skills))
        typed.update(_practicalities(prefix, base, language))
        typed["self_assessment"] = _mentor_skills(prefix, base)
        st.header(t("Who will see your answers"))
        for line in answers.who_sees(k, opted_in):
            st.markdown("- " + md_escape(line))
        typed["charter_accepted"] = False
        if offer.charter.strip():
            st.header(t("Confidentiality charter"))
            with st.container(border=True):
                plain(offer.charter)
            typed["charter_accepted"] = st.checkbox(
                t("I accept the confidentiality charter"),
                value=bool(
                    base
                    and base.charter_accepted_at
                    and base.status == enr.EnrolmentStatus.ENROLLED
                ),
                key=f"{prefix}_charter",
            )
        label = (
            t("Save my answers") if offer.my_status == enr.EnrolmentStatus.ENROLLED else t("Enrol")
        )
        if not st.form_submit_button(label, type="primary", key=f"{prefix}_submit"):
            return None
    return answers.EnrolmentForm(**typed)


def _role(prefix: str, base: enr.MyEnrolment | None) -> dict[str, Any]:
    role = pick(
        st,
        t("I join as"),
        answers.ROLES_ONE_WAY,
        base.role if base else None,
        1,
        key=f"{prefix}_role",
        radio=True,
        horizontal=True,
    )
    capacity = st.number_input(
        t("As a mentor, how many mentees can you take?"),
        min_value=1,
        max_value=answers.MAX_CAPACITY,
        value=base.mentor_capacity if base else 1,
        key=f"{prefix}_capacity",
    )
    return {"role": role, "mentor_capacity": int(capacity)}


def _skills(
    prefix: str, base: enr.MyEnrolment | None, skills: list[enr.SkillOption]
) -> dict[str, Any]:
    st.header(t("Skills"))
    names = {s.skill_id: f"{s.name} ({s.category})" if s.category else s.name for s in skills}
    asked = {
        "offered": (t("Skills you offer"), t("What you could help a colleague with.")),
        "wanted": (t("Skills you want"), t("What you would like to develop.")),
    }
    typed: dict[str, Any] = {}
    for col, (kind, (label, help_text)) in zip(st.columns(2), asked.items(), strict=True):
        before = getattr(base, kind) if base else ()
        typed[kind] = tuple(
            choose_many(
                label,
                list(names),
                default=[i for i in before if i in names],
                format_func=names.get,
                key=f"{prefix}_{kind}",
                help=help_text,
                where=col,
            )
        )
    theme_labels = {c: t(label) for c, label in answers.GOAL_THEMES.items()}
    themes = choose_many(
        t("Goal themes"),
        list(answers.GOAL_THEMES),
        default=list(base.goal_themes) if base else [],
        format_func=theme_labels.get,
        key=f"{prefix}_themes",
    )
    return {**typed, "goal_themes": tuple(themes)}


def _practicalities(prefix: str, base: enr.MyEnrolment | None, language: str) -> dict[str, Any]:
    st.header(t("Practicalities"))
    slot_labels = {c: t(label) for c, label in answers.AVAILABILITY.items()}
    availability = choose_many(
        t("When are you available?"),
        list(answers.AVAILABILITY),
        default=list(base.availability) if base else [],
        format_func=slot_labels.get,
        key=f"{prefix}_availability",
    )
    c1, c2 = st.columns(2)
    work_mode = pick(
        c1,
        t("Meet on site or remotely?"),
        answers.WORK_MODES,
        base.work_mode if base else None,
        2,
        key=f"{prefix}_mode",
        radio=True,
        horizontal=True,
    )
    language_labels = {c: t(label) for c, label in answers.LANGUAGES.items()}
    languages = choose_many(
        t("Languages you can meet in"),
        list(answers.LANGUAGES),
        default=list(base.languages) if base else [language],
        format_func=language_labels.get,
        key=f"{prefix}_languages",
        where=c2,
    )
    motivation = st.text_area(
        t("Why do you want to join? (optional)"),
        value=base.motivation if base else "",
        key=f"{prefix}_motivation",
        help=t("A few sentences for your future peer."),
    )
    return {
        "availability": tuple(availability),
        "work_mode": work_mode,
        "languages": tuple(languages),
        "motivation": motivation,
    }


def _mentor_skills(prefix: str, base: enr.MyEnrolment | None) -> dict[str, int]:
    st.header(t("Mentor skills: where are you today?"))
    st.caption(t("1 = not yet, 5 = a real strength. Asked again at the end to see how you grew."))
    scores: dict[str, int] = {}
    score_cols = st.columns(4)
    for i, (code, label) in enumerate(answers.MENTOR_SKILLS.items()):
        scores[code] = score_cols[i % 4].select_slider(
            t(label),
            options=[1, 2, 3, 4, 5],
            value=(base.self_assessment.get(code, 3) if base else 3),
            key=f"{prefix}_sa_{code}",
        )
    return scores
