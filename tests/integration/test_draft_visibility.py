"""Drafts are for staff: no participant-facing read shows a draft programme."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import core
from core.kernel.errors import NotFound, TandemError
from core.programmes import enrolment
from db.models import Skill
from tests.builders import make_participant, make_programme, make_user

SECRET = ("Secret-Draft-Zq", "Draft-Description-Zq", "Draft-Skill-Zq", "Draft-Charter-Zq")


@pytest.fixture
def world(sf):
    zoe = make_participant(sf, "zoe")
    coord = make_user(sf, "coord", ["coordinator"])
    with sf.begin() as s:
        draft = make_programme(
            s, SECRET[0], status="draft", description=SECRET[1], charter=SECRET[3]
        )
        open_one = make_programme(s, "Open-Zq", status="enrolment")
        s.add_all(
            [
                Skill(programme_id=draft.id, name=SECRET[2], category=""),
                Skill(programme_id=open_one.id, name="Open-Skill-Zq", category=""),
                Skill(programme_id=None, name="Shared-Skill-Zq", category=""),
            ]
        )
    return {"zoe": zoe, "coord": coord, "draft": draft.id, "open": open_one.id}


def test_a_participant_cannot_read_a_draft_programmes_skill_list(sf, world):
    with pytest.raises(NotFound):
        enrolment.programme_skills(sf, world["zoe"], world["draft"])
    with pytest.raises(NotFound):
        enrolment.programme_skills(sf, world["zoe"], 999_999)  # nor one that does not exist
    names = {k.name for k in enrolment.programme_skills(sf, world["zoe"], world["open"])}
    assert names == {"Open-Skill-Zq", "Shared-Skill-Zq"}


def test_staff_still_read_a_draft_programmes_skill_list(sf, world):
    names = {k.name for k in enrolment.programme_skills(sf, world["coord"], world["draft"])}
    assert names == {SECRET[2], "Shared-Skill-Zq"}


def _reads_of_one_programme():  # type: ignore[no-untyped-def]
    """Every public core function ``f(sf, viewer, programme_id)`` with nothing else required."""
    for info in pkgutil.walk_packages(core.__path__, "core."):
        module = importlib.import_module(info.name)
        short = info.name.rsplit(".", 1)[-1]
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or fn.__module__ != module.__name__:
                continue
            params = list(inspect.signature(fn).parameters.values())
            if [p.name for p in params[:2]] != ["sf", "viewer"] or len(params) < 3:
                continue
            if "programme" not in params[2].name:
                continue
            if any(p.default is inspect.Parameter.empty for p in params[3:]):
                continue
            yield f"{short}.{name}", fn


READS = dict(_reads_of_one_programme())


def test_the_scan_finds_the_participant_reads():
    assert {"enrolment.programme_skills", "enrolment.get_offer", "enrolment.my_enrolment"} <= set(
        READS
    )


@pytest.mark.parametrize("name", sorted(READS))
def test_no_function_shows_a_participant_anything_of_a_draft(sf, world, name):
    try:
        result = READS[name](sf, world["zoe"], world["draft"])
    except TandemError:
        return  # refused: fine
    shown = repr(result)
    assert not [marker for marker in SECRET if marker in shown], f"{name} shows a draft"
