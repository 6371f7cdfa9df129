"""Feedback page, the lists: my requests, requests to answer, feedback received and given."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from core.growth import feedback as fb
from core.kernel.i18n import format_date, t
from ui.actions import act
from ui.growth.feedback_forms import HERE, field_inputs, give_forms
from ui.widgets import form_key, form_sent, md_escape, plain


def _answer(r: fb.RequestView, kind: str) -> None:
    form = f"feedback_answer_{r.id}"
    values = {
        name: st.session_state.get(f"answer_{r.id}_{name}", "") for name in fb.KIND_FIELDS[kind]
    }
    done = t("Thank you: {name} can read it now.", name=md_escape(r.requester_name))
    if act(HERE, fb.answer_request, r.id, kind, key=form_key(form), done=done, **values):
        form_sent(form)


def _acknowledge(item: fb.FeedbackView) -> None:
    rating = st.session_state.get(f"usefulness_{item.id}") if item.kind != fb.KUDOS else None
    done = t("Acknowledged. {name} will see it.", name=item.giver_name)
    act(HERE, fb.acknowledge, item.id, rating, done=done)


def _title(item: fb.FeedbackView) -> None:
    title = item.topic or (t("Kudos") if item.kind == fb.KUDOS else t("Feedback nobody asked for"))
    st.markdown(f"### {md_escape(title)}")


def _show_fields(item: fb.FeedbackView) -> None:
    for label, text in item.fields():
        if item.kind != fb.KUDOS:
            st.markdown(f"**{md_escape(t(label))}**")
        plain(text)


def my_requests(mine: Sequence[fb.RequestView]) -> None:
    """Requests I made, with where each one stands."""
    st.header(t("My requests"))
    if not mine:
        st.caption(t("You have not asked for feedback yet."))
    for r in mine:
        status = _status(r)
        if r.status == fb.DECLINED:
            status = t("{name} could not give this feedback this time.", name=r.giver_name)
        when = format_date(r.created_at)
        wished = format_date(r.wished_by)
        _request_card(
            f"my_request_{r.id}",
            r,
            r.giver_name,
            t(
                "Asked on {date} · wished by {wished} · {status}",
                date=when,
                wished=wished,
                status=status,
            ),
        )


def _status(r: fb.RequestView) -> str:
    return t(fb.REQUEST_STATUSES.get(r.status, r.status))


def _request_card(key: str, r: fb.RequestView, other: str, caption: str) -> None:
    """A request as a line: its topic and the other person, then where it stands."""
    with st.container(border=True, key=key):
        st.markdown(f"**{md_escape(r.topic)}** · {md_escape(other)}")
        st.caption(caption)


def to_answer(requests: Sequence[fb.RequestView]) -> None:
    """Requests asked of me: answer each in a form, or decline it."""
    answer_forms = {label: kind for label, kind in give_forms().items() if kind != fb.KUDOS}
    if not requests:
        st.caption(t("Nobody is waiting for your feedback."))
    for r in requests:
        with st.container(border=True, key=f"to_answer_{r.id}"):
            st.markdown(f"### {md_escape(r.topic)}")
            st.caption(
                t(
                    "Asked by {name} on {date} · wished by {wished}",
                    name=md_escape(r.requester_name),
                    date=format_date(r.created_at),
                    wished=format_date(r.wished_by),
                )
            )
            if r.overdue:
                st.warning(t("The wished date has passed."))
            if r.context:
                plain(r.context)
            kind = answer_forms[
                st.radio(t("Form"), list(answer_forms), horizontal=True, key=f"answer_kind_{r.id}")
            ]
            with st.form(f"answer_form_{r.id}"):
                field_inputs(f"answer_{r.id}", kind)
                st.form_submit_button(
                    t("Send my feedback"),
                    key=f"answer_submit_{r.id}",
                    on_click=_answer,
                    args=(r, kind),
                )
            form_key(f"feedback_answer_{r.id}")  # drawn with the form, sent with it
            declined = t(
                "Declined. {name} sees that you could not give this feedback this time.",
                name=r.requester_name,
            )
            st.button(
                t("Decline politely"),
                key=f"decline_{r.id}",
                on_click=act,
                args=(HERE, fb.decline_request, r.id),
                kwargs={"done": declined},
            )


def settled(requests: Sequence[fb.RequestView]) -> None:
    """Requests asked of me that I answered or declined (or that closed), with where each
    one ended."""
    if not requests:
        return
    st.subheader(t("Answered or declined"))
    for r in requests:
        when = format_date(r.created_at)
        _request_card(
            f"settled_{r.id}",
            r,
            r.requester_name,
            t("Asked on {date} · {status}", date=when, status=_status(r)),
        )


def received(items: Sequence[fb.FeedbackView]) -> None:
    """Feedback given to me: read it, acknowledge it and say how useful it was."""
    if not items:
        st.caption(t("No feedback received yet."))
    for item in items:
        with st.container(border=True, key=f"received_{item.id}"):
            _title(item)
            sender = t(
                "From {name} · {date}",
                name=md_escape(item.giver_name),
                date=format_date(item.created_at),
            )
            if item.kind != fb.KUDOS:  # the title already says "Kudos"
                sender += f" · {t(fb.KINDS[item.kind])}"
            st.caption(sender)
            _show_fields(item)
            if item.acknowledged_at is not None:
                if item.usefulness:
                    st.caption(
                        t(
                            "Acknowledged on {date} · useful: {n}/5",
                            date=format_date(item.acknowledged_at),
                            n=item.usefulness,
                        )
                    )
                else:
                    st.caption(t("Acknowledged on {date}", date=format_date(item.acknowledged_at)))
                continue
            if item.kind != fb.KUDOS:
                st.radio(
                    t("How useful was it? (1 = not at all, 5 = very)"),
                    [1, 2, 3, 4, 5],
                    index=None,
                    horizontal=True,
                    key=f"usefulness_{item.id}",
                )
            label = t("Thank you") if item.kind == fb.KUDOS else t("Acknowledge")
            st.button(label, key=f"ack_{item.id}", on_click=_acknowledge, args=(item,))


def given(items: Sequence[fb.FeedbackView]) -> None:
    """Feedback I gave, and whether it was read."""
    if not items:
        st.caption(t("You have not given feedback yet."))
    for item in items:
        with st.container(border=True, key=f"given_{item.id}"):
            _title(item)
            seen = (
                t("acknowledged, useful: {n}/5", n=item.usefulness)
                if item.usefulness
                else t("acknowledged")
                if item.acknowledged_at
                else t("not read yet")
            )
            st.caption(
                t(
                    "To {name} · {date} · {seen}",
                    name=md_escape(item.recipient_name),
                    date=format_date(item.created_at),
                    seen=seen,
                )
            )
            _show_fields(item)
