"""What the large company's pairs did: journal entries, goals with their steps, feedback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from demo.scale.company import FEEDBACK, GOAL_TITLES, GOALS, JOURNAL_ENTRIES, SENTENCES, Company
from demo.scale.pairs import Pairs


class History:
    """Rows drawn lazily, in the order they are written (the draws follow one seed).

    Each pair's share of the history grows with its size and how long it has lived.
    """

    def __init__(self, c: Company, pairs: Pairs) -> None:
        self.c = c
        self.match_people, self.match_span = pairs.match_people, pairs.match_span
        self.live = [
            mid for mid in self.match_people if self.match_span[mid][1] > self.match_span[mid][0]
        ]
        self.weights = [
            len(self.match_people[m]) * (self.match_span[m][1] - self.match_span[m][0]).days
            for m in self.live
        ]
        self.meeting_ids = pairs.held_meetings()
        self.programme_of = {m["id"]: m["programme_id"] for m in pairs.matches}
        self.steps: list[dict[str, Any]] = []  # filled while the goals are drawn
        self.requests: list[dict[str, Any]] = []  # filled while the feedback is drawn

    def journal_rows(self) -> Iterator[dict[str, Any]]:
        """Journal entries, most after a held meeting."""
        rng, now, c, match_people = self.c.rng, self.c.now, self.c, self.match_people
        meeting_ids = self.meeting_ids
        picks = rng.choices(self.live, self.weights, k=round(JOURNAL_ENTRIES * self.c.size))
        for mid in picks:
            author = rng.choice(match_people[mid])
            held = meeting_ids.get(mid)
            meeting_id = None
            if held and rng.random() < 0.7:
                meeting_id, at = rng.choice(held)
                created = at + dt.timedelta(hours=rng.randint(1, 48))
            else:
                created = c.when(*self.match_span[mid])
            created = min(created, now)
            yield {
                "id": c.next_id("journal"),
                "author_id": author,
                "match_id": mid,
                "meeting_id": meeting_id,
                "status": "draft" if rng.random() < 0.05 else "final",
                "shared": rng.random() < 0.3,
                "discussed": rng.choice(SENTENCES),
                "situation": rng.choice(SENTENCES),
                "handling": rng.choice(SENTENCES),
                "reaction": "",
                "went_well": rng.choice(SENTENCES),
                "went_less_well": "",
                "differently": rng.choice(SENTENCES),
                "learned": rng.choice(SENTENCES),
                "next_step": rng.choice(SENTENCES),
                "usefulness": rng.randint(2, 5),
                "wellbeing": rng.choice((None, 3, 4, 5)),
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }

    def goal_rows(self) -> Iterator[dict[str, Any]]:
        """Goals; their steps go to ``self.steps``."""
        rng, now, c, match_people = self.c.rng, self.c.now, self.c, self.match_people
        programme_of, steps = self.programme_of, self.steps
        picks = rng.choices(self.live, self.weights, k=round(GOALS * self.c.size))
        for mid in picks:
            owner = rng.choice(match_people[mid])
            start, stop = self.match_span[mid]
            created = c.when(start, stop)
            status = rng.choices(("active", "achieved", "dropped"), (0.5, 0.35, 0.15))[0]
            achieved = c.when(created, now) if status == "achieved" else None
            gid = c.next_id("goal")
            for pos in range(rng.randint(1, 4)):
                done = status == "achieved" or rng.random() < 0.4
                steps.append(
                    {
                        "id": c.next_id("step"),
                        "goal_id": gid,
                        "position": pos,
                        "title": f"Step {pos + 1}",
                        "due_date": (created + dt.timedelta(days=14 * (pos + 1))).date(),
                        "done_at": c.when(created, now) if done else None,
                    }
                )
            yield {
                "id": gid,
                "owner_id": owner,
                "programme_id": programme_of[mid],
                "match_id": mid,
                "title": rng.choice(GOAL_TITLES),
                "outcome": "",
                "category": "",
                "target_date": (created + dt.timedelta(days=90)).date(),
                "status": status,
                "visibility": "shared" if rng.random() < 0.4 else "private",
                "manual_progress": None,
                "created_at": created,
                "updated_at": created,
                "achieved_at": achieved,
                "version": 1,
            }

    def feedback_rows(self) -> Iterator[dict[str, Any]]:
        """Feedback given; the requests it answers go to ``self.requests``."""
        rng, c, match_people, match_span = self.c.rng, self.c, self.match_people, self.match_span
        requests = self.requests
        picks = rng.choices(self.live, self.weights, k=round(FEEDBACK * self.c.size))
        for mid in picks:
            giver, recipient = rng.sample(match_people[mid], 2)
            created = c.when(*match_span[mid])
            request_id = None
            if rng.random() < 0.6:
                request_id = c.next_id("request")
                requests.append(
                    {
                        "id": request_id,
                        "match_id": mid,
                        "requester_id": recipient,
                        "giver_id": giver,
                        "topic": "My presentation",
                        "context": "",
                        "wished_by": None,
                        "status": "answered",
                        "created_at": created - dt.timedelta(days=rng.randint(1, 6)),
                    }
                )
            yield {
                "id": c.next_id("feedback"),
                "request_id": request_id,
                "match_id": mid,
                "giver_id": giver,
                "recipient_id": recipient,
                "kind": rng.choice(("structured", "sbi", "kudos")),
                "worked": rng.choice(SENTENCES),
                "improve": rng.choice(SENTENCES),
                "suggestion": rng.choice(SENTENCES),
                "situation": "",
                "behaviour": "",
                "impact": "",
                "created_at": created,
                "acknowledged_at": created + dt.timedelta(days=1) if rng.random() < 0.7 else None,
                "usefulness": rng.randint(2, 5),
            }
