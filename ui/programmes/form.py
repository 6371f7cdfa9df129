"""The programme form (coordinators): purpose and KPIs, structure, who can join, expectations, matching."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import t
from core.programmes import options
from core.programmes import programmes as prog
from db.models import Programme
from ui.programmes import Sessions, lines, pick
from ui.widgets import choose_many


def programme_form(
    prefix: str,
    form: prog.ProgrammeForm,
    submit_label: str,
    choices: prog.EligibilityChoices,
) -> prog.ProgrammeForm | None:
    """The programme's settings; returns the typed form when submitted, else None."""
    with st.form(f"{prefix}_form", clear_on_submit=False, enter_to_submit=False):
        typed = {
            **_purpose(prefix, form),
            **_structure(prefix, form),
            **_who_can_join(prefix, form, choices),
            **_expectations(prefix, form),
            "matching": _matching(prefix, form),
        }
        if not st.form_submit_button(submit_label, type="primary", key=f"{prefix}_submit"):
            return None
    return prog.ProgrammeForm(**typed)


def create_and_open(sf: Sessions, viewer: Viewer, form: prog.ProgrammeForm) -> Programme:
    """Create the programme in draft; the page opens it next."""
    created = prog.create_programme(sf, viewer, form)
    st.session_state["prog_pick_next"] = created.id
    return created


def _purpose(prefix: str, form: prog.ProgrammeForm) -> dict[str, Any]:
    st.header(t("Purpose"))
    name = st.text_input(t("Name"), value=form.name, key=f"{prefix}_name")
    description = st.text_area(
        t("Description"), value=form.description, key=f"{prefix}_description"
    )
    objective_labels = {c: t(label) for c, label in options.OBJECTIVES.items()}
    objectives = choose_many(
        t("Objectives"),
        list(options.OBJECTIVES),
        default=[o for o in form.objectives if o in options.OBJECTIVES],
        format_func=objective_labels.get,
        key=f"{prefix}_objectives",
    )
    st.markdown("**" + t("KPIs and targets") + "**")
    st.caption(t("Leave a target empty to not track that KPI. Percentages from 0 to 100."))
    kpi_cols = st.columns(3)
    kpis: dict[str, float] = {}
    for i, (metric, spec) in enumerate(options.KPI_METRICS.items()):
        current = form.kpis.get(metric)
        scale = 100 if spec.unit == "share" else 1
        value = kpi_cols[i % 3].number_input(
            t(spec.label) + (" (%)" if scale == 100 else ""),
            value=None if current is None else (current * 100 if scale == 100 else current),
            min_value=spec.minimum * scale,
            max_value=spec.maximum * scale,
            step=1.0,
            key=f"{prefix}_kpi_{metric}",
        )
        if value is not None:
            kpis[metric] = value / 100 if scale == 100 else value
    return {
        "name": name,
        "description": description,
        "objectives": tuple(objectives),
        "kpis": kpis,
    }


def _structure(prefix: str, form: prog.ProgrammeForm) -> dict[str, Any]:
    st.header(t("Structure"))
    c1, c2, c3 = st.columns(3)
    fmt = pick(c1, t("Format"), options.FORMATS, form.format, 0, key=f"{prefix}_format")
    circle_size = c2.number_input(
        t("Circle size"),
        min_value=options.MIN_CIRCLE,
        max_value=options.MAX_CIRCLE,
        value=form.circle_size,
        step=1,
        key=f"{prefix}_circle_size",
        help=t("Used when the format has circles."),
    )
    relationship = pick(
        c3,
        t("Relationship"),
        options.RELATIONSHIP_TYPES,
        form.relationship_type,
        0,
        key=f"{prefix}_relationship",
        help=t(options.ONE_TO_ONE),
    )
    if relationship in options.ONE_WAY_TYPES and fmt != "pairs":
        st.warning(t(options.ONE_TO_ONE))
    c1, c2 = st.columns(2)
    cadence = pick(
        c1, t("Meeting cadence"), options.CADENCES, form.cadence_days, 1, key=f"{prefix}_cadence"
    )
    minutes = c2.number_input(
        t("Session length (minutes)"),
        min_value=options.MIN_SESSION_MINUTES,
        max_value=options.MAX_SESSION_MINUTES,
        value=form.session_minutes,
        step=15,
        key=f"{prefix}_minutes",
    )
    dates = {
        "start_date": (t("Start date"), "start"),
        "end_date": (t("End date"), "end"),
        "enrolment_opens": (t("Enrolment opens"), "opens"),
        "enrolment_closes": (t("Enrolment closes"), "closes"),
    }
    typed: dict[str, Any] = {
        "format": fmt,
        "circle_size": int(circle_size),
        "relationship_type": relationship,
        "cadence_days": cadence,
        "session_minutes": int(minutes),
    }
    for col, (field, (label, key)) in zip(st.columns(4), dates.items(), strict=True):
        typed[field] = col.date_input(label, value=getattr(form, field), key=f"{prefix}_{key}")
    return typed


def _who_can_join(
    prefix: str, form: prog.ProgrammeForm, choices: prog.EligibilityChoices
) -> dict[str, Any]:
    st.header(t("Who can join"))
    st.caption(t("Leave a list empty to accept everyone."))
    lists = {
        "departments": t("Departments"),
        "levels": t("Levels"),
        "locations": t("Locations"),
    }
    typed: dict[str, Any] = {}
    for col, (field, label) in zip(st.columns(3), lists.items(), strict=True):
        current = getattr(form, field)
        typed[field] = tuple(
            choose_many(
                label,
                sorted(set(getattr(choices, field)) | set(current)),
                default=list(current),
                placeholder=t("Everyone"),
                key=f"{prefix}_{field}",
                where=col,
            )
        )
    c1, c2 = st.columns(2)
    typed["hired_after"] = c1.date_input(
        t("Hired on or after"), value=form.hired_after, key=f"{prefix}_hired_after"
    )
    typed["hired_before"] = c2.date_input(
        t("Hired on or before"), value=form.hired_before, key=f"{prefix}_hired_before"
    )
    return typed


def _expectations(prefix: str, form: prog.ProgrammeForm) -> dict[str, Any]:
    st.header(t("Expectations"))
    guidelines = st.text_area(t("Guidelines"), value=form.guidelines, key=f"{prefix}_guidelines")
    topics = st.text_area(
        t("Suggested topics (one per line)"),
        value="\n".join(form.suggested_topics),
        key=f"{prefix}_topics",
    )
    charter = st.text_area(
        t("Confidentiality charter"),
        value=form.charter,
        key=f"{prefix}_charter",
        help=t("Each participant accepts it when enrolling."),
    )
    support = st.text_input(
        t("Support contact"), value=form.support_contact, key=f"{prefix}_support"
    )
    return {
        "guidelines": guidelines,
        "suggested_topics": tuple(lines(topics)),
        "charter": charter,
        "support_contact": support,
    }


def _matching(prefix: str, form: prog.ProgrammeForm) -> dict[str, object]:
    st.header(t("Matching"))
    st.caption(t("How much each criterion counts when suggesting pairs and circles."))
    weight_cols = st.columns(4)
    matching: dict[str, object] = {}
    for i, (code, label) in enumerate(options.MATCHING_CRITERIA.items()):
        current = form.matching.get(code, options.DEFAULT_MATCHING[code])
        matching[code] = pick(
            weight_cols[i % 4],
            t(label),
            options.WEIGHT_LABELS,
            current,
            1,
            key=f"{prefix}_w_{code}",
        )
    for code, label in options.MATCHING_OPTIONS.items():
        matching[code] = st.checkbox(
            t(label),
            value=bool(form.matching.get(code, options.DEFAULT_MATCHING[code])),
            key=f"{prefix}_o_{code}",
        )
    return matching
