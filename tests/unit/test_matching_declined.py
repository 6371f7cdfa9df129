"""A declined pairing is never proposed again in its programme, whatever the matcher."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from core.matching.engine import Rules, Weights, pairing_conflicts, suggest
from tests.unit.test_matching import make, random_pool


def test_the_why_not_explanation_says_the_proposal_was_declined():
    a, b = make(1, "Camille"), make(2, "Nadia")
    rules = Rules(declined=frozenset({frozenset({1, 2})}))
    assert list(pairing_conflicts(a, b, rules)) == [
        "Camille and Nadia were proposed together in this programme and the proposal was declined"
    ]
    assert list(pairing_conflicts(a, b, rules, lang="fr")) == [
        "Camille et Nadia ont été proposés ensemble dans ce programme et la proposition a été refusée"
    ]


def test_a_declined_pairing_is_forbidden_even_where_repeats_are_allowed():
    rules = Rules.from_settings({"paired_before_forbidden": False}, declined=[frozenset({1, 2})])
    assert list(pairing_conflicts(make(1), make(2), rules))


@settings(max_examples=25)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 24),
    how=st.sampled_from(
        [("peer", "pairs"), ("peer", "circles"), ("mentoring", "pairs"), ("reverse", "pairs")]
    ),
)
def test_declining_every_proposal_round_after_round_never_brings_one_back(seed, n, how):
    """An attacker's run: each round, every proposal is declined by one member; the next
    round must never put a declined pair together again, in pairs, circles or mentoring."""
    rng = random.Random(seed)
    people, base = random_pool(rng, n, conflicts=0.05)
    declined: set[frozenset[int]] = set()
    relationship, format = how
    for round_ in range(6):
        rules = Rules(
            same_manager_forbidden=base.same_manager_forbidden,
            do_not_pair=base.do_not_pair,
            paired_before=base.paired_before,
            declined=frozenset(declined),
        )
        result = suggest(
            people,
            Weights(),
            rules,
            relationship=relationship,
            format=format,
            circle_size=rng.randint(3, 6),
            seed=round_,
        )
        if not result.groups:
            break
        for group in result.groups:
            pairs = {frozenset(p) for p in itertools.combinations(group.members, 2)}
            assert not pairs & declined, (round_, group.members)
            decliner = rng.choice(group.members)
            declined |= {frozenset({decliner, m}) for m in group.members if m != decliner}
