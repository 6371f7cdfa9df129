"""The dependency direction pages → core → db is a rule, so a test holds it."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules(package: str) -> list[str]:
    mods = []
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods.append(".".join(parts))
    return mods


def test_core_and_db_never_import_streamlit():
    modules = _modules("core") + _modules("db")
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k == 'streamlit' or k.startswith('streamlit.'))\n"
        "print(len(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0", "core/ or db/ pulled in Streamlit"


def test_pages_do_not_reach_the_database_directly():
    offenders = []
    for path in [ROOT / "Home.py", *sorted((ROOT / "pages").glob("*.py"))]:
        text = path.read_text()
        for needle in (
            r"\bsqlalchemy\b",
            r"session\.(execute|scalars|add)",
            r"\bselect\(",
            r"\bdb\.models\b",
        ):
            if re.search(needle, text):
                offenders.append(f"{path.name}: {needle}")
    assert not offenders


# core's areas, lowest first: an area imports the kernel and the areas before it only.
LAYERS = (
    "kernel",
    "accounts",
    "people",
    "programmes",
    "surveys",
    "matching",
    "relationship",
    "growth",
    "insights",
    "notify",
    "privacy",
)
# Upward imports still being removed by the restructuring (issue 9); this set only shrinks.
KNOWN_UPWARD: set[tuple[str, str]] = set()


def _imports_of(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _upward_imports() -> set[tuple[str, str, str]]:
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = set()
    for path in sorted((ROOT / "core").rglob("*.py")):
        area = path.relative_to(ROOT / "core").parts[0]
        if area not in rank:
            continue
        for name in _imports_of(path):
            parts = name.split(".")
            if parts[0] != "core" or len(parts) < 2 or parts[1] not in rank:
                continue
            if rank[parts[1]] > rank[area]:
                upward.add((area, parts[1], f"{path.relative_to(ROOT)} imports {name}"))
    return upward


def test_every_area_of_core_is_a_known_layer():
    areas = {
        p.name for p in (ROOT / "core").iterdir() if p.is_dir() and (p / "__init__.py").exists()
    }
    assert areas == set(LAYERS)


def test_core_imports_only_downwards():
    upward = _upward_imports()
    unknown = sorted(line for a, b, line in upward if (a, b) not in KNOWN_UPWARD)
    assert not unknown, "upward imports in core/:\n" + "\n".join(unknown)
    gone = KNOWN_UPWARD - {(a, b) for a, b, _ in upward}
    assert not gone, f"no longer upward, remove from KNOWN_UPWARD: {sorted(gone)}"


def test_core_and_db_never_import_the_demo_or_the_pages():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for package in ("core", "db")
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in _imports_of(path)
        if name.split(".")[0] in {"demo", "pages", "ui", "tandem", "scripts", "bench"}
    ]
    assert not offenders, offenders


# Streamlit deprecated ``use_container_width`` (removed after 2025-12-31): ``width`` replaces it.
DEPRECATED_STREAMLIT = ("use_container_width",)


def test_no_page_or_ui_module_uses_a_deprecated_streamlit_argument():
    files = [
        ROOT / "Home.py",
        *sorted((ROOT / "pages").rglob("*.py")),
        *sorted((ROOT / "ui").rglob("*.py")),
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(word in line for word in DEPRECATED_STREAMLIT)
    ]
    assert found == []
