"""Find a colleague who can help: the opt-in directory of skills offered."""

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import N_, t, tn
from core.people import directory
from ui.actions import act, flash
from ui.page import guard
from ui.widgets import md_escape

store, viewer = guard("directory")
COLUMNS = (N_("Name"), N_("Department"), N_("Skills offered"), N_("E-mail"), N_("Chat"))

st.title(t("Find a colleague who can help"))
st.caption(
    t(
        "Colleagues enrolled in a programme who chose to be listed, with the skills they offer. "
        "The directory shows their name, department, skills offered and work e-mail to reach them — nothing else."
    )
)

st.header(t("Me in the directory"))


def _opt_in() -> None:
    act("directory_opt_in", directory.set_opt_in, st.session_state["directory_opt_in"])


listing = directory.my_listing(store.sf, viewer)  # after the toggle's change, if any
st.toggle(
    t("List me in the directory"),
    value=listing.opted_in,
    key="directory_opt_in",
    on_change=_opt_in,
)
flash("directory_opt_in")
if listing.listed:
    st.caption(
        t(
            "Colleagues see: {name} · {department} · {skills} · {email}",
            name=md_escape(listing.name),
            department=md_escape(listing.department or "—"),
            skills=md_escape(", ".join(listing.skills_offered)),
            email=md_escape(listing.email),
        )
    )
elif listing.opted_in:
    st.info(
        t(
            "You are not listed yet: you appear once you are enrolled in an open or running "
            "programme with at least one skill you offer."
        )
    )
else:
    st.caption(t("You are not listed. Colleagues cannot find you here."))

st.header(t("Search"))
found = directory.read(store.sf, viewer)  # once: the search, its skills and departments
left, right = st.columns(2)
skill = left.selectbox(
    t("Skill"),
    found.skills(),
    index=None,
    placeholder=t("Any skill — type to search"),
    accept_new_options=True,
    key="directory_skill",
)
department = right.selectbox(
    t("Department"),
    found.departments(),
    index=None,
    placeholder=t("Any department"),
    key="directory_department",
)
try:
    result = found.find(skill or "", department or "")
except TandemError as e:
    st.error(str(e))
    result = directory.Found([], more=False)
entries = result.entries
if not entries:
    st.info(t("Nobody in the directory offers this skill yet."))
else:
    if result.more:
        st.caption(
            tn(
                "The first {n} colleague by name: choose a skill or a department to narrow the search.",
                "The first {n} colleagues by name: choose a skill or a department to narrow the search.",
                len(entries),
            )
        )
    else:
        st.caption(tn("{n} colleague", "{n} colleagues", len(entries)))
    table = {
        t(COLUMNS[0]): [e.name for e in entries],
        t(COLUMNS[1]): [e.department or "—" for e in entries],
        t(COLUMNS[2]): [", ".join(e.skills_offered) for e in entries],
        t(COLUMNS[3]): [e.mailto for e in entries],
    }
    links = {
        t(COLUMNS[2]): st.column_config.TextColumn(t(COLUMNS[2]), width="medium"),
        t(COLUMNS[3]): st.column_config.LinkColumn(
            t(COLUMNS[3]), display_text=r"mailto:(.*)", help=t("Write to them")
        ),
    }
    if any(e.chat for e in entries):
        table[t(COLUMNS[4])] = [e.chat or None for e in entries]
        links[t(COLUMNS[4])] = st.column_config.LinkColumn(
            t(COLUMNS[4]), display_text=t("Open a chat"), help=t("Open a chat with them")
        )
    st.dataframe(table, hide_index=True, column_config=links, key="directory_results")
