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
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0", "core/ or db/ pulled in Streamlit"


def test_pages_do_not_reach_the_database_directly():
    offenders = []
    for path in [ROOT / "Home.py", *sorted((ROOT / "pages").glob("*.py"))]:
        text = path.read_text()
        for needle in (r"\bsqlalchemy\b", r"session\.(execute|scalars|add)", r"\bselect\(", r"\bdb\.models\b"):
            if re.search(needle, text):
                offenders.append(f"{path.name}: {needle}")
    assert not offenders
