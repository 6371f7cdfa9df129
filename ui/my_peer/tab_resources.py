"""My peer, fourth tab: resources we share — links, books, talks."""

from __future__ import annotations

import streamlit as st

from core.kernel.i18n import format_date, t
from core.relationship import resources
from ui.actions import act
from ui.my_peer.common import Shown, run, say, show
from ui.widgets import form_key, form_sent, md_escape, plain

RESOURCE_KINDS = list(resources.KINDS)


def _add(shown: Shown) -> None:
    ss, form = st.session_state, f"resource_new_{shown.match_id}"
    where = shown.where("resources")
    added = run(
        where,
        resources.add_resource,
        shown.match_id,
        kind=ss.get("res_kind", "link"),
        title=ss.get("res_title", ""),
        url=ss.get("res_url", ""),
        note=ss.get("res_note", ""),
        key=form_key(form),
        clear=("res_title", "res_url", "res_note"),
    )
    if added is not None:
        form_sent(form)
        say(where, t("“{title}” shared.", title=md_escape(added.title)))


def _delete(shown: Shown, resource_id: int) -> None:
    act(
        shown.where("resources"),
        resources.delete_resource,
        resource_id,
        done=t("Resource removed."),
    )


def render(shown: Shown) -> None:
    show(shown.where("resources"))
    if not shown.shared:
        st.caption(t("Nothing shared yet: an article, a talk or a book that helped you."))
    for r in shown.shared:
        with st.container(border=True, key=f"resource_{r.resource_id}"):
            st.markdown(f"**{md_escape(r.title)}** · {t(resources.KINDS.get(r.kind, r.kind))}")
            st.caption(
                t(
                    "Shared by {name} on {date}",
                    name=md_escape(r.added_by),
                    date=format_date(r.created_at),
                )
            )
            if r.note:
                plain(r.note)
            a, b = st.columns([3, 1])
            if r.url:
                a.link_button(t("Open the link"), r.url)
            if r.added_by_me:
                b.button(
                    t("Remove"),
                    key=f"res_delete_{r.resource_id}",
                    on_click=_delete,
                    args=(shown, r.resource_id),
                )
    if shown.view.is_live:
        st.markdown("## " + t("Share a resource"))
        form_key(f"resource_new_{shown.match_id}")  # drawn with the form, sent with it
        with st.form("resource_form", border=False):
            a, b = st.columns([1, 3])
            a.selectbox(
                t("Kind"),
                RESOURCE_KINDS,
                format_func=lambda k: t(resources.KINDS[k]),
                key="res_kind",
            )
            b.text_input(t("Title"), key="res_title")
            st.text_input(
                t("Web address"),
                key="res_url",
                placeholder="https://",
                help=t("Required for a link; optional for a book or a talk."),
            )
            st.text_area(t("Note"), key="res_note")
            st.form_submit_button(t("Share"), key="res_submit", on_click=_add, args=(shown,))
