"""A score's parts as sentences in the reader's language (slots, languages, lists)."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from babel import Locale
from babel.lists import format_list

from core.kernel.i18n import N_, get_language, t
from core.matching.model import Part, Score
from core.programmes.answers import AVAILABILITY

# The weekdays of the enrolment form, then the weekend (free labels are kept as typed).
SLOTS: dict[str, str] = {
    **AVAILABILITY,
    "sat-am": N_("Saturday morning"),
    "sat-pm": N_("Saturday afternoon"),
    "sun-am": N_("Sunday morning"),
    "sun-pm": N_("Sunday afternoon"),
}

_PAIR_SENTENCES = {
    "help": N_("{giver} can help {taker} with {skills}"),
    "mutual": N_("{a} and {b} can help each other"),
    "themes": N_("Shared goals: {themes}"),
    "level_same": N_("Same level"),
    "level_adjacent": N_("Adjacent levels"),
    "department_cross": N_("Different departments"),
    "department_same": N_("Same department"),
    "location_same": N_("Same location: {location}"),
    "remote": N_("Both can meet remotely"),
    "language": N_("Both speak {languages}"),
    "availability": N_("Both available on {slots}"),
}
# In a circle a nameless "Same level" would not say which two members it is about.
_GROUP_SENTENCES = {
    **_PAIR_SENTENCES,
    "themes": N_("{a} and {b} share goals: {themes}"),
    "level_same": N_("{a} and {b} are at the same level"),
    "level_adjacent": N_("{a} and {b} are at adjacent levels"),
    "department_cross": N_("{a} and {b} work in different departments"),
    "department_same": N_("{a} and {b} work in the same department"),
    "location_same": N_("{a} and {b} work at the same location: {location}"),
    "remote": N_("{a} and {b} can meet remotely"),
    "language": N_("{a} and {b} both speak {languages}"),
    "availability": N_("{a} and {b} are both available on {slots}"),
}


_SLOT_INDEX = {slot: i for i, slot in enumerate(SLOTS)}


def _slot_order(slot: str) -> tuple[int, str]:
    return (_SLOT_INDEX.get(slot, len(_SLOT_INDEX)), slot)


def slot_label(slot: str, lang: str | None = None) -> str:
    """'tue-pm' → 'Tuesday afternoon' (translated); other labels are shown as given."""
    return t(SLOTS[slot], lang) if slot in SLOTS else slot


@functools.cache  # a few languages, named in every reason of thousands of suggestions
def _language_name(code: str, lang: str) -> str:
    try:
        return Locale.parse(code.replace("-", "_")).get_language_name(lang) or code
    except (ValueError, TypeError, LookupError):  # a name ("French") rather than a code
        return code


@functools.lru_cache(maxsize=4096)  # the same few skills and themes, thousands of times
def _listed(items: tuple[str, ...], lang: str) -> str:
    return format_list(list(items), locale=lang)


def explain(
    score: Score | Sequence[Part | Mapping[str, Any]],
    lang: str | None = None,
    *,
    names: Mapping[int, str] | None = None,
) -> list[str]:
    """One sentence per part, in ``lang``; accepts a Score or a stored explanation (dicts).

    ``names`` (person id → name) replaces the names recorded in the parts, e.g. after a
    rename.
    """
    lang = lang or get_language()
    if isinstance(score, Score):
        parts, members = list(score.parts), set(score.members)
    else:
        parts = [p if isinstance(p, Part) else Part.from_dict(p) for p in score]
        members = {p.args[k] for p in parts for k in ("a_id", "b_id") if k in p.args}
    sentences = _GROUP_SENTENCES if len(members) > 2 else _PAIR_SENTENCES
    out = []
    for part in parts:
        if part.code not in sentences:
            continue
        args = dict(part.args)
        for key in ("giver", "taker", "a", "b"):
            pid = args.get(f"{key}_id")
            if names and isinstance(pid, int) and pid in names:
                args[key] = names[pid]
        if "skills" in args:
            args["skills"] = _listed(tuple(args["skills"]), lang)
        if "themes" in args:
            args["themes"] = _listed(tuple(args["themes"]), lang)
        if "languages" in args:
            args["languages"] = _listed(
                tuple(_language_name(c, lang) for c in args["languages"]), lang
            )
        if "slots" in args:
            args["slots"] = _listed(tuple(slot_label(s, lang) for s in args["slots"]), lang)
        args = {k: v for k, v in args.items() if not k.endswith("_id")}
        out.append(t(sentences[part.code], lang, **args))
    return out
