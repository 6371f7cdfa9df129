"""Announcements (coordinators): publish to Home, the invitation text, the printable poster."""

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import get_language, set_language, t
from core.programmes import announcements, outreach, programmes
from ui.actions import act, flash
from ui.page import guard
from ui.widgets import md_escape, plain
from ui.zone import local_time, viewer_zone

store, viewer = guard("coord_announcements")
zone = viewer_zone(store, viewer)  # times stored in UTC, shown in mine
st.title(t("Announcements"))
flash("ann-publish")

rows = programmes.list_programmes(store.sf, viewer)
names = {r.programme_id: r.name for r in rows}
EVERYONE = 0

# Labels computed once: format_func must not translate (AppTest calls it outside the run).
audiences = {EVERYONE: t("Everyone")} | {
    i: t("Participants of {name}", name=name) for i, name in names.items()
}


def publish() -> None:
    ss = st.session_state
    act(
        "ann-publish",
        announcements.publish_announcement,
        title=ss["ann_title"],
        body=ss["ann_body"],
        programme_id=ss["ann_audience"] or None,
        done=t("Announcement published on Home."),
        clear=("ann_title", "ann_body"),
    )


st.header(t("Publish an announcement"))
with st.form("ann_form", clear_on_submit=False, enter_to_submit=False):
    st.selectbox(
        t("To"),
        [EVERYONE, *names],
        format_func=audiences.get,
        key="ann_audience",
    )
    st.text_input(t("Title"), key="ann_title")
    st.text_area(t("Message"), key="ann_body", height=150)
    st.caption(t("Shown on Home exactly as typed (no formatting)."))
    st.form_submit_button(t("Publish"), type="primary", key="ann_submit", on_click=publish)

st.header(t("Published and unpublished"))
items = announcements.list_announcements(store.sf, viewer)
if not items:
    st.caption(t("No announcement."))
for item in items:
    with st.container(border=True, key=f"ann_{item.announcement_id}"):
        head, action = st.columns([5, 1])
        with head:
            st.markdown(f"**{md_escape(item.title)}**")
            scope = item.programme or t("Everyone")
            when = (
                t("published {date}", date=local_time(item.published_at, zone))
                if item.published_at
                else t("not published")
            )
            st.caption(f"{md_escape(scope)} · {when} · {md_escape(item.author or '—')}")
            plain(item.body)
        with action:
            published = item.published_at is not None
            label = t("Unpublish") if published else t("Publish again")
            where = f"ann-{item.announcement_id}"
            if st.button(label, key=f"ann_toggle_{item.announcement_id}") and act(
                where, announcements.set_published, item.announcement_id, not published
            ):
                st.rerun()
            flash(where)

st.header(t("Invite people to enrol"))
if not rows:
    st.info(t("No programme yet."))
    st.stop()
open_first = sorted(rows, key=lambda r: r.status != programmes.ProgrammeStatus.ENROLMENT)
programme_id = st.selectbox(
    t("Programme"),
    [r.programme_id for r in open_first],
    format_func=lambda i: names[i],
    key="ann_invite_programme",
)
link = outreach.enrolment_link(programme_id)
st.markdown(t("Enrolment link: {link}", link=f"`{link}`"))
st.caption(t("The invitation, ready to paste into an e-mail or a chat message:"))
try:
    invitation = outreach.invitation_text(store.sf, viewer, programme_id)
except TandemError as e:
    st.error(str(e))
    st.stop()
st.code(invitation, language=None, wrap_lines=True)

st.markdown("**" + t("Poster for the notice board") + "**")
pitch = st.text_area(
    t("Short pitch (at most 500 characters; empty: the description)"),
    key=f"ann_pitch_{programme_id}",
)
try:
    pitch = outreach.clean_pitch(pitch)
except TandemError as e:
    st.error(str(e))
else:
    language = get_language()

    def poster() -> bytes:
        # Built only when downloaded (about half a second), in the reader's language.
        set_language(language)
        return outreach.poster_pdf(store.sf, viewer, programme_id, pitch=pitch)

    st.download_button(
        t("Download the poster (PDF)"),
        data=poster,
        file_name=f"tandem-poster-{programme_id}.pdf",
        mime="application/pdf",
        key="ann_poster",
    )
