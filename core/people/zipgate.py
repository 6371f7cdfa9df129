"""Gate 1 of reading a spreadsheet (see :mod:`core.people.spreadsheet`): the zip container,
checked before anything is decompressed — its directory, the number of members, each
member's declared size and compression ratio — and each member inflated by hand, so that
it must end exactly at its declared size with its CRC."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator

from core.kernel.errors import FileRejected
from core.kernel.i18n import format_number, t
from core.people.limits import LIMITS, Limits, damaged, in_bytes, password, too_many_members

CHUNK = 64 * 1024
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def _central_directory(data: bytes) -> tuple[int, int] | None:
    """(members, size of the central directory) as the end record says, before any parsing."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or at + 22 > len(data):
        return None
    entries, size = struct.unpack_from("<HI", data, at + 10)
    if entries == 0xFFFF or size == 0xFFFFFFFF:  # Zip64: the real counts are elsewhere
        locator = at - 20
        if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
            return None
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if data[offset : offset + 4] != b"PK\x06\x06" or offset + 56 > len(data):
            return None
        entries, size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, size


# What zipfile may raise on a crafted directory or member.
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ValueError,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    struct.error,
    zlib.error,
)


def open_zip(data: bytes, filename: str, limits: Limits = LIMITS) -> zipfile.ZipFile:
    """The zip's directory, read only once its member count is known to be small."""
    found = _central_directory(data)
    if found is None:
        raise damaged(filename)
    entries, size = found
    # zipfile reads the directory by its size, whatever the count says: bound both (an
    # entry takes 46 bytes and its name; 1 KB each is far more than any workbook needs).
    members = entries if entries > limits.members else size // 1024
    if members > limits.members:
        raise too_many_members(filename, members, limits)
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as e:
        raise damaged(filename) from e
    if len(book.infolist()) > limits.members:
        raise too_many_members(filename, len(book.infolist()), limits)
    return book


def zip_kind(book: zipfile.ZipFile) -> str:
    """``"xlsx"``, ``"ods"``, ``"xlsb"`` or ``"zip"`` (something else packed: .docx, photos…)."""
    names = set(book.namelist())
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names:
        info = book.getinfo("mimetype")
        if info.file_size <= 100 and info.compress_size <= 200:
            try:
                if book.read("mimetype").strip() == ODS_MIMETYPE:
                    return "ods"
            except _ZIP_ERRORS:
                return "zip"
    return "zip"


def check_members(book: zipfile.ZipFile, filename: str, limits: Limits) -> None:
    total = 0
    for info in book.infolist():
        if info.flag_bits & 0x1:
            raise password(filename)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged(filename)
        if info.file_size > limits.member_bytes:
            raise FileRejected(
                t(
                    "“{filename}” unpacks its part “{part}” to {found}: at most {max} are read for one part.",
                    filename=filename,
                    part=info.filename[:80],
                    found=in_bytes(info.file_size),
                    max=in_bytes(limits.member_bytes),
                ),
                "member_bytes",
            )
        total += info.file_size
        if total > limits.total_bytes:
            raise FileRejected(
                t(
                    "“{filename}” unpacks to more than {max} in all: it holds far more than a list of people.",
                    filename=filename,
                    max=in_bytes(limits.total_bytes),
                ),
                "total_bytes",
            )
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > limits.ratio_from and ratio > limits.ratio:
            raise FileRejected(
                t(
                    "“{filename}” packs its part “{part}” {found} to 1: at most {max} to 1 is accepted, which only files inflated on purpose exceed.",
                    filename=filename,
                    part=info.filename[:80],
                    found=format_number(ratio),
                    max=format_number(limits.ratio),
                ),
                "ratio",
            )


def inflate(data: bytes, info: zipfile.ZipInfo, filename: str) -> Iterator[bytes]:
    """A member's bytes, 64 KB at a time; refuses one that does not end exactly at its
    declared size with its declared CRC (zipfile would quietly stop at the size, and
    another reader might not stop at all)."""
    start = info.header_offset
    if start + 30 > len(data) or data[start : start + 4] != b"PK\x03\x04":
        raise damaged(filename)
    name_len, extra_len = struct.unpack_from("<HH", data, start + 26)
    begin = start + 30 + name_len + extra_len
    raw = memoryview(data)[begin : begin + info.compress_size]
    if len(raw) != info.compress_size:
        raise damaged(filename)
    crc = produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces: Iterator[bytes] = (bytes(raw[i : i + CHUNK]) for i in range(0, len(raw), CHUNK))
    else:
        pieces = _inflated(raw, filename)
    for piece in pieces:
        produced += len(piece)
        if produced > info.file_size:
            raise damaged(filename)
        crc = zlib.crc32(piece, crc)
        yield piece
    if produced != info.file_size or crc != info.CRC:
        raise damaged(filename)


def _inflated(raw: memoryview, filename: str) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    try:
        for i in range(0, len(raw), CHUNK):
            pending = bytes(raw[i : i + CHUNK])
            while pending and not inflater.eof:
                piece = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                if piece:
                    yield piece
            if inflater.eof:
                break
        while not inflater.eof and (piece := inflater.decompress(b"", CHUNK)):
            yield piece
    except zlib.error as e:
        raise damaged(filename) from e
    if not inflater.eof:
        raise damaged(filename)
