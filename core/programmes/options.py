"""What a programme can be: objectives, KPIs, formats, relationship types, cadences, states
and matching criteria — each code with its label (translated at display) and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.kernel.i18n import N_, t
from db.models import ProgrammeStatus

OBJECTIVES: dict[str, str] = {
    "upskilling": N_("Upskilling"),
    "reskilling": N_("Reskilling"),
    "onboarding": N_("Onboarding"),
    "retention": N_("Retention"),
    "leadership": N_("Leadership development"),
    "inclusion": N_("Diversity and inclusion"),
    "other": N_("Other"),
}


@dataclass(frozen=True)
class KpiSpec:
    label: str
    minimum: float
    maximum: float
    unit: str  # share (0–1, shown as %) | score | count


# The metrics a programme can be judged by (codes shared with core.insights.metrics, which
# measures them on the dashboard); a programme picks some and sets a target for each.
KPI_METRICS: dict[str, KpiSpec] = {
    "match_rate": KpiSpec(N_("Match rate"), 0.0, 1.0, "share"),
    "engaged_share": KpiSpec(N_("Engaged participants (3 meetings or more)"), 0.0, 1.0, "share"),
    "goal_completion": KpiSpec(N_("Goals achieved"), 0.0, 1.0, "share"),
    "meetings_held_share": KpiSpec(N_("Meetings held, of those due"), 0.0, 1.0, "share"),
    "on_track_share": KpiSpec(N_("Pairs on track"), 0.0, 1.0, "share"),
    "retention_6m": KpiSpec(N_("Participants still employed after 6 months"), 0.0, 1.0, "share"),
    "retention_12m": KpiSpec(N_("Participants still employed after 12 months"), 0.0, 1.0, "share"),
    "nps": KpiSpec(N_("Net Promoter Score"), -100.0, 100.0, "score"),
    "satisfaction": KpiSpec(N_("Satisfaction (1–5)"), 1.0, 5.0, "score"),
    "peer_help": KpiSpec(N_("My peer gives me the help I need (1–5)"), 1.0, 5.0, "score"),
    "progress": KpiSpec(N_("I am making progress on my goals (1–5)"), 1.0, 5.0, "score"),
    "skills_growth": KpiSpec(N_("Mentor-skills growth (points on 1–5)"), -4.0, 4.0, "score"),
    "meetings_per_pair": KpiSpec(N_("Meetings held per pair or circle"), 0.0, 100.0, "count"),
    "enrolled": KpiSpec(N_("Participants enrolled"), 0.0, 100_000.0, "count"),
    "active_matches": KpiSpec(N_("Active pairs and circles"), 0.0, 100_000.0, "count"),
}

FORMATS: dict[str, str] = {
    "pairs": N_("Pairs (1:1)"),
    "circles": N_("Circles of 3 to 6"),
    "both": N_("Pairs and circles"),
}
MIN_CIRCLE, MAX_CIRCLE = 3, 6

RELATIONSHIP_TYPES: dict[str, str] = {
    "peer": N_("Peer mentoring (mutual)"),
    "career": N_("Mentor → mentee: career mentoring"),
    "life": N_("Mentor → mentee: life mentoring"),
    "reverse": N_("Reverse mentoring"),
    "onboarding": N_("Onboarding buddy (new hires with tenured colleagues)"),
}
# Relationship types with a direction: participants enrol as mentor or mentee.
ONE_WAY_TYPES = frozenset({"career", "life", "reverse", "onboarding"})
# ... and they are 1:1: only peer mentoring runs in circles (rules and form say it alike).
ONE_TO_ONE = N_(
    "Mentoring, reverse mentoring and onboarding are 1:1: choose the format “Pairs (1:1)”. Only peer mentoring runs in circles."
)

CADENCES: dict[int, str] = {7: N_("Weekly"), 14: N_("Fortnightly"), 30: N_("Monthly")}
MIN_SESSION_MINUTES, MAX_SESSION_MINUTES = 15, 240

STATUSES: dict[str, str] = {
    ProgrammeStatus.DRAFT: N_("Draft"),
    ProgrammeStatus.ENROLMENT: N_("Enrolment open"),
    ProgrammeStatus.RUNNING: N_("Running"),
    ProgrammeStatus.CLOSED: N_("Closed"),
}
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProgrammeStatus.DRAFT: (ProgrammeStatus.ENROLMENT,),
    ProgrammeStatus.ENROLMENT: (ProgrammeStatus.RUNNING, ProgrammeStatus.DRAFT),
    ProgrammeStatus.RUNNING: (ProgrammeStatus.CLOSED,),
    ProgrammeStatus.CLOSED: (),
}
TRANSITION_LABELS: dict[tuple[str, str], str] = {
    (ProgrammeStatus.DRAFT, ProgrammeStatus.ENROLMENT): N_("Open enrolment"),
    (ProgrammeStatus.ENROLMENT, ProgrammeStatus.DRAFT): N_("Back to draft"),
    (ProgrammeStatus.ENROLMENT, ProgrammeStatus.RUNNING): N_("Close enrolment and start"),
    (ProgrammeStatus.RUNNING, ProgrammeStatus.CLOSED): N_("Close the programme"),
}

MATCHING_CRITERIA: dict[str, str] = {
    "skills": N_("Complementary skills"),
    "themes": N_("Shared goal themes"),
    "level": N_("Same or adjacent level"),
    "cross_department": N_("Different departments"),
    "location": N_("Location or remote compatible"),
    "language": N_("A language in common"),
    "availability": N_("Common availability"),
}
WEIGHTS: dict[str, int] = {"high": 5, "medium": 3, "low": 1, "off": 0}
WEIGHT_LABELS: dict[int, str] = {5: N_("High"), 3: N_("Medium"), 1: N_("Low"), 0: N_("Off")}
MATCHING_OPTIONS: dict[str, str] = {
    "same_manager_forbidden": N_("Never pair two people who have the same manager"),
    "paired_before_forbidden": N_("Never pair two people who were paired in an earlier programme"),
}
DEFAULT_MATCHING: dict[str, Any] = {
    "skills": 5,
    "themes": 3,
    "level": 3,
    "cross_department": 1,
    "location": 1,
    "language": 3,
    "availability": 1,
    "same_manager_forbidden": True,
    "paired_before_forbidden": True,
}

MAX_NAME = 160
MAX_DESCRIPTION = 5_000
MAX_LONG_TEXT = 10_000  # guidelines, charter
MAX_TOPICS = 30
MAX_ELIGIBILITY_VALUES = 100


def status_label(status: str) -> str:
    """A programme state as the reader says it ("Enrolment open")."""
    return t(STATUSES.get(status, status))


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The states a programme in ``status`` may move to."""
    return TRANSITIONS.get(status, ())
