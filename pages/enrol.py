"""Join a programme (participants): programmes I can join, the enrolment form, edit or withdraw."""

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from core.programmes import enrolment as enr
from core.programmes import rules
from core.programmes.options import CADENCES, FORMATS, RELATIONSHIP_TYPES
from core.relationship import lifecycle
from ui.actions import act, flash
from ui.page import guard
from ui.programmes.enrolment import enrolment_form
from ui.widgets import md_escape, plain

store, viewer = guard("enrol")
ENROLLED = enr.EnrolmentStatus.ENROLLED

WITHDRAW = "enrol-withdraw"  # shown atop the page: the withdraw box is gone once it went through
st.title(t("Join a programme"))
flash(WITHDRAW)

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
MINE = {ENROLLED: t("you are enrolled"), enr.EnrolmentStatus.WITHDRAWN: t("you withdrew")}


def _summary(o: enr.ProgrammeOffer) -> str:
    parts = [o.name, WINDOW[o.window]]
    if o.my_status:
        parts.append(MINE[o.my_status])
    return " · ".join(parts)


ids = [o.programme_id for o in visible]
if wanted_id in ids and st.session_state.get("enrol_from_link") != wanted_id:
    st.session_state["enrol_pick"] = wanted_id  # the link preselects, once
    st.session_state["enrol_from_link"] = wanted_id
elif st.session_state.get("enrol_pick") in ids:
    # The choice's labels change once I enrol or withdraw; the browser keeps a choice by its
    # label, so the pick is sent again or it would show nothing selected.
    st.session_state["enrol_pick"] = st.session_state["enrol_pick"]
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
if offer.my_status == ENROLLED:
    st.success(
        t(
            "You are enrolled since {date}. You can change your answers while enrolment is open.",
            date=format_date(mine.created_at if mine else None),
        )
    )
elif offer.my_status == enr.EnrolmentStatus.WITHDRAWN:
    st.info(t("You withdrew from this programme. You can enrol again while enrolment is open."))

for problem in offer.problems:
    st.warning(problem)

prefix = f"en{offer.programme_id}"
if mine and mine.status == ENROLLED and not offer.can_enrol:
    names = {s.skill_id: s.name for s in enr.programme_skills(store.sf, viewer, offer.programme_id)}
    with st.container(border=True):
        st.markdown("**" + t("Skills you offer") + "**")
        plain(", ".join(names.get(i, "?") for i in mine.offered) or "—")
        st.markdown("**" + t("Skills you want") + "**")
        plain(", ".join(names.get(i, "?") for i in mine.wanted) or "—")
if offer.can_enrol:
    submitted = enrolment_form(
        offer,
        mine,
        enr.programme_skills(store.sf, viewer, offer.programme_id),
        k=enr.k_for(store.sf),
        opted_in=enr.directory_opt_in(store.sf, viewer),
        language=viewer.language,
    )
    saved = (
        t("Your answers are saved.")
        if offer.my_status == ENROLLED
        else t("You are enrolled in {name}.", name=md_escape(offer.name))
    )
    if submitted is not None and act(
        prefix, enr.save_enrolment, offer.programme_id, submitted, done=saved
    ):
        st.rerun()
    flash(prefix)

if offer.my_status == ENROLLED and offer.status != enr.ProgrammeStatus.CLOSED:
    with st.expander(t("Withdraw from this programme")):
        st.write(
            t(
                "You leave the programme: you will not be matched, and a pair you are in ends (a circle goes on without you). Tell your peers why if you can."
            )
        )
        sure = st.checkbox(t("Yes, I want to withdraw"), key=f"{prefix}_withdraw_sure")
        st.button(
            t("Withdraw"),
            key=f"{prefix}_withdraw",
            disabled=not sure,
            on_click=act,
            args=(WITHDRAW, lifecycle.withdraw, offer.programme_id),
            kwargs={"done": t("You withdrew from {name}.", name=md_escape(offer.name))},
        )
