"""The large company's matches, agreements and meetings: pairs that meet on cadence, fade or never start."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from demo.scale.company import STATUS_WEIGHTS, Company


@dataclass
class Pairs:
    """Every match drawn, with its members, agreement and meetings (rows), and what later parts need."""

    matches: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    agreements: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    match_people: dict[int, list[int]] = field(default_factory=dict)  # match → its people
    match_span: dict[int, tuple[dt.datetime, dt.datetime]] = field(default_factory=dict)

    def held_meetings(self) -> dict[int, list[tuple[int, dt.datetime]]]:
        """Each match's held meetings: (meeting id, when)."""
        held: dict[int, list[tuple[int, dt.datetime]]] = {}
        for m in self.meetings:
            if m["status"] == "held":
                held.setdefault(m["match_id"], []).append((m["id"], m["scheduled_at"]))
        return held


def draw_pairs(
    c: Company, programmes: list[dict[str, Any]], enrolled_in: dict[int, list[int]]
) -> Pairs:
    """Pairs and circles in each programme, their meetings, and a few published matches waiting."""
    rng, now, size = c.rng, c.now, c.size
    out = Pairs()
    matches, members, agreements, meetings = out.matches, out.members, out.agreements, out.meetings
    match_people, match_span = out.match_people, out.match_span
    plan = {  # programme → (pairs, circles of 4)
        1: (round(1150 * size), 0),
        2: (round(300 * size), round(150 * size)),
        3: (round(3700 * size), 0),
    }
    for prog in programmes:
        pairs, circles = plan[prog["id"]]
        pool = list(enrolled_in[prog["id"]])
        rng.shuffle(pool)
        groups = [pool[i * 2 : i * 2 + 2] for i in range(pairs)]
        offset = pairs * 2
        groups += [pool[offset + i * 4 : offset + i * 4 + 4] for i in range(circles)]
        start = dt.datetime.combine(prog["start_date"], dt.time(9))
        end = dt.datetime.combine(prog["end_date"], dt.time(18))
        closed = prog["status"] == "closed"
        for g in groups:
            if len(g) < 2:
                continue
            mid = c.next_id("match")
            # A few late matches, so some pairs are "too early to tell".
            late = not closed and rng.random() < 0.03
            began = (
                now - dt.timedelta(days=rng.randint(1, 12))
                if late
                else start + dt.timedelta(days=rng.randint(-3, 20))
            )
            matches.append(
                {
                    "id": mid,
                    "programme_id": prog["id"],
                    "status": "ended" if closed else "active",
                    "kind": "pair" if len(g) == 2 else "circle",
                    "score": float(rng.randint(40, 95)),
                    "explanation": [],
                    "created_at": began - dt.timedelta(days=3),
                    "published_at": began - dt.timedelta(days=2),
                    "started_at": began,
                    "paused_at": None,
                    "ended_at": end if closed else None,
                    "end_reason": None,
                    "version": 1,
                }
            )
            for pid in g:
                members.append(
                    {
                        "match_id": mid,
                        "person_id": pid,
                        "role": "peer",
                        "response": "accepted",
                        "responded_at": began,
                    }
                )
            cadence = rng.choice((7, 14, 14, 14, 30))
            if rng.random() < 0.8:
                agreements.append(
                    {
                        "id": c.next_id("agreement"),
                        "match_id": mid,
                        "cadence_days": cadence,
                        "meeting_format": "video",
                        "length_minutes": 60,
                        "updated_at": began,
                        "version": 1,
                    }
                )
            else:
                cadence = prog["cadence_days"]
            match_people[mid] = g
            stop = min(end, now)
            match_span[mid] = (began, stop)
            # Pair vitality: most meet on cadence, some fade, a few never start.
            kind = rng.choices(("steady", "fading", "never", "flaky"), (0.72, 0.18, 0.05, 0.05))[0]
            limit = rng.randint(1, 4) if kind == "fading" else 10_000
            if kind == "never":
                continue
            at = began + dt.timedelta(days=rng.randint(4, 13), hours=rng.randint(0, 8))
            n = 0
            while at < end and n < limit:
                if at > now:
                    if at < now + dt.timedelta(days=30):
                        status = "planned"
                    else:
                        break
                else:
                    status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
                meetings.append(
                    {
                        "id": c.next_id("meeting"),
                        "match_id": mid,
                        "scheduled_at": at,
                        "duration_minutes": 60,
                        "kind": "regular",
                        "status": status,
                        "place": "",
                        "agenda": "",
                        "notes": "",
                        "created_by_id": g[0],
                        "created_at": at - dt.timedelta(days=7),
                        "updated_at": at,
                        "version": 1,
                    }
                )
                if status == "planned":
                    break
                n += 1
                at += dt.timedelta(days=cadence + rng.randint(-2, 3), hours=rng.randint(-3, 3))
            if kind == "flaky" and not closed:
                for back in (9, 3):
                    meetings.append(
                        {
                            **meetings[-1],
                            "id": c.next_id("meeting"),
                            "scheduled_at": now - dt.timedelta(days=back),
                            "status": rng.choice(("cancelled", "missed", "moved")),
                        }
                    )
    # A few published matches still waiting for an answer.
    paired = {m["person_id"] for m in members}
    spare = [p for p in enrolled_in[3] if p not in paired]
    for i in range(0, min(len(spare) - 1, round(60 * size)), 2):
        mid = c.next_id("match")
        matches.append(
            {
                "id": mid,
                "programme_id": 3,
                "status": "published",
                "kind": "pair",
                "score": 50.0,
                "explanation": [],
                "created_at": now - dt.timedelta(days=2),
                "published_at": now - dt.timedelta(days=2),
                "started_at": None,
                "paused_at": None,
                "ended_at": None,
                "end_reason": None,
                "version": 1,
            }
        )
        for pid in spare[i : i + 2]:
            members.append(
                {
                    "match_id": mid,
                    "person_id": pid,
                    "role": "peer",
                    "response": "pending",
                    "responded_at": None,
                }
            )
    return out
