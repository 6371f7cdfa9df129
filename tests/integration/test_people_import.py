"""People import: the validation report (exact sentences), idempotent upsert, managers, deactivation."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bench.bench_import import synthetic_csv
from core.kernel import audit, clock
from core.kernel.errors import Conflict, InvalidImport, NotAllowed
from core.people import compare, importer, report
from db.models import Account, AccountRole, AuditLog, Person
from tests.builders import make_account, make_user

HEADER = "email,name,department,level,manager email,location,hire date,leave date,language"


def csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode("utf-8")


@pytest.fixture
def coord(sf):
    return make_user(sf, "coord", ("coordinator",), email="coord@example.com")


def problems(pv: report.ImportPreview) -> list[tuple[int | None, str]]:
    return [(i.line, i.message) for i in pv.errors]


def warnings(pv: report.ImportPreview) -> list[tuple[int | None, str]]:
    return [(i.line, i.message) for i in pv.warnings]


def person(sf, email: str) -> Person:
    with sf.begin() as s:
        return s.scalars(select(Person).where(Person.email == email)).one()


def count_people(sf) -> int:
    with sf.begin() as s:
        return s.scalar(select(func.count(Person.id)))


GOOD = (
    "ana@example.com,Ana Lima,Finance,L4,,Paris,2019-02-04,,fr",
    "bo@example.com,Bo Chen,Finance,L3,ana@example.com,Remote,2023-09-18,,en",
)


# --------------------------------------------------------------------------- the report


def test_a_clean_file_previews_as_new_people_without_writing_anything(sf, coord):
    before = count_people(sf)
    pv = importer.preview(sf, coord, csv(*GOOD), "people.csv")
    assert pv.issues == ()
    assert [r.status for r in pv.rows] == ["new", "new"]
    assert pv.rows[1].manager_email == "ana@example.com"
    assert pv.rows[0].hire_date == dt.date(2019, 2, 4)
    assert count_people(sf) == before


def test_a_bad_email_is_reported_on_its_line(sf, coord):
    pv = importer.preview(sf, coord, csv("not-an-email,Ana,,,,,,,"), "p.csv")
    assert problems(pv) == [(2, "“not-an-email” is not a valid e-mail address.")]
    assert pv.rows[0].status == "error"


def test_an_unknown_column_is_a_warning_naming_the_column(sf, coord):
    data = csv("ana@example.com,Ana,0611", header="email,name,Phone")
    pv = importer.preview(sf, coord, data, "p.csv")
    assert not pv.errors
    assert len(pv.warnings) == 1
    assert pv.warnings[0].message.startswith(
        "Column “Phone” is not known and is ignored. Known columns: E-mail, Name,"
    )


def test_a_duplicate_email_is_reported_on_every_line_that_has_it(sf, coord):
    pv = importer.preview(
        sf,
        coord,
        csv("ana@example.com,Ana,,,,,,,", "x@example.com,X,,,,,,,", "ANA@example.com,Ana L,,,,,,,"),
        "p.csv",
    )
    message = "The e-mail ana@example.com appears more than once in the file: lines 2, 4."
    assert problems(pv) == [(2, message), (4, message)]
    assert [r.status for r in pv.rows] == ["error", "new", "error"]


def test_a_missing_required_field_is_reported_with_the_files_own_header(sf, coord):
    data = csv(",Ana", "bo@example.com,", header="E-mail,Full name")
    pv = importer.preview(sf, coord, data, "p.csv")
    assert problems(pv) == [
        (2, "“E-mail” is required but empty."),
        (3, "“Full name” is required but empty."),
    ]


def test_a_bad_date_says_how_to_write_it(sf, coord):
    pv = importer.preview(sf, coord, csv("ana@example.com,Ana,,,,,31/02/2020,,"), "p.csv")
    assert problems(pv) == [
        (2, "“31/02/2020” is not a date: write it as YYYY-MM-DD, for example 2024-03-31.")
    ]


def test_an_impossible_date_and_a_leave_date_before_the_hire_date_are_refused(sf, coord):
    pv = importer.preview(
        sf,
        coord,
        csv("ana@example.com,Ana,,,,,2023-02-30,,", "bo@example.com,Bo,,,,,2023-05-01,2022-01-01,"),
        "p.csv",
    )
    assert problems(pv) == [
        (2, "“2023-02-30” is not a date: write it as YYYY-MM-DD, for example 2024-03-31."),
        (3, "The leave date 2022-01-01 is before the hire date 2023-05-01."),
    ]


def test_a_manager_neither_in_the_file_nor_in_tandem_is_an_error(sf, coord):
    pv = importer.preview(sf, coord, csv("ana@example.com,Ana,,,boss@example.com,,,,"), "p.csv")
    assert problems(pv) == [
        (2, "The manager boss@example.com is neither in the file nor in Tandem.")
    ]


def test_a_manager_already_in_tandem_is_accepted(sf, coord):
    pv = importer.preview(sf, coord, csv("ana@example.com,Ana,,,coord@example.com,,,,"), "p.csv")
    assert pv.errors == ()


def test_a_person_cannot_manage_themselves_and_loops_are_refused(sf, coord):
    pv = importer.preview(
        sf,
        coord,
        csv(
            "ana@example.com,Ana,,,ana@example.com,,,,",
            "bo@example.com,Bo,,,cy@example.com,,,,",
            "cy@example.com,Cy,,,bo@example.com,,,,",
        ),
        "p.csv",
    )
    assert problems(pv) == [
        (2, "A person cannot be their own manager."),
        (3, "The managers form a loop: bo@example.com → cy@example.com → bo@example.com."),
        (4, "The managers form a loop: bo@example.com → cy@example.com → bo@example.com."),
    ]


def test_an_unknown_language_lists_the_languages_offered(sf, coord):
    pv = importer.preview(
        sf,
        coord,
        csv("ana@example.com,Ana,,,,,,,de", "bo@example.com,Bo,,,,,,,Français"),
        "p.csv",
    )
    assert problems(pv) == [(2, "“de” is not a language Tandem offers: use en, fr.")]
    assert pv.rows[1].language == "fr"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n \n", "The file is empty."),
        (HEADER.encode() + b"\n", "The file has a header line but no people."),
        (
            b"name,department\nAna,Finance\n",
            "The file has no e-mail column. The first line must name the columns, for example: email, name, department, level, manager email, location, hire date, leave date, language.",
        ),
        (
            b"email,department\na@example.com,Finance\n",
            "The file has no name column (or first name and last name columns).",
        ),
        (
            b"Email,E-mail,name\na@example.com,a@example.com,Ana\n",
            "Two columns give the same information: “Email” and “E-mail”. Keep only one.",
        ),
        (
            "email,name\nana@example.com,Ana\n".encode("cp1252") + b"\x81\x8d\n",
            "The file's text encoding is not recognised: save it as “CSV UTF-8” and upload it again.",
        ),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_clear_sentence(sf, coord, data, message):
    pv = importer.preview(sf, coord, data, "people.csv")
    assert problems(pv) == [(None, message)]
    assert pv.rows == ()


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        (
            "photo.png",
            b"\x89PNG\r\n",
            "“photo.png” is not a list Tandem can read. Export the list from your spreadsheet as CSV UTF-8 (.csv), Excel (.xlsx or .xls) or OpenDocument (.ods).",
        ),
        (
            "people.csv",
            b"email\x00name\x00\n",
            "“people.csv” is not a list Tandem can read. Export the list from your spreadsheet as CSV UTF-8 (.csv), Excel (.xlsx or .xls) or OpenDocument (.ods).",
        ),
        (
            "people.xls",
            b"\xd0\xcf\x11\xe0",
            "“people.xls” cannot be read as a spreadsheet: it is damaged or not a spreadsheet at all. Open it in your spreadsheet program and save it again as .xlsx, .ods or CSV.",
        ),
        (
            "people.xlsx",
            b"email,name\na@example.com,Ana\n",
            "“people.xlsx” is named .xlsx but holds plain text: if it is a CSV export, rename it to end in .csv.",
        ),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused_by_name(sf, coord, filename, data, message):
    pv = importer.preview(sf, coord, data, filename)
    assert problems(pv) == [(None, message)]


def test_headers_are_recognised_in_their_usual_spellings_and_cases(sf, coord):
    data = (
        "\ufeffE-Mail;Full Name;Dept;Grade;manager_email;Office;Hire Date;Leave_Date;Langue\n"
        "ana@example.com;Ana Lima;Finance;L4;;Paris;2019-02-04;;FR\n"
    ).encode()
    pv = importer.preview(sf, coord, data, "export.csv")
    assert pv.issues == ()
    row = pv.rows[0]
    assert (row.email, row.name, row.department, row.level, row.location, row.language) == (
        "ana@example.com",
        "Ana Lima",
        "Finance",
        "L4",
        "Paris",
        "fr",
    )


def test_first_and_last_name_columns_make_the_name(sf, coord):
    data = csv("ana@example.com,Ana,Lima", header="email,First name,Last name")
    pv = importer.preview(sf, coord, data, "p.csv")
    assert pv.rows[0].name == "Ana Lima"


def test_a_windows_1252_file_is_read_with_a_warning_about_accents(sf, coord):
    data = "email,name\nhelene@example.com,Hélène Côté\n".encode("cp1252")
    pv = importer.preview(sf, coord, data, "p.csv")
    assert pv.rows[0].name == "Hélène Côté"
    assert warnings(pv) == [
        (
            None,
            "The file is not in UTF-8; it was read as Windows-1252 (Western European). Check the accents in the preview, or save the file as “CSV UTF-8”.",
        )
    ]


def test_a_name_too_long_is_refused_with_its_length(sf, coord):
    pv = importer.preview(sf, coord, csv(f"ana@example.com,{'A' * 201},,,,,,,"), "p.csv")
    assert problems(pv) == [(2, "“name” is too long: 201 characters, at most 200.")]


def test_only_coordinators_and_admins_may_import(sf):
    camille = make_user(sf, "camille", ("participant",))
    with pytest.raises(NotAllowed):
        importer.preview(sf, camille, csv(*GOOD), "p.csv")
    admin = make_user(sf, "root", ("admin",))
    assert importer.preview(sf, admin, csv(*GOOD), "p.csv").errors == ()


# --------------------------------------------------------------------------- apply


def test_nothing_is_written_while_the_report_has_errors(sf, coord):
    pv = importer.preview(sf, coord, csv(*GOOD, "bad,Someone,,,,,,,"), "p.csv")
    before = count_people(sf)
    with pytest.raises(InvalidImport) as e:
        importer.apply(sf, coord, pv)
    assert str(e.value) == (
        "The file has 1 line with errors: nothing was imported. Fix the file and upload it again, or import only the valid lines."
    )
    assert count_people(sf) == before


def test_the_valid_lines_only_are_imported_when_asked(sf, coord):
    pv = importer.preview(sf, coord, csv(*GOOD, "bad,Someone,,,,,,,"), "p.csv")
    result = importer.apply(sf, coord, pv, valid_only=True)
    assert (result.created, result.skipped) == (2, 1)
    assert person(sf, "bo@example.com").full_name == "Bo Chen"


def test_a_file_error_cannot_be_forced_through(sf, coord):
    pv = importer.preview(sf, coord, b"", "p.csv")
    with pytest.raises(InvalidImport, match="The file is empty."):
        importer.apply(sf, coord, pv, valid_only=True)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(sf, coord):
    data = csv(*GOOD)
    first = importer.apply(sf, coord, importer.preview(sf, coord, data, "p.csv"))
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    stamp = person(sf, "bo@example.com").updated_at
    clock.set_now(clock.now() + dt.timedelta(hours=1))
    again = importer.preview(sf, coord, data, "p.csv")
    assert [r.status for r in again.rows] == ["unchanged", "unchanged"]
    second = importer.apply(sf, coord, again)
    assert (second.created, second.updated, second.unchanged, second.deactivated) == (0, 0, 2, 0)
    assert person(sf, "bo@example.com").updated_at == stamp


def test_a_changed_line_updates_only_what_changed_and_email_case_does_not_matter(sf, coord):
    importer.apply(sf, coord, importer.preview(sf, coord, csv(*GOOD), "p.csv"))
    changed = csv(GOOD[0], "BO@Example.com,Bo Chen,Sales,L3,ana@example.com,Remote,2023-09-18,,en")
    pv = importer.preview(sf, coord, changed, "p.csv")
    assert [r.status for r in pv.rows] == ["unchanged", "changed"]
    assert pv.rows[1].changes == ("department",)
    result = importer.apply(sf, coord, pv)
    assert (result.updated, result.unchanged) == (1, 1)
    assert person(sf, "bo@example.com").department == "Sales"


def test_a_column_absent_from_the_file_is_left_as_it_is(sf, coord):
    importer.apply(sf, coord, importer.preview(sf, coord, csv(*GOOD), "p.csv"))
    pv = importer.preview(sf, coord, csv("bo@example.com,Bo Chen", header="email,name"), "p.csv")
    assert pv.rows[0].status == "unchanged"
    importer.apply(sf, coord, pv)
    bo = person(sf, "bo@example.com")
    assert (bo.department, bo.location, bo.manager_id is not None) == ("Finance", "Remote", True)


def test_managers_are_linked_whether_in_the_file_or_already_in_tandem(sf, coord):
    data = csv(
        "bo@example.com,Bo,,,ana@example.com,,,,",  # the manager comes later in the file
        "ana@example.com,Ana,,,coord@example.com,,,,",
        "cy@example.com,Cy,,,,,,,",
    )
    importer.apply(sf, coord, importer.preview(sf, coord, data, "p.csv"))
    ana, bo, cy = (person(sf, f"{n}@example.com") for n in ("ana", "bo", "cy"))
    assert bo.manager_id == ana.id
    assert ana.manager_id == person(sf, "coord@example.com").id
    assert cy.manager_id is None
    # Moving Bo to Cy's team and removing Ana's manager: two updates.
    moved = csv(
        "bo@example.com,Bo,,,cy@example.com,,,,",
        "ana@example.com,Ana,,,,,,,",
        "cy@example.com,Cy,,,,,,,",
    )
    pv = importer.preview(sf, coord, moved, "p.csv")
    assert [r.changes for r in pv.rows] == [("manager_id",), ("manager_id",), ()]
    result = importer.apply(sf, coord, pv)
    assert result.updated == 2
    assert person(sf, "bo@example.com").manager_id == cy.id
    assert person(sf, "ana@example.com").manager_id is None


def test_people_missing_from_the_file_are_deactivated_only_on_request(sf, coord):
    with sf.begin() as s:
        old = make_account(s, "olga", email="olga@example.com")
        make_account(s, "root", roles=("admin",), email="root@example.com")
    pv = importer.preview(sf, coord, csv(*GOOD), "p.csv")
    assert (pv.missing, pv.kept) == (1, 2)  # Olga; the admin and the importer are kept
    kept = importer.apply(sf, coord, pv)
    assert kept.deactivated == 0
    assert person(sf, "olga@example.com").is_active

    clock.set_now(clock.now() + dt.timedelta(minutes=1))
    result = importer.apply(
        sf,
        coord,
        importer.preview(sf, coord, csv(*GOOD), "p.csv"),
        deactivate_missing=True,
        confirm_missing=1,
    )
    assert result.deactivated == 1
    assert not person(sf, "olga@example.com").is_active
    assert person(sf, "root@example.com").is_active
    assert person(sf, "coord@example.com").is_active
    with sf.begin() as s:
        account = s.get(Account, old.id)
        assert not account.is_active
        assert account.sessions_revoked_before == clock.now()


def test_a_person_back_in_the_file_is_active_again(sf, coord):
    with sf.begin() as s:
        make_account(s, "olga", email="olga@example.com")
    importer.apply(
        sf,
        coord,
        importer.preview(sf, coord, csv(*GOOD), "p.csv"),
        deactivate_missing=True,
        confirm_missing=1,
    )
    back = csv(*GOOD, "olga@example.com,Olga,Engineering,L3,,,,,")
    result = importer.apply(sf, coord, importer.preview(sf, coord, back, "p.csv"))
    assert (result.reactivated, result.updated) == (1, 1)
    assert person(sf, "olga@example.com").is_active


def test_a_leave_date_in_the_past_deactivates_the_person_and_their_account(sf, coord):
    clock.set_now(dt.datetime(2026, 6, 1, 9, 0))
    with sf.begin() as s:
        account = make_account(s, "bo", email="bo@example.com")
    data = csv(
        GOOD[0], "bo@example.com,Bo Chen,Finance,L3,ana@example.com,Remote,2023-09-18,2026-05-31,en"
    )
    importer.apply(sf, coord, importer.preview(sf, coord, data, "p.csv"))
    assert not person(sf, "bo@example.com").is_active
    with sf.begin() as s:
        assert not s.get(Account, account.id).is_active


ME_LEFT_ALONE = (
    "This is you: an import never deactivates, renames or changes the e-mail of the person "
    "importing it. The line is left alone."
)
ADMIN_LEFT_ALONE = (
    "This person has the role “Admin”, above yours: only someone with that role can deactivate, "
    "rename or change the e-mail of this person. The line is left alone."
)


def test_an_import_cannot_mark_the_importer_as_gone(sf, coord):
    clock.set_now(dt.datetime(2026, 6, 1, 9, 0))
    pv = importer.preview(
        sf, coord, csv("coord@example.com,Coord,,,,,2020-01-01,2026-05-01,"), "p.csv"
    )
    assert problems(pv) == []
    assert warnings(pv) == [(2, ME_LEFT_ALONE)]
    assert [(a.line, a.email) for a in pv.left_alone] == [(2, "coord@example.com")]
    result = importer.apply(sf, coord, pv)
    assert (result.left_alone, result.updated) == (1, 0)
    assert person(sf, "coord@example.com").is_active
    assert person(sf, "coord@example.com").full_name == "Coord"


def test_an_import_cannot_rename_the_importer_but_may_update_their_department(sf, coord):
    pv = importer.preview(sf, coord, csv("coord@example.com,Someone Else,Legal,,,,,,"), "p.csv")
    assert warnings(pv) == [(2, ME_LEFT_ALONE)]
    pv = importer.preview(sf, coord, csv("coord@example.com,Coord,Legal,,,,,,"), "p.csv")
    assert pv.left_alone == () and "department" in pv.rows[0].changes
    importer.apply(sf, coord, pv)
    assert person(sf, "coord@example.com").department == "Legal"


@pytest.fixture
def admin_account(sf):
    with sf.begin() as s:
        return make_account(s, "root", roles=("admin",), email="root@example.com")


def test_a_coordinators_import_never_deactivates_the_admin_with_a_past_leave_date(
    sf, coord, admin_account
):
    """The hostile case of issue 8: an admin's e-mail with a past leave date."""
    clock.set_now(dt.datetime(2026, 6, 1, 9, 0))
    data = csv(*GOOD, "root@example.com,Root,IT,L5,,,2019-01-01,2026-05-31,")
    pv = importer.preview(sf, coord, data, "p.csv")
    assert problems(pv) == []
    assert warnings(pv) == [(4, ADMIN_LEFT_ALONE)]
    assert {r.line: r.status for r in pv.rows}[4] == "unchanged"
    result = importer.apply(sf, coord, pv)
    assert (result.created, result.left_alone) == (2, 1)
    root = person(sf, "root@example.com")
    assert root.is_active and root.leave_date is None and root.department == "Engineering"
    with sf.begin() as s:
        account = s.get_one(Account, admin_account.id)
        assert account.is_active and account.sessions_revoked_before is None


def test_a_coordinators_import_never_renames_an_admin(sf, coord, admin_account):
    # (The e-mail is the key of a line, compared without case: no line can change it.)
    pv = importer.preview(sf, coord, csv("root@example.com,Not Root Any More,,,,,,,"), "p.csv")
    assert warnings(pv) == [(2, ADMIN_LEFT_ALONE)]
    importer.apply(sf, coord, pv)
    root = person(sf, "root@example.com")
    assert (root.full_name, root.email) == ("Root", "root@example.com")


def test_a_coordinator_may_still_update_an_admins_other_details(sf, coord, admin_account):
    pv = importer.preview(sf, coord, csv("root@example.com,Root,IT,L5,,Lyon,,,"), "p.csv")
    assert pv.left_alone == ()
    importer.apply(sf, coord, pv)
    assert person(sf, "root@example.com").location == "Lyon"


def test_an_admin_may_rename_and_deactivate_a_coordinator_and_a_coordinator_a_participant(sf):
    clock.set_now(dt.datetime(2026, 6, 1, 9, 0))
    root = make_user(sf, "root", ("admin",), email="root@example.com")
    make_user(sf, "coord", ("coordinator",), email="coord@example.com")
    with sf.begin() as s:
        make_account(s, "olga", email="olga@example.com")
        make_account(s, "cora", roles=("coordinator",), email="cora@example.com")
    by_admin = csv("coord@example.com,Coord Renamed,,,,,2019-01-01,2026-05-31,")
    pv = importer.preview(sf, root, by_admin, "p.csv")
    assert pv.left_alone == ()
    importer.apply(sf, root, pv)
    assert not person(sf, "coord@example.com").is_active
    by_coord = csv(
        "olga@example.com,Olga Renamed,,,,,2019-01-01,2026-05-31,",
        "cora@example.com,Cora Renamed,,,,,,,",  # the same role: not above
    )
    coord2 = make_user(sf, "coord2", ("coordinator",))
    pv = importer.preview(sf, coord2, by_coord, "p.csv")
    assert pv.left_alone == ()
    importer.apply(sf, coord2, pv)
    assert not person(sf, "olga@example.com").is_active
    assert person(sf, "cora@example.com").full_name == "Cora Renamed"


def test_deactivating_the_people_missing_from_the_file_never_reaches_the_admin_nor_you(
    sf, coord, admin_account
):
    with sf.begin() as s:
        make_account(s, "olga", email="olga@example.com")
    pv = importer.preview(sf, coord, csv(*GOOD), "p.csv")
    result = importer.apply(sf, coord, pv, deactivate_missing=True, confirm_missing=1)
    assert result.deactivated == 1
    assert not person(sf, "olga@example.com").is_active
    assert person(sf, "root@example.com").is_active and person(sf, "coord@example.com").is_active
    with sf.begin() as s:
        assert s.get_one(Account, admin_account.id).is_active


def test_apply_refuses_when_someone_became_an_admin_after_the_preview(sf, coord):
    clock.set_now(dt.datetime(2026, 6, 1, 9, 0))
    with sf.begin() as s:
        bo = make_account(s, "bo", email="bo@example.com")
    pv = importer.preview(sf, coord, csv("bo@example.com,Bo,,,,,2019-01-01,2026-05-31,"), "p.csv")
    assert pv.left_alone == () and pv.rows[0].status == "changed"
    with sf.begin() as s:
        s.add(AccountRole(account_id=bo.id, role="admin"))
    with pytest.raises(InvalidImport, match="changed since the preview"):
        importer.apply(sf, coord, pv)
    assert person(sf, "bo@example.com").is_active


def test_apply_deactivates_exactly_the_missing_people_the_preview_listed(sf, coord):
    with sf.begin() as s:
        make_account(s, "olga", email="olga@example.com")
    pv = importer.preview(sf, coord, csv(*GOOD), "p.csv")
    assert pv.missing == 1
    with sf.begin() as s:
        make_account(s, "pia", email="pia@example.com")  # added after the preview
    with pytest.raises(InvalidImport, match="changed since the preview"):
        importer.apply(sf, coord, pv, deactivate_missing=True, confirm_missing=1)
    assert person(sf, "olga@example.com").is_active and person(sf, "pia@example.com").is_active
    importer.apply(sf, coord, pv)  # without deactivating, the preview still holds


def test_an_import_leaves_one_audit_line_with_its_counts(sf, coord):
    importer.apply(sf, coord, importer.preview(sf, coord, csv(*GOOD), "people.csv"))
    with sf.begin() as s:
        line = s.scalars(select(AuditLog).where(AuditLog.action == "people_imported")).one()
    assert (line.actor_username, line.target) == ("coord", "people.csv")
    assert line.detail["created"] == 2
    assert "people_imported" in audit.ACTIONS


def test_an_xlsx_file_imports_like_the_same_csv(sf, coord):
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Name", "Department", "Level", "Manager email", "Hire date", "Language"])
    sheet.append(["ana@example.com", "Ana Lima", "Finance", 4, None, dt.datetime(2019, 2, 4), "fr"])
    sheet.append(
        ["bo@example.com", "Bo Chen", "Finance", 3, "ana@example.com", dt.date(2023, 9, 18), "en"]
    )
    sheet.append([None] * 7)  # Excel's trailing blank rows are ignored
    out = io.BytesIO()
    book.save(out)
    pv = importer.preview(sf, coord, out.getvalue(), "people.xlsx")
    assert pv.issues == ()
    assert pv.rows[0].hire_date == dt.date(2019, 2, 4)
    assert pv.rows[0].level == "4"
    importer.apply(sf, coord, pv)
    assert person(sf, "bo@example.com").manager_id == person(sf, "ana@example.com").id
    same_csv = csv(
        "ana@example.com,Ana Lima,Finance,4,,2019-02-04,fr",
        "bo@example.com,Bo Chen,Finance,3,ana@example.com,2023-09-18,en",
        header="email,name,department,level,manager email,hire date,language",
    )
    assert [r.status for r in importer.preview(sf, coord, same_csv, "p.csv").rows] == [
        "unchanged",
        "unchanged",
    ]


def test_ten_thousand_rows_import_correctly_and_a_second_run_changes_nothing(sf, coord):
    data = synthetic_csv(10_000)
    pv = importer.preview(sf, coord, data, "big.csv")
    assert pv.errors == ()
    seen: list[float] = []
    result = importer.apply(sf, coord, pv, progress=lambda f, _m: seen.append(f))
    assert result.created == 10_000
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    with sf.begin() as s:
        assert (
            s.scalar(select(func.count(Person.id)).where(Person.email.like("%@bench.example")))
            == 10_000
        )
        with_manager = s.scalar(
            select(func.count(Person.id)).where(
                Person.email.like("%@bench.example"), Person.manager_id.is_not(None)
            )
        )
    assert with_manager == sum(1 for r in pv.rows if r.manager_email)
    again = importer.apply(sf, coord, importer.preview(sf, coord, data, "big.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10_000)


def test_every_problem_of_a_line_is_reported_at_once_under_the_files_own_headers(sf, coord):
    data = csv(
        "ana@example.com,Ana,Finance,boss@example.com,2020-13-01",
        "ana@example.com,Ana L,Sales,,",
        header="Email,Name,Dept,Manager,Start date",
    )
    pv = importer.preview(sf, coord, data, "p.csv")
    assert [(i.line, i.column, i.message) for i in pv.errors] == [
        (
            2,
            "Start date",
            "“2020-13-01” is not a date: write it as YYYY-MM-DD, for example 2024-03-31.",
        ),
        (2, "Email", "The e-mail ana@example.com appears more than once in the file: lines 2, 3."),
        (2, "Manager", "The manager boss@example.com is neither in the file nor in Tandem."),
        (3, "Email", "The e-mail ana@example.com appears more than once in the file: lines 2, 3."),
    ]


def test_a_person_created_meanwhile_by_someone_else_gives_a_conflict_and_writes_nothing(
    sf, coord, monkeypatch
):
    pv = importer.preview(sf, coord, csv(*GOOD), "p.csv")
    real = compare.snapshot
    postgres = sf.kw["bind"].dialect.name == "postgresql"

    def add_ana() -> None:
        with sf.begin() as other:
            now = clock.now()
            other.add(
                Person(email="ana@example.com", full_name="Ana", created_at=now, updated_at=now)
            )

    def racing_snapshot(s, viewer):
        snap = real(s, viewer)
        if postgres:
            add_ana()  # an admin commits Ana right after the import read everybody
        else:
            # SQLite serialises writers (BEGIN IMMEDIATE), so the race cannot happen there;
            # the same moment is simulated by hiding Ana from the import's read.
            snap.by_email.pop("ana@example.com")
        return snap

    if not postgres:
        add_ana()
    monkeypatch.setattr(compare, "snapshot", racing_snapshot)
    with pytest.raises(Conflict) as e:
        importer.apply(sf, coord, pv)
    assert str(e.value) == (
        "Someone changed the people in Tandem at the same moment: check the file again."
    )
    with sf.begin() as s:  # Bo, from the same file, was not written either: one transaction
        assert s.scalar(select(Person.id).where(Person.email == "bo@example.com")) is None
