"""Translation catalogue tools.

    python -m scripts.i18n missing        list marked strings French lacks
    python -m scripts.i18n stub AREA      append them, untranslated, to core/locales/fr/AREA.po

Strings are marked with t("…"), tn("…", "…", n) and N_("…") in Home.py, pages/,
ui/ and core/; the English text is the message id.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_file

from core.kernel.i18n import LOCALES_DIR, translations

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["Home.py", "pages", "ui", "core"]
KEYWORDS = {"t": None, "tn": (1, 2), "N_": None}


def source_files() -> list[Path]:
    files: list[Path] = []
    for name in SOURCES:
        path = ROOT / name
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def extract() -> dict[str | tuple[str, str], list[str]]:
    """Every marked message id → where it is used."""
    found: dict[str | tuple[str, str], list[str]] = {}
    for path in source_files():
        for lineno, message, _comments, _ctx in extract_from_file(
            "python", str(path), keywords=KEYWORDS, strip_comment_tags=True
        ):
            if isinstance(message, tuple):
                message = tuple(m for m in message if m)
                if len(message) == 1:
                    message = message[0]
            if not message:
                continue
            found.setdefault(message, []).append(f"{path.relative_to(ROOT)}:{lineno}")
    return found


def missing(lang: str = "fr") -> dict[str | tuple[str, str], list[str]]:
    have = translations(lang)
    return {m: where for m, where in extract().items() if m not in have}


def _po_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"""


def stub(area: str) -> int:
    path = LOCALES_DIR / "fr" / f"{area}.po"
    todo = missing()
    chunks = [] if path.exists() else [HEADER]
    for message, where in todo.items():
        ref = f"#: {where[0]}"
        if isinstance(message, tuple):
            chunks.append(
                f"\n{ref}\nmsgid {_po_quote(message[0])}\nmsgid_plural {_po_quote(message[1])}\n"
                'msgstr[0] ""\nmsgstr[1] ""\n'
            )
        else:
            chunks.append(f'\n{ref}\nmsgid {_po_quote(message)}\nmsgstr ""\n')
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(chunks))
    return len(todo)


def main(argv: list[str]) -> int:
    if argv[:1] == ["missing"]:
        todo = missing()
        for message, where in todo.items():
            print(f"{where[0]}: {message!r}")
        print(f"{len(todo)} missing", file=sys.stderr)
        return 1 if todo else 0
    if len(argv) == 2 and argv[0] == "stub":
        print(f"{stub(argv[1])} messages appended; translate their msgstr.")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
