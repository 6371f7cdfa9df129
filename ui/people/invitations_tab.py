"""People page, tab "Invitations": create personal links for people without an account."""

from __future__ import annotations

import streamlit as st

from core.accounts import invitation_csv, invitations
from core.kernel.access import Viewer
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t, tn
from core.kernel.store import Store
from core.notify import smtp
from core.notify.invitations import email_invitations
from core.people import roster
from core.people.roster import PeopleSummary
from ui.widgets import choose_many


def invitations_tab(store: Store, viewer: Viewer, summary: PeopleSummary) -> None:
    """Whom to invite, then the links to download (shown once)."""
    st.write(
        t(
            "People without an account receive a personal link to choose their username and password. Each link works once and for {days} days; creating a new link for someone stops their older one.",
            days=invitations.INVITATION_DAYS,
        )
    )
    scopes = {
        invitations.NOT_YET_INVITED: t("Everybody still to invite ({n})", n=summary.not_invited),
        invitations.ALL_WITHOUT_ACCOUNT: t(
            "Everybody without an account ({n}): replaces links already sent",
            n=summary.invited + summary.not_invited,
        ),
        "chosen": t("People I choose"),
    }
    scope = st.radio(t("Whom to invite"), list(scopes), format_func=scopes.get, key="invite_scope")
    chosen: list[int] = []
    if scope == "chosen":
        search = st.text_input(t("Search people without an account"), key="invite_search")
        candidates = roster.list_people(
            store.sf, viewer, search, status="no_account", limit=200
        ).rows
        by_id = {r.person_id: r for r in candidates if r.is_active}
        chosen = choose_many(
            t("People"),
            list(by_id),
            format_func=lambda i: f"{by_id[i].name} <{by_id[i].email}>",
            key="invite_people",
        )
    by_email = smtp.configured() and st.checkbox(
        t("Also e-mail each person their link, in their language"),
        value=True,
        key="invite_by_email",
        help=t("The e-mails leave with the next run of `make notify` (a scheduler runs it)."),
    )
    if st.button(t("Create the invitation links"), type="primary", key="invite_issue"):
        whom = chosen if scope == "chosen" else scope
        try:
            issued = (
                email_invitations(store.sf, viewer, whom)
                if by_email
                else invitations.issue_invitations(store.sf, viewer, whom)
            )
        except TandemError as e:
            st.error(str(e))
        else:
            if not issued:
                st.info(t("Nobody to invite: everybody chosen has an account or a valid link."))
            else:
                st.success(
                    tn(
                        "{n} invitation link created, valid until {date}.",
                        "{n} invitation links created, valid until {date}.",
                        len(issued),
                        date=format_date(issued[0].expires_at),
                    )
                )
                if by_email:
                    st.info(
                        tn(
                            "{n} e-mail queued: it leaves with the next notification run.",
                            "{n} e-mails queued: they leave with the next notification run.",
                            len(issued),
                        )
                    )
                st.warning(
                    t(
                        "Download the links now: Tandem keeps only a fingerprint of each link and cannot show them again."
                    )
                )
                st.download_button(
                    t("Download the links (CSV)"),
                    invitation_csv.links_csv(issued),
                    file_name="tandem-invitations.csv",
                    mime="text/csv",
                    key="invite_download",
                    on_click="ignore",
                )
