"""The large company's pulse surveys and answers, self-assessments, and the two sign-in accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from core.accounts.auth import hash_password
from demo.scale.company import MENTOR_SKILLS, SENTENCES, SURVEY_ANSWERS, Company

Rows = list[dict[str, Any]]


def draw_surveys(
    c: Company,
    programmes: Rows,
    enrolled_in: dict[int, list[int]],
    by_id: dict[int, dict[str, Any]],
) -> tuple[Rows, Rows, Rows, Rows]:
    """Pulse surveys of each programme (so far), with answers whose mood differs by programme.

    Returns the surveys, their questions, the responses and the answers.
    """
    rng, now, size = c.rng, c.now, c.size
    questions_spec = [
        ("satisfaction", "scale5"),
        ("nps", "scale10"),
        ("peer_help", "scale5"),
        ("progress", "scale5"),
        ("free", "text"),
    ]
    surveys, questions, responses, answers = [], [], [], []
    per_programme = {1: (30, 90, 170), 2: (30, 120, 240), 3: (30, 90)}
    n_surveys = sum(len(v) for v in per_programme.values())
    per_survey = round(SURVEY_ANSWERS * size) // len(questions_spec) // n_surveys
    for prog in programmes:
        start = dt.datetime.combine(prog["start_date"], dt.time(9))
        # Programme-level mood, so the NPS differs between programmes and over time.
        mood = {1: 0.3, 2: 0.7, 3: 0.5}[prog["id"]]
        for day in per_programme[prog["id"]]:
            opens = start + dt.timedelta(days=day)
            if opens > now:
                continue
            sid = c.next_id("survey")
            surveys.append(
                {
                    "id": sid,
                    "programme_id": prog["id"],
                    "kind": "pulse",
                    "title": f"Pulse — day {day}",
                    "opens_at": opens,
                    "closes_at": opens + dt.timedelta(days=14),
                    "created_at": opens,
                }
            )
            qids = {}
            for pos, (code, kind) in enumerate(questions_spec):
                qid = c.next_id("question")
                qids[code] = qid
                questions.append(
                    {
                        "id": qid,
                        "survey_id": sid,
                        "position": pos,
                        "code": code,
                        "kind": kind,
                        "text": "",
                    }
                )
            who = rng.sample(enrolled_in[prog["id"]], min(per_survey, len(enrolled_in[prog["id"]])))
            for pid in who:
                rid = c.next_id("response")
                submitted = min(now, opens + dt.timedelta(hours=rng.randint(1, 300)))
                responses.append(
                    {
                        "id": rid,
                        "survey_id": sid,
                        "person_id": pid,
                        "department": by_id[pid]["department"],
                        "submitted_at": submitted,
                    }
                )
                happy = rng.random() < mood + day / 1000
                for code, kind in questions_spec:
                    if kind == "text":
                        value_int, value_text = None, rng.choice(SENTENCES) or None
                    elif kind == "scale10":
                        value_int, value_text = (
                            (
                                rng.choice((8, 9, 9, 10, 10))
                                if happy
                                else rng.choice((3, 5, 6, 7, 8))
                            ),
                            None,
                        )
                    else:
                        value_int, value_text = (
                            (rng.choice((4, 4, 5)) if happy else rng.choice((2, 3, 3, 4))),
                            None,
                        )
                    answers.append(
                        {
                            "response_id": rid,
                            "question_id": qids[code],
                            "value_int": value_int,
                            "value_text": value_text,
                        }
                    )
    return surveys, questions, responses, answers


def assessment_rows(c: Company, enrolments: Rows, programmes: Rows) -> Iterator[dict[str, Any]]:
    """Baselines at enrolment; the end assessment for most of the closed programme."""
    rng = c.rng
    for e in enrolments:
        if e["status"] != "enrolled":
            continue
        base = {sk: rng.randint(1, 4) for sk in MENTOR_SKILLS}
        for sk, score in base.items():
            yield {
                "id": c.next_id("assessment"),
                "enrolment_id": e["id"],
                "phase": "baseline",
                "skill": sk,
                "score": score,
                "at": e["created_at"],
            }
        if e["programme_id"] == 1 and rng.random() < 0.6:
            for sk, score in base.items():
                yield {
                    "id": c.next_id("assessment"),
                    "enrolment_id": e["id"],
                    "phase": "end",
                    "skill": sk,
                    "score": min(5, score + rng.choice((0, 0, 1, 1, 1, 2))),
                    "at": dt.datetime.combine(programmes[0]["end_date"], dt.time(10)),
                }


def sign_in_accounts(c: Company, people: Rows, password: str) -> tuple[Rows, Rows]:
    """``admin`` and ``coord`` (the IT and People leads), sharing ``password``; their roles."""
    now = c.now
    hashed = hash_password(password)
    leads = [p for p in people if p["job_title"].endswith(" lead")]
    coord_person = next(p for p in leads if p["department"] == "People")
    admin_person = next(p for p in leads if p["department"] == "IT")
    accounts: Rows = []
    roles: Rows = []
    for person, username, rs in (
        (admin_person, "admin", ("admin", "coordinator")),
        (coord_person, "coord", ("coordinator",)),
    ):
        aid = c.next_id("account")
        accounts.append(
            {
                "id": aid,
                "person_id": person["id"],
                "username": username,
                "password_hash": hashed,
                "is_active": True,
                "language": "en",
                "sessions_revoked_before": None,
                "last_login_at": None,
                "password_changed_at": now,
                "created_at": now,
            }
        )
        roles += [{"account_id": aid, "role": r} for r in rs]
    return accounts, roles
