"""What the tabs of the My peer page share: the match on show, times, where messages go."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from core.kernel import zones
from core.relationship import meetings
from core.relationship.meetings import MeetingsOverview
from core.relationship.peer_view import MatchView
from core.relationship.resources import ResourceView
from ui import actions
from ui.zone import MEETING_TIME, local_time


@dataclass(frozen=True)
class Shown:
    """One of my matches as this run shows it."""

    match_id: int
    me: int  # the viewer's person id
    view: MatchView
    overview: MeetingsOverview
    shared: list[ResourceView]
    tz: dt.tzinfo  # mine (ui.zone): times are stored in UTC, shown and typed in this zone
    zone: str = "UTC"  # its IANA name
    peer_zones: tuple[str, ...] = ()  # my peers' saved zones: a time is shown in theirs too

    def local(self, when: dt.datetime) -> dt.datetime:
        return meetings.to_local(when, self.tz)

    def to_utc(self, day: dt.date, time: dt.time) -> dt.datetime:
        return meetings.to_utc(day, time, self.tz)

    def when(self, when: dt.datetime) -> str:
        shown = local_time(when, self.tz, MEETING_TIME)
        if any(z != self.zone for z in self.peer_zones):  # "9:00 Paris · 3:00 Montréal"
            shown += " (" + zones.across_zones(when, self.zone, self.peer_zones) + ")"
        return shown

    def where(self, part: str) -> str:
        """Where the messages about ``part`` of this match are shown."""
        return f"my_peer_{part}_{self.match_id}"


def sync_form(base_key: str, keys: tuple[str, ...], version: int, saved: tuple[Any, ...]) -> None:
    """Fill the widgets ``keys`` with the ``saved`` values of a versioned row, unless I
    changed them over an older version (then keep mine: my next save goes on top, knowingly).

    ``base_key`` remembers the version and the values the form last started from."""
    ss = st.session_state
    base = ss.get(base_key)
    untouched = base is not None and tuple(ss.get(k) for k in keys) == tuple(base[1:])
    if base is None or (base[0] != version and untouched):
        for key, value in zip(keys, saved, strict=True):
            ss[key] = value
        ss[base_key] = (version, *saved)


TOP = "my_peer_top"  # above everything: the relationship has ended


# --------------------------------------------------------------------------- messages
# ui.actions.act's message is fixed before the service runs, and flash draws success
# or error only. The three helpers below add a message made from the service's result
# and the warning level, in the same slot, so one message shows at a time.


def run(
    where: str,
    service: Callable[..., Any],
    *args: Any,
    clear: Iterable[str] = (),
    **kwargs: Any,
) -> Any:
    """:func:`ui.actions.act` that hands back what the service returned (None if refused)."""
    got: list[Any] = []

    def call(*a: Any, **kw: Any) -> None:
        got.append(service(*a, **kw))

    return got[0] if actions.act(where, call, *args, clear=clear, **kwargs) else None


def say(where: str, message: str, level: str = "success") -> None:
    """Show ``message`` at ``where`` (level "success" or "warning")."""
    st.session_state[actions.FLASH] = (where, level, message)


def show(where: str) -> None:
    """:func:`ui.actions.flash`, warnings included."""
    message = st.session_state.get(actions.FLASH)
    if message and message[0] == where and message[1] == "warning":
        st.warning(message[2])
    else:
        actions.flash(where)


def pending(where: str) -> bool:
    """Whether the last message is about ``where`` (its expander opens to show it)."""
    message = st.session_state.get(actions.FLASH)
    return message is not None and message[0] == where
