"""My peer: who they are and why we were matched, our agreement, our meetings, shared
resources, and — at the bottom — pausing, ending or raising a concern."""

import datetime as dt

import streamlit as st

from core.kernel import clock
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, format_datetime, t
from core.relationship import (
    agreement as agreement_rules,
)
from core.relationship import (
    concerns,
    ics,
    lifecycle,
    meeting_rules,
    meetings,
    notes,
    peer_view,
    resources,
    schedule,
)
from ui.page import guard
from ui.widgets import form_key, form_sent, md_escape, plain

store, viewer = guard("my_peer")
ss = st.session_state


# --------------------------------------------------------------------------- helpers


TZ = meetings.zone(st.context.timezone)  # times are stored in UTC, shown in the browser's zone


def _local(when: dt.datetime) -> dt.datetime:
    return meetings.to_local(when, TZ)


def _to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    return meetings.to_utc(day, time, TZ)


def _when(when: dt.datetime) -> str:
    return format_datetime(_local(when), "EEE d MMM y, HH:mm")


def _say(where: str, kind: str, message: str) -> None:
    ss[f"peer_flash_{where}"] = (kind, message)


def _flash(where: str) -> None:
    kind, message = ss.pop(f"peer_flash_{where}", (None, None))
    if kind == "success":
        st.success(message)
    elif kind == "warning":
        st.warning(message)
    elif kind == "error":
        st.error(message)


def _clear(*keys: str) -> None:
    for key in keys:
        ss.pop(key, None)


# --------------------------------------------------------------------------- which match

_flash("top")
choices = peer_view.my_matches(store.sf, viewer)
if not choices:
    st.title(t("My peer"))
    st.info(
        t(
            "You are not matched yet. When the coordinator publishes the matches, your peer appears here."
        )
    )
    st.stop()

by_id = {c.match_id: c for c in choices}
FORM_PREFIXES = ("agreement_", "plan_", "held_", "res_", "pause_", "end_", "concern_")


def _forget_forms() -> None:
    """Another match was chosen: its forms start from its own saved values."""
    for key in [k for k in ss if str(k).startswith(FORM_PREFIXES)]:
        del ss[key]


if len(choices) > 1:
    match_id = st.selectbox(
        t("Programme"),
        list(by_id),
        format_func=lambda i: f"{by_id[i].programme} — {', '.join(by_id[i].peer_names)}",
        key="my_peer_match",
        on_change=_forget_forms,
    )
else:
    match_id = choices[0].match_id

try:
    view = peer_view.match_view(store.sf, viewer, match_id)
    overview = meetings.meetings_of(store.sf, viewer, match_id)
    shared = resources.resources_of(store.sf, viewer, match_id)
except TandemError as e:
    st.error(str(e))
    st.stop()

agreement = view.agreement
mine = agreement.member(viewer.person_id)
names = ", ".join(p.name for p in view.peers)
st.title(t("My circle") if view.is_circle else t("My peer"))
st.caption(
    t(
        "{programme} · {status} since {date}",
        programme=view.programme,
        status=t(lifecycle.MATCH_STATUSES.get(view.status, view.status)),
        date=format_date(view.paused_at or view.started_at),
    )
)

# What needs attention, above the tabs so it is seen first.
if view.status == "paused":
    st.info(t("This relationship is paused. Resume it at the bottom of the page."))
if agreement.not_confirmed:
    you = t("you")
    waiting = [you if m.person_id == viewer.person_id else m.name for m in agreement.not_confirmed]
    st.warning(t("Agreement not confirmed yet by: {names}.", names=", ".join(waiting)))
if overview.overdue and view.status != "paused":
    st.warning(
        t(
            "No meeting held for more than {days} days (your rhythm is every {cadence} days): plan one now.",
            days=int(meeting_rules.OVERDUE_FACTOR * overview.cadence_days),
            cadence=overview.cadence_days,
        )
    )
if overview.next_meeting:
    nxt = overview.next_meeting
    st.markdown(
        t(
            "**Next meeting:** {when} — {kind}",
            when=_when(nxt.scheduled_at),
            kind=t(meetings.KINDS[nxt.kind]),
        )
    )

tab_peer, tab_agreement, tab_meetings, tab_resources = st.tabs(
    [t("Who and why"), t("Agreement"), t("Meetings"), t("Resources")]
)

# --------------------------------------------------------------------------- who and why

with tab_peer:
    for peer in view.peers:
        with st.container(border=True, key=f"peer_card_{peer.person_id}"):
            st.markdown(f"#### {md_escape(peer.name)}")
            st.caption(
                " · ".join(md_escape(x) for x in (peer.department, peer.level, peer.location) if x)
            )
            if peer.offered:
                st.markdown(
                    t("**Can help with:** {skills}", skills=md_escape(", ".join(peer.offered)))
                )
            if peer.wanted:
                st.markdown(
                    t("**Wants to grow in:** {skills}", skills=md_escape(", ".join(peer.wanted)))
                )
            if peer.themes:
                st.markdown(
                    t(
                        "**Goals around:** {themes}",
                        themes=md_escape(", ".join(peer_view.theme_label(x) for x in peer.themes)),
                    )
                )
    if view.reasons:
        st.subheader(t("Why you were matched"))
        for reason in view.reasons:
            st.markdown(f"- {md_escape(reason.text)}")
    st.subheader(t("The programme"))
    if view.guidelines:
        st.markdown("**" + t("Guidelines") + "**")
        plain(view.guidelines)
    if view.suggested_topics:
        st.markdown("**" + t("Suggested topics") + "**")
        for topic in view.suggested_topics:
            st.markdown(f"- {md_escape(topic)}")
    if view.support_contact:
        st.markdown(t("**Support contact:** {contact}", contact=md_escape(view.support_contact)))

# --------------------------------------------------------------------------- agreement

AGREEMENT_SEEN = f"agreement_seen_{match_id}"
TERMS_BASE = f"agreement_terms_base_{match_id}"
TERMS_KEYS = ("agreement_cadence", "agreement_format", "agreement_length")


def _terms_of(a: agreement_rules.AgreementView) -> tuple[int, str, int]:
    return a.cadence_days, a.meeting_format, a.length_minutes


def _sync_terms() -> None:
    """Show the saved terms, unless I changed the choices over an older version."""
    base = ss.get(TERMS_BASE)
    untouched = base is not None and tuple(ss.get(k) for k in TERMS_KEYS) == tuple(base[1:])
    if base is None or (base[0] != agreement.version and untouched):
        for key, value in zip(TERMS_KEYS, _terms_of(agreement), strict=True):
            ss[key] = value
        ss[TERMS_BASE] = (agreement.version, *_terms_of(agreement))


def _save_expectations() -> None:
    try:
        agreement_rules.save_expectations(store.sf, viewer, match_id, ss.get("agreement_mine", ""))
    except TandemError as e:
        _say("agreement", "error", str(e))
    else:
        _say("agreement", "success", t("Saved. Your peer sees what you wrote."))


def _save_terms() -> None:
    try:
        saved = agreement_rules.set_terms(
            store.sf,
            viewer,
            match_id,
            cadence_days=ss.get("agreement_cadence"),
            meeting_format=ss.get("agreement_format"),
            length_minutes=ss.get("agreement_length"),
            seen_version=ss[TERMS_BASE][0],
        )
    except TandemError as e:
        # Keep the choices made; the next save replaces the new terms knowingly.
        ss[TERMS_BASE] = (agreement.version, *_terms_of(agreement))
        _say("agreement", "error", str(e))
    else:
        ss[TERMS_BASE] = (saved.agreement.version, *_terms_of(saved.agreement))
        if saved.confirmations_reset:
            _say(
                "agreement",
                "warning",
                t("The terms changed, so the confirmations were reset: everyone confirms again."),
            )
        else:
            _say("agreement", "success", t("Terms saved."))


def _confirm() -> None:
    try:
        agreement_rules.confirm_agreement(
            store.sf, viewer, match_id, ss.get(AGREEMENT_SEEN, agreement.version)
        )
    except TandemError as e:
        _say("agreement", "error", str(e))
    else:
        _say("agreement", "success", t("You confirmed the agreement."))


with tab_agreement:
    _flash("agreement")
    st.markdown(
        t(
            "**We meet** {cadence}, {format}, {length} minutes.",
            cadence=t(agreement_rules.CADENCES[agreement.cadence_days]).lower(),
            format=t(agreement_rules.FORMATS[agreement.meeting_format]).lower(),
            length=agreement.length_minutes,
        )
    )
    for member in agreement.members:
        with st.container(border=True, key=f"agreement_member_{member.person_id}"):
            who = t("You") if member.person_id == viewer.person_id else member.name
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
    if agreement.all_confirmed:
        st.success(t("Everyone confirmed the agreement."))
    elif mine and mine.confirmed_at is None and view.status in ("published", "active", "paused"):
        st.button(
            t("Confirm the agreement"), key="agreement_confirm", type="primary", on_click=_confirm
        )

    st.markdown("##### " + t("What I want from this relationship"))
    if "agreement_mine" not in ss:
        ss["agreement_mine"] = mine.expectations if mine else ""
    with st.form("agreement_expectations_form", border=False):
        st.text_area(
            t("What I want from this relationship"),
            key="agreement_mine",
            label_visibility="collapsed",
            placeholder=t(
                "E.g. practise presenting to senior people; learn how you plan your week."
            ),
        )
        st.form_submit_button(
            t("Save what I want"), key="agreement_mine_save", on_click=_save_expectations
        )

    st.markdown("##### " + t("How we meet"))
    st.caption(
        t(
            "Changing these after someone confirmed resets every confirmation: everyone confirms again."
        )
    )
    _sync_terms()
    with st.form("agreement_terms_form", border=False):
        st.selectbox(
            t("How often"),
            list(agreement_rules.CADENCES),
            format_func=lambda c: t(agreement_rules.CADENCES[c]),
            key="agreement_cadence",
        )
        st.selectbox(
            t("How"),
            list(agreement_rules.FORMATS),
            format_func=lambda f: t(agreement_rules.FORMATS[f]),
            key="agreement_format",
        )
        st.number_input(
            t("Length (minutes)"),
            min_value=agreement_rules.MIN_LENGTH,
            max_value=agreement_rules.MAX_LENGTH,
            step=15,
            key="agreement_length",
        )
        st.form_submit_button(t("Save the terms"), key="agreement_terms_save", on_click=_save_terms)
    ss[AGREEMENT_SEEN] = agreement.version  # what this run showed; actions check against it

# --------------------------------------------------------------------------- meetings

KIND_CODES = list(meetings.KINDS)


def _plan() -> None:
    try:
        made = schedule.plan_meetings(
            store.sf,
            viewer,
            match_id,
            _to_utc(ss["plan_date"], ss["plan_time"]),
            count=int(ss.get("plan_count", 1)),
            duration_minutes=int(ss.get("plan_minutes", overview.default_minutes)),
            kind=ss.get("plan_kind", "regular"),
            place=ss.get("plan_place", ""),
            agenda=ss.get("plan_agenda", ""),
            key=form_key(f"meeting_plan_{match_id}"),
        )
    except TandemError as e:
        _say("meetings", "error", str(e))
    else:
        form_sent(f"meeting_plan_{match_id}")
        _say(
            "meetings",
            "success",
            t("Planned: {when}.", when=", ".join(_when(m.scheduled_at) for m in made)),
        )
        _clear("plan_date", "plan_time", "plan_count", "plan_place", "plan_agenda")


def _record() -> None:
    try:
        schedule.record_held_meeting(
            store.sf,
            viewer,
            match_id,
            _to_utc(ss["held_date"], ss["held_time"]),
            duration_minutes=int(ss.get("held_minutes", overview.default_minutes)),
            kind=ss.get("held_kind", "regular"),
            notes=ss.get("held_notes", ""),
            key=form_key(f"meeting_held_{match_id}"),
        )
    except TandemError as e:
        _say("meetings", "error", str(e))
    else:
        form_sent(f"meeting_held_{match_id}")
        _say("meetings", "success", t("Meeting recorded as held."))
        _clear("held_date", "held_time", "held_notes")


def _mark(meeting_id: int, status: str, version: int) -> None:
    try:
        schedule.set_status(store.sf, viewer, meeting_id, status, version)
    except TandemError as e:
        _say(f"meeting_{meeting_id}", "error", str(e))
    else:
        _say(
            "meetings",
            "success",
            t("Meeting marked “{status}”.", status=t(meetings.STATUSES[status])),
        )


def _move(meeting_id: int, version: int) -> None:
    try:
        new = schedule.move_meeting(
            store.sf,
            viewer,
            meeting_id,
            _to_utc(ss[f"move_date_{meeting_id}"], ss[f"move_time_{meeting_id}"]),
            version,
        )
    except TandemError as e:
        _say(f"meeting_{meeting_id}", "error", str(e))
    else:
        _say("meetings", "success", t("Moved to {when}.", when=_when(new.scheduled_at)))


def _save_text(meeting_id: int) -> None:
    base = ss.get(f"meeting_base_{meeting_id}", (0, "", ""))
    try:
        saved = notes.save_shared_text(
            store.sf,
            viewer,
            meeting_id,
            agenda=ss.get(f"agenda_{meeting_id}", ""),
            notes=ss.get(f"notes_{meeting_id}", ""),
            seen_version=base[0],
        )
    except notes.EditConflict as e:
        # Keep my text in the form; the next save goes on top of theirs, knowingly.
        ss[f"meeting_base_{meeting_id}"] = (e.theirs.version, e.theirs.agenda, e.theirs.notes)
        ss[f"meeting_conflict_{meeting_id}"] = True
        _say(f"meeting_{meeting_id}", "error", str(e))
    except TandemError as e:
        _say(f"meeting_{meeting_id}", "error", str(e))
    else:
        ss[f"meeting_base_{meeting_id}"] = (saved.version, saved.agenda, saved.notes)
        ss.pop(f"meeting_conflict_{meeting_id}", None)
        _say(f"meeting_{meeting_id}", "success", t("Agenda and notes saved."))


def _sync_text(m: meetings.MeetingView) -> None:
    """Show the saved text, unless I am typing over an older version (then keep mine)."""
    base_key, a_key, n_key = (
        f"meeting_base_{m.meeting_id}",
        f"agenda_{m.meeting_id}",
        f"notes_{m.meeting_id}",
    )
    base = ss.get(base_key)
    untouched = base is not None and (ss.get(a_key), ss.get(n_key)) == (base[1], base[2])
    if base is None or (base[0] != m.version and untouched):
        ss[a_key], ss[n_key] = m.agenda, m.notes
        ss[base_key] = (m.version, m.agenda, m.notes)


def _meeting(m: meetings.MeetingView, expanded: bool) -> None:
    label = t(
        "{when} · {kind} · {status}",
        when=_when(m.scheduled_at),
        kind=t(meetings.KINDS.get(m.kind, m.kind)),
        status=t(meetings.STATUSES.get(m.status, m.status)),
    )
    with st.expander(label, expanded=expanded):
        _flash(f"meeting_{m.meeting_id}")
        st.caption(
            t("{minutes} minutes", minutes=m.duration_minutes)
            + (f" · {md_escape(m.place)}" if m.place else "")
        )
        is_open = view.status in ("published", "active", "paused")
        if m.status == "planned" and is_open:
            started = m.scheduled_at <= clock.now()
            with st.container(horizontal=True):
                if started:
                    st.button(
                        t("Held"),
                        key=f"held_{m.meeting_id}",
                        on_click=_mark,
                        args=(m.meeting_id, "held", m.version),
                    )
                    st.button(
                        t("Missed"),
                        key=f"missed_{m.meeting_id}",
                        on_click=_mark,
                        args=(m.meeting_id, "missed", m.version),
                    )
                st.button(
                    t("Cancel"),
                    key=f"cancel_{m.meeting_id}",
                    on_click=_mark,
                    args=(m.meeting_id, "cancelled", m.version),
                )
                if overview.can_plan:
                    with st.popover(t("Move")), st.form(f"move_form_{m.meeting_id}", border=False):
                        local = _local(m.scheduled_at)
                        st.date_input(
                            t("Move to"),
                            value=max(local.date(), clock.today()),
                            min_value=clock.today(),
                            key=f"move_date_{m.meeting_id}",
                        )
                        st.time_input(
                            t("At"), value=local.time(), step=900, key=f"move_time_{m.meeting_id}"
                        )
                        st.form_submit_button(
                            t("Move"),
                            key=f"move_{m.meeting_id}",
                            on_click=_move,
                            args=(m.meeting_id, m.version),
                        )
                st.download_button(
                    t("Calendar (.ics)"),
                    data=ics.ics_bytes([m], overview.peer_names),
                    file_name=f"tandem-meeting-{m.meeting_id}.ics",
                    mime="text/calendar",
                    key=f"ics_{m.meeting_id}",
                    on_click="ignore",
                    icon=":material/calendar_add_on:",
                )
        _sync_text(m)
        with st.form(f"meeting_text_form_{m.meeting_id}", border=False):
            st.text_area(t("Agenda"), key=f"agenda_{m.meeting_id}", disabled=not is_open)
            st.text_area(t("Shared notes"), key=f"notes_{m.meeting_id}", disabled=not is_open)
            st.caption(
                t("Your peer sees and edits these. Your private reflections go in your journal.")
            )
            st.form_submit_button(
                t("Save agenda and notes"),
                key=f"save_text_{m.meeting_id}",
                on_click=_save_text,
                args=(m.meeting_id,),
                disabled=not is_open,
            )
        if ss.get(f"meeting_conflict_{m.meeting_id}"):
            st.markdown("**" + t("Saved by your peer — agenda") + "**")
            plain(m.agenda or "—")
            st.markdown("**" + t("Saved by your peer — notes") + "**")
            plain(m.notes or "—")


with tab_meetings:
    _flash("meetings")
    health = t(meeting_rules.HEALTH[overview.health])
    st.markdown(
        t(
            "**Rhythm:** every {cadence} days · **Last meeting held:** {last} · **Pair health:** {health}",
            cadence=overview.cadence_days,
            last=format_date(overview.last_held),
            health=health,
        )
    )
    st.caption(t("Times are shown in your time zone ({tz}).", tz=str(TZ)))

    if overview.can_plan and view.status in ("published", "active"):
        with st.expander(t("Plan the next meeting"), expanded=not overview.upcoming):
            form_key(f"meeting_plan_{match_id}")  # drawn with the form, sent with it
            with st.form("plan_form", border=False):
                a, b, c = st.columns(3)
                a.date_input(
                    t("Date"),
                    value=overview.suggested,
                    min_value=clock.today(),
                    key="plan_date",
                    help=t("Suggested from your rhythm: the last meeting plus the cadence."),
                )
                b.time_input(t("Time"), value=dt.time(10, 0), step=900, key="plan_time")
                c.number_input(
                    t("Length (minutes)"),
                    min_value=schedule.MIN_DURATION,
                    max_value=schedule.MAX_DURATION,
                    step=15,
                    value=overview.default_minutes,
                    key="plan_minutes",
                )
                d, e = st.columns(2)
                d.selectbox(
                    t("Kind"),
                    KIND_CODES,
                    format_func=lambda k: t(meetings.KINDS[k]),
                    key="plan_kind",
                    help=t(
                        "A rehearsal is for practising a presentation or a difficult conversation; "
                        "a feedback review goes over feedback you gave or received."
                    ),
                )
                e.number_input(
                    t("How many (a series on your rhythm)"),
                    min_value=1,
                    max_value=schedule.MAX_SERIES,
                    value=1,
                    key="plan_count",
                )
                st.text_input(t("Place or link"), key="plan_place")
                st.text_area(t("Agenda"), key="plan_agenda")
                st.form_submit_button(t("Plan"), key="plan_submit", type="primary", on_click=_plan)
    with st.expander(t("Record a meeting that already took place")):
        form_key(f"meeting_held_{match_id}")  # drawn with the form, sent with it
        with st.form("held_form", border=False):
            a, b, c = st.columns(3)
            a.date_input(
                t("Date"),
                value=clock.today(),
                max_value=clock.today(),
                key="held_date",
            )
            b.time_input(t("Time"), value=dt.time(10, 0), step=900, key="held_time")
            c.number_input(
                t("Length (minutes)"),
                min_value=schedule.MIN_DURATION,
                max_value=schedule.MAX_DURATION,
                step=15,
                value=overview.default_minutes,
                key="held_minutes",
            )
            st.selectbox(
                t("Kind"), KIND_CODES, format_func=lambda k: t(meetings.KINDS[k]), key="held_kind"
            )
            st.text_area(t("Shared notes"), key="held_notes")
            st.form_submit_button(t("Record as held"), key="held_submit", on_click=_record)

    if overview.upcoming:
        st.download_button(
            t("Download all upcoming meetings (.ics)"),
            data=ics.ics_bytes(overview.upcoming, overview.peer_names),
            file_name=f"tandem-meetings-{match_id}.ics",
            mime="text/calendar",
            key="ics_series",
            on_click="ignore",
        )
    upcoming_ids = {m.meeting_id for m in overview.upcoming}
    if not overview.meetings:
        st.info(t("No meeting yet. Plan your first one: the first two weeks set the tone."))
    for m in overview.upcoming:
        _meeting(m, expanded=m.meeting_id == overview.upcoming[0].meeting_id)
    past = [m for m in reversed(overview.meetings) if m.meeting_id not in upcoming_ids]
    if past:
        st.markdown("##### " + t("Past meetings"))
        for m in past:
            _meeting(m, expanded=False)

# --------------------------------------------------------------------------- resources

RESOURCE_KINDS = list(resources.KINDS)


def _add_resource() -> None:
    try:
        added = resources.add_resource(
            store.sf,
            viewer,
            match_id,
            kind=ss.get("res_kind", "link"),
            title=ss.get("res_title", ""),
            url=ss.get("res_url", ""),
            note=ss.get("res_note", ""),
            key=form_key(f"resource_new_{match_id}"),
        )
    except TandemError as e:
        _say("resources", "error", str(e))
    else:
        form_sent(f"resource_new_{match_id}")
        _say("resources", "success", t("“{title}” shared.", title=md_escape(added.title)))
        _clear("res_title", "res_url", "res_note")


def _delete_resource(resource_id: int) -> None:
    try:
        resources.delete_resource(store.sf, viewer, resource_id)
    except TandemError as e:
        _say("resources", "error", str(e))
    else:
        _say("resources", "success", t("Resource removed."))


with tab_resources:
    _flash("resources")
    if not shared:
        st.caption(t("Nothing shared yet: an article, a talk or a book that helped you."))
    for r in shared:
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
                    on_click=_delete_resource,
                    args=(r.resource_id,),
                )
    if view.status in ("published", "active", "paused"):
        st.markdown("##### " + t("Share a resource"))
        form_key(f"resource_new_{match_id}")  # drawn with the form, sent with it
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
            st.form_submit_button(t("Share"), key="res_submit", on_click=_add_resource)

# --------------------------------------------------------------------------- end, pause, concern


def _pause() -> None:
    try:
        lifecycle.pause_relationship(store.sf, viewer, match_id, ss.get("pause_reason", ""))
    except TandemError as e:
        _say("ending", "error", str(e))
    else:
        _say("ending", "success", t("The relationship is paused."))
        _clear("pause_reason")


def _resume() -> None:
    try:
        lifecycle.resume_relationship(store.sf, viewer, match_id)
    except TandemError as e:
        _say("ending", "error", str(e))
    else:
        _say("ending", "success", t("Welcome back: the relationship is active again."))


def _end() -> None:
    if not ss.get("end_sure"):
        _say("ending", "error", t("Tick the box to confirm that you want to end the relationship."))
        return
    try:
        lifecycle.end_relationship(store.sf, viewer, match_id, ss.get("end_reason", ""))
    except TandemError as e:
        _say("ending", "error", str(e))
    else:
        _clear("end_reason", "end_sure", "my_peer_match")
        _say("top", "success", t("The relationship has ended. Thank you."))


def _concern() -> None:
    try:
        concerns.raise_concern(
            store.sf,
            viewer,
            match_id,
            ss.get("concern_text", ""),
            key=form_key(f"concern_new_{match_id}"),
        )
    except TandemError as e:
        _say("ending", "error", str(e))
    else:
        form_sent(f"concern_new_{match_id}")
        _say(
            "ending",
            "success",
            t("Sent to the coordinator. They will get back to you."),
        )
        _clear("concern_text")


with st.expander(t("Pause, end, or raise a concern"), expanded="peer_flash_ending" in ss):
    _flash("ending")
    contact = view.support_contact or t("the programme coordinator")
    st.caption(
        t(
            "No fault, no justification needed. Only the words you write here are sent to the "
            "coordinator ({contact}); nothing else you wrote in Tandem is shared.",
            contact=md_escape(contact),
        )
    )
    if view.status == "paused":
        st.markdown("##### " + t("Take a break"))
        st.button(t("Resume the relationship"), key="resume", on_click=_resume)
    elif view.status == "active":
        st.markdown("##### " + t("Take a break"))
        with st.form("pause_form", border=False):
            st.text_area(t("Reason for the coordinator (optional)"), key="pause_reason")
            st.form_submit_button(t("Pause the relationship"), key="pause", on_click=_pause)
    st.markdown("##### " + t("End the relationship"))
    with st.form("end_form", border=False):
        st.text_area(t("Reason for the coordinator (optional)"), key="end_reason")
        st.checkbox(
            t("I want to end this relationship. Planned meetings will be cancelled."),
            key="end_sure",
        )
        st.form_submit_button(t("End the relationship"), key="end", on_click=_end)
    st.markdown("##### " + t("Raise a concern"))
    form_key(f"concern_new_{match_id}")  # drawn with the form, sent with it
    with st.form("concern_form", border=False):
        st.text_area(
            t("Your message to the coordinator"),
            key="concern_text",
            help=t("For example a breach of confidentiality, or a behaviour that worries you."),
        )
        st.form_submit_button(t("Send to the coordinator"), key="concern_send", on_click=_concern)
