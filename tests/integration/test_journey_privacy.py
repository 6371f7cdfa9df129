"""Who sees what (DESIGN.md): owner, peer, other participant, coordinator, admin ×
private goal, shared goal, draft, private entry, shared entry, action items."""

from __future__ import annotations

import pytest

from core.growth import actions, goals, journal
from core.kernel.errors import NotFound
from tests.integration.journey_builders import World, make_world

WHO = ("owner", "peer", "other", "coordinator", "admin")

# object -> who may read it
EXPECTED = {
    "private goal": {"owner"},
    "shared goal": {"owner", "peer"},
    "draft entry": {"owner"},
    "private entry": {"owner"},
    "shared entry": {"owner", "peer"},
    "item owned by author, in a private entry": {"owner"},
    "item owned by peer, in a private entry": {"owner", "peer"},
    "item owned by author, in a shared entry": {"owner"},
}


def _arrange(sf, w: World) -> dict[str, tuple[str, int]]:
    date = goals.clock.today().replace(year=goals.clock.today().year + 1)
    private_goal = goals.create_goal(sf, w.owner, title="Private goal", target_date=date)
    shared_goal = goals.create_goal(sf, w.owner, title="Shared goal", target_date=date)
    goals.set_shared(sf, w.owner, shared_goal.id, True)
    draft = journal.save_draft(sf, w.owner, None, "discussed", "Draft text")
    private = journal.finalise(sf, w.owner, None, {"discussed": "Private text"})
    shared = journal.finalise(sf, w.owner, None, {"discussed": "Shared text"})
    journal.set_shared(sf, w.owner, shared.id, True)
    mine = actions.add_action(
        sf, w.owner, title="Mine", owner_id=w.owner.person_id, journal_entry_id=private.id
    )
    theirs = actions.add_action(
        sf, w.owner, title="Theirs", owner_id=w.peer.person_id, journal_entry_id=private.id
    )
    in_shared = actions.add_action(
        sf,
        w.owner,
        title="Mine, shared entry",
        owner_id=w.owner.person_id,
        journal_entry_id=shared.id,
    )
    return {
        "private goal": ("goal", private_goal.id),
        "shared goal": ("goal", shared_goal.id),
        "draft entry": ("entry", draft.entry_id),
        "private entry": ("entry", private.id),
        "shared entry": ("entry", shared.id),
        "item owned by author, in a private entry": ("action", mine.id),
        "item owned by peer, in a private entry": ("action", theirs.id),
        "item owned by author, in a shared entry": ("action", in_shared.id),
    }


def _sees(sf, viewer, kind: str, ident: int) -> bool:
    if kind == "goal":
        return ident in {g.id for g in goals.my_goals(sf, viewer) + goals.peer_goals(sf, viewer)}
    if kind == "entry":
        draft = journal.current_draft(sf, viewer)
        listed = {e.id for e in journal.my_entries(sf, viewer).entries}
        listed |= {e.id for e in journal.peer_entries(sf, viewer).entries}
        listed |= {draft.id} if draft else set()
        # Items shown inside an entry follow the item rule, never the entry's.
        for e in journal.peer_entries(sf, viewer).entries:
            assert all(a.owner_id == viewer.person_id for a in e.actions)
        try:
            journal.get_entry(sf, viewer, ident)
            direct = True
        except NotFound:
            direct = False
        assert direct == (ident in listed)
        return direct
    listed = {a.id for a in actions.my_actions(sf, viewer) + actions.open_actions(sf, viewer)}
    return ident in listed


@pytest.fixture
def arranged(sf):
    w = make_world(sf)
    return w, _arrange(sf, w)


@pytest.mark.parametrize("who", WHO)
def test_each_role_sees_exactly_what_design_allows(sf, arranged, who):
    w, objects = arranged
    viewer = getattr(w, who)
    seen = {name for name, (kind, ident) in objects.items() if _sees(sf, viewer, kind, ident)}
    assert seen == {name for name, allowed in EXPECTED.items() if who in allowed}


def test_in_a_circle_sharing_shares_with_every_other_member(sf):
    from tests.builders import make_match, make_participant, make_programme

    a, b, c = (make_participant(sf, n) for n in ("amy", "bob", "cat"))
    outsider = make_participant(sf, "dee")
    with sf.begin() as s:
        p = make_programme(s)
        make_match(s, p, [a.person_id, b.person_id, c.person_id])
    date = goals.clock.today().replace(year=goals.clock.today().year + 1)
    goal = goals.create_goal(sf, a, title="Circle goal", target_date=date)
    goals.set_shared(sf, a, goal.id, True)
    entry = journal.finalise(sf, a, None, {"learned": "Circle reflection"})
    journal.set_shared(sf, a, entry.id, True)
    assert set(journal.get_entry(sf, a, entry.id).shared_with) == {"Bob", "Cat"}
    for member in (b, c):
        assert [g.id for g in goals.peer_goals(sf, member)] == [goal.id]
        assert [e.id for e in journal.peer_entries(sf, member).entries] == [entry.id]
    assert goals.peer_goals(sf, outsider) == []
    assert journal.peer_entries(sf, outsider).entries == []
    # An item for one member is seen by that member only (and its author).
    actions.add_action(sf, a, title="For Bob", owner_id=b.person_id, journal_entry_id=entry.id)
    assert [i.title for i in actions.open_actions(sf, b)] == ["For Bob"]
    assert actions.my_actions(sf, c) == []
    assert journal.get_entry(sf, c, entry.id).actions == ()
