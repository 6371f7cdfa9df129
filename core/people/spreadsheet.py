"""Read the first sheet of an uploaded .xlsx, .ods or .xls file as text, inside hard limits.

A spreadsheet is a small file that can describe an enormous one: one cell at
column AAAAAAA, five million empty rows, a shared string inflated a thousand times.
python-calamine (Rust) does the parsing, but it builds a sheet's whole area from
A1 to its last cell, so it must never see such a file. Hence three gates, each
refusing with a :class:`~core.kernel.errors.FileRejected` that names the limit and the
value found (:mod:`core.people.limits`):

1. before anything is decompressed (:mod:`core.people.zipgate`): upload size,
   number of zip members, each member's declared size and compression ratio, the total;
2. (:mod:`core.people.xmlscan`) a streaming pre-scan of every zip member (``pyexpat``, 64 KB at a time, no tree
   kept): each member is inflated by hand so that it must end exactly at its
   declared size with its CRC, DTDs and entities are refused, and the cells'
   positions (references, ``<dimension>``, ODS ``number-*-repeated``), counts,
   text lengths and shared strings are checked against the limits, stopping at
   the first breach — so a bomb is refused after reading little of it;
3. the parse itself in a child process (:mod:`core.people.spreadsheet_worker`) whose
   address space and CPU time the kernel caps, under a wall-clock timeout: an
   .xls (binary, nothing to pre-scan) or an unknown bomb costs bounded memory
   and time, never the server's.
"""

from __future__ import annotations

import marshal
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.people.limits import (
    LIMITS,
    MIB,
    Limits,
    damaged,
    memory_message,
    password,
    time_message,
    too_large,
    worker_refusal,
)
from core.people.xmlscan import prescan

# LIMITS, MIB and Limits are read from here too (.streamlit/config.toml names LIMITS here).
__all__ = ["LIMITS", "MIB", "Limits", "looks_like_html", "prescan", "read_sheet", "sniff"]

WORKER = Path(__file__).with_name("spreadsheet_worker.py")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An Office file encrypted with a password is an OLE2 container with this stream.
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

# --------------------------------------------------------------------------- what the bytes are


_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f]")  # not in text (tab, line ends and form feed are)


def sniff(data: bytes) -> str:
    """``"zip"`` (.xlsx, .ods…), ``"ole"`` (.xls, or an encrypted workbook), ``"text"`` or ``"binary"``."""
    if data[:4] == b"PK\x03\x04":
        return "zip"
    if data[:8] == OLE2:
        return "ole"
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or not _CONTROL.search(head):
        return "text"
    return "binary"


def looks_like_html(data: bytes) -> bool:
    """A web page saved with an .xls name, as some HR systems export their lists."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) and (
        b"<html" in head or b"<table" in head or b"urn:schemas-microsoft-com:office" in head
    )


# --------------------------------------------------------------------------- gate 3: the parse


def _parse_in_child(data: bytes, filename: str, limits: Limits, deadline: float) -> list[list[str]]:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise time_message(filename, limits)
    command = [sys.executable, "-I", str(WORKER), limits.for_worker(remaining)]
    child = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = child.communicate(data, timeout=remaining)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise time_message(filename, limits) from None
    if child.returncode != 0 or not out:
        if child.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise time_message(filename, limits)
        if b"memory allocation" in err or b"MemoryError" in err:
            raise memory_message(filename, limits)
        raise damaged(filename)
    answer = marshal.loads(out)
    if answer[0] == "ok":
        rows: list[list[str]] = answer[1]
        return rows
    if answer[0] == "refused":
        raise worker_refusal(filename, answer[1], answer[2], limits)
    raise password(filename) if answer[1] == "password" else damaged(filename)


def read_sheet(
    data: bytes, filename: str, limits: Limits = LIMITS, started: float | None = None
) -> list[tuple[int, list[str]]]:
    """(sheet line, cell texts) of each row of the first visible worksheet of an .xlsx,
    .ods or .xls file, from line 1; raises :class:`FileRejected` with a readable reason."""
    deadline = (started if started is not None else time.monotonic()) + limits.seconds
    if len(data) > limits.upload_bytes:
        raise too_large(filename, len(data), limits)
    kind = sniff(data)
    if kind == "zip":
        prescan(data, filename, limits, deadline)
    elif kind == "ole":
        if ENCRYPTED_PACKAGE in data:
            raise password(filename)
    else:
        raise damaged(filename)
    rows = _parse_in_child(data, filename, limits, deadline)
    return list(enumerate(rows, start=1))
