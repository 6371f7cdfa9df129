"""The matching engine: explained scores, must-rules, exact pairs, circles, mentor places."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import networkx as nx
import numpy as np
import pytest

from core.kernel.errors import InvalidInput
from core.matching import engine as matching
from core.matching import pairs
from core.matching.engine import (
    Candidate,
    Rules,
    Weights,
    evaluate_group,
    explain,
    match_circles,
    match_mentoring,
    match_onboarding,
    match_pairs,
    pairing_conflicts,
    require_allowed,
    score,
    suggest,
)
from core.matching.matrix import _Pool

SKILLS = ["SQL", "public speaking", "Python", "negotiation", "Excel", "design"]
THEMES = ["leadership", "career change", "feedback"]
DEPARTMENTS = ["Sales", "Data", "HR"]


def make(person_id: int, name: str | None = None, **fields: object) -> Candidate:
    """A candidate with quiet defaults: only what a test sets makes a difference."""
    return Candidate(person_id, name or f"P{person_id}", **fields)  # type: ignore[arg-type]


def hugo_and_camille() -> tuple[Candidate, Candidate]:
    hugo = make(
        1,
        "Hugo",
        department="Sales",
        level="L3",
        languages={"fr", "en"},
        offered={"public speaking"},
        wanted={"SQL"},
        availability={"tue-pm"},
        location="Lyon",
        work_mode="onsite",
    )
    camille = make(
        2,
        "Camille",
        department="Data",
        level=3,
        languages={"fr"},
        offered={"SQL"},
        wanted={"public speaking"},
        availability={"tue-pm", "mon-am"},
        location="Lyon",
        work_mode="either",
    )
    return hugo, camille


def random_pool(
    rng: random.Random, n: int, *, conflicts: float = 0.1
) -> tuple[list[Candidate], Rules]:
    """Small random instances with ties, managers and recorded conflicts."""
    ids = rng.sample(range(100, 999), n)
    people = []
    for i, pid in enumerate(ids):
        manager = rng.choice(ids[:i]) if i and rng.random() < 0.3 else None
        people.append(
            make(
                pid,
                department=rng.choice(DEPARTMENTS + [None]),  # type: ignore[list-item]
                level=rng.choice(["L1", "L2", "L3", 4, None]),
                manager_id=manager,
                location=rng.choice(["Paris", "Lyon", None]),
                work_mode=rng.choice(["onsite", "remote", "either"]),
                languages=set(rng.sample(["en", "fr", "de"], rng.randint(0, 2))),
                offered=set(rng.sample(SKILLS, rng.randint(0, 3))),
                wanted=set(rng.sample(SKILLS, rng.randint(0, 2))),
                themes=set(rng.sample(THEMES, rng.randint(0, 2))),
                availability=set(rng.sample(["mon-am", "tue-pm", "thu-am"], rng.randint(0, 2))),
                role=rng.choice(["mentor", "mentee"]),
                capacity=rng.randint(0, 3),
            )
        )
    pairs = [frozenset(p) for p in itertools.combinations(ids, 2) if rng.random() < conflicts]
    half = len(pairs) // 2
    rules = Rules(
        same_manager_forbidden=rng.random() < 0.5,
        do_not_pair={p: rng.choice(["", "rivals"]) for p in pairs[:half]},
        paired_before=frozenset(pairs[half:]),
    )
    return people, rules


def units(a: Candidate, b: Candidate, weights: Weights | None = None) -> int:
    value = score(a, b, weights).total * matching.SCALE
    assert value == int(value)
    return int(value)


def forbidden(a: Candidate, b: Candidate, rules: Rules) -> bool:
    return any(True for _ in pairing_conflicts(a, b, rules))


def assert_no_violation(result: matching.MatchingResult, people: list[Candidate], rules: Rules):
    by_id = {p.person_id: p for p in people}
    seen: set[int] = set()
    for group in result.groups:
        # A mentor takes up to `capacity` mentees: only the others are in one group at most.
        single = group.members[1:] if group.roles[:1] == ("mentor",) else group.members
        assert not seen & set(single), "someone is in two groups"
        seen |= set(single)
        for a, b in itertools.combinations(group.members, 2):
            assert not forbidden(by_id[a], by_id[b], rules), (a, b)
    assert not result.matched_ids & {u.person_id for u in result.unmatched}


# --------------------------------------------------------------------------- scores


def test_the_parts_of_a_score_add_up_exactly_to_its_total():
    rng = random.Random(1)
    people, _ = random_pool(rng, 30)
    weights = [Weights(), Weights(cross_department=-5, language=0), Weights(skills=1, level=5)]
    for w, (a, b) in itertools.product(weights, itertools.combinations(people, 2)):
        for mutual in (True, False):
            s = score(a, b, w, mutual=mutual)
            assert sum(p.points for p in s.parts) == s.total
            assert 0 <= s.total <= 100
            assert all(p.points > 0 for p in s.parts)


def test_a_stored_explanation_still_adds_up_after_a_json_round_trip():
    import json

    hugo, camille = hugo_and_camille()
    s = score(hugo, camille)
    stored = json.loads(json.dumps([p.to_dict() for p in s.parts]))
    assert sum(p["points"] for p in stored) == s.total
    assert explain(stored, "en") == explain(s, "en")


def test_a_pair_meeting_every_criterion_scores_about_100_and_strangers_score_0():
    many = {f"s{i}" for i in range(14)}
    same = {"offered": many, "wanted": many, "themes": many, "availability": set(matching.SLOTS)}
    a = make(1, department="A", level=2, location="Paris", languages={"en"}, **same)
    b = make(2, department="B", level=2, location="Paris", languages={"en"}, **same)
    assert 99 < score(a, b).total <= 100
    x = make(3, work_mode="onsite")
    y = make(4, work_mode="remote")
    assert score(x, y).total == 0 and score(x, y).parts == ()


def test_help_both_ways_outweighs_more_help_one_way():
    giver = make(1, offered={"SQL", "Python", "Excel"}, wanted={"design"})
    taker = make(2, wanted={"SQL", "Python", "Excel"})
    mutual = make(3, wanted={"SQL"}, offered={"design"})
    w = Weights(themes=0, level=0, cross_department=0, location=0, language=0, availability=0)
    assert score(giver, mutual, w).total > score(giver, taker, w).total


def test_the_matrix_the_matcher_optimises_equals_the_scores_shown():
    rng = random.Random(2)
    people, rules = random_pool(rng, 25)
    for w in (Weights(), Weights(cross_department=-3, themes=0)):
        pool = _Pool(people, w, rules)
        idx = np.arange(len(people))
        for mutual in (True, False):
            table = pool.scores(idx, idx, mutual=mutual)
            for i, j in itertools.product(range(len(people)), repeat=2):
                if forbidden(people[i], people[j], rules) or i == j:
                    assert table[i, j] == -1
                else:
                    expected = score(people[i], people[j], w, mutual=mutual).total
                    assert table[i, j] == expected * matching.SCALE


def test_the_explanation_says_why_in_english():
    hugo, camille = hugo_and_camille()
    assert explain(score(hugo, camille), "en") == [
        "Hugo can help Camille with public speaking",
        "Camille can help Hugo with SQL",
        "Hugo and Camille can help each other",
        "Same level",
        "Different departments",
        "Same location: Lyon",
        "Both speak French",
        "Both available on Tuesday afternoon",
    ]


def test_the_explanation_says_why_in_french():
    hugo, camille = hugo_and_camille()
    hugo = Candidate(**{**hugo.__dict__, "offered": {"prise de parole en public"}})
    camille = Candidate(**{**camille.__dict__, "wanted": {"prise de parole en public", "Excel"}})
    assert explain(score(hugo, camille), "fr") == [
        "Hugo peut aider Camille en prise de parole en public",
        "Camille peut aider Hugo en SQL",
        "Hugo et Camille peuvent s’entraider",
        "Même niveau",
        "Services différents",
        "Même site : Lyon",
        "Les deux parlent français",
        "Disponibilités communes : mardi après-midi",
    ]


def test_a_circle_explanation_names_the_two_members_each_reason_is_about():
    hugo, camille = hugo_and_camille()
    lou = make(3, "Lou", level="L3", department="HR")
    lines = explain(matching.group_score([hugo, camille, lou]), "en")
    assert "Hugo and Camille are at the same level" in lines
    assert "Camille and Lou work in different departments" in lines
    assert "Hugo can help Camille with public speaking" in lines


def test_renamed_people_are_named_afresh_in_a_stored_explanation():
    hugo, camille = hugo_and_camille()
    parts = [p.to_dict() for p in score(hugo, camille).parts]
    assert (
        explain(parts, "en", names={1: "Hugues"})[0]
        == "Hugues can help Camille with public speaking"
    )


# --------------------------------------------------------------------------- must-rules


def test_pairing_conflicts_are_readable_sentences():
    boss = make(1, "Nadia")
    hugo = make(2, "Hugo", manager_id=1)
    camille = make(3, "Camille", manager_id=1)
    rules = Rules(
        same_manager_forbidden=True,
        do_not_pair={frozenset({2, 3}): "competing for the same role"},
        paired_before=frozenset({frozenset({1, 3})}),
    )
    assert list(pairing_conflicts(boss, hugo, rules, "en")) == [
        "Same reporting line: Nadia manages Hugo"
    ]
    assert list(pairing_conflicts(hugo, camille, rules, "en")) == [
        "Hugo and Camille have the same manager",
        "Hugo and Camille are on the do-not-pair list: competing for the same role",
    ]
    assert list(pairing_conflicts(camille, boss, rules, "fr")) == [
        "Même ligne hiérarchique : Nadia encadre Camille",
        "Camille et Nadia ont déjà formé un binôme lors d’un programme précédent",
    ]
    assert list(pairing_conflicts(hugo, hugo, rules, "en")) == [
        "A person cannot be paired with themselves: Hugo"
    ]
    assert list(pairing_conflicts(hugo, camille, Rules(do_not_pair=[frozenset({2, 3})]), "fr")) == [
        "Hugo et Camille figurent sur la liste des binômes à éviter"
    ]


def test_same_manager_and_repeat_pairs_are_allowed_when_the_programme_says_so():
    hugo, camille = make(2, manager_id=1), make(3, manager_id=1)
    relaxed = Rules(paired_before=frozenset({frozenset({2, 3})}), avoid_repeats=False)
    assert list(pairing_conflicts(hugo, camille, relaxed)) == []
    strict = Rules.from_settings(
        {"same_manager_forbidden": True, "paired_before_forbidden": True},
        paired_before=[frozenset({2, 3})],
    )
    assert len(list(pairing_conflicts(hugo, camille, strict))) == 2


@pytest.mark.parametrize("seed", range(12))
def test_must_rules_are_never_broken_whatever_the_pool(seed):
    rng = random.Random(seed)
    people, rules = random_pool(rng, rng.randint(2, 40), conflicts=rng.choice([0.05, 0.3, 0.8]))
    everyone = {p.person_id for p in people}
    for result in (
        match_pairs(people, Weights(), rules),
        match_pairs(people, Weights(), rules, certify=False, k=3),
        match_circles(people, Weights(), rules, size=rng.randint(3, 6), seed=seed),
        match_mentoring(people, Weights(), rules),
    ):
        assert_no_violation(result, people, rules)
        assert result.matched_ids | {u.person_id for u in result.unmatched} == everyone


# --------------------------------------------------------------------------- pairs


@pytest.mark.parametrize("seed", range(20))
def test_pairs_weigh_as_much_as_networkx_exact_matching(seed):
    rng = random.Random(seed)
    people, rules = random_pool(rng, rng.randint(2, 14), conflicts=0.2)
    graph = nx.Graph()
    for a, b in itertools.combinations(people, 2):
        if not forbidden(a, b, rules):
            graph.add_edge(a.person_id, b.person_id, weight=units(a, b))
    reference = sum(graph[u][v]["weight"] for u, v in nx.max_weight_matching(graph))
    by_id = {p.person_id: p for p in people}
    for certify in (True, False):
        result = match_pairs(people, Weights(), rules, odd_one_out="leave", certify=certify)
        ours = sum(units(by_id[g.members[0]], by_id[g.members[1]]) for g in result.groups)
        assert ours == reference
        assert result.total_weight * matching.SCALE == reference
        if certify:  # proven, and the bound really is one
            assert result.optimal is True and result.lp_bound * matching.SCALE >= reference


@pytest.mark.parametrize("n", [10, 24, 60, 150])
def test_the_certificate_proves_even_pools_optimal(n):
    rng = random.Random(n)
    people, rules = random_pool(rng, n, conflicts=0.05)
    result = match_pairs(people, Weights(), rules)
    assert result.optimal is True
    assert result.gap == 0 and result.relative_gap == 0
    assert result.bound == result.total_weight <= result.lp_bound


def test_large_pools_are_certified_block_by_block_without_keeping_the_matrix(monkeypatch):
    rng = random.Random(3)
    people, rules = random_pool(rng, 40, conflicts=0.05)
    kept = match_pairs(people, Weights(), rules)
    monkeypatch.setattr(pairs, "CERTIFY_LIMIT", 10)
    assert match_pairs(people, Weights(), rules).optimal is None  # not certified by default
    rescored = match_pairs(people, Weights(), rules, certify=True)
    assert rescored.optimal is True and rescored.gap == 0
    assert rescored.total_weight == kept.total_weight
    assert rescored.lp_bound == kept.lp_bound


def test_a_programme_runs_the_matcher_it_calls_for():
    people = [make(i, role="mentor" if i == 1 else "mentee", capacity=2) for i in range(1, 8)]
    assert suggest(people, format="circles", circle_size=3).kind == "circles"
    assert suggest(people, relationship="reverse").kind == "reverse"
    assert suggest(people).kind == "pairs"
    with pytest.raises(InvalidInput, match="Unknown programme type"):
        suggest(people, relationship="speed-dating")


def test_a_suggestion_carries_its_explained_score():
    hugo, camille = hugo_and_camille()
    (pair,) = match_pairs([hugo, camille]).groups
    assert pair.members == (1, 2) and pair.kind == "pair" and pair.roles == ("peer", "peer")
    assert pair.score == score(hugo, camille).total
    assert pair.parts == score(hugo, camille).parts


def test_more_pairs_win_only_between_matchings_of_equal_weight():
    only_skills = Weights(
        themes=0, level=0, cross_department=0, location=0, language=0, availability=0
    )
    a, b = make(1, "A", offered={"SQL"}), make(2, "B", wanted={"SQL", "Excel"}, offered={"design"})
    c, d = (
        make(3, "C", offered={"Excel"}, wanted={"design", "Python"}),
        make(4, "D", offered={"Python"}),
    )
    rules = Rules(do_not_pair=[frozenset({1, 3}), frozenset({1, 4}), frozenset({2, 4})])
    assert (
        score(b, c, only_skills).total
        > score(a, b, only_skills).total + score(c, d, only_skills).total
    )
    # max_cardinality would pick A–B and C–D; the heavier B–C wins.
    result = match_pairs([a, b, c, d], only_skills, rules, odd_one_out="leave")
    assert [g.members for g in result.groups] == [(2, 3)]
    assert {u.message("en") for u in result.unmatched} == {
        "No compatible partner: do-not-pair list with everyone left"
    }
    # Between equal weights (here all 0) the matching with more pairs wins.
    nothing = Weights(0, 0, 0, 0, 0, 0, 0)
    assert len(match_pairs([make(i) for i in range(1, 7)], nothing).groups) == 3


def test_the_odd_one_out_joins_the_pair_it_fits_best_as_a_trio():
    hugo, camille = hugo_and_camille()
    lou = make(3, "Lou", offered={"SQL"}, wanted={"public speaking"}, level=3)
    zoe, yann = make(4, "Zoé"), make(5, "Yann", wanted={"Excel"}, level=3, location="Lyon")
    people = [hugo, camille, lou, zoe, yann]
    by_id = {p.person_id: p for p in people}
    left = match_pairs(people, odd_one_out="leave")
    assert [u.message("en") for u in left.unmatched] == [
        "Odd number of participants: one person is left over"
    ]
    odd = by_id[left.unmatched[0].person_id]
    best = max(
        (g.members for g in left.groups),
        key=lambda m: score(odd, by_id[m[0]]).total + score(odd, by_id[m[1]]).total,
    )
    result = match_pairs(people)
    assert not result.unmatched
    (trio,) = [g for g in result.groups if g.kind == "trio"]
    assert trio.members == (*best, odd.person_id)
    assert trio.score == matching.group_score([by_id[m] for m in trio.members]).total


def test_the_odd_one_out_never_joins_a_pair_with_someone_it_must_not_meet():
    boss, hugo, camille = make(1, "Nadia"), make(2, "Hugo", manager_id=1), make(3, "Camille")
    result = match_pairs([boss, hugo, camille], Weights(), Rules())
    assert [g.members for g in result.groups] == [(1, 3)] or all(
        len(g.members) == 2 for g in result.groups
    )
    assert [u.message("en") for u in result.unmatched] == [
        "Odd number of participants: one person is left over"
    ]


def test_who_is_left_and_why_when_the_rules_forbid_everyone_left():
    boss, hugo, camille = (
        make(1, "Nadia"),
        make(2, "Hugo", manager_id=1),
        make(3, "Camille", manager_id=1),
    )
    result = match_pairs([boss, hugo, camille], rules=Rules(same_manager_forbidden=True))
    assert result.groups == []
    assert {u.person_id: u.message("en") for u in result.unmatched} == {
        1: "No compatible partner: same reporting line with everyone else",
        2: "No compatible partner: same reporting line or same manager with everyone else",
        3: "No compatible partner: same reporting line or same manager with everyone else",
    }
    assert result.unmatched[0].message("fr") == (
        "Aucun partenaire compatible : même ligne hiérarchique avec toutes les autres personnes"
    )


def test_no_compatible_partner_left_names_the_rule():
    hugo, camille = hugo_and_camille()
    zoe, lou = make(3, "Zoé", manager_id=9), make(4, "Lou", manager_id=9)
    rules = Rules(same_manager_forbidden=True)
    result = match_pairs([hugo, camille, zoe, lou], rules=rules, odd_one_out="leave")
    assert [g.members for g in result.groups] == [(1, 2)]
    assert [u.message("en") for u in result.unmatched] == [
        "No compatible partner: same manager with everyone left"
    ] * 2
    assert result.unmatched[0].message("fr") == (
        "Aucun partenaire compatible : même responsable avec toutes les personnes restantes"
    )
    # As a trio, one of them joins Hugo and Camille; the other is still told why.
    result = match_pairs([hugo, camille, zoe, lou], rules=rules)
    assert [g.members for g in result.groups] == [(1, 2, 3)]
    assert [u.message("en") for u in result.unmatched] == [
        "No compatible partner: same manager with everyone left"
    ]


def test_nobody_one_person_or_everyone_forbidden_gives_a_clear_empty_result():
    assert match_pairs([]).groups == [] and match_pairs([]).unmatched == []
    alone = match_pairs([make(1)])
    assert alone.groups == [] and alone.unmatched[0].message("en") == (
        "Only one participant: nobody to pair with"
    )
    people = [make(i) for i in range(1, 6)]
    everyone = Rules(do_not_pair={frozenset(p): "" for p in itertools.combinations(range(1, 6), 2)})
    for result in (
        match_pairs(people, rules=everyone),
        match_circles(people, rules=everyone, size=3),
    ):
        assert result.groups == [] and len(result.unmatched) == 5
    assert match_pairs(people, rules=everyone).unmatched[0].message("en") == (
        "No compatible partner: do-not-pair list with everyone else"
    )


def test_skills_nobody_else_has_are_no_obstacle():
    a = make(1, offered={"Klingon"}, wanted={"Elvish"}, level=1)
    b = make(2, offered={"🙂"}, wanted={""}, level=1)
    result = match_pairs([a, b])
    assert [g.members for g in result.groups] == [(1, 2)]
    assert explain(score(a, b), "en") == ["Same level", "Both can meet remotely"]


def test_invalid_input_is_refused_with_a_translated_message():
    from core.kernel import i18n

    with pytest.raises(InvalidInput, match="between 3 and 6, not 7"):
        match_circles([make(1)], size=7)
    with pytest.raises(InvalidInput, match="The same person appears twice"):
        match_pairs([make(1), make(1)])
    with pytest.raises(InvalidInput, match="work mode"):
        make(1, work_mode="hybrid")
    with pytest.raises(InvalidInput, match="cannot be negative"):
        Weights(skills=-1)
    i18n.set_language("fr")
    try:
        with pytest.raises(
            InvalidInput, match="La taille d’un cercle doit être comprise entre 3 et 6"
        ):
            match_circles([make(1)], size=2)
    finally:
        i18n.set_language("en")


def test_weights_read_the_programme_settings():
    w = Weights.from_settings(
        {"skills": "high", "themes": "low", "level": 0, "same_manager_forbidden": True}
    )
    assert (w.skills, w.themes, w.level, w.cross_department) == (5, 1, 0, 1)
    prefer_same = Weights(cross_department=-3)
    a, b = make(1, department="HR"), make(2, department="HR")
    assert explain(score(a, b, prefer_same), "en") == ["Same department", "Both can meet remotely"]


# --------------------------------------------------------------------------- hand-made groups


def test_a_coordinator_override_is_scored_and_refused_with_its_reason():
    boss, hugo = make(1, "Nadia"), make(2, "Hugo", manager_id=1)
    check = evaluate_group([boss, hugo], Weights(), Rules(), lang="en")
    assert not check.ok and check.violations == ("Same reporting line: Nadia manages Hugo",)
    with pytest.raises(InvalidInput, match="Nadia manages Hugo"):
        require_allowed([boss, hugo])
    a, b, c = make(3, level=1), make(4, level=1), make(5, level=2)
    circle = evaluate_group([a, b, c])
    pair_scores = [score(x, y).total for x, y in itertools.combinations([a, b, c], 2)]
    assert circle.ok and circle.score.total == pytest.approx(sum(pair_scores) / 3)
    assert sum(p.points for p in circle.score.parts) == circle.score.total
    with pytest.raises(InvalidInput):
        evaluate_group([a])


# --------------------------------------------------------------------------- circles


def test_circles_have_no_forbidden_pair_and_beat_a_random_grouping_on_a_clustered_pool():
    rng = random.Random(5)
    people = []
    for cluster in range(6):  # six interest groups: their members have much in common
        for k in range(5):
            pid = cluster * 10 + k + 1
            people.append(
                make(
                    pid,
                    offered={SKILLS[cluster]},
                    wanted={SKILLS[(cluster + 1) % 6] if k % 2 else SKILLS[cluster]},
                    themes={THEMES[cluster % 3]},
                    availability={["mon-am", "tue-pm", "thu-am"][cluster % 3]},
                    level=cluster,
                    department=DEPARTMENTS[k % 3],
                )
            )
    rng.shuffle(people)
    rules = Rules(do_not_pair={frozenset({1, 2}): "", frozenset({11, 13}): ""})
    result = match_circles(people, Weights(), rules, size=5, seed=3)
    assert_no_violation(result, people, rules)
    assert sorted(len(g.members) for g in result.groups) == [5] * 6
    assert result.baseline is not None and result.total_weight > 1.5 * result.baseline
    for g in result.groups:
        assert g.kind == "circle" and len(g.parts) > 0


def test_circle_sizes_stay_between_3_and_6_and_near_the_programme_size():
    for n, size in [(3, 6), (5, 3), (7, 6), (10, 4), (13, 4), (29, 6)]:
        result = match_circles([make(i) for i in range(1, n + 1)], size=size)
        sizes = [len(g.members) for g in result.groups]
        assert sum(sizes) == n and all(3 <= s <= 6 for s in sizes), (n, size, sizes)
        assert max(sizes) - min(sizes) <= 1
    few = match_circles([make(1), make(2)], size=4)
    assert few.groups == [] and few.unmatched[0].message("fr") == (
        "Pas assez de participants pour former un cercle (au moins 3)"
    )


# --------------------------------------------------------------------------- mentoring


def test_mentors_never_take_more_mentees_than_their_capacity_and_the_assignment_is_optimal():
    rng = random.Random(7)
    for _ in range(15):
        people, rules = random_pool(rng, rng.randint(2, 9), conflicts=0.15)
        result = match_mentoring(people, Weights(), rules)
        capacity = {p.person_id: p.capacity for p in people if p.role == "mentor"}
        taken = [g.members[0] for g in result.groups]
        assert all(taken.count(m) <= capacity[m] for m in set(taken))
        assert all(g.roles == ("mentor", "mentee") for g in result.groups)
        # Brute force: every way to give each mentee a mentor slot or nothing.
        by_id = {p.person_id: p for p in people}
        mentors = [p for p in people if p.role == "mentor"]
        mentees = [p for p in people if p.role == "mentee"]
        best = 0
        for choice in itertools.product([None, *mentors], repeat=len(mentees)):
            load = [c.person_id for c in choice if c is not None]
            if any(load.count(m.person_id) > m.capacity for m in mentors):
                continue
            pairs = [(c, e) for c, e in zip(choice, mentees, strict=True) if c is not None]
            if any(forbidden(c, e, rules) for c, e in pairs):
                continue
            best = max(best, sum(score(c, e, mutual=False).total for c, e in pairs))
        got = sum(
            score(by_id[g.members[0]], by_id[g.members[1]], mutual=False).total
            for g in result.groups
        )
        assert got == pytest.approx(best)


def test_mentee_without_a_place_is_told_why():
    mentor = make(1, "Ada", role="mentor", capacity=1, offered={"SQL"})
    keen, late = make(2, "Bo", role="mentee", wanted={"SQL"}), make(3, "Cy", role="mentee")
    peer = make(4, "Di")
    result = match_mentoring([mentor, keen, late, peer])
    assert [g.members for g in result.groups] == [(1, 2)]
    assert {u.person_id: u.message("en") for u in result.unmatched} == {
        3: "No mentor place left: every compatible mentor is at capacity",
        4: "Role “peer” does not fit this programme, which pairs mentors with mentees",
    }
    assert explain(result.groups[0].parts, "en")[0] == "Ada can help Bo with SQL"


def test_onboarding_gives_new_hires_a_tenured_buddy():
    today = dt.date(2026, 9, 1)
    new = make(1, "New", hire_date=dt.date(2026, 8, 20), location="Lyon", work_mode="onsite")
    old = make(2, "Old", hire_date=dt.date(2020, 1, 1), location="Lyon", capacity=2)
    far = make(3, "Far", hire_date=dt.date(2019, 1, 1), location="Paris", work_mode="onsite")
    middle = make(4, "Mid", hire_date=dt.date(2026, 3, 1))
    unknown = make(5, "Unk")
    result = match_onboarding(
        [new, old, far, middle, unknown], Weights.for_relationship("onboarding"), today=today
    )
    assert [g.members for g in result.groups] == [(2, 1)]
    assert result.groups[0].kind == "onboarding"
    reasons = {u.person_id: u.code for u in result.unmatched}
    assert reasons == {3: "spare_mentor", 4: "between", 5: "hire_date_unknown"}
    same = suggest([new, old, far], relationship="onboarding", today=today)
    assert [g.members for g in same.groups] == [(2, 1)]
