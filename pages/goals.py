"""My goals: set them, split them into steps, share them with my peer; my peer's shared goals."""

import datetime as dt
from collections.abc import Callable

import streamlit as st

from core.growth import goal_rules, goal_views, goals
from core.kernel import clock
from core.kernel.i18n import t, tn
from ui.actions import FLASH, act, flash
from ui.growth.goal_cards import my_goal, peer_goal
from ui.growth.goal_edit import category_labels
from ui.page import guard
from ui.widgets import form_key, form_sent, more_button, opened

store, viewer = guard("goals")


def create_goal() -> None:
    ss = st.session_state
    steps = [line for line in (ss.get("goal_new_steps") or "").splitlines() if line.strip()]
    if act(
        "goal_new",
        goals.create_goal,
        title=ss.get("goal_new_title", ""),
        outcome=ss.get("goal_new_outcome", ""),
        category=ss.get("goal_new_category") or "other",
        target_date=ss.get("goal_new_target"),
        steps=steps,
        key=form_key("goal_new"),
        done=t("Goal added. It is private until you share it."),
    ):
        form_sent("goal_new")
        # Ready for the next goal (setting values: popping keys would not clear the browser).
        ss["goal_new_title"] = ss["goal_new_outcome"] = ss["goal_new_steps"] = ""
        ss["goal_new_target"] = clock.today() + dt.timedelta(days=60)


def acted_on() -> int | None:
    """The goal of the last action's message (it stays in view, whatever its status)."""
    message = st.session_state.get(FLASH)
    where = message[0] if message else ""
    return int(where[5:]) if where.startswith("goal_") and where[5:].isdigit() else None


def paged(
    shown: list[goal_views.GoalView],
    more: int,
    key: str,
    card: Callable[[goal_views.GoalView], None],
) -> None:
    """A page of cards, then "Show more" while some are left (``key``: how many are asked for)."""
    for g in shown:
        card(g)
    label = tn(
        "Show one more active goal", "Show {n} more active goals", min(more, goal_views.PAGE_SIZE)
    )
    more_button(bool(more), key, goal_views.PAGE_SIZE, f"{key}_more", label)


def folded(
    label: str,
    key: str,
    n: int,
    cards: list[goal_views.GoalView],
    card: Callable[[goal_views.GoalView], None],
) -> None:
    """Done goals in a closed expander: their cards are drawn (and mine read: ``cards``)
    only once it is opened."""
    if n:
        with st.expander(label, key=key, on_change="rerun") as box:
            if box.open:
                for g in cards:
                    card(g)


st.title(t("My goals"))
st.caption(
    t(
        "Specific, measurable, dated goals, split into small steps. "
        "A goal is private until you share it with your peer."
    )
)

keep = acted_on()
mine = goals.my_goal_list(
    store.sf,
    viewer,
    st.session_state.get("goals_shown", 0),
    keep,
    folded=opened("goals_done"),
)
with st.expander(t("Set a new goal"), expanded=not mine.total):
    form_key("goal_new")  # drawn with the form, sent with it
    with st.form("goal_new_form", border=False):
        st.text_input(
            t("Goal"),
            key="goal_new_title",
            max_chars=goal_rules.MAX_TITLE,
            placeholder=t("e.g. Present our results at the quarterly review"),
        )
        st.text_area(
            t("Measurable outcome"),
            key="goal_new_outcome",
            height=70,
            placeholder=t("How will you know you got there?"),
        )
        left, right = st.columns(2)
        labels = category_labels()
        left.selectbox(
            t("Category"), list(labels), format_func=labels.__getitem__, key="goal_new_category"
        )
        st.session_state.setdefault("goal_new_target", clock.today() + dt.timedelta(days=60))
        right.date_input(
            t("Target date"),
            min_value=clock.today(),
            key="goal_new_target",
            format="YYYY-MM-DD",
        )
        st.text_area(t("First steps (one per line, optional)"), key="goal_new_steps", height=90)
        st.form_submit_button(t("Add the goal"), type="primary", on_click=create_goal)
flash("goal_new")


if not mine.total:
    st.info(t("No goal yet. Start with one thing you want to get better at this programme."))
paged(mine.cards, mine.more, "goals_shown", my_goal)
folded(
    tn("Achieved or dropped goal ({n})", "Achieved or dropped goals ({n})", mine.n_folded),
    "goals_done",
    mine.n_folded,
    mine.folded,
    my_goal,
)

st.header(t("Shared with me"))
shared_with_me = goals.peer_goals(store.sf, viewer)
if not shared_with_me:
    st.caption(t("Your peer has not shared a goal with you yet."))
peer_active, peer_done = goal_views.fold(shared_with_me, keep)
paged(
    *goal_views.page(peer_active, st.session_state.get("peer_goals_shown", 0), keep),
    "peer_goals_shown",
    peer_goal,
)
folded(
    tn(
        "Achieved or dropped shared goal ({n})",
        "Achieved or dropped shared goals ({n})",
        len(peer_done),
    ),
    "peer_goals_done",
    len(peer_done),
    peer_done,
    peer_goal,
)
