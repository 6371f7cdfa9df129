"""Time to import 10 000 people (preview + apply) on SQLite; target ≤ 5 s.

    .venv/bin/python -m bench.bench_import [rows]

Prints the first import (all created), the same file again (all unchanged), and
the same people from an XLSX file: wall-clock time, and the process's CPU time,
which a busy machine does not inflate.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from core import clock, people
from core.access import Viewer
from core.auth import viewer_of
from core.store import open_store
from db.models import Account, AccountRole, Person

TARGET_SECONDS = 5.0
DEPARTMENTS = ("Engineering", "Sales", "Marketing", "Finance", "Operations", "People", "Legal")
HEADER = ["email", "name", "department", "level", "manager email", "location", "hire date",
          "leave date", "language"]  # fmt: skip


def synthetic_rows(n: int, seed: int = 7) -> list[list[str]]:
    """``n`` people; the first n/100 manage the others (managers listed first)."""
    rng = random.Random(seed)
    managers = max(1, n // 100)
    rows = []
    for i in range(n):
        manager = "" if i < managers // 10 + 1 else f"p{rng.randrange(0, min(i, managers))}"
        rows.append(
            [
                f"p{i}@bench.example",
                f"Person {i}",
                rng.choice(DEPARTMENTS),
                f"L{rng.randint(1, 6)}",
                f"{manager}@bench.example" if manager else "",
                rng.choice(("Paris", "Lyon", "Remote", "Berlin")),
                (dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 5000))).isoformat(),
                "",
                rng.choice(("en", "fr")),
            ]
        )
    return rows


def synthetic_csv(n: int, seed: int = 7) -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in synthetic_rows(n, seed)]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def synthetic_xlsx(n: int, seed: int = 7) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("People")
    sheet.append(HEADER)
    for r in synthetic_rows(n, seed):
        sheet.append([*r[:6], dt.date.fromisoformat(r[6]), None, r[8]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _coordinator(sf) -> Viewer:  # type: ignore[no-untyped-def]
    now = clock.now()
    with sf.begin() as s:
        person = Person(
            email="coord@bench.example", full_name="Coord", created_at=now, updated_at=now
        )
        s.add(person)
        s.flush()
        account = Account(
            person_id=person.id, username="coord", created_at=now,
            roles=[AccountRole(role="coordinator")],
        )  # fmt: skip
        s.add(account)
        s.flush()
        return viewer_of(account, person)


def _timed(sf, viewer: Viewer, data: bytes, name: str):  # type: ignore[no-untyped-def]
    """(preview s, apply s, CPU s of both, result)."""
    cpu, start = time.process_time(), time.perf_counter()
    pv = people.preview(sf, viewer, data, name)
    middle = time.perf_counter()
    assert not pv.errors, pv.errors[:3]
    result = people.apply(sf, viewer, pv)
    return middle - start, time.perf_counter() - middle, time.process_time() - cpu, result


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        viewer = _coordinator(store.sf)
        csv_data, xlsx_data = synthetic_csv(n), synthetic_xlsx(n)
        print(
            f"Import of {n} people on SQLite: target ≤ {TARGET_SECONDS:.0f} s for preview + apply"
            f" ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})"
        )
        ok = True
        for label, data, name in (
            ("CSV, first import", csv_data, "people.csv"),
            ("CSV, same file again", csv_data, "people.csv"),
            ("XLSX, same people", xlsx_data, "people.xlsx"),
        ):
            p, a, cpu, r = _timed(store.sf, viewer, data, name)
            ok &= p + a <= TARGET_SECONDS
            print(
                f"  {label:<21} preview {p:5.2f} s + apply {a:5.2f} s = {p + a:5.2f} s"
                f" (CPU {cpu:5.2f} s)  created {r.created}, updated {r.updated},"
                f" unchanged {r.unchanged}"
            )
        store.engine.dispose()
    print("  within target" if ok else "  OVER TARGET (is the machine busy? compare the CPU times)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
