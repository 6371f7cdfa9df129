"""Stop one kind of e-mail from its one-click link (/unsubscribe?token=…), signed in or not."""

import streamlit as st

from core.kernel.errors import TandemError
from core.kernel.i18n import t
from core.notify import prefs
from ui import locale
from ui.page import ensure_router
from ui.store import get_store

ensure_router()
store = get_store()
locale.picker(key="lang_picker_unsubscribe")
st.title(t("Stop an e-mail"))

token = st.query_params.get("token", "")
try:
    shown = prefs.read_unsubscribe(token)
except TandemError as e:
    st.error(str(e))
    st.stop()

if st.session_state.get("unsubscribed") == token:
    st.success(t("Done: Tandem no longer e-mails you about “{what}”.", what=shown.label))
    st.caption(t("You can turn it on again on My profile, under E-mail notifications."))
    st.stop()

st.write(t("Stop e-mails about “{what}”?", what=shown.label))
st.caption(t("Only this kind stops; you can turn it on again on My profile at any time."))
if st.button(t("Stop these e-mails"), type="primary", key="unsubscribe_confirm"):
    try:
        prefs.unsubscribe(store.sf, token)
    except TandemError as e:
        st.error(str(e))
    else:
        st.session_state["unsubscribed"] = token
        st.rerun()
