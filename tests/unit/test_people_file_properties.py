"""Property-based tests of the people file: whatever the bytes, the reader answers with
the domain's error and a sentence, never a traceback; a valid line always comes back
as it was written, whatever the separator, quoting, encoding, BOM or blank lines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core.kernel.errors import FileRejected
from core.people import validation
from core.people.people_file import read_table
from tests.spreadsheet_files import real_xlsx

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILENAMES = st.sampled_from(
    ["people.csv", "people.txt", "people.xlsx", "people.xls", "people.ods", "people", "p.pdf"]
)
HEADERS = st.sampled_from(
    ["email", "E-mail", "name", "Nom complet", "department", "Prénom", "last name", "x", "", '"']
)
ANY_TEXT = st.text(max_size=40)  # control characters, quotes, separators, surrogates…
HUGE = st.builds(
    lambda ch, n: ch * n, st.sampled_from(["x", "é", '"', ",", "\n"]), st.integers(0, 150_000)
)


def _no_traceback(data: bytes, filename: str) -> None:
    """The property: a FileTable, or the domain's error with a sentence; and the import's
    preview (which turns that error into a file error) never raises at all."""
    try:
        read_table(data, filename)
    except FileRejected as e:
        assert str(e).strip()
    pv = validation.parse(data, filename)
    assert all(issue.message for issue in pv.issues)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.lists(HEADERS, min_size=0, max_size=5))
    rows = draw(st.lists(st.lists(st.one_of(ANY_TEXT, HUGE), max_size=6), max_size=6))
    separator = draw(st.sampled_from([",", ";", "\t", "|"]))
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=separator,
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE])),
        escapechar="\\",
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )
    for row in [header, *rows]:
        try:
            writer.writerow(row)
        except csv.Error:  # QUOTE_NONE cannot write some fields: write them raw
            out.write(separator.join(row) + "\n")
        if draw(st.booleans()):
            out.write("\n" * draw(st.integers(1, 3)))
    text = out.getvalue()
    encoding = draw(
        st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
    )
    return (
        text.encode(encoding, errors="replace")
        if "16" not in encoding
        else text.encode(encoding, errors="surrogatepass")
    )


@SETTINGS
@given(data=csv_files(), filename=st.sampled_from(["people.csv", "people.txt"]))
@example(data=b'email,name\na@b.c,"' + b"x" * 200_000, filename="people.csv")
@example(data=b"\xef\xbb\xbf\r\n\r\nemail;name\r\n\r\na@b.c;A\r\n", filename="people.csv")
def test_random_csv_text_never_raises_anything_but_the_domains_error(data, filename):
    _no_traceback(data, filename)


@SETTINGS
@given(data=st.binary(max_size=3000), filename=FILENAMES)
@example(data=b"PK\x03\x04", filename="people.xlsx")
@example(data=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", filename="people.xls")
@example(data=b"\xff\xfe" + "email,name\n".encode("utf-16-le") + b"\x00\xd8", filename="p.csv")
def test_random_bytes_never_raise_anything_but_the_domains_error(data, filename):
    _no_traceback(data, filename)


BASE_XLSX = real_xlsx([["email", "name"], ["ana@example.com", "Ana"], ["bo@example.com", "Bo"]])


@FEW
@given(
    cuts=st.lists(st.tuples(st.integers(0, len(BASE_XLSX) - 1), st.integers(0, 255)), max_size=4),
    length=st.one_of(st.just(len(BASE_XLSX)), st.integers(1, len(BASE_XLSX))),
    filename=st.sampled_from(["people.xlsx", "people.ods", "people.csv"]),
)
def test_a_damaged_workbook_never_raises_anything_but_the_domains_error(cuts, length, filename):
    data = bytearray(BASE_XLSX[:length])
    for at, value in cuts:
        if at < len(data):
            data[at] = value
    _no_traceback(bytes(data), filename)


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30),
)


@FEW
@given(
    header=st.lists(st.one_of(HEADERS, CELLS), max_size=6),
    rows=st.lists(st.lists(CELLS, max_size=6), max_size=5),
)
@example(
    header=["email", "hire date"], rows=[["a@b.c", dt.datetime(9999, 12, 31, 23, 59, 59, 999_999)]]
)
def test_random_cell_values_in_a_workbook_never_raise_anything_but_the_domains_error(header, rows):
    _no_traceback(real_xlsx([header, *rows]), "people.xlsx")


# --------------------------------------------------------------------------- round trip

LOCAL = st.from_regex(r"[a-z0-9]([a-z0-9._-]{0,15}[a-z0-9])?", fullmatch=True)
EMAILS = st.builds(
    lambda a, b: f"{a}@{b}.example", LOCAL, st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True)
)
# Text a person types: letters, digits, punctuation (quotes and separators included), spaces.
TYPED = st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs"))
# In Windows-1252 only ASCII and À–ÿ: a text that is also valid UTF-8 cannot be told apart.
CP1252 = st.characters(codec="ascii").filter(lambda c: c.isprintable()) | st.characters(
    min_codepoint=0xC0, max_codepoint=0xFF
)


def _field(alphabet: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=1, max_size=max_size).filter(
        lambda s: s.strip() and not s.lstrip().startswith("=")
    )


@st.composite
def valid_people(draw: st.DrawFn, alphabet: st.SearchStrategy[str]) -> list[tuple[str, str, str]]:
    emails = draw(st.lists(EMAILS, min_size=1, max_size=6, unique_by=str.lower))
    return [(e, draw(_field(alphabet, 60)), draw(_field(alphabet, 40))) for e in emails]


def _expected(people_rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [(e.lower(), n.strip(), d.strip()) for e, n, d in people_rows]


def _read_back(data: bytes, filename: str) -> list[tuple[str, str, str]]:
    pv = validation.parse(data, filename)
    assert [i.message for i in pv.issues if i.is_error] == []
    return [(r.email, r.name, r.department or "") for r in pv.rows]


@SETTINGS
@given(
    data=st.data(),
    separator=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    newline=st.sampled_from(["\r\n", "\n"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    blank_lines=st.lists(st.integers(0, 8), max_size=4),
)
def test_a_valid_line_survives_the_csv_round_trip(
    data, separator, quoting, newline, encoding, blank_lines
):
    rows = data.draw(valid_people(CP1252 if encoding == "cp1252" else TYPED))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, quoting=quoting, lineterminator=newline)
    lines = [["email", "name", "department"], *map(list, rows)]
    for at in sorted(blank_lines, reverse=True):  # blank lines anywhere, even before the header
        lines.insert(min(at, len(lines)), [])
    writer.writerows(lines)
    assert _read_back(out.getvalue().encode(encoding), "people.csv") == _expected(rows)


@FEW
@given(rows=valid_people(TYPED), extra=st.lists(CELLS, max_size=3), seed=st.integers(0, 3))
def test_a_valid_line_survives_the_xlsx_round_trip_beside_random_cells(rows, extra, seed):
    header = ["email", "name", "department"]
    # Unknown columns after the known ones, holding anything: a warning, never an error.
    header += [f"extra {i}" for i in range(len(extra))]
    table = [
        header,
        *([*r, *random.Random(seed + i).sample(extra, len(extra))] for i, r in enumerate(rows)),
    ]
    assert _read_back(real_xlsx(table), "people.xlsx") == _expected(rows)
