"""The demo company is told through the services, in one transaction, without an import circle."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.kernel import clock
from db.models import Account, AuditLog
from demo import company as demo
from demo import journey

DEMO = Path(__file__).resolve().parents[2] / "demo"


def test_the_demo_history_is_recorded_by_the_services_that_made_it(sf):
    frozen = dt.datetime(2026, 11, 27, 15, 0)
    clock.set_now(frozen)
    try:
        assert demo.seed_demo(sf)
        assert clock.now() == frozen  # seeding moved the clock to each event, then gave it back
    finally:
        clock.set_now(None)
    with sf() as s:
        actions = dict(
            s.execute(
                select(AuditLog.action, AuditLog.actor_username).where(
                    AuditLog.action.in_(("programme_created", "people_imported"))
                )
            ).all()
        )
    assert actions == {"programme_created": "coord", "people_imported": "coord"}


def test_a_part_that_fails_leaves_nothing_seeded(sf, monkeypatch):
    def broken(ctx: object) -> None:
        raise RuntimeError("a part of the demo failed")

    monkeypatch.setattr(journey, "seed_journey", broken)
    with pytest.raises(RuntimeError):
        demo.seed_demo(sf)
    with sf() as s:
        assert s.scalar(select(func.count()).select_from(Account)) == 0


@pytest.mark.parametrize("path", sorted(DEMO.rglob("*.py")), ids=lambda p: p.name)
def test_no_demo_module_imports_inside_a_function(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nested = [
        node.lineno
        for func_node in ast.walk(tree)
        if isinstance(func_node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for node in ast.walk(func_node)
        if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    assert nested == []


def test_the_demo_modules_form_no_import_circle():
    def name(path: Path) -> str:
        return ".".join(("demo", *path.relative_to(DEMO).with_suffix("").parts))

    imports: dict[str, set[str]] = {}
    for path in DEMO.rglob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("demo"):
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("demo"))
        imports[name(path)] = found

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in imports.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert [m for m in imports if reaches(m, m, set())] == []
