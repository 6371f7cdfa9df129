"""The spreadsheet reader reads what a person sees: .xlsx, .xls and .ods, through calamine."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from core.kernel.errors import FileRejected, TandemError
from core.people import validation
from core.people.people_file import FileProblem, read_table
from core.people.spreadsheet import read_sheet
from core.people.spreadsheet_worker import cell_text
from tests.spreadsheet_files import (
    inline,
    ods,
    ods_row,
    ods_text,
    real_ods,
    real_xls,
    real_xlsx,
    xlsx,
)

PEOPLE = [
    ["Email", "Name", "Department", "Level", "Hire date"],
    ["ana@example.com", "Ana Lima", "Finance", 4, dt.date(2019, 2, 4)],
    ["bo@example.com", "Bo Chen", "Ventes & Co", 3, dt.date(2023, 9, 18)],
    ["cé@example.com", "Cécile Ñúñez", "R&D", 5, dt.date(2001, 12, 31)],
]
READ = [
    ["Email", "Name", "Department", "Level", "Hire date"],
    ["ana@example.com", "Ana Lima", "Finance", "4", "2019-02-04"],
    ["bo@example.com", "Bo Chen", "Ventes & Co", "3", "2023-09-18"],
    ["cé@example.com", "Cécile Ñúñez", "R&D", "5", "2001-12-31"],
]


def test_shared_strings_numbers_dates_and_booleans_read_as_shown():
    data = xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="2"><v>43831</v></c>'
        '<c r="C2" s="3"><v>4</v></c><c r="D2"><v>3.5</v></c><c r="E2" t="b"><v>1</v></c>'
        '<c r="F2" t="str"><f>A2&amp;"!"</f><v>Ana!</v></c><c r="G2" s="1"><v>45000.5</v></c></row>',
        shared=[
            "<si><t>email</t></si>",
            "<si><t>hire date</t></si>",
            "<si><r><t>ana@</t></r><r><rPr><b/></rPr><t>example.com</t></r><rPh><t>x</t></rPh></si>",
        ],
    )
    assert read_sheet(data, "p.xlsx") == [
        (1, ["email", "hire date"]),
        (2, ["ana@example.com", "2020-01-01", "4", "3.5", "TRUE", "Ana!", "2023-03-15 12:00:00"]),
    ]


def test_row_numbers_and_columns_follow_the_sheet_even_with_gaps():
    data = xlsx(
        '<row r="1">'
        + inline("A1", "email")
        + '</row><row r="4">'
        + inline("C4", " x@y.z ")
        + "</row>"
    )
    assert read_sheet(data, "p.xlsx") == [(1, ["email"]), (2, []), (3, []), (4, ["", "", "x@y.z"])]


def test_the_1904_date_system_is_honoured():
    data = xlsx('<row r="1"><c r="A1" s="1"><v>1</v></c></row>', date1904=True)
    assert read_sheet(data, "p.xlsx") == [(1, ["1904-01-02"])]  # 1900-01-01 otherwise


def test_a_formula_reads_as_its_result_never_as_its_text():
    data = xlsx(
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1" t="str"><f>HYPERLINK("http://x","y")</f><v>y</v></c>'
        '<c r="C1"><f>NOW()</f></c><c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    )
    # No cached result (NOW()) and an error value read as empty cells.
    assert read_sheet(data, "p.xlsx") == [(1, ["2", "y"])]


def test_a_workbook_written_by_openpyxl_reads_back_the_same():
    data = real_xlsx(
        [
            ["Email", "Level", "Hire date", "Started at"],
            ["ana@example.com", 4, dt.date(2019, 2, 4), dt.datetime(2019, 2, 4, 9, 30)],
        ]
    )
    assert read_sheet(data, "p.xlsx") == [
        (1, ["Email", "Level", "Hire date", "Started at"]),
        (2, ["ana@example.com", "4", "2019-02-04", "2019-02-04 09:30:00"]),
    ]


@pytest.mark.parametrize(
    ("build", "filename"),
    [(real_xlsx, "people.xlsx"), (real_xls, "people.xls"), (real_ods, "people.ods")],
)
def test_a_real_file_of_each_format_reads_the_same_people(build, filename):
    table = read_table(build(PEOPLE), filename)
    assert [list(table.header), *map(list, table.rows)] == READ
    assert table.lines == (2, 3, 4)


@pytest.mark.parametrize(
    ("build", "filename"),
    [(real_xlsx, "people.xlsx"), (real_xls, "people.xls"), (real_ods, "people.ods")],
)
def test_each_format_previews_as_valid_people(build, filename):
    pv = validation.parse(build(PEOPLE), filename)
    assert pv.issues == ()
    assert [(r.email, r.name, r.hire_date) for r in pv.rows][1] == (
        "bo@example.com",
        "Bo Chen",
        dt.date(2023, 9, 18),
    )


def test_the_content_decides_the_format_whatever_the_spreadsheet_name_says():
    assert (
        read_table(real_xlsx(PEOPLE), "people.xls").rows
        == read_table(real_xls(PEOPLE), "people.xlsx").rows
    )


def test_an_ods_as_libreoffice_writes_it_with_a_million_empty_repeated_rows_reads_fine():
    data = ods(
        '<table:table-column table:number-columns-repeated="1024"/>'
        + ods_row(
            ods_text("email"),
            ods_text("name"),
            '<table:table-cell table:number-columns-repeated="1022"/>',
        )
        + ods_row(
            ods_text("a@b.c"),
            ods_text("Ana"),
            '<table:table-cell table:number-columns-repeated="1022"/>',
        )
        + ods_row('<table:table-cell table:number-columns-repeated="1024"/>', repeat=1048574)
    )
    assert read_sheet(data, "p.ods") == [(1, ["email", "name"]), (2, ["a@b.c", "Ana"])]


def test_repeated_ods_cells_and_rows_with_content_are_read_repeated():
    data = ods(ods_row(ods_text("x", repeat=3)) + ods_row(ods_text("y"), repeat=2))
    assert read_sheet(data, "p.ods") == [(1, ["x", "x", "x"]), (2, ["y"]), (3, ["y"])]


def test_the_first_visible_sheet_is_read():
    import io

    from openpyxl import Workbook

    book = Workbook()
    hidden = book.active
    hidden.append(["lookup"])
    hidden.sheet_state = "hidden"
    book.create_sheet("People").append(["email"])
    out = io.BytesIO()
    book.save(out)
    assert read_sheet(out.getvalue(), "p.xlsx") == [(1, ["email"])]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  x ", "x"),
        (True, "TRUE"),
        (4, "4"),
        (4.0, "4"),
        (3.5, "3.5"),
        (1e20, "1e+20"),
        (math.nan, ""),
        (dt.date(2020, 1, 1), "2020-01-01"),
        (dt.datetime(2020, 1, 1), "2020-01-01"),
        (dt.datetime(2019, 2, 4, 9, 29, 59, 999_999), "2019-02-04 09:30:00"),
        (dt.datetime(9999, 12, 31, 23, 59, 59, 999_999), "9999-12-31 23:59:59"),
        (dt.time(9, 30), "09:30:00"),
    ],
)
def test_a_cell_reads_as_the_text_a_person_sees(value, text):
    assert cell_text(value) == text


def test_every_reader_error_is_a_domain_error_pages_can_catch():
    assert issubclass(FileProblem, TandemError)
    assert issubclass(FileRejected, TandemError)
    with pytest.raises(TandemError):
        read_table(b"PK\x03\x04garbage", "p.xlsx")
