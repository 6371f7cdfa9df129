"""Feedback: ask a peer, answer (or decline), read and rate what I received, kudos."""

import datetime as dt

import streamlit as st

from core.growth import feedback as fb
from core.kernel import clock
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, t
from ui.page import guard
from ui.widgets import form_key, form_sent, md_escape, plain

store, viewer = guard("feedback")
FLASH = "feedback_flash"
# Translated label → kind (labels as options: a format_func would be translated outside the run).
GIVE_FORMS = {t(label): kind for kind, label in fb.KINDS.items()}
ANSWER_FORMS = {label: kind for label, kind in GIVE_FORMS.items() if kind != fb.KUDOS}

st.title(t("Feedback"))
st.caption(
    t(
        "Only you and the colleague involved see a request or a piece of feedback. "
        "Coordinators see counts, never the words."
    )
)

peers = fb.my_peers(store.sf, viewer)
peer_names = {p.person_id: p.name for p in peers}
pending = fb.pending(store.sf, viewer)


def _flash() -> None:
    kind, message = st.session_state.pop(FLASH, (None, None))
    if kind == "success":
        st.success(message)
    elif kind == "error":
        st.error(message)


def _done(message: str) -> None:
    """Show ``message`` after a fresh run, so the lists reflect what just changed."""
    st.session_state[FLASH] = ("success", message)
    st.rerun()


def _clear(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)


def _ask() -> None:
    state = st.session_state
    try:
        request = fb.ask_feedback(
            store.sf,
            viewer,
            giver_id=state.get("ask_giver"),
            topic=state.get("ask_topic", ""),
            context=state.get("ask_context", ""),
            wished_by=state.get("ask_wished"),
            key=form_key("feedback_ask"),
        )
    except TandemError as e:
        state[FLASH] = ("error", str(e))
    else:
        form_sent("feedback_ask")
        state[FLASH] = (
            "success",
            t("Request sent to {name}.", name=md_escape(request.giver_name)),
        )
        _clear("ask_topic", "ask_context", "ask_wished")


def _give() -> None:
    state = st.session_state
    kind = GIVE_FORMS.get(state.get("give_kind"), fb.STRUCTURED)
    values = {name: state.get(f"give_{name}", "") for name in fb.KIND_FIELDS[kind]}
    if kind == fb.KUDOS:
        values = {"worked": state.get("give_kudos", "")}
    try:
        given = fb.give_feedback(
            store.sf, viewer, state.get("give_to"), kind, key=form_key("feedback_give"), **values
        )
    except TandemError as e:
        state[FLASH] = ("error", str(e))
    else:
        form_sent("feedback_give")
        state[FLASH] = ("success", t("Sent to {name}.", name=md_escape(given.recipient_name)))
        _clear("give_kudos", *(f"give_{name}" for name in fb.FIELDS))


def _field_inputs(prefix: str, kind: str) -> dict[str, str]:
    values = {}
    for name in fb.KIND_FIELDS[kind]:
        required = name in fb.REQUIRED[kind]
        label = t(fb.FIELDS[name]) + (" *" if required else "")
        values[name] = st.text_area(label, key=f"{prefix}_{name}", height=90)
    return values


def _show_fields(item: fb.FeedbackView) -> None:
    for label, text in item.fields():
        if item.kind != fb.KUDOS:
            st.markdown(f"**{md_escape(t(label))}**")
        plain(text)


_flash()
if not peers:
    st.info(
        t(
            "You can exchange feedback once you are matched with a peer. "
            "Feedback you received before stays below."
        )
    )

if pending.total:
    st.info(
        t(
            "Waiting for you: {answer} to answer, {ack} to acknowledge.",
            answer=len(pending.to_answer),
            ack=len(pending.to_acknowledge),
        )
    )
# Tab labels stay the same from run to run, so the open tab stays open.
tab_ask, tab_answer, tab_received, tab_given, tab_give = st.tabs(
    [
        t("Ask for feedback"),
        t("To answer"),
        t("Received"),
        t("Given"),
        t("Give feedback or kudos"),
    ]
)

with tab_ask:
    st.write(
        t(
            "Ask your peer about something concrete: a presentation, a meeting, a negotiation. "
            "Say what you would like them to look at."
        )
    )
    if peers:
        form_key("feedback_ask")  # drawn with the form, sent with it
        with st.form("ask_form"):
            st.selectbox(
                t("Whom to ask"),
                list(peer_names),
                format_func=peer_names.get,
                key="ask_giver",
            )
            st.text_input(
                t("Topic") + " *",
                key="ask_topic",
                max_chars=fb.MAX_TOPIC,
                placeholder=t("e.g. my presentation at the quarterly review"),
            )
            st.text_area(
                t("Context"),
                key="ask_context",
                height=90,
                placeholder=t("What would you like your peer to pay attention to?"),
            )
            st.date_input(
                t("Wished by"),
                value=clock.today() + dt.timedelta(days=7),
                min_value=clock.today(),
                key="ask_wished",
                format="YYYY-MM-DD",
            )
            st.form_submit_button(t("Send the request"), on_click=_ask, key="ask_submit")
    st.subheader(t("My requests"))
    mine = fb.my_requests(store.sf, viewer)
    if not mine:
        st.caption(t("You have not asked for feedback yet."))
    for r in mine:
        with st.container(border=True, key=f"my_request_{r.id}"):
            st.markdown(f"**{md_escape(r.topic)}** · {md_escape(r.giver_name)}")
            status = t(fb.REQUEST_STATUSES.get(r.status, r.status))
            if r.status == fb.DECLINED:
                status = t("{name} could not give this feedback this time.", name=r.giver_name)
            st.caption(
                t(
                    "Asked on {date} · wished by {wished} · {status}",
                    date=format_date(r.created_at),
                    wished=format_date(r.wished_by),
                    status=status,
                )
            )

with tab_answer:
    if not pending.to_answer:
        st.caption(t("Nobody is waiting for your feedback."))
    for r in pending.to_answer:
        with st.container(border=True, key=f"to_answer_{r.id}"):
            st.markdown(f"#### {md_escape(r.topic)}")
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
            kind = ANSWER_FORMS[
                st.radio(t("Form"), list(ANSWER_FORMS), horizontal=True, key=f"answer_kind_{r.id}")
            ]
            form = f"feedback_answer_{r.id}"
            with st.form(f"answer_form_{r.id}"):
                values = _field_inputs(f"answer_{r.id}", kind)
                sent = st.form_submit_button(t("Send my feedback"), key=f"answer_submit_{r.id}")
            if sent:
                try:
                    fb.answer_request(store.sf, viewer, r.id, kind, key=form_key(form), **values)
                except TandemError as e:
                    st.error(str(e))
                else:
                    form_sent(form)
                    _done(t("Thank you: {name} can read it now.", name=md_escape(r.requester_name)))
            form_key(form)  # drawn with the form, sent with it
            if st.button(t("Decline politely"), key=f"decline_{r.id}"):
                try:
                    fb.decline_request(store.sf, viewer, r.id)
                except TandemError as e:
                    st.error(str(e))
                else:
                    _done(
                        t(
                            "Declined. {name} sees that you could not give this feedback this time.",
                            name=r.requester_name,
                        )
                    )

with tab_received:
    received = fb.received(store.sf, viewer)
    if not received:
        st.caption(t("No feedback received yet."))
    for item in received:
        with st.container(border=True, key=f"received_{item.id}"):
            title = item.topic or (
                t("Kudos") if item.kind == fb.KUDOS else t("Feedback nobody asked for")
            )
            st.markdown(f"#### {md_escape(title)}")
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
            rating = None
            if item.kind != fb.KUDOS:
                rating = st.radio(
                    t("How useful was it? (1 = not at all, 5 = very)"),
                    [1, 2, 3, 4, 5],
                    index=None,
                    horizontal=True,
                    key=f"usefulness_{item.id}",
                )
            label = t("Thank you") if item.kind == fb.KUDOS else t("Acknowledge")
            if st.button(label, key=f"ack_{item.id}"):
                try:
                    fb.acknowledge(store.sf, viewer, item.id, rating)
                except TandemError as e:
                    st.error(str(e))
                else:
                    _done(t("Acknowledged. {name} will see it.", name=item.giver_name))

with tab_given:
    given = fb.given(store.sf, viewer)
    if not given:
        st.caption(t("You have not given feedback yet."))
    for item in given:
        with st.container(border=True, key=f"given_{item.id}"):
            title = item.topic or (
                t("Kudos") if item.kind == fb.KUDOS else t("Feedback nobody asked for")
            )
            st.markdown(f"#### {md_escape(title)}")
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

with tab_give:
    if peers:
        st.write(
            t(
                "Tell your peer what you noticed, without waiting to be asked — "
                "or just say thank you with kudos."
            )
        )
        st.selectbox(t("To"), list(peer_names), format_func=peer_names.get, key="give_to")
        give_kind = GIVE_FORMS[
            st.radio(t("Form"), list(GIVE_FORMS), horizontal=True, key="give_kind")
        ]
        form_key("feedback_give")  # drawn with the form, sent with it
        with st.form("give_form"):
            if give_kind == fb.KUDOS:
                st.text_area(
                    t("Kudos") + " *",
                    key="give_kudos",
                    max_chars=fb.MAX_KUDOS,
                    height=90,
                    placeholder=t("e.g. Thanks for your calm during yesterday's incident."),
                )
            else:
                _field_inputs("give", give_kind)
            st.form_submit_button(t("Send"), on_click=_give, key="give_submit")
