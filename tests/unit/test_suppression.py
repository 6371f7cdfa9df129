"""The one small-group rule and its complementary suppression (core.kernel.privacy)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from core.kernel import privacy as suppression
from core.kernel.elimination import Basis
from core.kernel.privacy import (
    DIFFERENCE,
    SMALL,
    Bag,
    Table,
    fixed_rate,
    is_small,
    offered_groups,
)


def bag(*people: int) -> Bag:
    """One thing per person."""
    ids = frozenset(people)
    units = frozenset(("u", p) for p in people)
    return Bag(
        len(people), len(ids), (), ids, units, pairs=frozenset((("u", p), p) for p in people)
    )


def run(first: int, n: int) -> Bag:
    return bag(*range(first, first + n))


def determined_unknowns(rows: list[dict[int, int]]) -> set[int]:
    """Unknowns a homogeneous system fixes, by plain Gauss–Jordan over the rationals: an
    oracle independent of core.kernel.elimination (an unknown is fixed when a row of the
    reduced form holds it alone)."""
    cols = sorted({c for row in rows for c in row})
    m = [[Fraction(row.get(c, 0)) for c in cols] for row in rows]
    pivot_row = 0
    for j in range(len(cols)):
        found = next((i for i in range(pivot_row, len(m)) if m[i][j]), None)
        if found is None:
            continue
        m[pivot_row], m[found] = m[found], m[pivot_row]
        m[pivot_row] = [x / m[pivot_row][j] for x in m[pivot_row]]
        for i in range(len(m)):
            if i != pivot_row and m[i][j]:
                m[i] = [a - m[i][j] * b for a, b in zip(m[i], m[pivot_row], strict=True)]
        pivot_row += 1
    return {cols[r.index(1)] for r in m if sum(1 for x in r if x) == 1}


def basis_determines(rows: list[dict[int, int]]) -> set[int]:
    """The same question, answered by the elimination the tables use."""
    basis = Basis()
    for n, row in enumerate(rows):
        basis.add(row, {n: 1})
    cols = {c for row in rows for c in row}
    return {c for c in cols if not basis.reduce({c: 1}, {})[0]}


@pytest.mark.parametrize(("people", "hidden"), [(0, False), (1, True), (4, True), (5, False)])
def test_zero_is_shown_one_to_k_minus_1_is_hidden_and_k_is_shown(people, hidden):
    assert is_small(people, 5) is hidden


def test_one_hidden_part_of_a_shown_total_hides_the_next_smallest_part():
    t = Table(5, "t")
    a, b, c = t.add(("a",), run(0, 2)), t.add(("b",), run(10, 6)), t.add(("c",), run(20, 9))
    t.total(("all",), [a, b, c], disjoint_people=True)
    t.protect()
    assert a.hidden == SMALL
    assert b.hidden == DIFFERENCE  # the next smallest: total − c − b would give a
    assert c.shown


def test_hidden_parts_must_add_up_to_k_people_or_more():
    t = Table(5, "t")
    a, b = t.add(("a",), run(0, 2)), t.add(("b",), run(10, 2))
    c, d = t.add(("c",), run(20, 6)), t.add(("d",), run(30, 9))
    t.total(("all",), [a, b, c, d], disjoint_people=True)
    t.protect()
    # a and b are both hidden, but together they are 4 people: c is hidden too.
    assert (a.hidden, b.hidden, c.hidden) == (SMALL, SMALL, DIFFERENCE)
    assert d.shown


def test_a_cell_worked_out_through_two_margins_is_protected():
    # A 2×2 table with its margins: x is hidden; every other interior cell shown
    # would give it back through a row and a column.
    t = Table(3, "t")
    x, y = t.add(("x",), run(0, 1)), t.add(("y",), run(10, 5))
    z, w = t.add(("z",), run(20, 5)), t.add(("w",), run(30, 5))
    rows = [
        t.total(("r1",), [x, y], disjoint_people=True),
        t.total(("r2",), [z, w], disjoint_people=True),
    ]
    cols = [
        t.total(("c1",), [x, z], disjoint_people=True),
        t.total(("c2",), [y, w], disjoint_people=True),
    ]
    t.sum_of(t.total(("all",), rows, disjoint_people=True), cols)
    t.protect()
    assert x.hidden
    # Nothing shown determines x any more.
    unknown = {c.index for c in t.cells if not c.known}
    assert x.index in unknown
    rels = []
    for r in t.relations:
        row = {}
        for c in r.plus:
            if c.index in unknown:
                row[c.index] = row.get(c.index, 0) + 1
        for c in r.minus:
            if c.index in unknown:
                row[c.index] = row.get(c.index, 0) - 1
        if row:
            rels.append(row)
    assert x.index not in determined_unknowns(rels)


def test_the_people_a_shown_rate_leaves_out_are_protected():
    t = Table(5, "t")
    enrolled = t.add(("enrolled",), run(0, 12))
    matched = t.add(("matched",), run(0, 10))
    rest = t.add(("unmatched",), run(10, 2), latent=True)
    t.sum_of(enrolled, [matched, rest])
    t.protect()
    # 12 − 10 = the 2 people left out: one of the two is hidden.
    assert matched.hidden == DIFFERENCE and enrolled.shown


def test_a_fixed_cell_is_hidden_only_when_nothing_else_protects():
    t = Table(5, "t")
    total = t.add(("total",), run(0, 20), fixed=True)
    a, b = t.add(("a",), run(0, 3)), t.add(("b",), run(3, 17))
    t.sum_of(total, [a, b])
    t.protect()
    assert a.hidden == SMALL and b.hidden == DIFFERENCE and total.shown


def test_a_fixed_cell_is_never_hidden_to_protect_another():
    # Home shows the enrolled and matched people by their own rule: hiding the matched
    # figure here would protect nobody (a CI run found the engagement buckets it let
    # the dashboard show giving away 2 people). A hidden figure that follows from the
    # two is shown instead: it says nothing they do not.
    t = Table(3, "t")
    enrolled = t.add(("enrolled",), run(0, 18), fixed=True)
    matched = t.add(("matched",), run(0, 14), fixed=True)
    rest = t.add(("unmatched",), run(14, 18))
    rest.hidden = DIFFERENCE  # hidden earlier, to protect another cell
    t.sum_of(enrolled, [matched, rest])
    t.protect()
    assert enrolled.shown and matched.shown and rest.shown


def test_what_an_operational_list_already_names_is_not_hidden_in_vain():
    # Every active pair needs a check-in, and those pairs are listed by name.
    t = Table(5, "t")
    listed = t.add(("check_in",), run(0, 4), public=True)
    zero = t.add(("on_track",), Bag(pairs=frozenset()))
    active = t.add(("active",), run(0, 4), fixed=True)
    active.hidden = SMALL
    t.sum_of(active, [listed, zero])
    t.protect()
    assert active.shown and active.public


def test_integer_elimination_finds_exactly_the_determined_unknowns():
    # x + y = c1, y = c2  → both determined; u + v = c3 → neither.
    for solve in (determined_unknowns, basis_determines):
        assert solve([{1: 1, 2: 1}, {2: 1}, {3: 1, 4: 1}]) == {1, 2}
        assert solve([{1: 1, 2: -1}, {1: 1, 2: 1}]) == {1, 2}
        assert solve([{1: 2, 2: 2}]) == set()


def test_departments_are_offered_only_with_k_people_and_k_or_none_left_for_the_rest():
    assert offered_groups({"A": 8, "B": 5, "C": 3}, 5) == (("A",), ("B", "C"))
    assert offered_groups({"A": 8, "B": 5, "C": 5}, 5) == (("A", "B", "C"), ())
    assert offered_groups({"A": 9}, 5) == (("A",), ())
    assert offered_groups({"A": 6, None: 2}, 5) == ((), ("A",))


def test_a_share_is_hidden_when_its_numerator_or_the_rest_is_small():
    assert fixed_rate(run(0, 2), run(0, 12), 5) == ("", SMALL)
    assert fixed_rate(run(0, 10), run(0, 12), 5) == ("", DIFFERENCE)
    assert fixed_rate(run(0, 12), run(0, 12), 5) == ("", "")
    assert fixed_rate(run(0, 2), run(0, 3), 5) == (SMALL, SMALL)


def test_recording_writes_down_every_protected_table_and_nothing_otherwise():
    with suppression.recording() as rec:
        t = Table(5, "t")
        t.add(("a",), run(0, 6))
        t.protect()
        suppression.emit("page", t.cells[0])
    assert rec.tables == [t] and [c.key for c in rec.cells()] == [("a",)]
    assert not suppression.is_recording()
