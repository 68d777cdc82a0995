"""Enrolling participants from the organiser's spreadsheet: every row matched, checked and reported by line."""

from __future__ import annotations

import io
from datetime import date

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from bangkit.core.exceptions import OutOfJurisdiction
from bangkit.dataimport.reading import FileProblem
from bangkit.programs.choices import EnrolmentState
from bangkit.programs.enrolment_file import Mode, enrol_from_file
from bangkit.programs.models import Enrolment
from bangkit.programs.testing import make_event
from bangkit.registry.testing import make_person

pytestmark = pytest.mark.django_db


def _csv(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("peserta.csv", "\n".join(lines).encode(), content_type="text/csv")


@pytest.fixture
def listed(people):
    """A Kupang event and the people of its organiser's list."""
    event = make_event(people, capacity=2)
    by_nik = make_person(people, full_name="Maria Goreti Lake")
    by_name = make_person(people, full_name="Yosefina Bria", birth_date=date(1988, 3, 14))
    elsewhere = make_person(people, "indramayu", full_name="Siti Aminah")
    return event, by_nik, by_name, elsewhere


def test_it_enrols_the_good_rows_and_reports_each_other_row_by_line(people, listed):
    event, by_nik, by_name, elsewhere = listed
    upload = _csv(
        "Daftar peserta Bimsos Tarus",
        "No,Nama Lengkap,NIK,Tanggal Lahir",
        f"1,Maria Goreti Lake,{by_nik.nik},",
        "2,Yosefina Bria,,14-03-1988",
        f"3,Siti Aminah,{elsewhere.nik},",
        "4,Orang Salah Ketik,53010812345,",
        f"5,Maria G. Lake,{by_nik.nik},",
        "6,Nama Saja,,",
    )

    result = enrol_from_file(actor=people.kupang_case_worker, event=event, upload=upload, mode=Mode.GOOD_ROWS)

    assert (result.enrolled, result.waitlisted) == (2, 0)
    assert set(Enrolment.objects.values_list("person_id", flat=True)) == {by_nik.pk, by_name.pk}
    assert [(row.line, row.problem) for row in result.problems] == [
        (5, "Tidak ditemukan di registri dalam yurisdiksi Anda; daftarkan orangnya dulu."),
        (6, "NIK harus 16 angka."),
        (7, "Orang yang sama sudah ada di baris 3."),
        (8, "Tanpa NIK, baris perlu nama lengkap dan tanggal lahir."),
    ]
    assert all(elsewhere.nik not in row.problem for row in result.rows)


def test_checking_only_writes_nothing(people, listed):
    event, by_nik, *_rest = listed

    result = enrol_from_file(
        actor=people.kupang_case_worker, event=event, upload=_csv("Nama,NIK", f"Maria,{by_nik.nik}"), mode=Mode.CHECK
    )

    assert result.good_rows == 1
    assert not result.written
    assert not Enrolment.objects.exists()


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(people, listed):
    event, by_nik, *_rest = listed

    result = enrol_from_file(
        actor=people.kupang_case_worker,
        event=event,
        upload=_csv("Nama,NIK", f"Maria,{by_nik.nik}", "Orang Lain,5301084107900999"),
        mode=Mode.ALL_OR_NOTHING,
    )

    assert [row.line for row in result.problems] == [3]
    assert not Enrolment.objects.exists()


def test_rows_over_capacity_go_to_the_waiting_list_and_ineligible_rows_say_why(people, listed):
    event, by_nik, by_name, _elsewhere = listed
    third = make_person(people, full_name="Adriana Seran")
    deceased = make_person(people, full_name="Alm. Petrus", deceased_on=date(2021, 5, 2))

    result = enrol_from_file(
        actor=people.kupang_case_worker,
        event=event,
        upload=_csv("Nama,NIK", f"A,{by_nik.nik}", f"B,{by_name.nik}", f"C,{third.nik}", f"D,{deceased.nik}"),
        mode=Mode.GOOD_ROWS,
    )

    assert (result.enrolled, result.waitlisted) == (2, 1)
    assert Enrolment.objects.get(person=third).state == EnrolmentState.WAITLISTED
    assert [(row.line, row.problem) for row in result.problems] == [(5, "Orang ini tercatat sudah meninggal.")]


def test_an_xlsx_with_niks_stored_as_numbers_is_read(people, listed):
    event, by_nik, *_rest = listed
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet("Peserta")
    sheet.write_row(0, 0, ["Nama Peserta", "NIK"])
    sheet.write_row(1, 0, ["Maria Goreti Lake", by_nik.nik])
    workbook.close()
    upload = SimpleUploadedFile("peserta.xlsx", buffer.getvalue())

    result = enrol_from_file(actor=people.kupang_case_worker, event=event, upload=upload, mode=Mode.GOOD_ROWS)

    assert result.enrolled == 1


def test_a_file_without_nik_or_birth_date_columns_is_refused_whole(people, listed):
    event, *_rest = listed

    with pytest.raises(FileProblem, match="Perlu kolom NIK"):
        enrol_from_file(
            actor=people.kupang_case_worker, event=event, upload=_csv("Nama,Desa", "Maria,Tarus"), mode=Mode.GOOD_ROWS
        )


def test_a_user_of_another_jurisdiction_cannot_enrol_from_a_file(people, listed):
    event, by_nik, *_rest = listed

    with pytest.raises(OutOfJurisdiction):
        enrol_from_file(
            actor=people.indramayu_case_worker,
            event=event,
            upload=_csv("Nama,NIK", f"Maria,{by_nik.nik}"),
            mode=Mode.GOOD_ROWS,
        )
    assert not Enrolment.objects.exists()
