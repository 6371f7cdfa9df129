"""``make bench``: run every bench/bench_*.py module, one after the other.

Each runs in its own process (``python -m bench.<name>``) with its default
arguments, so one module's memory or failure does not affect the next; their
output is printed as it comes. The exit status is 1 if any of them failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def modules() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def main() -> int:
    failed = []
    for name in modules():
        print(f"\n=== bench.{name} ===", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
        print(f"=== bench.{name}: exit {code}, {time.monotonic() - start:.0f} s ===", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"\nFailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
