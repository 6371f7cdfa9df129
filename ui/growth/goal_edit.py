"""My goals, inside a goal's "Edit, steps and status": the goal's form, its steps, its status."""

from __future__ import annotations

import streamlit as st

from core.growth import goal_rules, goal_steps, goals
from core.growth.goal_views import GoalView
from core.kernel import clock
from core.kernel.i18n import t
from ui.actions import act
from ui.widgets import form_key, form_sent

EDITED = ("title", "outcome", "category", "target", "progress")


def category_labels() -> dict[str, str]:
    """Category labels in this run's language (a format_func may be called elsewhere)."""
    return {code: t(label) for code, label in goal_rules.CATEGORIES.items()}


def category_label(code: str) -> str:
    labels = category_labels()
    return labels.get(code, labels["other"])


def save_goal(goal: GoalView) -> None:
    ss, gid = st.session_state, goal.id
    act(
        f"goal_{gid}",
        goals.update_goal,
        gid,
        goal.version,
        title=ss.get(f"goal_edit_title_{gid}", ""),
        outcome=ss.get(f"goal_edit_outcome_{gid}", ""),
        category=ss.get(f"goal_edit_category_{gid}") or "other",
        target_date=ss.get(f"goal_edit_target_{gid}"),
        manual_progress=ss.get(f"goal_edit_progress_{gid}") if not goal.steps else None,
        done=t("Goal saved."),
        clear=[f"goal_edit_{name}_{gid}" for name in EDITED],
    )


def add_step(gid: int) -> None:
    ss = st.session_state
    if act(
        f"goal_{gid}",
        goal_steps.add_step,
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
    act(
        f"goal_{gid}",
        goal_steps.update_step,
        step_id,
        ss.get(f"step_title_{step_id}", ""),
        ss.get(f"step_due_{step_id}"),
        done=t("Step saved."),
    )


def goal_form(goal: GoalView) -> None:
    gid = goal.id
    labels = category_labels()
    with st.form(f"goal_edit_form_{gid}", border=False):
        st.text_input(
            t("Goal"),
            value=goal.title,
            key=f"goal_edit_title_{gid}",
            max_chars=goal_rules.MAX_TITLE,
        )
        st.text_area(
            t("Measurable outcome"), value=goal.outcome, key=f"goal_edit_outcome_{gid}", height=80
        )
        left, right = st.columns(2)
        codes = list(labels)
        left.selectbox(
            t("Category"),
            codes,
            index=codes.index(goal.category) if goal.category in codes else len(codes) - 1,
            format_func=labels.__getitem__,
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


def steps(goal: GoalView) -> None:
    gid, where = goal.id, f"goal_{goal.id}"
    st.markdown("**" + t("Steps") + "**")
    for i, step in enumerate(goal.steps):
        cols = st.columns([6, 3, 1, 1, 1, 1], vertical_alignment="bottom")
        cols[0].text_input(
            t("Step {n}", n=i + 1),
            value=step.title,
            key=f"step_title_{step.id}",
            max_chars=goal_rules.MAX_TITLE,
        )
        cols[1].date_input(
            t("Due date"), value=step.due_date, key=f"step_due_{step.id}", format="YYYY-MM-DD"
        )
        move = (where, goal_steps.move_step, step.id)
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
            on_click=act,
            args=(*move, -1),
        )
        cols[4].button(
            ":material/arrow_downward:",
            key=f"step_down_{step.id}",
            help=t("Move down"),
            disabled=i == len(goal.steps) - 1,
            on_click=act,
            args=(*move, 1),
        )
        cols[5].button(
            ":material/delete:",
            key=f"step_delete_{step.id}",
            help=t("Delete the step"),
            on_click=act,
            args=(where, goal_steps.delete_step, step.id),
        )
    cols = st.columns([6, 3, 2], vertical_alignment="bottom")
    form_key(f"step_new_{gid}")  # drawn with the form, sent with it
    cols[0].text_input(t("New step"), key=f"step_new_title_{gid}", max_chars=goal_rules.MAX_TITLE)
    st.session_state.setdefault(f"step_new_due_{gid}", None)  # no due date unless picked
    cols[1].date_input(
        t("Due date"), min_value=clock.today(), key=f"step_new_due_{gid}", format="YYYY-MM-DD"
    )
    cols[2].button(t("Add the step"), key=f"step_add_{gid}", on_click=add_step, args=(gid,))


def status(goal: GoalView) -> None:
    gid, where = goal.id, f"goal_{goal.id}"
    st.markdown("**" + t("Status") + "**")
    cols = st.columns(3)
    change = (where, goals.set_status, gid, goal.version)
    if goal.status == goals.GoalStatus.ACTIVE:
        cols[0].button(
            t("Mark as achieved"),
            key=f"goal_achieve_{gid}",
            on_click=act,
            args=(*change, goals.GoalStatus.ACHIEVED),
            kwargs={"done": t("Well done! Goal achieved.")},
        )
        cols[1].button(
            t("Drop the goal"),
            key=f"goal_drop_{gid}",
            on_click=act,
            args=(*change, goals.GoalStatus.DROPPED),
        )
    else:
        cols[0].button(
            t("Reopen the goal"),
            key=f"goal_reopen_{gid}",
            on_click=act,
            args=(*change, goals.GoalStatus.ACTIVE),
        )
    if cols[2].toggle(t("Delete this goal…"), key=f"goal_delete_ask_{gid}"):
        cols[2].button(
            t("Yes, delete it"),
            key=f"goal_delete_{gid}",
            type="primary",
            on_click=act,
            args=("goal_new", goals.delete_goal, gid, goal.version),
            kwargs={"done": t("Goal deleted.")},
        )


def edit(goal: GoalView) -> None:
    """The goal's form, its steps (rename, move, delete, add) and its status."""
    goal_form(goal)
    steps(goal)
    status(goal)
