"""The admin's "E-mail (SMTP)" section: settings as configured, the outbox, a test message."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.kernel.access import Viewer
from core.kernel.i18n import N_, t
from core.kernel.store import Store
from core.notify import admin, outbox
from ui.actions import act, flash
from ui.widgets import md_escape
from ui.zone import local_time, viewer_zone

STATUS_LABELS = {
    outbox.PENDING: N_("Waiting to be sent"),
    outbox.SENDING: N_("Being sent"),
    outbox.SENT: N_("Sent"),
    outbox.FAILED: N_("Failed"),
    outbox.SKIPPED: N_("Not wanted by the person"),
}


SETTING_LABELS = {
    "host": N_("Server"),
    "port": N_("Port"),
    "security": N_("Security"),
    "sender": N_("Sender address"),
    "username": N_("Username"),
    "password": N_("Password"),
}


def section(store: Store, viewer: Viewer) -> None:
    with st.expander(t("E-mail (SMTP)")):
        _body(store, viewer)


def _body(store: Store, viewer: Viewer) -> None:
    status = admin.mail_status(store.sf, viewer)
    if status.settings is None:
        st.info(
            t(
                "E-mail is not set up. Set the [smtp] section of .streamlit/secrets.toml or the TANDEM_SMTP_* variables (see the README), then run `make notify` from a scheduler."
            )
        )
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    t("Setting"): [t(SETTING_LABELS[k]) for k in status.settings],
                    t("Value"): list(status.settings.values()),
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.button(
            t("Send me a test message"),
            key="smtp_test",
            on_click=lambda: act(
                "smtp_test",
                admin.send_test,
                done=lambda address: t(
                    "Test message sent to {address}.", address=md_escape(address)
                ),
            ),
        )
        flash("smtp_test")
    st.caption(t("Notifications in the outbox (counts only; what they say is never shown here):"))
    st.dataframe(
        pd.DataFrame(
            {
                t("Status"): [t(STATUS_LABELS[k]) for k in status.counts],
                t("Notifications"): list(status.counts.values()),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if status.failures:
        zone = viewer_zone(store, viewer)
        st.caption(t("Latest SMTP errors:"))
        st.dataframe(
            pd.DataFrame(
                {
                    t("When"): [local_time(f.at, zone) for f in status.failures],
                    t("Tries"): [f.attempts for f in status.failures],
                    t("Error"): [f.error for f in status.failures],
                }
            ),
            hide_index=True,
            width="stretch",
        )
