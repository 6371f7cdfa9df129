"""My peer, second tab: our agreement — what each of us wants, and how we meet."""

from __future__ import annotations

from typing import Any

import streamlit as st

from core.kernel.access import Viewer
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from core.relationship import agreement
from core.relationship.agreement import AgreementView, TermsSaved
from ui.actions import act
from ui.my_peer.common import Shown, run, say, show, sync_form
from ui.widgets import md_escape, plain

TERMS_KEYS = ("agreement_cadence", "agreement_format", "agreement_length")


def _terms_of(a: AgreementView) -> tuple[int, str, int]:
    return a.cadence_days, a.meeting_format, a.length_minutes


def render(shown: Shown) -> None:
    ss = st.session_state
    match_id, view = shown.match_id, shown.view
    terms = view.agreement
    mine = terms.member(shown.me)
    where = shown.where("agreement")
    seen_key = f"agreement_seen_{match_id}"
    base_key = f"agreement_terms_base_{match_id}"

    def save_expectations() -> None:
        act(
            where,
            agreement.save_expectations,
            match_id,
            ss.get("agreement_mine", ""),
            done=t("Saved. Your peer sees what you wrote."),
        )

    def save_terms() -> None:
        def save(sf: Any, viewer: Viewer) -> TermsSaved:
            try:
                saved = agreement.set_terms(
                    sf,
                    viewer,
                    match_id,
                    cadence_days=ss.get("agreement_cadence"),
                    meeting_format=ss.get("agreement_format"),
                    length_minutes=ss.get("agreement_length"),
                    seen_version=ss[base_key][0],
                )
            except TandemError:
                # Keep the choices made; the next save replaces the new terms knowingly.
                ss[base_key] = (terms.version, *_terms_of(terms))
                raise
            ss[base_key] = (saved.agreement.version, *_terms_of(saved.agreement))
            return saved

        saved = run(where, save)
        if saved is not None and saved.confirmations_reset:
            say(
                where,
                t("The terms changed, so the confirmations were reset: everyone confirms again."),
                "warning",
            )
        elif saved is not None:
            say(where, t("Terms saved."))

    def confirm() -> None:
        act(
            where,
            agreement.confirm_agreement,
            match_id,
            ss.get(seen_key, terms.version),
            done=t("You confirmed the agreement."),
        )

    show(where)
    st.markdown(
        t(
            "**We meet** {cadence}, {format}, {length} minutes.",
            cadence=t(agreement.CADENCES[terms.cadence_days]).lower(),
            format=t(agreement.FORMATS[terms.meeting_format]).lower(),
            length=terms.length_minutes,
        )
    )
    for member in terms.members:
        with st.container(border=True, key=f"agreement_member_{member.person_id}"):
            who = t("You") if member.person_id == shown.me else member.name
            state = (
                t("confirmed on {date}", date=format_date(member.confirmed_at))
                if member.confirmed_at
                else t("not confirmed yet")
            )
            st.markdown(f"**{md_escape(who)}** · {state}")
            if member.expectations:
                plain(member.expectations)
            else:
                st.caption(t("Has not written what they want from the relationship yet."))
    if terms.all_confirmed:
        st.success(t("Everyone confirmed the agreement."))
    elif mine and mine.confirmed_at is None and view.is_live:
        st.button(
            t("Confirm the agreement"), key="agreement_confirm", type="primary", on_click=confirm
        )

    st.markdown("## " + t("What I want from this relationship"))
    with st.form("agreement_expectations_form", border=False):
        st.text_area(  # the stored text as the default: what the browser draws, whatever run
            t("What I want from this relationship"),
            value=mine.expectations if mine else "",
            key="agreement_mine",
            label_visibility="collapsed",
            placeholder=t(
                "E.g. practise presenting to senior people; learn how you plan your week."
            ),
        )
        st.form_submit_button(
            t("Save what I want"), key="agreement_mine_save", on_click=save_expectations
        )

    st.markdown("## " + t("How we meet"))
    st.caption(
        t(
            "Changing these after someone confirmed resets every confirmation: everyone confirms again."
        )
    )
    sync_form(base_key, TERMS_KEYS, terms.version, _terms_of(terms))
    with st.form("agreement_terms_form", border=False):
        st.selectbox(
            t("How often"),
            list(agreement.CADENCES),
            format_func=lambda c: t(agreement.CADENCES[c]),
            key="agreement_cadence",
        )
        st.selectbox(
            t("How"),
            list(agreement.FORMATS),
            format_func=lambda f: t(agreement.FORMATS[f]),
            key="agreement_format",
        )
        st.number_input(
            t("Length (minutes)"),
            min_value=agreement.MIN_LENGTH,
            max_value=agreement.MAX_LENGTH,
            step=15,
            key="agreement_length",
        )
        st.form_submit_button(t("Save the terms"), key="agreement_terms_save", on_click=save_terms)
    ss[seen_key] = terms.version  # what this run showed; actions check against it
