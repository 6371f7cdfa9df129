"""Time zones of people: IANA names checked against :mod:`zoneinfo`, and one meeting's
time as each member of a pair or circle reads it ("9:00 Paris · 15:00 Tokyo").

Times are stored as naive UTC everywhere (see :mod:`core.relationship.meetings`); a zone
only changes how a time is shown or typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from core.kernel.errors import InvalidInput
from core.kernel.i18n import t

MAX_ZONE_NAME = 64  # the longest IANA name is about 32 characters


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every IANA zone name the system's (or tzdata's) database knows."""
    return frozenset(available_timezones()) | {"UTC"}


def check_zone(value: object) -> str:
    """``value`` as a known IANA zone name (surrounding spaces dropped).

    Raises InvalidInput (translated) for anything else: empty, not text, too long, a path,
    a made-up or misspelt name ("Europe/Pariss"), an abbreviation like "CET" is accepted
    only where IANA itself lists it.
    """
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > MAX_ZONE_NAME or name not in known_zones():
        raise InvalidInput(
            t("“{zone}” is not a known time zone (e.g. Europe/Paris).", zone=str(value)[:80])
        )
    return name


def zone_label(name: str) -> str:
    """A short place for a zone: "America/Argentina/Buenos_Aires" → "Buenos Aires"."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


def local_time(when_utc: dt.datetime, name: str) -> dt.datetime:
    """A naive-UTC time as the naive wall-clock time in zone ``name`` (DST included)."""
    return when_utc.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(name)).replace(tzinfo=None)


def _clock(local: dt.datetime) -> str:
    return f"{local.hour}:{local.minute:02d}"


def across_zones(when_utc: dt.datetime, viewer_zone: str, others: Iterable[str]) -> str:
    """One time as the viewer and the other members read it, viewer's zone first.

    Only the hour changes between zones, so each distinct zone is written once as
    "H:MM Place"; when everyone shares the viewer's zone, just "H:MM". A member in a
    different zone whose clock reads the same (e.g. Paris and Berlin) is still named, so
    nobody wonders whose time it is. Unknown names are skipped (they were checked when
    stored; a zone removed from the database later must not break a page).
    """
    zones = [viewer_zone]
    for name in others:
        if name and name not in zones and name in known_zones():
            zones.append(name)
    if len(zones) == 1:
        return _clock(local_time(when_utc, viewer_zone))
    return " · ".join(f"{_clock(local_time(when_utc, z))} {zone_label(z)}" for z in zones)
