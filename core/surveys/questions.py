"""What a survey asks: kinds, the standard and pairing-fit questions, their texts and hints,
and the check of one person's answers.

Standard question texts are translated at display (``question_text``); the
``text`` column holds the words of custom questions only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from core.kernel.errors import InvalidInput
from core.kernel.i18n import N_, t
from core.kernel.settings import k_threshold
from core.kernel.text import clean_text
from core.kernel.tx import reading
from db.models import Survey, SurveyQuestion

PULSE, END, FIT = "pulse", "end", "fit"
RESULT_KINDS = (PULSE, END)  # fit checks have their own summary (core.relationship.fit)
SCALE5, SCALE10, TEXT = "scale5", "scale10", "text"
SCALE_RANGE: dict[str, tuple[int, int]] = {SCALE5: (1, 5), SCALE10: (0, 10)}
MAX_ANSWER_CHARS = 2_000
POOR_FIT_MAX = 2  # a rating of 1 or 2 is a poor fit (core.relationship.fit flags the pair)

# code -> (kind, English text): asked in every pulse and end survey, in this order.
STANDARD_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("satisfaction", SCALE5, N_("Overall, how satisfied are you with the programme?")),
    ("nps", SCALE10, N_("How likely are you to recommend the programme to a colleague?")),
    ("peer_help", SCALE5, N_("My peer gives me the help I need.")),
    ("progress", SCALE5, N_("I am making progress on my goals.")),
    ("free", TEXT, N_("Anything you would like the coordinators to know?")),
)
# Texts of the pairing-fit check (core.relationship.fit) live here too, so display is in one place.
FIT_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    ("fit", SCALE5, N_("Is this pairing a good fit for you?")),
    ("fit_note", TEXT, N_("A note for yourself (optional)")),
)
CUSTOM_SCALE, CUSTOM_TEXT = "custom_scale", "custom_text"
CUSTOM_CODES = (CUSTOM_SCALE, CUSTOM_TEXT)
_TEXTS = {code: text for code, _kind, text in STANDARD_QUESTIONS + FIT_QUESTIONS}
HINTS: dict[str, str] = {
    "satisfaction": N_("1 = very dissatisfied · 5 = very satisfied"),
    "nps": N_("0 = not at all likely · 10 = extremely likely"),
    "peer_help": N_("1 = strongly disagree · 5 = strongly agree"),
    "progress": N_("1 = strongly disagree · 5 = strongly agree"),
    CUSTOM_SCALE: N_("1 = strongly disagree · 5 = strongly agree"),
    "fit": N_("1 = not at all · 5 = very much"),
    "free": N_(
        "Shared with the coordinators without your name, and only once at least {k} people have written something."
    ),
    "fit_note": N_("Only you can read it; the coordinator never sees it."),
}
KIND_LABELS: dict[str, str] = {
    PULSE: N_("Pulse survey"),
    END: N_("End-of-programme survey"),
    FIT: N_("Pairing fit"),
}


def question_text(code: str, text: str = "") -> str:
    """What a question says, in the reader's language (custom ones as typed)."""
    return t(_TEXTS[code]) if code in _TEXTS else text


def question_hint(code: str, k: int = 5) -> str:
    """What the ends of a question's scale mean (or who reads the text), translated."""
    return t(HINTS[code], k=k) if code in HINTS else ""


def poor_fit(score: object) -> bool:
    """Is this pairing-fit rating a poor fit (1 or 2)?"""
    return isinstance(score, int) and score <= POOR_FIT_MAX


def k_value(sf: sessionmaker[Session]) -> int:
    """k of k-suppression, for the pages' explanations."""
    with reading(sf) as s:
        return k_threshold(s)


@dataclass(frozen=True)
class QuestionView:
    id: int
    code: str
    kind: str  # scale5|scale10|text
    text: str  # in the reader's language
    hint: str


def question_views(s: Session, survey: Survey) -> tuple[QuestionView, ...]:
    """A survey's questions as a reader sees them (never commits)."""
    k = k_threshold(s)
    return tuple(
        QuestionView(q.id, q.code, q.kind, question_text(q.code, q.text), question_hint(q.code, k))
        for q in survey.questions
    )


def new_questions(specs: Iterable[tuple[str, str, str]]) -> list[SurveyQuestion]:
    """Fresh question rows for (code, kind, English text) specs; the text stays in code."""
    return [
        SurveyQuestion(position=i, code=code, kind=kind, text="")
        for i, (code, kind, _text) in enumerate(specs)
    ]


def validate_answers(
    questions: Sequence[SurveyQuestion], answers: Mapping[int, object]
) -> dict[int, int | str]:
    """The answers to store, question id → value; scale answers required, text optional."""
    by_id = {q.id: q for q in questions}
    unknown = set(answers) - set(by_id)
    if unknown:
        raise InvalidInput(t("These answers do not belong to this survey."))
    clean: dict[int, int | str] = {}
    for q in questions:
        value = answers.get(q.id)
        label = question_text(q.code, q.text)
        if q.kind == TEXT:
            text = clean_text(
                value if isinstance(value, str) else None, label, max_chars=MAX_ANSWER_CHARS
            )
            if text:
                clean[q.id] = text
            continue
        low, high = SCALE_RANGE[q.kind]
        if value is None or value == "":
            raise InvalidInput(t("Please answer “{question}”.", question=label))
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(
                t(
                    "“{question}”: choose a whole number from {low} to {high}.",
                    question=label,
                    low=low,
                    high=high,
                )
            )
        clean[q.id] = value
    return clean
