"""My goals, one card per goal: mine (ticks, sharing, editing) and those my peers shared."""

from __future__ import annotations

import streamlit as st

from core.growth import goal_rules, goal_steps, goals
from core.growth.goal_views import GoalView
from core.kernel.i18n import format_date, format_percent, t, tn
from ui.actions import act, flash
from ui.growth import mirror
from ui.growth.goal_edit import category_label, edit
from ui.widgets import form_key, form_sent, md_escape, plain


def tick_step(gid: int, step_id: int) -> None:
    done = bool(st.session_state[f"step_done_{step_id}"])
    act(f"goal_{gid}", goal_steps.set_step_done, step_id, done)


def toggle_share(gid: int) -> None:
    shared = bool(st.session_state[f"goal_share_{gid}"])
    done = t("Shared with your peer.") if shared else t("This goal is private again.")
    act(f"goal_{gid}", goals.set_shared, gid, shared, done=done)


def comment(gid: int) -> None:
    body = st.session_state.get(f"goal_comment_{gid}", "")
    if act(f"goal_{gid}", goals.add_comment, gid, body, key=form_key(f"goal_comment_{gid}")):
        form_sent(f"goal_comment_{gid}")
        st.session_state[f"goal_comment_{gid}"] = ""


def comments(goal: GoalView) -> None:
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
        max_chars=goal_rules.MAX_COMMENT,
        height=70,
    )
    st.button(
        t("Post the comment"),
        key=f"goal_comment_post_{goal.id}",
        on_click=comment,
        args=(goal.id,),
    )


def _details(*parts: str) -> None:
    st.caption(" · ".join(md_escape(part) for part in parts))


def my_goal(goal: GoalView) -> None:
    with st.container(border=True, key=f"goal_{goal.id}"):
        st.markdown(f"## {md_escape(goal.title)}")  # a section of My goals, under its title
        details = [
            category_label(goal.category),
            t("target {date}", date=format_date(goal.target_date)),
        ]
        if goal.status != goals.GoalStatus.ACTIVE:
            details.insert(0, t(goal_rules.STATUSES[goal.status]).upper())
        _details(*details)
        if goal.outcome:
            plain(goal.outcome)
        if goal.steps:
            label = tn(
                "{pct} · {done} of {total} step done",
                "{pct} · {done} of {total} steps done",
                len(goal.steps),
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
                disabled=goal.status != goals.GoalStatus.ACTIVE,
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
        # Drawn only when opened: a page of goals with every form drawn was slow.
        with st.expander(
            t("Edit, steps and status"), key=f"goal_edit_open_{goal.id}", on_change="rerun"
        ) as box:
            if box.open:
                edit(goal)
        if goal.shared or goal.comments:
            comments(goal)


def peer_goal(goal: GoalView) -> None:
    with st.container(border=True, key=f"peer_goal_{goal.id}"):
        st.markdown(f"### {md_escape(goal.title)}")
        _details(
            goal.owner_name,
            category_label(goal.category),
            t("target {date}", date=format_date(goal.target_date)),
            t(goal_rules.STATUSES[goal.status]),
        )
        if goal.outcome:
            plain(goal.outcome)
        st.progress(goal.progress, text=format_percent(goal.progress))
        for step in goal.steps:
            mark = "☑" if step.done else "☐"
            due = f" · {format_date(step.due_date)}" if step.due_date else ""
            st.markdown(f"{mark} {md_escape(step.title)}{md_escape(due)}")
        flash(f"goal_{goal.id}")
        comments(goal)
