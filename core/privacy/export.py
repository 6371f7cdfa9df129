"""Export of my data: one document of everything about me, and its zip (JSON + one CSV per kind).

Each area contributes its sections (``core/privacy/<area>.py``); :func:`collect`
puts them in one document, in a fixed order. It holds what is mine or about me,
and what my pair shares with me (meetings' agendas and notes, shared resources);
never a peer's private text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from sqlalchemy.orm import Session

from core.kernel import clock
from core.kernel.text import neutralise
from core.privacy import accounts, growth, people, programmes, relationship, surveys
from core.privacy.rows import iso

FORMAT = "tandem-my-data/1"
SECTIONS = (
    "profile",
    "enrolments",
    "matches",
    "agreements",
    "goals",
    "goal_comments_i_wrote",
    "journal",
    "action_items",
    "meetings",
    "resources",
    "feedback_requests",
    "feedback",
    "survey_answers",
    "concerns",
    "audit",
)
README = """Tandem — my data
================

my-data.json   everything below in one document (UTF-8 JSON)
*.csv          one table per kind (UTF-8 with BOM, comma-separated)

Text is exactly as it was typed. In the CSV files a cell that would start with
=, +, -, @ is prefixed with an apostrophe so that a spreadsheet does not run it.
"""


def collect(s: Session, person_id: int, account_id: int | None) -> dict[str, Any]:
    """Everything about ``person_id`` as plain JSON-able data (never commits)."""
    parts: dict[str, Any] = {}
    for area in (people, programmes, relationship, growth, surveys):
        parts.update(area.export(s, person_id))
    mine = accounts.export(s, person_id, account_id)
    parts["profile"].update(mine["account"])
    parts["audit"] = mine["audit"]
    return {
        "format": FORMAT,
        "exported_at": iso(clock.now()),
        **{name: parts[name] for name in SECTIONS},
    }


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list | tuple):
        value = "; ".join(str(_csv_cell(v)) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    # A spreadsheet would run a cell starting with "=" as a formula: quote it.
    return neutralise(value)


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    writer = csv.DictWriter(out, fieldnames=columns or ["empty"], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return out.getvalue()


def tables(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """One flat table per kind, for the CSV files."""
    steps = [
        {"goal_id": g["id"], "goal": g["title"], **step}
        for g in doc["goals"]
        for step in g["steps"]
    ]
    comments = [
        {"goal_id": g["id"], "goal": g["title"], **c} for g in doc["goals"] for c in g["comments"]
    ] + [
        {"goal_id": c["goal_id"], "goal": None, "author": "me", **c}
        for c in doc["goal_comments_i_wrote"]
    ]
    return {
        "profile": [doc["profile"]],
        "enrolments": [
            {k: v for k, v in e.items() if k != "self_assessment"} for e in doc["enrolments"]
        ],
        "self_assessment": [
            {"enrolment_id": e["id"], **a} for e in doc["enrolments"] for a in e["self_assessment"]
        ],
        "matches": doc["matches"],
        "agreements": doc["agreements"],
        "goals": [
            {k: v for k, v in g.items() if k not in ("steps", "comments")} for g in doc["goals"]
        ],
        "goal_steps": steps,
        "goal_comments": comments,
        "journal": doc["journal"],
        "action_items": doc["action_items"],
        "meetings": doc["meetings"],
        "feedback_requests": doc["feedback_requests"],
        "feedback": doc["feedback"],
        "resources": doc["resources"],
        "survey_answers": doc["survey_answers"],
        "concerns": doc["concerns"],
        "audit": doc["audit"],
    }


def zipped(doc: dict[str, Any]) -> tuple[bytes, dict[str, int]]:
    """The zip of ``doc`` (README, the JSON document, one CSV per kind) and its row counts."""
    kinds = tables(doc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README)
        zf.writestr("my-data.json", json.dumps(doc, ensure_ascii=False, indent=2, default=str))
        for name, rows in kinds.items():
            # BOM: spreadsheets then read accents right.
            zf.writestr(f"{name}.csv", "\ufeff" + _csv(rows))
    return buffer.getvalue(), {name: len(rows) for name, rows in kinds.items()}
