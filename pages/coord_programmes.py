"""Programmes (coordinators): list, create, edit, KPIs, change state, duplicate as the next cycle."""

import pandas as pd
import streamlit as st

from core.kernel.errors import Conflict, TandemError
from core.kernel.i18n import format_date, format_number, t
from core.programmes import options
from core.programmes import programmes as prog
from ui.page import guard
from ui.retention import retention_form
from ui.widgets import md_escape

store, viewer = guard("coord_programmes")


def show_error(e: TandemError) -> None:
    """The service lists every problem, one per line: keep them on separate lines."""
    st.error(str(e).replace("\n", "  \n"))


st.title(t("Programmes"))

NEW = 0
if "prog_pick_next" in st.session_state:  # select what was just created or duplicated
    st.session_state["prog_pick"] = st.session_state.pop("prog_pick_next")
if flash := st.session_state.pop("prog_flash", None):
    st.success(flash)

rows = prog.list_programmes(store.sf, viewer)
if rows:
    st.dataframe(
        pd.DataFrame(
            {
                t("Programme"): [r.name for r in rows],
                t("State"): [options.status_label(r.status) for r in rows],
                t("Start"): [format_date(r.start_date) for r in rows],
                t("End"): [format_date(r.end_date) for r in rows],
                t("Enrolment window"): [
                    f"{format_date(r.enrolment_opens)} – {format_date(r.enrolment_closes)}"
                    if r.enrolment_opens and r.enrolment_closes
                    else "—"
                    for r in rows
                ],
                t("Enrolled"): [r.enrolled for r in rows],
            }
        ),
        hide_index=True,
    )
else:
    st.info(t("No programme yet: create the first one below."))

by_id = {r.programme_id: r for r in rows}
# Labels computed once: format_func must not translate (AppTest calls it outside the run).
pick_labels = {NEW: "+ " + t("New programme"), **{i: r.name for i, r in by_id.items()}}
OBJECTIVES = {c: t(label) for c, label in options.OBJECTIVES.items()}
FORMATS = {c: t(label) for c, label in options.FORMATS.items()}
RELATIONSHIPS = {c: t(label) for c, label in options.RELATIONSHIP_TYPES.items()}
CADENCES = {d: t(label) for d, label in options.CADENCES.items()}
WEIGHTS = {w: t(label) for w, label in options.WEIGHT_LABELS.items()}
picked = st.selectbox(
    t("Programme to open"),
    [NEW, *by_id],
    format_func=pick_labels.get,
    key="prog_pick",
)
choices = prog.eligibility_choices(store.sf, viewer)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def programme_form(prefix: str, form: prog.ProgrammeForm, submit_label: str):
    """The programme's settings; returns the typed form when submitted, else None."""
    with st.form(f"{prefix}_form", clear_on_submit=False, enter_to_submit=False):
        st.subheader(t("Purpose"))
        name = st.text_input(t("Name"), value=form.name, key=f"{prefix}_name")
        description = st.text_area(
            t("Description"), value=form.description, key=f"{prefix}_description"
        )
        objectives = st.multiselect(
            t("Objectives"),
            list(options.OBJECTIVES),
            default=[o for o in form.objectives if o in options.OBJECTIVES],
            format_func=OBJECTIVES.get,
            placeholder=t("Choose…"),
            key=f"{prefix}_objectives",
        )
        st.markdown("**" + t("KPIs and targets") + "**")
        st.caption(t("Leave a target empty to not track that KPI. Percentages from 0 to 100."))
        kpi_cols = st.columns(3)
        kpis: dict[str, float] = {}
        for i, (metric, spec) in enumerate(options.KPI_METRICS.items()):
            current = form.kpis.get(metric)
            share = spec.unit == "share"
            value = kpi_cols[i % 3].number_input(
                t(spec.label) + (" (%)" if share else ""),
                value=None if current is None else (current * 100 if share else current),
                min_value=spec.minimum * (100 if share else 1),
                max_value=spec.maximum * (100 if share else 1),
                step=1.0,
                key=f"{prefix}_kpi_{metric}",
            )
            if value is not None:
                kpis[metric] = value / 100 if share else value

        st.subheader(t("Structure"))
        c1, c2, c3 = st.columns(3)
        fmt = c1.selectbox(
            t("Format"),
            list(options.FORMATS),
            index=list(options.FORMATS).index(form.format) if form.format in options.FORMATS else 0,
            format_func=FORMATS.get,
            key=f"{prefix}_format",
        )
        circle_size = c2.number_input(
            t("Circle size"),
            min_value=options.MIN_CIRCLE,
            max_value=options.MAX_CIRCLE,
            value=form.circle_size,
            step=1,
            key=f"{prefix}_circle_size",
            help=t("Used when the format has circles."),
        )
        rel_codes = list(options.RELATIONSHIP_TYPES)
        relationship = c3.selectbox(
            t("Relationship"),
            rel_codes,
            index=rel_codes.index(form.relationship_type)
            if form.relationship_type in rel_codes
            else 0,
            format_func=RELATIONSHIPS.get,
            key=f"{prefix}_relationship",
        )
        c1, c2 = st.columns(2)
        cadences = list(options.CADENCES)
        cadence = c1.selectbox(
            t("Meeting cadence"),
            cadences,
            index=cadences.index(form.cadence_days) if form.cadence_days in cadences else 1,
            format_func=CADENCES.get,
            key=f"{prefix}_cadence",
        )
        minutes = c2.number_input(
            t("Session length (minutes)"),
            min_value=options.MIN_SESSION_MINUTES,
            max_value=options.MAX_SESSION_MINUTES,
            value=form.session_minutes,
            step=15,
            key=f"{prefix}_minutes",
        )
        c1, c2, c3, c4 = st.columns(4)
        start = c1.date_input(t("Start date"), value=form.start_date, key=f"{prefix}_start")
        end = c2.date_input(t("End date"), value=form.end_date, key=f"{prefix}_end")
        opens = c3.date_input(
            t("Enrolment opens"), value=form.enrolment_opens, key=f"{prefix}_opens"
        )
        closes = c4.date_input(
            t("Enrolment closes"), value=form.enrolment_closes, key=f"{prefix}_closes"
        )

        st.subheader(t("Who can join"))
        st.caption(t("Leave a list empty to accept everyone."))
        c1, c2, c3 = st.columns(3)
        departments = c1.multiselect(
            t("Departments"),
            sorted(set(choices.departments) | set(form.departments)),
            default=list(form.departments),
            placeholder=t("Everyone"),
            key=f"{prefix}_departments",
        )
        levels = c2.multiselect(
            t("Levels"),
            sorted(set(choices.levels) | set(form.levels)),
            default=list(form.levels),
            placeholder=t("Everyone"),
            key=f"{prefix}_levels",
        )
        locations = c3.multiselect(
            t("Locations"),
            sorted(set(choices.locations) | set(form.locations)),
            default=list(form.locations),
            placeholder=t("Everyone"),
            key=f"{prefix}_locations",
        )
        c1, c2 = st.columns(2)
        hired_after = c1.date_input(
            t("Hired on or after"), value=form.hired_after, key=f"{prefix}_hired_after"
        )
        hired_before = c2.date_input(
            t("Hired on or before"), value=form.hired_before, key=f"{prefix}_hired_before"
        )

        st.subheader(t("Expectations"))
        guidelines = st.text_area(
            t("Guidelines"), value=form.guidelines, key=f"{prefix}_guidelines"
        )
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

        st.subheader(t("Matching"))
        st.caption(t("How much each criterion counts when suggesting pairs and circles."))
        weight_cols = st.columns(4)
        matching: dict[str, object] = {}
        weights = list(options.WEIGHT_LABELS)
        for i, (code, label) in enumerate(options.MATCHING_CRITERIA.items()):
            current = form.matching.get(code, options.DEFAULT_MATCHING[code])
            matching[code] = weight_cols[i % 4].selectbox(
                t(label),
                weights,
                index=weights.index(current) if current in weights else 1,
                format_func=WEIGHTS.get,
                key=f"{prefix}_w_{code}",
            )
        for code, label in options.MATCHING_OPTIONS.items():
            matching[code] = st.checkbox(
                t(label),
                value=bool(form.matching.get(code, options.DEFAULT_MATCHING[code])),
                key=f"{prefix}_o_{code}",
            )
        if not st.form_submit_button(submit_label, type="primary", key=f"{prefix}_submit"):
            return None
    return prog.ProgrammeForm(
        name=name,
        description=description,
        objectives=tuple(objectives),
        kpis=kpis,
        format=fmt,
        circle_size=int(circle_size),
        relationship_type=relationship,
        departments=tuple(departments),
        levels=tuple(levels),
        locations=tuple(locations),
        hired_after=hired_after,
        hired_before=hired_before,
        cadence_days=cadence,
        session_minutes=int(minutes),
        start_date=start,
        end_date=end,
        enrolment_opens=opens,
        enrolment_closes=closes,
        guidelines=guidelines,
        suggested_topics=tuple(_lines(topics)),
        charter=charter,
        support_contact=support,
        matching=matching,
    )


if picked == NEW:
    st.header(t("New programme"))
    submitted = programme_form("new", prog.ProgrammeForm(), t("Create the programme"))
    if submitted is not None:
        try:
            created = prog.create_programme(store.sf, viewer, submitted)
        except TandemError as e:
            show_error(e)
        else:
            for key in [k for k in st.session_state if str(k).startswith("new_")]:
                del st.session_state[key]
            st.session_state["prog_pick_next"] = created.id
            st.session_state["prog_flash"] = t(
                "Programme “{name}” created as a draft.", name=md_escape(created.name)
            )
            st.rerun()
    st.stop()

try:
    programme = prog.get_programme(store.sf, viewer, picked)
except TandemError as e:
    show_error(e)
    st.stop()

prefix = f"p{programme.id}"
version_key = f"{prefix}_version"
# The version the form's values came from: set whenever the form starts fresh from the database.
if f"{prefix}_name" not in st.session_state or version_key not in st.session_state:
    st.session_state[version_key] = programme.version


def _reload_form() -> None:
    for key in [k for k in st.session_state if str(k).startswith(f"{prefix}_")]:
        del st.session_state[key]


st.header(md_escape(programme.name))
state_col, enrolled_col, updated_col = st.columns([2, 1, 1])
state_col.metric(t("State"), options.status_label(programme.status))
enrolled_col.metric(t("Enrolled"), format_number(by_id[programme.id].enrolled))
updated_col.metric(t("Last changed"), format_date(programme.updated_at))

tab_settings, tab_state, tab_next = st.tabs([t("Settings"), t("State"), t("Next cycle")])

with tab_settings:
    if programme.status == "closed":
        st.info(
            t(
                "A closed programme can no longer be changed: duplicate it as the next cycle instead."
            )
        )
    submitted = programme_form(prefix, prog.ProgrammeForm.of(programme), t("Save"))
    if submitted is not None:
        try:
            saved = prog.update_programme(
                store.sf,
                viewer,
                programme.id,
                submitted,
                expected_version=st.session_state[version_key],
            )
        except Conflict as e:
            show_error(e)
            st.session_state[f"{prefix}_conflict"] = True
        except TandemError as e:
            show_error(e)
        else:
            st.session_state[version_key] = saved.version
            st.session_state["prog_flash"] = t("Programme saved.")
            st.rerun()
    if st.session_state.get(f"{prefix}_conflict"):
        st.button(
            t("Load the latest version (discards my changes)"),
            key=f"reload_{programme.id}",
            on_click=_reload_form,
        )
    retention_form(store, viewer, programme, version_key)  # issue 13

with tab_state:
    st.write(t("Current state: {state}.", state=options.status_label(programme.status)))
    targets = options.allowed_transitions(programme.status)
    if not targets:
        st.caption(t("A closed programme stays closed."))
    for target in targets:
        label = t(options.TRANSITION_LABELS.get((programme.status, target), target))
        if st.button(label, key=f"to_{programme.id}_{target}"):
            try:
                moved = prog.change_status(
                    store.sf, viewer, programme.id, target, expected_version=programme.version
                )
            except TandemError as e:
                show_error(e)
            else:
                if st.session_state.get(version_key) == programme.version:
                    st.session_state[version_key] = moved.version
                st.session_state["prog_flash"] = t(
                    "The programme is now “{state}”.", state=options.status_label(moved.status)
                )
                st.rerun()

with tab_next:
    st.write(
        t(
            "Copy this programme's settings, KPIs and skill list into a new draft whose dates follow this cycle."
        )
    )
    with st.form(f"dup_{programme.id}"):
        new_name = st.text_input(
            t("Name of the next cycle"),
            value=t("{name} (next cycle)", name=programme.name),
            key=f"dup_name_{programme.id}",
        )
        if st.form_submit_button(t("Duplicate as a new draft"), key=f"dup_submit_{programme.id}"):
            try:
                copy = prog.duplicate_programme(store.sf, viewer, programme.id, name=new_name)
            except TandemError as e:
                show_error(e)
            else:
                st.session_state["prog_pick_next"] = copy.id
                st.session_state["prog_flash"] = t(
                    "“{name}” created as a draft: check its dates.", name=md_escape(copy.name)
                )
                st.rerun()
