"""Reflection journal: a two-minute reflection after a meeting, saved as I type."""

import streamlit as st

from core.growth import actions, journal
from core.kernel import clock
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, format_datetime, t
from ui.page import guard
from ui.retention import erase_notice
from ui.widgets import form_key, form_sent, md_escape, plain

store, viewer = guard("journal")
ss = st.session_state

ENTRY = "journal_entry_id"  # the draft being written (None: not started)
NEW = "journal_new"  # the new-reflection form: its submission key makes one draft, one entry
WIDGETS = {f: f"journal_{f}" for f in journal.TEXT_FIELDS} | {
    "usefulness": "journal_usefulness",
    "wellbeing": "journal_wellbeing",
    "meeting_id": "journal_meeting",
}
SCALE = [1, 2, 3, 4, 5]


def current_values() -> dict[str, object]:
    return {name: ss.get(key) for name, key in WIDGETS.items() if key in ss}


def clear_form() -> None:
    """Empty the prompts for the next reflection (values set: popping would not clear them)."""
    for name in journal.TEXT_FIELDS:
        ss[WIDGETS[name]] = ""
    ss[WIDGETS["usefulness"]] = ss[WIDGETS["wellbeing"]] = None
    for key in ("journal_saved_at", "journal_error", "journal_resumed"):
        ss.pop(key, None)
    ss[ENTRY] = None
    form_sent(NEW)


def autosave(name: str) -> None:
    """Runs when a field loses focus: keep the answer server-side at once."""
    try:
        state = journal.save_draft(
            store.sf, viewer, ss.get(ENTRY), name, ss.get(WIDGETS[name]), key=form_key(NEW)
        )
    except TandemError as e:
        ss["journal_error"] = str(e)
    else:
        ss[ENTRY] = state.entry_id
        ss["journal_saved_at"] = state.saved_at
        ss.pop("journal_error", None)


def keep_as_new_draft() -> None:
    """After a failed save: start a new draft holding everything typed so far."""
    form_sent(NEW)  # a new draft is a new form: the old key names the draft that failed
    try:
        state = journal.save_draft_values(
            store.sf, viewer, None, current_values(), key=form_key(NEW)
        )
    except TandemError as e:
        ss["journal_error"] = str(e)
    else:
        ss[ENTRY] = state.entry_id
        ss["journal_saved_at"] = state.saved_at
        ss.pop("journal_error", None)


def finalise() -> None:
    try:
        entry = journal.finalise(
            store.sf, viewer, ss.get(ENTRY), current_values(), key=form_key(NEW)
        )
    except TandemError as e:
        ss["journal_error"] = str(e)
    else:
        clear_form()
        ss["journal_done"] = entry.id


def discard() -> None:
    try:
        if ss.get(ENTRY):
            journal.delete_entry(store.sf, viewer, ss[ENTRY])
    except TandemError as e:
        ss["journal_error"] = str(e)
    else:
        clear_form()


def add_action() -> None:
    try:
        entry_id = ss.get(ENTRY)
        if entry_id is None:  # the item needs the draft it belongs to
            entry_id = journal.save_draft_values(
                store.sf, viewer, None, current_values(), key=form_key(NEW)
            ).entry_id
            ss[ENTRY] = entry_id
        actions.add_action(
            store.sf,
            viewer,
            title=ss.get("journal_action_title", ""),
            owner_id=ss.get("journal_action_owner") or viewer.person_id,
            due_date=ss.get("journal_action_due"),
            journal_entry_id=entry_id,
            key=form_key("journal_action"),
        )
    except TandemError as e:
        ss["journal_action_error"] = str(e)
    else:
        form_sent("journal_action")
        ss.pop("journal_action_error", None)
        ss["journal_action_title"] = ""
        ss["journal_action_due"] = None


def share(entry_id: int, shared: bool, where: str) -> None:
    try:
        journal.set_shared(store.sf, viewer, entry_id, shared)
    except TandemError as e:
        ss["journal_flash"] = (where, str(e))
    else:
        ss.pop("journal_flash", None)


def toggle_share(entry_id: int) -> None:
    share(entry_id, bool(ss[f"journal_share_{entry_id}"]), f"entry_{entry_id}")


def tick_action(item_id: int, key: str) -> None:
    try:
        actions.set_done(store.sf, viewer, item_id, bool(ss[key]))
    except TandemError as e:
        ss["journal_flash"] = ("actions", str(e))


def delete_action(item_id: int) -> None:
    try:
        actions.delete_action(store.sf, viewer, item_id)
    except TandemError as e:
        ss["journal_flash"] = ("actions", str(e))


def edit_entry(entry: journal.EntryView) -> None:
    values = {f: ss.get(f"journal_edit_{f}_{entry.id}", "") for f in journal.TEXT_FIELDS}
    try:
        journal.edit_entry(store.sf, viewer, entry.id, entry.version, values)
    except TandemError as e:
        ss["journal_flash"] = (f"entry_{entry.id}", str(e))
    else:
        ss["journal_flash"] = None
        for f in journal.TEXT_FIELDS:
            ss.pop(f"journal_edit_{f}_{entry.id}", None)


def delete_entry(entry_id: int) -> None:
    try:
        journal.delete_entry(store.sf, viewer, entry_id)
    except TandemError as e:
        ss["journal_flash"] = (f"entry_{entry_id}", str(e))


def mirror(key: str, stored: object) -> str:
    """Make a checkbox or toggle show what is stored (also after a failed save or another tab)."""
    ss[key] = stored
    return key


def flash(where: str) -> None:
    message = ss.get("journal_flash")
    if message and message[0] == where:
        st.error(message[1])


# --------------------------------------------------------------------------- rendering


def render_actions(
    items: tuple[actions.ActionView, ...] | list[actions.ActionView], where: str
) -> None:
    today = clock.today()
    for item in items:
        key = f"action_done_{where}_{item.id}"
        due = (
            t("due {date}", date=format_date(item.due_date)) if item.due_date else t("no due date")
        )
        who = t("me") if item.mine else item.owner_name
        late = " · " + t("overdue") if item.overdue(today) else ""
        st.checkbox(
            f"{md_escape(item.title)} — {md_escape(who)} · {due}{late}",
            key=mirror(key, item.done),
            on_change=tick_action,
            args=(item.id, key),
            disabled=not item.mine and item.created_by_id != viewer.person_id,
        )


def render_answers(entry: journal.EntryView) -> None:
    for name, text in entry.answered:
        st.markdown(f"**{md_escape(t(journal.LABELS[name]))}**")
        plain(text)
    scores = []
    if entry.usefulness:
        scores.append(t("Meeting usefulness: {n}/5", n=entry.usefulness))
    if entry.wellbeing:
        scores.append(t("How I am doing: {n}/5", n=entry.wellbeing))
    if scores:
        st.caption(" · ".join(scores))


def entry_title(entry: journal.EntryView, with_author: bool) -> str:
    when = (
        t("After the meeting of {date}", date=format_date(entry.meeting_at))
        if entry.meeting_at
        else t("Free-standing reflection of {date}", date=format_date(entry.created_at))
    )
    parts = [entry.author_name, when] if with_author else [when]
    if not with_author:
        parts.append(t("shared") if entry.shared else t("private"))
    return " · ".join(md_escape(p) for p in parts)


def render_my_entry(entry: journal.EntryView) -> None:
    # Keyed: sharing from inside changes the label, and the entry must stay open.
    with st.expander(entry_title(entry, with_author=False), key=f"journal_mine_{entry.id}"):
        flash(f"entry_{entry.id}")
        render_answers(entry)
        if entry.actions:
            st.markdown("**" + t("Action items") + "**")
            render_actions(entry.actions, f"mine{entry.id}")
        st.toggle(
            t("Shared with my peer"),
            key=mirror(f"journal_share_{entry.id}", entry.shared),
            on_change=toggle_share,
            args=(entry.id,),
        )
        if entry.shared:
            names = ", ".join(entry.shared_with) or t("nobody for now (no live pair or circle)")
            st.caption(t("Who can read it: {names}", names=md_escape(names)))
        else:
            st.caption(t("Private: only you can read it."))
        if st.toggle(t("Edit"), key=f"journal_edit_open_{entry.id}"):
            with st.form(f"journal_edit_form_{entry.id}", border=False):
                for prompt in journal.PROMPTS:
                    st.text_area(
                        t(prompt.label),
                        value=entry.answers.get(prompt.field, ""),
                        key=f"journal_edit_{prompt.field}_{entry.id}",
                        height=68,
                    )
                st.form_submit_button(t("Save changes"), on_click=edit_entry, args=(entry,))
            if st.checkbox(t("Delete this reflection…"), key=f"journal_delete_ask_{entry.id}"):
                st.button(
                    t("Yes, delete it"),
                    key=f"journal_delete_{entry.id}",
                    type="primary",
                    on_click=delete_entry,
                    args=(entry.id,),
                )


def render_new(meetings: list[journal.MeetingChoice]) -> None:
    done = ss.pop("journal_done", None)
    if done:
        st.success(t("Reflection saved. It is private: share it if you want your peer to read it."))
        st.button(
            t("Share it with my peer"),
            key="journal_share_now",
            on_click=share,
            args=(done, True, "new"),
        )
    flash("new")
    form_key(NEW)  # drawn with the form, sent with it
    form_key("journal_action")

    by_id = {m.id: m for m in meetings}
    if ss.get(WIDGETS["meeting_id"]) not in by_id:
        ss.pop(WIDGETS["meeting_id"], None)

    # Labels computed here, in this run's language: a format_func may be called elsewhere.
    labels: dict[int | None, str] = {
        m.id: t("{date} with {peers}", date=format_datetime(m.scheduled_at, "short"), peers=m.peers)
        for m in meetings
    }
    labels[None] = t("Free-standing (not about one meeting)")

    st.selectbox(
        t("After which meeting?"),
        [*by_id, None],
        format_func=labels.__getitem__,
        key=WIDGETS["meeting_id"],
        on_change=autosave,
        args=("meeting_id",),
    )
    main = [p for p in journal.PROMPTS if p.main]
    more = [p for p in journal.PROMPTS if not p.main]
    for prompt in main:
        st.text_area(
            t(prompt.label),
            key=WIDGETS[prompt.field],
            height=68,
            on_change=autosave,
            args=(prompt.field,),
        )
    with st.expander(t("Go deeper: a situation or challenge")):
        for prompt in more:
            st.text_area(
                t(prompt.label),
                key=WIDGETS[prompt.field],
                height=68,
                on_change=autosave,
                args=(prompt.field,),
            )
    for column, (name, label) in zip(st.columns(2), journal.SCALES.items(), strict=True):
        column.radio(
            t(label),
            SCALE,
            index=None,
            horizontal=True,
            key=WIDGETS[name],
            on_change=autosave,
            args=(name,),
        )

    if ss.get("journal_error"):
        st.error(ss["journal_error"])
        st.button(
            t("Keep what I typed as a new draft"),
            key="journal_keep",
            on_click=keep_as_new_draft,
        )
    elif ss.get("journal_saved_at"):
        st.caption(
            ":material/cloud_done: "
            + t("Draft saved at {time} (UTC).", time=ss["journal_saved_at"].strftime("%H:%M"))
        )
    elif ss.get("journal_resumed"):
        st.caption(
            ":material/history: "
            + t(
                "Draft resumed: you started it on {date}.",
                date=format_datetime(ss["journal_resumed"], "short"),
            )
        )
    else:
        st.caption(t("Each answer is saved as a draft when you leave the field."))

    st.markdown("**" + t("Action items") + "**")
    if ss.get(ENTRY):
        try:
            draft = journal.get_entry(store.sf, viewer, ss[ENTRY])
        except TandemError:
            draft = None
        if draft and draft.actions:
            render_actions(draft.actions, "new")
    chosen = by_id.get(ss.get(WIDGETS["meeting_id"]))  # type: ignore[arg-type]
    names = dict(actions.owner_choices(store.sf, viewer, chosen.match_id if chosen else None))
    names[viewer.person_id] = t("Me")
    cols = st.columns([5, 3, 3, 2], vertical_alignment="bottom")
    cols[0].text_input(
        t("Action item"),
        key="journal_action_title",
        max_chars=actions.MAX_TITLE,
        placeholder=t("e.g. Send the slides before Friday"),
    )
    cols[1].selectbox(
        t("Owner"),
        list(names),
        format_func=names.__getitem__,
        key="journal_action_owner",
    )
    ss.setdefault("journal_action_due", None)  # no due date unless picked
    cols[2].date_input(
        t("Due date"),
        min_value=clock.today(),
        key="journal_action_due",
        format="YYYY-MM-DD",
    )
    cols[3].button(t("Add"), key="journal_action_add", on_click=add_action)
    if ss.get("journal_action_error"):
        st.error(ss["journal_action_error"])

    left, right = st.columns([1, 1])
    left.button(
        t("Save the reflection"),
        key="journal_finalise",
        type="primary",
        on_click=finalise,
        help=t("Saves it as final. It stays private unless you share it."),
    )
    if ss.get(ENTRY):
        right.button(t("Discard the draft"), key="journal_discard", on_click=discard)


# --------------------------------------------------------------------------- page

st.title(t("Reflection journal"))
st.caption(
    t(
        "Two minutes after a meeting: what happened, what you learned, what comes next. "
        "Private unless you share an entry with your peer."
    )
)
erase_notice(store, viewer)  # retention: the erase date and a reminder to export

if ENTRY not in ss:  # first visit in this session: resume my draft, if any
    draft = journal.current_draft(store.sf, viewer)
    ss[ENTRY] = draft.id if draft else None
    if draft:
        for name, key in WIDGETS.items():
            if name in journal.TEXT_FIELDS:
                ss[key] = draft.answers.get(name, "")
        ss[WIDGETS["usefulness"]] = draft.usefulness
        ss[WIDGETS["wellbeing"]] = draft.wellbeing
        ss[WIDGETS["meeting_id"]] = draft.meeting_id
        ss["journal_resumed"] = draft.created_at

meetings = journal.meeting_choices(store.sf, viewer)
limit = ss.setdefault("journal_limit", journal.PAGE_SIZE)
mine = journal.my_entries(store.sf, viewer, limit=limit)
theirs = journal.peer_entries(store.sf, viewer, limit=limit)
items = actions.my_actions(store.sf, viewer)
open_items = sum(1 for i in items if not i.done)

tab_new, tab_mine, tab_theirs, tab_actions = st.tabs(
    [
        t("New reflection"),
        t("My reflections ({n})", n=len(mine.entries)),
        t("Shared with me ({n})", n=len(theirs.entries)),
        t("Action items ({n} open)", n=open_items),
    ]
)
with tab_new:
    render_new(meetings)

with tab_mine:
    if not mine.entries:
        st.info(t("No reflection yet. Your saved reflections appear here."))
    for entry in mine.entries:
        render_my_entry(entry)

with tab_theirs:
    if not theirs.entries:
        st.info(
            t("Nothing shared with you yet. When your peer shares a reflection, it appears here.")
        )
    for entry in theirs.entries:
        with st.expander(entry_title(entry, with_author=True), key=f"journal_theirs_{entry.id}"):
            render_answers(entry)
            if entry.actions:
                st.markdown("**" + t("Action items for me") + "**")
                render_actions(entry.actions, f"theirs{entry.id}")

if mine.has_more or theirs.has_more:
    if st.button(t("Show older reflections"), key="journal_more"):
        ss["journal_limit"] = limit + journal.PAGE_SIZE
        st.rerun()

with tab_actions:
    flash("actions")
    if not items:
        st.info(t("No action item yet. Add them when you write a reflection."))
    render_actions(items, "all")
