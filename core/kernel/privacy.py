"""The one small-group rule (DESIGN.md "Who sees what"), and what makes it hold across views.

Primary suppression: a figure that describes 1 … k−1 people is hidden; 0 describes
nobody and is shown. :func:`is_small` is that rule, the only copy of it.

Complementary suppression: hiding a cell is not enough when a total, a margin, a
cumulative line, a rate or another view gives it back by subtraction. Every
coordinator-facing figure is therefore a :class:`Cell` of a :class:`Table`, which
knows the people the cell counts and the linear relations between cells
("this total is the sum of those parts"). :meth:`Table.protect` hides, after the
small cells, the next-smallest cell of a relation until

* no hidden cell (nor a never-shown "latent" cell of fewer than k people, such as
  the people a rate leaves out) is determined by the shown cells: checked exactly,
  by integer elimination over the relations, and
* no total minus its shown parts describes 1 … k−1 people.

Cells are private to ``core``: pages only get plain numbers with ``suppressed`` and
a reason. While :func:`recording` is active (the adversary test does it), every
protected table and every cell handed to a page is also written down with the
people and the things it counts, so that the test can check the rule on sets,
independently of the relations declared here.

This module is the one place services import the rule from. Where each part lives:

- :mod:`core.kernel.small_groups`: the rule, the reasons, bags and cells, and the
  rule applied to a share (:func:`fixed_rate`) and to department filters
  (:func:`offered_groups`);
- :mod:`core.kernel.tables`: :class:`Table` and its protection;
- :mod:`core.kernel.elimination`: the exact integer elimination it uses;
- :mod:`core.kernel.recording`: what the adversary test writes down;
- :mod:`core.kernel.bags`: bags read from SQL.

Self-contained on purpose: these modules import nothing from ``core`` outside them.
"""

from core.kernel.recording import Recorder, emit, emit_texts, is_recording, recording
from core.kernel.small_groups import (
    DETAIL_UNITS,
    DIFFERENCE,
    EMPTY,
    LATENT,
    NOT_OFFERED,
    SMALL,
    Bag,
    Cell,
    combine,
    fixed_rate,
    is_small,
    offered_groups,
)
from core.kernel.tables import Table

__all__ = [
    "DETAIL_UNITS",
    "DIFFERENCE",
    "EMPTY",
    "LATENT",
    "NOT_OFFERED",
    "SMALL",
    "Bag",
    "Cell",
    "Recorder",
    "Table",
    "combine",
    "emit",
    "emit_texts",
    "fixed_rate",
    "is_recording",
    "is_small",
    "offered_groups",
    "recording",
]
