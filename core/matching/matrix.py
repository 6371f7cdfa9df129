"""The pool as arrays: a block of the score matrix is one matrix product and two lookups.

The matchers read scores from here; they are the same numbers :func:`score` gives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from core.matching.model import Candidate, Rules, Suggestion, Weights
from core.matching.scoring import _rank, _Terms, _terms, group_score


def _codes(values: Sequence[Any]) -> np.ndarray:
    """Integer code per value, -1 for None (equal values share a code)."""
    table: dict[Any, int] = {}
    return np.array(
        [-1 if v is None else table.setdefault(v, len(table)) for v in values], dtype=np.int64
    )


def _incidence(
    sets: Sequence[frozenset[str]], vocab: Mapping[str, int] | None = None
) -> np.ndarray:
    """Row i has a 1 in the column of each item of sets[i] (float32: exact small counts)."""
    if vocab is None:
        vocab = {w: i for i, w in enumerate(sorted(set().union(*sets)))} if sets else {}
    rows = [row for row, items in enumerate(sets) for _ in items]
    cols = [vocab[w] for items in sets for w in items]
    out = np.zeros((len(sets), max(len(vocab), 1)), dtype=np.float32)
    out[rows, cols] = 1.0
    return out


def _static_units(terms: _Terms, a: tuple[np.ndarray, ...], b: tuple[np.ndarray, ...]) -> Any:
    """Level + department + location units for profiles a × b (broadcast arrays)."""
    rank_a, dept_a, loc_a, ip_a, rm_a = a
    rank_b, dept_b, loc_b, ip_b, rm_b = b
    with np.errstate(invalid="ignore"):
        diff = np.abs(rank_a - rank_b)
    out = np.where(diff == 0, terms.level[0], np.where(diff == 1, terms.level[1], 0))
    wanted = (dept_a != dept_b) if terms.cross else (dept_a == dept_b)
    out = out + np.where(wanted & (dept_a >= 0) & (dept_b >= 0), terms.department, 0)
    meet = (ip_a & ip_b & (loc_a == loc_b)) | (rm_a & rm_b)
    return (out + np.where(meet, terms.location, 0)).astype(np.int32)


# Largest lookup table for set criteria read together (entries); float32 counts stay exact.
_TABLE_LIMIT = 1 << 22


class _Pool:
    """People encoded as arrays, so a block of scores is one matrix product and two lookups.

    Set criteria (skills both ways, themes, languages, slots) are counts: one float32 matrix
    product yields, per pair, a mixed-radix index of all the counts at once, and a table
    maps it to units. Level, department and location depend on a few attributes only:
    people with the same ones share a profile, and a profile × profile table gives the units.
    """

    def __init__(self, people: Sequence[Candidate], weights: Weights, rules: Rules) -> None:
        self.people, self.weights, self.rules = people, weights, rules
        n = len(people)
        self.n = n
        vocab = sorted(set().union(*(p.offered | p.wanted for p in people)))
        index = {s: i for i, s in enumerate(vocab)}  # one vocabulary for offered and wanted
        offer = _incidence([p.offered for p in people], index)
        want = _incidence([p.wanted for p in people], index)

        def most(sizes: Iterable[int]) -> int:
            return max([0, *sizes]) + 1  # counts run from 0 to the largest set

        # |a offers ∩ b wants| ≤ min(largest offer, largest wish)
        radix_s = min(most(len(p.offered) for p in people), most(len(p.wanted) for p in people))
        inc_themes = _incidence([p.themes for p in people])
        inc_language = _incidence([p.languages for p in people])
        inc_availability = _incidence([p.availability for p in people])
        # (name, radix, left, right): left[i] · right[j] is the count for the pair (i, j)
        self.factors: list[tuple[str, int, np.ndarray, np.ndarray]] = [
            (
                "skills",
                radix_s * radix_s,
                np.hstack([offer * radix_s, want]),
                np.hstack([want, offer]),
            ),
            (
                "themes",
                most(len(p.themes) for p in people),
                inc_themes,
                inc_themes,
            ),
            (
                "language",
                most(len(p.languages) for p in people),
                inc_language,
                inc_language,
            ),
            (
                "availability",
                most(len(p.availability) for p in people),
                inc_availability,
                inc_availability,
            ),
        ]
        self.radix_s = radix_s
        self.groups = self._pack()
        self.tables: dict[bool, list[np.ndarray]] = {}
        rank = np.array([_rank(p.level) for p in people])
        dept = _codes([p.department for p in people])
        loc = _codes([p.location for p in people])
        in_person = np.array([p.work_mode != "remote" for p in people]) & (loc >= 0)
        remote = np.array([p.work_mode != "onsite" for p in people])
        self.statics = (rank, dept, loc, in_person, remote)
        keys = [
            (r if r == r else None, d, loc, ip, rm)
            for r, d, loc, ip, rm in zip(*(x.tolist() for x in self.statics), strict=True)
        ]
        profile = _codes(keys)
        first = np.unique(profile, return_index=True)[1]
        self.profile = profile
        terms = _terms(weights, True)
        if len(first) <= 2048:  # a 16 MB table at most; else computed per block
            prof = tuple(x[first] for x in self.statics)
            self.static_table: np.ndarray | None = _static_units(
                terms, tuple(x[:, None] for x in prof), tuple(x[None, :] for x in prof)
            )
        else:
            self.static_table = None
        self.boss = _codes([p.manager_id for p in people])
        at = {p.person_id: i for i, p in enumerate(people)}
        pairs = [(i, at[p.manager_id]) for i, p in enumerate(people) if p.manager_id in at]
        listed = (
            list(rules.do_not_pair)
            + (list(rules.paired_before) if rules.avoid_repeats else [])
            + list(rules.declined)
        )
        for pair in listed:
            x, y = tuple(pair)
            if x in at and y in at:
                pairs.append((at[x], at[y]))
        both = pairs + [(j, i) for i, j in pairs]
        self.ban_rows = np.array([i for i, _ in both], dtype=np.int64)
        self.ban_cols = np.array([j for _, j in both], dtype=np.int64)

    def _pack(self) -> list[tuple[list[int], np.ndarray, np.ndarray]]:
        """Group factors while the product of their radices fits a table."""
        groups: list[list[int]] = []
        size = _TABLE_LIMIT + 1
        for f, (_, radix, _, _) in enumerate(self.factors):
            if size * radix > _TABLE_LIMIT:
                groups.append([])
                size = 1
            groups[-1].append(f)
            size *= radix
        out = []
        for members in groups:
            lefts, rights, below = [], [], 1
            for f in reversed(members):
                _, radix, left, right = self.factors[f]
                lefts.append(left * below)
                rights.append(right)
                below *= radix
            out.append((members, np.hstack(lefts[::-1]), np.hstack(rights[::-1])))
        return out

    def _tables(self, mutual: bool) -> list[np.ndarray]:
        if mutual not in self.tables:
            terms = _terms(self.weights, mutual)
            r = self.radix_s
            values = {
                "skills": np.array(
                    [
                        terms.help(x // r) + terms.help_back(x % r) + terms.both_ways(x // r, x % r)
                        for x in range(r * r)
                    ]
                ),
                "themes": np.array([terms.themes(x) for x in range(self.factors[1][1])]),
                "language": np.array(
                    [terms.language if x else 0 for x in range(self.factors[2][1])]
                ),
                "availability": np.array(
                    [terms.availability(x) for x in range(self.factors[3][1])]
                ),
            }
            tables = []
            for members, _, _ in self.groups:
                table = np.zeros((), dtype=np.int32)
                for f in members:
                    table = np.add.outer(table, values[self.factors[f][0]]).astype(np.int32)
                tables.append(table.ravel())
            self.tables[mutual] = tables
        return self.tables[mutual]

    def forbidden(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """True where a must-rule (or being the same person) forbids the pair."""
        out = rows[:, None] == cols[None, :]
        if self.rules.same_manager_forbidden:
            br, bc = self.boss[rows][:, None], self.boss[cols][None, :]
            out |= (br == bc) & (br >= 0)
        if self.ban_rows.size:
            rpos = np.full(self.n, -1)
            cpos = np.full(self.n, -1)
            rpos[rows] = np.arange(len(rows))
            cpos[cols] = np.arange(len(cols))
            r, c = rpos[self.ban_rows], cpos[self.ban_cols]
            keep = (r >= 0) & (c >= 0)
            out[r[keep], c[keep]] = True
        return out

    def scores(self, rows: np.ndarray, cols: np.ndarray, *, mutual: bool = True) -> np.ndarray:
        """Scores of rows × cols in units (same numbers as :func:`score`); forbidden: −1."""
        if self.static_table is not None:
            total = self.static_table[self.profile[rows][:, None], self.profile[cols][None, :]]
        else:
            total = _static_units(
                _terms(self.weights, mutual),
                tuple(x[rows][:, None] for x in self.statics),
                tuple(x[cols][None, :] for x in self.statics),
            )
        for (_, left, right), table in zip(self.groups, self._tables(mutual), strict=True):
            total += table[(left[rows] @ right[cols].T).astype(np.intp)]
        total[self.forbidden(rows, cols)] = -1
        return total


def _suggest(
    pool: _Pool, members: Sequence[int], kind: str | None = None, *, mutual: bool = True
) -> Suggestion:
    people = [pool.people[i] for i in members]
    sc = group_score(people, pool.weights, mutual=mutual)
    kind = kind or {2: "pair", 3: "trio"}.get(len(people), "circle")
    # Without mutual help the first member is the mentor (or buddy), whatever they enrolled as.
    roles = ("peer",) * len(people) if mutual else ("mentor", "mentee")
    return Suggestion(sc.members, sc.total, sc.parts, kind, roles)
