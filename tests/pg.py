"""A throwaway PostgreSQL 15 cluster for the test run (Debian's postgresql-15 binaries).

initdb and pg_ctl refuse to run as root, so as root they run as the `postgres`
user (runuser). The cluster listens on a Unix socket in a temporary directory
only, and is stopped and deleted at the end of the run.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("TANDEM_PG_BIN", "/usr/lib/postgresql/15/bin"))


class PgCluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tandem-pg-"))
        self.data = self.dir / "data"
        self.sock = self.dir / "sock"
        # Only a Unix socket is used; a random port just names it and its shared memory.
        self.port = random.randint(20000, 60000)
        self._as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = [str(a) for a in args]
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> str:
        if not (PG_BIN / "initdb").exists():
            raise RuntimeError(
                f"PostgreSQL 15 not found in {PG_BIN}: install Debian's postgresql-15 (make test-deps)."
            )
        self.sock.mkdir()
        if self._as_root:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.sock, "postgres")
        os.chmod(self.dir, 0o755)
        self._run(
            PG_BIN / "initdb",
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        opts = f"-k {self.sock} -p {self.port} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        self._run(
            PG_BIN / "pg_ctl", "-D", self.data, "-o", opts, "-w", "-l", self.dir / "log", "start"
        )
        self._run(
            PG_BIN / "createdb",
            "-h",
            self.sock,
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "tandem_test",
        )
        return self.url("tandem_test")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.sock}&port={self.port}"

    def create_database(self, name: str) -> str:
        """Another empty database in the running cluster; its URL."""
        self._run(
            PG_BIN / "createdb", "-h", self.sock, "-p", str(self.port), "-U", "postgres", name
        )
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
