"""The Matching page after publishing: each proposal with its members' answers, and counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from core.kernel.i18n import N_, format_date, t, tn
from core.matching.published import AfterPublishing
from core.matching.rows import Member
from db.models.states import MatchStatus, MemberResponse
from ui.matching.people import names, who
from ui.widgets import opened
from ui.zone import local_time

STATUS = {
    MatchStatus.PUBLISHED: N_("Waiting for answers"),
    MatchStatus.ACTIVE: N_("Accepted: running"),
    MatchStatus.PAUSED: N_("Paused"),
    MatchStatus.DECLINED: N_("Declined by a member"),
}


def _answer(m: Member, status: str, zone: dt.tzinfo) -> str:
    if m.response == MemberResponse.ACCEPTED:
        return t("{name}: accepted {when}", name=m.name, when=local_time(m.responded_at, zone))
    if m.response == MemberResponse.DECLINED:
        return t("{name}: declined {when}", name=m.name, when=local_time(m.responded_at, zone))
    if status == MatchStatus.DECLINED:
        return t("{name}: no answer needed any more", name=m.name)
    return t("{name}: waiting", name=m.name)


def counts(view: AfterPublishing, unmatched: int) -> None:
    """Four figures: who has not answered, accepted, declined, is still unmatched."""
    a, b, c, d = st.columns(4)
    a.metric(t("Answers awaited"), view.waiting)
    b.metric(t("People who accepted"), view.accepted)
    c.metric(t("People who declined"), view.declined)
    d.metric(t("Still unmatched"), unmatched)


SHOW_RUNNING = "published_show_running"


def proposals(view: AfterPublishing, zone: dt.tzinfo) -> None:
    """Every published proposal: its state and each member's answer, what needs the
    coordinator first; the accepted ones (thousands at company scale) when asked."""
    rows = view.proposals
    shown_running = bool(st.session_state.get(SHOW_RUNNING))
    st.header(t("Published proposals"))
    st.caption(
        tn(
            "{n} proposal published. A declined pairing is never proposed again in this programme.",
            "{n} proposals published. A declined pairing is never proposed again in this programme.",
            len(rows) + (0 if shown_running else view.running),
        )
    )
    if view.running:
        st.toggle(
            tn(
                "Also list the {n} accepted pair or circle",
                "Also list the {n} accepted pairs and circles",
                view.running,
            ),
            key=SHOW_RUNNING,
        )
    if not rows:
        return
    table = pd.DataFrame(
        {
            t("State"): [t(STATUS.get(r.status, r.status)) for r in rows],
            t("Members"): [names(r.members) for r in rows],
            t("Answers"): [" · ".join(_answer(m, r.status, zone) for m in r.members) for r in rows],
            t("Published on"): [format_date(view.published_at.get(r.match_id)) for r in rows],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", key="published_table")


# A pool this small is read and listed open; a larger one once its list is opened.
FEW = 20
_UNMATCHED = "unmatched_open_{}"


def unmatched_open(pid: int) -> bool:
    """Whether the person opened the list of who is still unmatched."""
    return opened(_UNMATCHED.format(pid))


def unmatched(pid: int, view: AfterPublishing, waiting: int) -> None:
    """Who is still unmatched (declined, late, left out), to re-pair: one table, however
    many, drawn once opened (``view`` holds the people then: ``unmatched_open``)."""
    if not waiting:
        return
    people = view.unmatched
    with st.expander(
        tn("{n} person still unmatched", "{n} people still unmatched", waiting),
        expanded=bool(view.proposals) and waiting <= FEW,
        key=_UNMATCHED.format(pid),
        on_change="rerun",
    ) as box:
        if not box.open:
            return
        st.dataframe(
            pd.DataFrame(
                {
                    t("Name"): [who(u.name, u.role) for u in people],
                    t("Department"): [u.department or "—" for u in people],
                    t("A proposal was declined"): [
                        t("Yes") if u.declined_before else "" for u in people
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
