"""My data: download everything Tandem holds about me; erase it after a confirmation."""

import streamlit as st

from core.kernel import clock
from core.kernel.i18n import t
from core.privacy import mydata
from ui import auth
from ui.actions import act, flash
from ui.page import guard

store, viewer = guard("my_data")

st.title(t("My data"))
# Everything below goes away once the data is erased, leaving only the farewell.
page = st.empty()
with page.container():
    st.header(t("Download my data"))
    st.write(
        t(
            "A zip file with one JSON document and one CSV table per kind: your profile, "
            "enrolments, matches, goals and steps, journal, action items, the meetings of your "
            "pairs and circles, feedback asked, given and received, shared resources, survey "
            "answers, concerns you raised and the audit lines about you."
        )
    )
    st.caption(t("Nothing of your peers' private writing is in it."))
    st.download_button(
        t("Download my data (.zip)"),
        # Built only when clicked (deferred), so opening the page stays instant.
        data=lambda: mydata.export_my_data(store.sf, viewer).data,
        file_name=f"tandem-my-data-{clock.today().isoformat()}.zip",
        mime="application/zip",
        icon=":material/download:",
        on_click="ignore",
        key="mydata_download",
    )

    st.header(t("Erase my data"))
    word = mydata.confirmation_word()
    st.warning(
        t(
            "This cannot be undone. Tandem deletes your profile, goals, journal (entries and "
            "drafts), your action items, the feedback you received and your survey comments, "
            "and closes your account: you will not be able to sign in again."
        )
    )
    st.markdown(
        t(
            "What stays: feedback you gave stays with the colleague who received it, signed "
            "“a former participant”; the meetings and resources you shared with your peer stay "
            "with them; the programme's statistics keep anonymous counts (your department and "
            "level, numeric survey answers)."
        )
    )
    st.caption(t("Download your data first if you want to keep a copy."))
    with st.form("erase_form"):
        typed = st.text_input(t("Type {word} to confirm", word=word), key="erase_confirm")
        erase = st.form_submit_button(t("Erase my data"), type="primary", key="erase_submit")
if erase and act("erase", mydata.erase_my_data, typed):
    # Erasure revoked every session server-side; end this tab's one as well, without
    # deleting the cookie here: that would rerun the app at once and hide the farewell
    # below. The revoked cookie is refused (and deleted) on the next page load.
    auth.authenticator().authentication_controller.logout()
    st.session_state.pop(auth.VIEWER_KEY, None)
    page.empty()
    st.success(t("Your data was erased and your account closed. Goodbye, and thank you."))
    st.link_button(t("Back to the sign-in page"), "/", key="erase_done_link")
    st.stop()
flash("erase")
