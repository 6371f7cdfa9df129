"""Join a programme (participants): programmes I can join, the enrolment form, edit or withdraw."""

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from core.programmes import answers, rules
from core.programmes import enrolment as enr
from core.programmes.options import CADENCES, FORMATS, RELATIONSHIP_TYPES
from ui.page import guard
from ui.widgets import md_escape, plain

store, viewer = guard("enrol")


def show_error(e: TandemError) -> None:
    """The service lists every problem, one per line: keep them on separate lines."""
    st.error(str(e).replace("\n", "  \n"))


st.title(t("Join a programme"))
if flash := st.session_state.pop("enrol_flash", None):
    st.success(flash)

offers = {o.programme_id: o for o in enr.list_offers(store.sf, viewer)}

# A link from an invitation or a poster: /enrol?programme=<id>
wanted_id = None
raw = st.query_params.get("programme")
if raw is not None:
    try:
        wanted_id = int(raw)
        if wanted_id not in offers:
            offers[wanted_id] = enr.get_offer(store.sf, viewer, wanted_id)
    except ValueError:
        st.warning(t("The link does not name a programme."))
        wanted_id = None
    except TandemError as e:
        st.warning(str(e))
        wanted_id = None

visible = [o for o in offers.values() if o.eligible or o.my_status or o.programme_id == wanted_id]
if not visible:
    st.info(
        t(
            "No programme is open to you right now. Announcements on Home say when the next one opens."
        )
    )
    st.stop()

WINDOW = {
    rules.WINDOW_OPEN: t("enrolment open"),
    rules.WINDOW_NOT_YET: t("enrolment not open yet"),
    rules.WINDOW_CLOSED: t("enrolment closed"),
}
MINE = {"enrolled": t("you are enrolled"), "withdrawn": t("you withdrew")}
# Labels computed once: format_func must not translate (AppTest calls it outside the run).
ROLES = {c: t(label) for c, label in answers.ROLES_ONE_WAY.items()}
THEMES = {c: t(label) for c, label in answers.GOAL_THEMES.items()}
SLOTS = {c: t(label) for c, label in answers.AVAILABILITY.items()}
MODES = {c: t(label) for c, label in answers.WORK_MODES.items()}
LANGUAGES = {c: t(label) for c, label in answers.LANGUAGES.items()}


def _summary(o: enr.ProgrammeOffer) -> str:
    parts = [o.name, WINDOW[o.window]]
    if o.my_status:
        parts.append(MINE[o.my_status])
    return " · ".join(parts)


ids = [o.programme_id for o in visible]
if wanted_id in ids and st.session_state.get("enrol_from_link") != wanted_id:
    st.session_state["enrol_pick"] = wanted_id  # the link preselects, once
    st.session_state["enrol_from_link"] = wanted_id
summaries = {i: _summary(offers[i]) for i in ids}
picked = st.radio(t("Programmes"), ids, format_func=summaries.get, key="enrol_pick")
offer = offers[picked]

st.header(md_escape(offer.name))
if offer.description:
    plain(offer.description)
facts = [
    t(RELATIONSHIP_TYPES.get(offer.relationship_type, offer.relationship_type)),
    t(FORMATS.get(offer.format, offer.format)),
    t(
        "{cadence}, {minutes} minutes",
        cadence=t(CADENCES.get(offer.cadence_days, "")) or str(offer.cadence_days),
        minutes=offer.session_minutes,
    ),
]
if offer.start_date and offer.end_date:
    facts.append(
        t(
            "from {start} to {end}",
            start=format_date(offer.start_date),
            end=format_date(offer.end_date),
        )
    )
if offer.enrolment_opens and offer.enrolment_closes:
    facts.append(
        t(
            "enrol from {opens} to {closes}",
            opens=format_date(offer.enrolment_opens),
            closes=format_date(offer.enrolment_closes),
        )
    )
st.caption(" · ".join(facts))
with st.expander(t("Guidelines and suggested topics")):
    plain(offer.guidelines or "—")
    for topic in offer.suggested_topics:
        plain("• " + topic)
    if offer.support_contact:
        st.caption(t("Questions: {contact}", contact=md_escape(offer.support_contact)))

mine = enr.my_enrolment(store.sf, viewer, offer.programme_id)
if offer.my_status == "enrolled":
    st.success(
        t(
            "You are enrolled since {date}. You can change your answers while enrolment is open.",
            date=format_date(mine.created_at if mine else None),
        )
    )
elif offer.my_status == "withdrawn":
    st.info(t("You withdrew from this programme. You can enrol again while enrolment is open."))

for problem in offer.problems:
    st.warning(problem)

prefix = f"en{offer.programme_id}"
if mine and mine.status == "enrolled" and not offer.can_enrol:
    names = {s.skill_id: s.name for s in enr.programme_skills(store.sf, viewer, offer.programme_id)}
    with st.container(border=True):
        st.markdown("**" + t("Skills you offer") + "**")
        plain(", ".join(names.get(i, "?") for i in mine.offered) or "—")
        st.markdown("**" + t("Skills you want") + "**")
        plain(", ".join(names.get(i, "?") for i in mine.wanted) or "—")
if offer.can_enrol:
    skills = enr.programme_skills(store.sf, viewer, offer.programme_id)
    skill_names = {s.skill_id: f"{s.name} ({s.category})" if s.category else s.name for s in skills}
    k = enr.k_for(store.sf)
    opted_in = enr.directory_opt_in(store.sf, viewer)
    base = mine or None
    with st.form(f"{prefix}_form", clear_on_submit=False, enter_to_submit=False):
        role, capacity = "peer", 1
        if offer.one_way:
            roles = list(answers.ROLES_ONE_WAY)
            role = st.radio(
                t("I join as"),
                roles,
                index=roles.index(base.role) if base and base.role in roles else 1,
                format_func=ROLES.get,
                horizontal=True,
                key=f"{prefix}_role",
            )
            capacity = st.number_input(
                t("As a mentor, how many mentees can you take?"),
                min_value=1,
                max_value=answers.MAX_CAPACITY,
                value=base.mentor_capacity if base else 1,
                key=f"{prefix}_capacity",
            )
        st.subheader(t("Skills"))
        c1, c2 = st.columns(2)
        offered = c1.multiselect(
            t("Skills you offer"),
            list(skill_names),
            default=[i for i in (base.offered if base else ()) if i in skill_names],
            format_func=skill_names.get,
            placeholder=t("Choose…"),
            key=f"{prefix}_offered",
            help=t("What you could help a colleague with."),
        )
        wanted = c2.multiselect(
            t("Skills you want"),
            list(skill_names),
            default=[i for i in (base.wanted if base else ()) if i in skill_names],
            format_func=skill_names.get,
            placeholder=t("Choose…"),
            key=f"{prefix}_wanted",
            help=t("What you would like to develop."),
        )
        themes = st.multiselect(
            t("Goal themes"),
            list(answers.GOAL_THEMES),
            default=list(base.goal_themes) if base else [],
            format_func=THEMES.get,
            placeholder=t("Choose…"),
            key=f"{prefix}_themes",
        )
        st.subheader(t("Practicalities"))
        availability = st.multiselect(
            t("When are you available?"),
            list(answers.AVAILABILITY),
            default=list(base.availability) if base else [],
            format_func=SLOTS.get,
            placeholder=t("Choose…"),
            key=f"{prefix}_availability",
        )
        c1, c2 = st.columns(2)
        modes = list(answers.WORK_MODES)
        work_mode = c1.radio(
            t("Meet on site or remotely?"),
            modes,
            index=modes.index(base.work_mode) if base and base.work_mode in modes else 2,
            format_func=MODES.get,
            horizontal=True,
            key=f"{prefix}_mode",
        )
        languages = c2.multiselect(
            t("Languages you can meet in"),
            list(answers.LANGUAGES),
            default=list(base.languages) if base else [viewer.language],
            format_func=LANGUAGES.get,
            key=f"{prefix}_languages",
        )
        motivation = st.text_area(
            t("Why do you want to join? (optional)"),
            value=base.motivation if base else "",
            key=f"{prefix}_motivation",
            help=t("A few sentences for your future peer."),
        )
        st.subheader(t("Mentor skills: where are you today?"))
        st.caption(
            t("1 = not yet, 5 = a real strength. Asked again at the end to see how you grew.")
        )
        scores: dict[str, int] = {}
        score_cols = st.columns(4)
        for i, (code, label) in enumerate(answers.MENTOR_SKILLS.items()):
            scores[code] = score_cols[i % 4].select_slider(
                t(label),
                options=[1, 2, 3, 4, 5],
                value=(base.self_assessment.get(code, 3) if base else 3),
                key=f"{prefix}_sa_{code}",
            )
        st.subheader(t("Who will see your answers"))
        for line in answers.who_sees(k, opted_in):
            st.markdown("- " + md_escape(line))
        accepted = False
        if offer.charter.strip():
            st.subheader(t("Confidentiality charter"))
            with st.container(border=True):
                plain(offer.charter)
            accepted = st.checkbox(
                t("I accept the confidentiality charter"),
                value=bool(base and base.charter_accepted_at and base.status == "enrolled"),
                key=f"{prefix}_charter",
            )
        label = t("Save my answers") if offer.my_status == "enrolled" else t("Enrol")
        submitted = st.form_submit_button(label, type="primary", key=f"{prefix}_submit")
    if submitted:
        try:
            enr.save_enrolment(
                store.sf,
                viewer,
                offer.programme_id,
                answers.EnrolmentForm(
                    offered=tuple(offered),
                    wanted=tuple(wanted),
                    goal_themes=tuple(themes),
                    availability=tuple(availability),
                    work_mode=work_mode,
                    languages=tuple(languages),
                    motivation=motivation,
                    self_assessment=scores,
                    charter_accepted=accepted,
                    role=role,
                    mentor_capacity=int(capacity),
                ),
            )
        except TandemError as e:
            show_error(e)
        else:
            st.session_state["enrol_flash"] = (
                t("Your answers are saved.")
                if offer.my_status == "enrolled"
                else t("You are enrolled in {name}.", name=md_escape(offer.name))
            )
            st.rerun()

if offer.my_status == "enrolled" and offer.status != "closed":
    with st.expander(t("Withdraw from this programme")):
        st.write(
            t(
                "You leave the programme: you will not be matched. If you are already matched, tell your peer."
            )
        )
        sure = st.checkbox(t("Yes, I want to withdraw"), key=f"{prefix}_withdraw_sure")
        if st.button(t("Withdraw"), key=f"{prefix}_withdraw", disabled=not sure):
            try:
                enr.withdraw(store.sf, viewer, offer.programme_id)
            except TandemError as e:
                show_error(e)
            else:
                st.session_state["enrol_flash"] = t(
                    "You withdrew from {name}.", name=md_escape(offer.name)
                )
                st.rerun()
