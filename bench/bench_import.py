"""Time to import 10 000 people (preview + apply) on SQLite; target ≤ 5 s.

    .venv/bin/python -m bench.bench_import [rows]

Prints the first import (all created), the same file again (all unchanged), and
the same people from an XLSX, an XLS and an ODS file: wall-clock time, and the
process's CPU time, which a busy machine does not inflate (the parse of a
spreadsheet runs in a child process: its CPU is not in that figure, its wall
time is). Then how the reading of each spreadsheet splits between the pre-scan
of its zip and XML and the parse in the child process.
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

from core.accounts.auth import viewer_of
from core.kernel import clock
from core.kernel.access import Viewer
from core.kernel.store import open_store
from core.people import importer, spreadsheet
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


def synthetic_xls(n: int, seed: int = 7) -> bytes:
    import xlwt  # a test dependency (requirements-dev.txt), as make bench installs

    book = xlwt.Workbook()
    sheet = book.add_sheet("People")
    date = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for c, h in enumerate(HEADER):
        sheet.write(0, c, h)
    for r, row in enumerate(synthetic_rows(n, seed), start=1):
        for c, value in enumerate(row):
            if c == 6:
                sheet.write(r, c, dt.date.fromisoformat(value), date)
            elif value:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def synthetic_ods(n: int, seed: int = 7) -> bytes:
    """An OpenDocument spreadsheet laid out as LibreOffice writes one (odfpy is too slow)."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value: str) -> str:
        if not value:
            return "<table:table-cell/>"
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    rows = [HEADER, *synthetic_rows(n, seed)]
    body = "".join(f"<table:table-row>{''.join(map(cell, r))}</table:table-row>" for r in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="People">{body}'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell'
        ' table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>',
        )
        z.writestr("content.xml", content)
    return out.getvalue()


def _reading(data: bytes, name: str) -> str:
    """How reading one spreadsheet splits: the pre-scan, then the parse in a child process."""
    start = time.perf_counter()
    if spreadsheet.sniff(data) == "zip":
        spreadsheet.prescan(data, name)
    middle = time.perf_counter()
    spreadsheet.read_sheet(data, name)
    end = time.perf_counter()
    scan = middle - start
    return f"pre-scan {scan:5.2f} s, parse in a child process {end - middle - scan:5.2f} s"


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
    pv = importer.preview(sf, viewer, data, name)
    middle = time.perf_counter()
    assert not pv.errors, pv.errors[:3]
    result = importer.apply(sf, viewer, pv)
    return middle - start, time.perf_counter() - middle, time.process_time() - cpu, result


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        viewer = _coordinator(store.sf)
        csv_data, xlsx_data = synthetic_csv(n), synthetic_xlsx(n)
        xls_data, ods_data = synthetic_xls(n), synthetic_ods(n)
        print(
            f"Import of {n} people on SQLite: target ≤ {TARGET_SECONDS:.0f} s for preview + apply"
            f" ({os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})"
        )
        ok = True
        for label, data, name in (
            ("CSV, first import", csv_data, "people.csv"),
            ("CSV, same file again", csv_data, "people.csv"),
            ("XLSX, same people", xlsx_data, "people.xlsx"),
            ("XLS, same people", xls_data, "people.xls"),
            ("ODS, same people", ods_data, "people.ods"),
        ):
            p, a, cpu, r = _timed(store.sf, viewer, data, name)
            ok &= p + a <= TARGET_SECONDS
            print(
                f"  {label:<21} preview {p:5.2f} s + apply {a:5.2f} s = {p + a:5.2f} s"
                f" (CPU {cpu:5.2f} s)  created {r.created}, updated {r.updated},"
                f" unchanged {r.unchanged}"
            )
        store.engine.dispose()
    for label, data, name in (
        ("XLSX", xlsx_data, "people.xlsx"),
        ("XLS", xls_data, "people.xls"),
        ("ODS", ods_data, "people.ods"),
    ):
        print(f"  reading the {label} ({len(data) / 1e6:.1f} MB): {_reading(data, name)}")
    print("  within target" if ok else "  OVER TARGET (is the machine busy? compare the CPU times)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
