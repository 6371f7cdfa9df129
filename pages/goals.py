"""My goals: set them, split them into steps, share them with my peer; my peer's shared goals."""

import datetime as dt

import streamlit as st

from core.growth import goals
from core.kernel import clock
from core.kernel.errors import TandemError
from core.kernel.i18n import format_date, format_percent, t
from ui.page import guard
from ui.widgets import form_key, form_sent, md_escape, plain

store, viewer = guard("goals")
FLASH = "goals_flash"


def call(where: str, action, *args, ok: str | None = None, **kwargs) -> bool:  # type: ignore[no-untyped-def]
    """Run one service from a widget callback; remember its message for ``where``."""
    try:
        action(store.sf, viewer, *args, **kwargs)
    except TandemError as e:
        st.session_state[FLASH] = (where, "error", str(e))
        return False
    st.session_state[FLASH] = (where, "success", ok) if ok else None
    return True


def flash(where: str) -> None:
    message = st.session_state.get(FLASH)
    if message and message[0] == where:
        (st.error if message[1] == "error" else st.success)(message[2])


def mirror(key: str, stored: object) -> str:
    """Make a checkbox or toggle show what is stored (also after a failed save or another tab)."""
    st.session_state[key] = stored
    return key


def forget(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)


def category_label(code: str) -> str:
    return t(goals.CATEGORIES.get(code, goals.CATEGORIES["other"]))


# Labels computed here, in this run's language: a format_func may be called elsewhere.
CATEGORY_LABELS = {code: category_label(code) for code in goals.CATEGORIES}


# --------------------------------------------------------------------------- callbacks


def create_goal() -> None:
    ss = st.session_state
    steps = [line for line in (ss.get("goal_new_steps") or "").splitlines() if line.strip()]
    if call(
        "new",
        goals.create_goal,
        title=ss.get("goal_new_title", ""),
        outcome=ss.get("goal_new_outcome", ""),
        category=ss.get("goal_new_category") or "other",
        target_date=ss.get("goal_new_target"),
        steps=steps,
        key=form_key("goal_new"),
        ok=t("Goal added. It is private until you share it."),
    ):
        form_sent("goal_new")
        # Ready for the next goal (setting values: popping keys would not clear the browser).
        ss["goal_new_title"] = ss["goal_new_outcome"] = ss["goal_new_steps"] = ""
        ss["goal_new_target"] = clock.today() + dt.timedelta(days=60)


def save_goal(goal: goals.GoalView) -> None:
    ss, gid = st.session_state, goal.id
    manual = ss.get(f"goal_edit_progress_{gid}") if not goal.steps else None
    if call(
        f"goal_{gid}",
        goals.update_goal,
        gid,
        goal.version,
        title=ss.get(f"goal_edit_title_{gid}", ""),
        outcome=ss.get(f"goal_edit_outcome_{gid}", ""),
        category=ss.get(f"goal_edit_category_{gid}") or "other",
        target_date=ss.get(f"goal_edit_target_{gid}"),
        manual_progress=manual,
        ok=t("Goal saved."),
    ):
        forget_edit(gid)


def forget_edit(gid: int) -> None:
    forget(*(f"goal_edit_{name}_{gid}" for name in ("title", "outcome", "category", "target")))
    forget(f"goal_edit_progress_{gid}")


def add_step(gid: int) -> None:
    ss = st.session_state
    if call(
        f"goal_{gid}",
        goals.add_step,
        gid,
        ss.get(f"step_new_title_{gid}", ""),
        ss.get(f"step_new_due_{gid}"),
        key=form_key(f"step_new_{gid}"),
    ):
        form_sent(f"step_new_{gid}")
        ss[f"step_new_title_{gid}"] = ""
        ss[f"step_new_due_{gid}"] = None


def save_step(gid: int, step_id: int) -> None:
    ss = st.session_state
    call(
        f"goal_{gid}",
        goals.update_step,
        step_id,
        ss.get(f"step_title_{step_id}", ""),
        ss.get(f"step_due_{step_id}"),
        ok=t("Step saved."),
    )


def tick_step(gid: int, step_id: int) -> None:
    done = bool(st.session_state[f"step_done_{step_id}"])
    call(f"goal_{gid}", goals.set_step_done, step_id, done)


def toggle_share(gid: int) -> None:
    shared = bool(st.session_state[f"goal_share_{gid}"])
    ok = t("Shared with your peer.") if shared else t("This goal is private again.")
    call(f"goal_{gid}", goals.set_shared, gid, shared, ok=ok)


def comment(gid: int) -> None:
    body = st.session_state.get(f"goal_comment_{gid}", "")
    if call(f"goal_{gid}", goals.add_comment, gid, body, key=form_key(f"goal_comment_{gid}")):
        form_sent(f"goal_comment_{gid}")
        st.session_state[f"goal_comment_{gid}"] = ""


# --------------------------------------------------------------------------- rendering


def render_steps_read_only(goal: goals.GoalView) -> None:
    for step in goal.steps:
        mark = "☑" if step.done else "☐"
        due = f" · {format_date(step.due_date)}" if step.due_date else ""
        st.markdown(f"{mark} {md_escape(step.title)}{md_escape(due)}")


def render_comments(goal: goals.GoalView) -> None:
    st.markdown("**" + t("Comments") + "**")
    if not goal.comments:
        st.caption(t("No comment yet."))
    for c in goal.comments:
        st.caption(f"{md_escape(c.author_name)} · {format_date(c.created_at)}")
        plain(c.body)
    form_key(f"goal_comment_{goal.id}")  # drawn with the form, sent with it
    st.text_area(
        t("Add a comment"),
        key=f"goal_comment_{goal.id}",
        max_chars=goals.MAX_COMMENT,
        height=70,
    )
    st.button(
        t("Post the comment"),
        key=f"goal_comment_post_{goal.id}",
        on_click=comment,
        args=(goal.id,),
    )


def render_edit(goal: goals.GoalView) -> None:
    gid = goal.id
    with st.form(f"goal_edit_form_{gid}", border=False):
        st.text_input(
            t("Goal"),
            value=goal.title,
            key=f"goal_edit_title_{gid}",
            max_chars=goals.MAX_TITLE,
        )
        st.text_area(
            t("Measurable outcome"),
            value=goal.outcome,
            key=f"goal_edit_outcome_{gid}",
            height=80,
        )
        left, right = st.columns(2)
        codes = list(goals.CATEGORIES)
        left.selectbox(
            t("Category"),
            codes,
            index=codes.index(goal.category) if goal.category in codes else len(codes) - 1,
            format_func=CATEGORY_LABELS.__getitem__,
            key=f"goal_edit_category_{gid}",
        )
        right.date_input(
            t("Target date"),
            value=goal.target_date,
            key=f"goal_edit_target_{gid}",
            format="YYYY-MM-DD",
        )
        if not goal.steps:
            st.slider(
                t("Progress (%) — used while the goal has no steps"),
                0,
                100,
                value=goal.manual_progress or 0,
                step=5,
                key=f"goal_edit_progress_{gid}",
            )
        st.form_submit_button(t("Save the goal"), on_click=save_goal, args=(goal,))

    st.markdown("**" + t("Steps") + "**")
    for i, step in enumerate(goal.steps):
        cols = st.columns([6, 3, 1, 1, 1, 1], vertical_alignment="bottom")
        cols[0].text_input(
            t("Step {n}", n=i + 1),
            value=step.title,
            key=f"step_title_{step.id}",
            max_chars=goals.MAX_TITLE,
        )
        cols[1].date_input(
            t("Due date"), value=step.due_date, key=f"step_due_{step.id}", format="YYYY-MM-DD"
        )
        cols[2].button(
            ":material/save:",
            key=f"step_save_{step.id}",
            help=t("Save the step"),
            on_click=save_step,
            args=(gid, step.id),
        )
        cols[3].button(
            ":material/arrow_upward:",
            key=f"step_up_{step.id}",
            help=t("Move up"),
            disabled=i == 0,
            on_click=call,
            args=(f"goal_{gid}", goals.move_step, step.id, -1),
        )
        cols[4].button(
            ":material/arrow_downward:",
            key=f"step_down_{step.id}",
            help=t("Move down"),
            disabled=i == len(goal.steps) - 1,
            on_click=call,
            args=(f"goal_{gid}", goals.move_step, step.id, 1),
        )
        cols[5].button(
            ":material/delete:",
            key=f"step_delete_{step.id}",
            help=t("Delete the step"),
            on_click=call,
            args=(f"goal_{gid}", goals.delete_step, step.id),
        )
    cols = st.columns([6, 3, 2], vertical_alignment="bottom")
    form_key(f"step_new_{gid}")  # drawn with the form, sent with it
    cols[0].text_input(t("New step"), key=f"step_new_title_{gid}", max_chars=goals.MAX_TITLE)
    st.session_state.setdefault(f"step_new_due_{gid}", None)  # no due date unless picked
    cols[1].date_input(
        t("Due date"),
        min_value=clock.today(),
        key=f"step_new_due_{gid}",
        format="YYYY-MM-DD",
    )
    cols[2].button(t("Add the step"), key=f"step_add_{gid}", on_click=add_step, args=(gid,))

    st.markdown("**" + t("Status") + "**")
    cols = st.columns(3)
    if goal.status == "active":
        cols[0].button(
            t("Mark as achieved"),
            key=f"goal_achieve_{gid}",
            on_click=call,
            args=(f"goal_{gid}", goals.set_status, gid, goal.version, "achieved"),
            kwargs={"ok": t("Well done! Goal achieved.")},
        )
        cols[1].button(
            t("Drop the goal"),
            key=f"goal_drop_{gid}",
            on_click=call,
            args=(f"goal_{gid}", goals.set_status, gid, goal.version, "dropped"),
        )
    else:
        cols[0].button(
            t("Reopen the goal"),
            key=f"goal_reopen_{gid}",
            on_click=call,
            args=(f"goal_{gid}", goals.set_status, gid, goal.version, "active"),
        )
    if cols[2].toggle(t("Delete this goal…"), key=f"goal_delete_ask_{gid}"):
        cols[2].button(
            t("Yes, delete it"),
            key=f"goal_delete_{gid}",
            type="primary",
            on_click=call,
            args=("new", goals.delete_goal, gid, goal.version),
            kwargs={"ok": t("Goal deleted.")},
        )


def render_my_goal(goal: goals.GoalView) -> None:
    with st.container(border=True, key=f"goal_{goal.id}"):
        status = t(goals.STATUSES[goal.status])
        st.markdown(f"#### {md_escape(goal.title)}")
        details = [
            category_label(goal.category),
            t("target {date}", date=format_date(goal.target_date)),
        ]
        if goal.status != "active":
            details.insert(0, status.upper())
        st.caption(" · ".join(md_escape(d) for d in details))
        if goal.outcome:
            plain(goal.outcome)
        if goal.steps:
            label = t(
                "{pct} · {done} of {total} steps done",
                pct=format_percent(goal.progress),
                done=goal.steps_done,
                total=len(goal.steps),
            )
        else:
            label = t("{pct} (set by hand)", pct=format_percent(goal.progress))
        st.progress(goal.progress, text=label)
        flash(f"goal_{goal.id}")
        for step in goal.steps:
            due = f" · {format_date(step.due_date)}" if step.due_date else ""
            st.checkbox(
                md_escape(step.title) + md_escape(due),
                key=mirror(f"step_done_{step.id}", step.done),
                on_change=tick_step,
                args=(goal.id, step.id),
                disabled=goal.status != "active",
            )
        st.toggle(
            t("Shared with my peer"),
            key=mirror(f"goal_share_{goal.id}", goal.shared),
            on_change=toggle_share,
            args=(goal.id,),
            help=t(
                "Your peer can read a shared goal and comment on it. Private goals are yours only."
            ),
        )
        with st.expander(t("Edit, steps and status")):
            render_edit(goal)
        if goal.shared or goal.comments:
            render_comments(goal)


def render_peer_goal(goal: goals.GoalView) -> None:
    with st.container(border=True, key=f"peer_goal_{goal.id}"):
        st.markdown(f"#### {md_escape(goal.title)}")
        details = [
            goal.owner_name,
            category_label(goal.category),
            t("target {date}", date=format_date(goal.target_date)),
            t(goals.STATUSES[goal.status]),
        ]
        st.caption(" · ".join(md_escape(d) for d in details))
        if goal.outcome:
            plain(goal.outcome)
        st.progress(goal.progress, text=format_percent(goal.progress))
        render_steps_read_only(goal)
        flash(f"goal_{goal.id}")
        render_comments(goal)


# --------------------------------------------------------------------------- page

st.title(t("My goals"))
st.caption(
    t(
        "Specific, measurable, dated goals, split into small steps. "
        "A goal is private until you share it with your peer."
    )
)

mine = goals.my_goals(store.sf, viewer)
with st.expander(t("Set a new goal"), expanded=not mine):
    form_key("goal_new")  # drawn with the form, sent with it
    with st.form("goal_new_form", border=False):
        st.text_input(
            t("Goal"),
            key="goal_new_title",
            max_chars=goals.MAX_TITLE,
            placeholder=t("e.g. Present our results at the quarterly review"),
        )
        st.text_area(
            t("Measurable outcome"),
            key="goal_new_outcome",
            height=70,
            placeholder=t("How will you know you got there?"),
        )
        left, right = st.columns(2)
        left.selectbox(
            t("Category"),
            list(goals.CATEGORIES),
            format_func=CATEGORY_LABELS.__getitem__,
            key="goal_new_category",
        )
        st.session_state.setdefault("goal_new_target", clock.today() + dt.timedelta(days=60))
        right.date_input(
            t("Target date"),
            min_value=clock.today(),
            key="goal_new_target",
            format="YYYY-MM-DD",
        )
        st.text_area(
            t("First steps (one per line, optional)"),
            key="goal_new_steps",
            height=90,
        )
        st.form_submit_button(t("Add the goal"), type="primary", on_click=create_goal)
flash("new")

if not mine:
    st.info(t("No goal yet. Start with one thing you want to get better at this programme."))
for g in mine:
    render_my_goal(g)

st.subheader(t("Shared with me"))
shared_with_me = goals.peer_goals(store.sf, viewer)
if not shared_with_me:
    st.caption(t("Your peer has not shared a goal with you yet."))
for g in shared_with_me:
    render_peer_goal(g)
