"""What a participant answers when enrolling: the choices offered (time slots, work modes,
languages, goal themes, mentor skills), the form, its rules, and who will read it.

Matching, surveys and the relationship pages read these vocabularies from here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.kernel.errors import InvalidInput
from core.kernel.i18n import N_, t
from core.kernel.text import clean_text
from db.models import Enrolment

AVAILABILITY: dict[str, str] = {
    "mon-am": N_("Monday morning"),
    "mon-pm": N_("Monday afternoon"),
    "tue-am": N_("Tuesday morning"),
    "tue-pm": N_("Tuesday afternoon"),
    "wed-am": N_("Wednesday morning"),
    "wed-pm": N_("Wednesday afternoon"),
    "thu-am": N_("Thursday morning"),
    "thu-pm": N_("Thursday afternoon"),
    "fri-am": N_("Friday morning"),
    "fri-pm": N_("Friday afternoon"),
}
WORK_MODES: dict[str, str] = {
    "onsite": N_("On site"),
    "remote": N_("Remote"),
    "either": N_("Either"),
}
LANGUAGES: dict[str, str] = {
    "en": N_("English"),
    "fr": N_("French"),
    "es": N_("Spanish"),
    "de": N_("German"),
    "it": N_("Italian"),
    "pt": N_("Portuguese"),
    "nl": N_("Dutch"),
    "ar": N_("Arabic"),
    "zh": N_("Chinese"),
}
GOAL_THEMES: dict[str, str] = {
    "career": N_("Career development"),
    "leadership": N_("Leadership"),
    "visibility": N_("Visibility and influence"),
    "balance": N_("Work-life balance"),
    "confidence": N_("Self-confidence"),
    "skills": N_("Learning a new skill"),
    "change": N_("Going through a change"),
    "network": N_("Building a network"),
}
# The mentor skills a programme values (the article's list), self-assessed 1–5.
MENTOR_SKILLS: dict[str, str] = {
    "communication": N_("Communication"),
    "support": N_("Support"),
    "reliability": N_("Reliability"),
    "empathy": N_("Empathy"),
    "active_listening": N_("Active listening"),
    "flexibility": N_("Flexibility"),
    "enthusiasm": N_("Enthusiasm"),
}
ROLES_ONE_WAY: dict[str, str] = {"mentor": N_("Mentor"), "mentee": N_("Mentee")}
MAX_SKILLS_EACH = 10
MAX_MOTIVATION = 2_000
MAX_CAPACITY = 5


@dataclass(frozen=True)
class EnrolmentForm:
    offered: Sequence[int] = ()  # skill ids
    wanted: Sequence[int] = ()
    goal_themes: Sequence[str] = ()
    availability: Sequence[str] = ()
    work_mode: str = "either"
    languages: Sequence[str] = ()
    motivation: str = ""
    self_assessment: Mapping[str, int] = field(default_factory=dict)
    charter_accepted: bool = False
    role: str = "peer"  # peer | mentor | mentee (mentor/mentee in one-way programmes)
    mentor_capacity: int = 1


@dataclass(frozen=True)
class Answers:
    """The form's answers as stored, in both views of an enrolment: the participant's own
    (:class:`~core.programmes.enrolment.MyEnrolment`) and the coordinator's list
    (:class:`~core.programmes.enrolled.EnrolmentRow`). The skills are not here: the
    participant's form picks them by id, the list shows their names."""

    goal_themes: tuple[str, ...]
    availability: tuple[str, ...]
    work_mode: str
    languages: tuple[str, ...]
    motivation: str


def answers_of(e: Enrolment) -> dict[str, Any]:
    """The :class:`Answers` fields of ``e``, for a view that extends it."""
    return {
        "goal_themes": tuple(e.goal_themes or ()),
        "availability": tuple(e.availability or ()),
        "work_mode": e.work_mode,
        "languages": tuple(e.languages or ()),
        "motivation": e.motivation or "",
    }


def who_sees(k: int, opted_in: bool) -> list[str]:
    """Who will read the answers (DESIGN.md, "Who sees what"), in the reader's words."""
    lines = [
        t(
            "Your peer or circle, once you are matched: your skills offered and wanted, themes, availability, work mode, languages and motivation."
        ),
        t("The programme's coordinators and admins: the same answers, because they match people."),
    ]
    if opted_in:
        lines.append(
            t(
                "Other colleagues, in the expert directory (you opted in): your skills offered, nothing else."
            )
        )
    else:
        lines.append(
            t(
                "Other colleagues: nothing. If you join the expert directory in your profile, they see your skills offered, nothing else."
            )
        )
    lines.append(
        t(
            "Your self-assessment: only you. Coordinators see it only as averages over at least {k} people.",
            k=k,
        )
    )
    return lines


def form_problems(
    form: EnrolmentForm, skills: Mapping[int, str], *, one_way: bool, charter: str
) -> Iterator[str]:
    """Every reason the enrolment form cannot be saved."""
    offered, wanted = list(dict.fromkeys(form.offered)), list(dict.fromkeys(form.wanted))
    unknown = [i for i in offered + wanted if i not in skills]
    if unknown:
        yield t("Some chosen skills are not on this programme's skill list; choose again.")
    role = form.role if one_way else "peer"
    if one_way and form.role not in ROLES_ONE_WAY:
        yield t("Choose whether you join as a mentor or as a mentee.")
    if role in ("peer", "mentor") and not offered:
        yield t("Choose at least one skill you can offer.")
    if role in ("peer", "mentee") and not wanted:
        yield t("Choose at least one skill you want to develop.")
    for label, chosen in ((N_("Skills you offer"), offered), (N_("Skills you want"), wanted)):
        if len(chosen) > MAX_SKILLS_EACH:
            yield t("“{field}”: at most {max} skills.", field=t(label), max=MAX_SKILLS_EACH)
    both = [skills[i] for i in offered if i in wanted and i in skills]
    if both:
        yield t("A skill is either offered or wanted, not both: {skills}.", skills=", ".join(both))
    if any(x not in GOAL_THEMES for x in form.goal_themes):
        yield t("Unknown goal theme.")
    if not form.availability:
        yield t("Choose at least one time slot when you are available.")
    elif any(x not in AVAILABILITY for x in form.availability):
        yield t("Unknown time slot.")
    if form.work_mode not in WORK_MODES:
        yield t("Choose on site, remote or either.")
    if not form.languages:
        yield t("Choose at least one language you can meet in.")
    elif any(x not in LANGUAGES for x in form.languages):
        yield t("Unknown language.")
    try:
        clean_text(form.motivation, t("Motivation"), max_chars=MAX_MOTIVATION)
    except InvalidInput as e:
        yield str(e)
    missing = [
        t(label) for code, label in MENTOR_SKILLS.items() if code not in form.self_assessment
    ]
    if missing:
        yield t(
            "Rate yourself on every mentor skill; missing: {skills}.", skills=", ".join(missing)
        )
    if any(
        not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 5
        for v in form.self_assessment.values()
    ) or any(k not in MENTOR_SKILLS for k in form.self_assessment):
        yield t("Each self-assessment score is a whole number from 1 to 5.")
    if role == "mentor" and not (
        isinstance(form.mentor_capacity, int) and 1 <= form.mentor_capacity <= MAX_CAPACITY
    ):
        yield t("A mentor takes between 1 and {max} mentees.", max=MAX_CAPACITY)
    if charter.strip() and not form.charter_accepted:
        yield t("Accept the confidentiality charter to enrol.")
