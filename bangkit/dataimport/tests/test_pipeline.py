"""Upload, preview with every problem by row and column, and the two choices: import nothing, or the valid rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import override_settings

from bangkit.accounts.testing import People
from bangkit.core.exceptions import OutOfJurisdiction, ServiceError
from bangkit.dataimport import importing
from bangkit.dataimport.choices import JobState
from bangkit.dataimport.importing import run_import
from bangkit.dataimport.models import ImportJob, StagedPerson
from bangkit.dataimport.services import import_job_confirm
from bangkit.dataimport.tests.helpers import (
    HEADER,
    MARIA_NIK,
    RUTH_NIK,
    YOHANES_NIK,
    cancel,
    confirm,
    csv_bytes,
    kupang_row,
    problems,
    upload,
    valid_rows,
    xlsx_bytes,
)
from bangkit.regions.nik import build_nik
from bangkit.registry.models import BankAccount, DuplicatePair, MigrationStay, Person, Phone
from bangkit.registry.testing import make_person

MESSY_HEADER = [*HEADER, "Konfirmasi", "Nama Pemilik Rekening"]


def messy_rows() -> list[list[Any]]:
    """A file as offices send them: valid rows among every kind of mistake (spreadsheet rows 2–13)."""

    def row(number: int, name: str, nik: str, sex: str, born: str, confirm: str = "", holder: str = "", **changes: Any):
        return [*kupang_row(number, name, nik, sex, born, **changes), confirm, holder]

    other = build_nik("53.01.08", date(1992, 4, 9), "M", 3)
    return [
        row(1, "Maria Goreti Bria", MARIA_NIK, "P", "01-07-1990"),  # 2: valid
        row(2, "Dorkas Lay", "5,30108E+15", "P", "01-07-1990"),  # 3: NIK in scientific notation
        row(3, "Yohanes Nahak", YOHANES_NIK, "P", "02-03-1985"),  # 4: NIK says man, file says woman
        row(4, "Ruth Ndun", RUTH_NIK, "L", "24-12-1995", confirm="Ya"),  # 5: the same, but confirmed
        row(5, "Naomi Selan", build_nik("53.01.08", date(1991, 1, 1), "F", 4), "P", "1-1-1991",
            **{"Kode Wilayah": "53.01.08.9999"}),  # 6: unknown region
        row(6, "Casmirah", build_nik("32.12.04", date(1980, 5, 5), "F", 1), "P", "5 Mei 1980",
            **{"Kode Wilayah": "32.12.04.2013"}),  # 7: Indramayu, outside a Kupang worker's jurisdiction
        row(7, "Maria G. Bria", MARIA_NIK, "P", "01-07-1990"),  # 8: the NIK of row 2 again
        row(8, "Obed Tefa", other, "L", "09-04-1992", **{"No Rekening": "0123-01-000001-50-1"}),  # 9: row 2's account
        row(9, "Agustina Benu", build_nik("53.01.08", date(1993, 3, 3), "F", 5), "P", "03-03-1993",
            holder="Yakobus Lay"),  # 10: valid, but the account holder is someone else
        [""] * len(MESSY_HEADER),  # 11: empty, ignored
        row(11, "Lodia Kase", build_nik("53.01.08", date(1994, 4, 4), "F", 6), "P", "04-04-1994",
            Bank="Bank Antah Berantah"),  # 12: unknown bank
        row(12, "Orpa Missa", build_nik("53.01.08", date(1990, 11, 13), "F", 7), "P", "11/13/1990"),  # 13: US date
    ]  # fmt: skip


def test_it_lists_every_problem_by_row_and_column(people: People) -> None:
    job = upload(people.kupang_case_worker, csv_bytes(messy_rows(), MESSY_HEADER))
    assert job.state == JobState.VALIDATED, job.error_message
    assert problems(job) == [
        (3, "NIK", "nik_lost_digits"),
        (4, "NIK", "nik_conflict"),
        (5, "NIK", "nik_conflict_confirmed"),
        (6, "Kode Wilayah", "region_unknown"),
        (7, "Kode Wilayah", "region_outside_jurisdiction"),
        (8, "NIK", "nik_duplicate_in_file"),
        (9, "No Rekening", "account_duplicate_in_file"),
        (10, "Nama Pemilik Rekening", "holder_mismatch"),
        (12, "Bank", "bank"),
        (13, "Tgl Lahir", "date"),
    ]
    assert (job.rows_total, job.rows_valid, job.rows_invalid, job.rows_with_warnings) == (11, 3, 8, 2)
    messages = {(row, code): message for row, code, message in job.problems.values_list("row", "code", "message")}
    assert "baris 2" in messages[(8, "nik_duplicate_in_file")]
    assert "bulan dulu" in messages[(13, "date")]
    # Identifiers are masked wherever a problem shows them.
    values = list(job.problems.values_list("value", flat=True))
    assert MARIA_NIK not in values
    assert YOHANES_NIK not in values
    assert "5301********0001" in values
    assert not job.file  # the upload is deleted once checked: the staged rows are encrypted
    assert Person.objects.count() == 0


def test_it_imports_nothing_when_told_to(people: People) -> None:
    job = upload(people.kupang_case_worker, csv_bytes(messy_rows(), MESSY_HEADER))
    job = cancel(people.kupang_case_worker, job)
    assert job.state == JobState.CANCELLED
    assert (Person.objects.count(), BankAccount.objects.count(), MigrationStay.objects.count()) == (0, 0, 0)
    assert not StagedPerson.objects.exists()
    with pytest.raises(ServiceError):
        import_job_confirm(actor=people.kupang_case_worker, job=job)


def test_it_imports_exactly_the_valid_rows_with_their_accounts_and_stays(people: People) -> None:
    job = confirm(people.kupang_case_worker, upload(people.kupang_case_worker, csv_bytes(messy_rows(), MESSY_HEADER)))
    assert job.state == JobState.IMPORTED, job.error_message
    assert (job.imported_people, job.imported_accounts, job.imported_stays, job.imported_phones) == (3, 3, 3, 3)
    assert sorted(Person.objects.values_list("full_name", flat=True)) == [
        "Agustina Benu",
        "Maria Goreti Bria",
        "Ruth Ndun",
    ]
    maria = Person.objects.filter_exact(nik=MARIA_NIK).get()
    assert (maria.sex, maria.birth_date, maria.region_id) == ("F", date(1990, 7, 1), "53.01.08.1007")
    assert maria.organisation == people.orgs.kupang_lks
    account = BankAccount.objects.get(person=maria)
    assert (account.bank_id, account.account_number, account.status, account.is_primary) == (
        "002",
        "012301000001501",
        "unverified",
        True,
    )
    assert BankAccount.objects.filter_exact(account_number="0123 01 000001 50 1").get() == account
    stay = MigrationStay.objects.get(person=maria)
    assert (stay.country.code, stay.departed_on, stay.returned_on, stay.departure_route) == (
        "MY",
        date(2015, 11, 13),
        date(2019, 8, 2),
        "non_procedural",
    )
    assert Phone.objects.filter_exact(number="+62 812-3456-0001").get().person == maria
    ruth = Person.objects.filter_exact(nik=RUTH_NIK).get()
    assert ruth.sex == "M"
    assert ruth.nik_conflict_confirmed
    benu = Person.objects.get(full_name="Agustina Benu")
    assert BankAccount.objects.get(person=benu).name_mismatch
    # Encrypted at rest: the columns hold no identifier in clear.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nik, kk_number FROM registry_person")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
        cursor.execute("SELECT account_number FROM registry_bankaccount")
        stored += " ".join(row[0] for row in cursor.fetchall())
    assert MARIA_NIK not in stored
    assert RUTH_NIK not in stored
    assert "012301000001501" not in stored
    assert not StagedPerson.objects.exists()


def test_it_writes_one_entry_for_the_import_and_one_per_person(people: People) -> None:
    job = confirm(people.kupang_case_worker, upload(people.kupang_case_worker, csv_bytes(valid_rows())))
    entry = LogEntry.objects.get_for_object(job).filter(changes__state__1="imported").get()
    assert entry.actor == people.kupang_case_worker
    assert entry.additional_data["sha256"] == job.sha256
    assert entry.additional_data["file_name"] == "peserta.csv"
    assert entry.additional_data["counts"]["imported_people"] == 3
    maria = Person.objects.filter_exact(nik=MARIA_NIK).get()
    created = LogEntry.objects.get_for_object(maria).get()
    assert created.action == LogEntry.Action.CREATE
    assert created.actor == people.kupang_case_worker
    assert created.additional_data == {"import_job": job.pk}
    assert created.changes["nik"] == ["None", "******"]
    assert created.changes["full_name"] == ["None", "Maria Goreti Bria"]
    everything = " ".join(str(values) for values in LogEntry.objects.values_list("changes", "additional_data"))
    assert MARIA_NIK not in everything


def test_it_leaves_nothing_when_the_import_fails_half_way(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    job = upload(people.kupang_case_worker, csv_bytes(valid_rows()))
    copy = importing.Importer._copy

    def failing_copy(self: Any, model: Any, *args: Any) -> int:
        if model is MigrationStay:  # people, phones and accounts are already written by then
            raise RuntimeError("disk full")
        return copy(self, model, *args)

    monkeypatch.setattr(importing.Importer, "_copy", failing_copy)
    job = confirm(people.kupang_case_worker, job)
    assert job.state == JobState.FAILED
    assert "tidak ada data yang tersimpan" in job.error_message
    assert (Person.objects.count(), Phone.objects.count(), BankAccount.objects.count()) == (0, 0, 0)
    assert not LogEntry.objects.filter(content_type__model="person").exists()
    assert not StagedPerson.objects.exists()


def test_it_imports_a_job_once_however_often_asked(people: People) -> None:
    job = confirm(people.kupang_case_worker, upload(people.kupang_case_worker, csv_bytes(valid_rows())))
    run_import(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED)  # even a job set back by hand: nothing staged
    run_import(job.pk)
    assert Person.objects.count() == 3
    with pytest.raises(ServiceError):
        import_job_confirm(actor=people.kupang_case_worker, job=job)


def test_it_refuses_a_nik_already_registered(people: People) -> None:
    make_person(people, "kupang", full_name="Maria Goreti Bria", nik=MARIA_NIK, birth_date=date(1990, 7, 1))
    job = upload(people.kupang_case_worker, csv_bytes(valid_rows()))
    assert (job.rows_valid, job.rows_invalid) == (2, 1)
    problem = job.problems.get(code="nik_registered")
    assert (problem.row, problem.column, problem.message) == (2, "NIK", "NIK ini sudah terdaftar untuk orang lain.")


def test_it_skips_a_row_whose_nik_was_registered_after_the_preview(people: People) -> None:
    job = upload(people.kupang_case_worker, csv_bytes(valid_rows()))
    make_person(people, "kupang", full_name="Yohanes Nahak", sex="M", nik=YOHANES_NIK, birth_date=date(1985, 3, 2))
    job = confirm(people.kupang_case_worker, job)
    assert (job.state, job.imported_people, job.skipped_rows) == (JobState.IMPORTED, 2, 1)
    assert job.problems.filter(row=3, code="nik_registered").exists()


def test_it_warns_about_possible_duplicates_and_records_them_for_review(people: People) -> None:
    registered = make_person(people, "kupang", full_name="Maria Goreti Bria", birth_date=date(1990, 7, 1))
    job = upload(people.kupang_case_worker, csv_bytes(valid_rows()))
    warning = job.problems.get(code="possible_duplicate")
    assert (warning.row, warning.severity, warning.person_id) == (2, "warning", registered.pk)
    assert "Nama sama dan tanggal lahir sama" in warning.message
    assert job.rows_valid == 3
    confirm(people.kupang_case_worker, job)
    maria = Person.objects.filter_exact(nik=MARIA_NIK).get()
    pair = DuplicatePair.objects.get()
    assert {pair.first_id, pair.second_id} == {registered.pk, maria.pk}


def test_it_reads_xlsx_with_title_rows_numbers_and_date_cells(people: People) -> None:
    rows = [
        kupang_row(1, "Maria Goreti Bria", float(MARIA_NIK), "P", date(1990, 7, 1), **{"No HP": 81234560001.0}),
        kupang_row(2, "Yohanes Nahak", 5.30108e15, "L", 31108),  # NIK lost to Excel; birth date as a serial
    ]
    job = upload(
        people.kupang_case_worker,
        xlsx_bytes(rows, title="DAFTAR PENERIMA BANTUAN STIMULAN 2019"),
        name="Peserta Bimsos.xlsx",
    )
    assert job.state == JobState.VALIDATED, job.error_message
    assert (job.sheet_name, job.header_row) == ("Data", 3)
    assert problems(job) == [(5, "NIK", "nik_lost_digits")]
    job = confirm(people.kupang_case_worker, job)
    maria = Person.objects.filter_exact(nik=MARIA_NIK).get()
    assert maria.birth_date == date(1990, 7, 1)
    assert Phone.objects.get(person=maria).number == "81234560001"


def test_it_fails_a_file_without_a_header(people: People) -> None:
    job = upload(people.kupang_case_worker, b"just,some,numbers\n1,2,3\n")
    assert job.state == JobState.FAILED
    assert "judul kolom tidak ditemukan" in job.error_message
    assert not job.file


def test_it_refuses_other_files_at_upload(people: People) -> None:
    with pytest.raises(ServiceError) as caught:
        upload(people.kupang_case_worker, b"%PDF-1.4", name="peserta.pdf")
    assert caught.value.field == "file"
    with pytest.raises(ServiceError):
        upload(people.kupang_case_worker, b"not a zip", name="peserta.xlsx")
    with override_settings(DATAIMPORT_MAX_UPLOAD_MB=0), pytest.raises(ServiceError) as caught:
        upload(people.kupang_case_worker, csv_bytes(valid_rows()))
    assert "terlalu besar" in caught.value.message
    assert not ImportJob.objects.exists()


def test_it_refuses_rows_outside_the_chosen_target_region(people: People) -> None:
    rows = [*valid_rows(), kupang_row(4, "Naomi Selan", "", "P", "01-01-1991", **{"Kode Wilayah": "5301"})]
    job = upload(people.kupang_case_worker, csv_bytes(rows), region=people.regions["53.01.08"])
    assert job.region_id == "53.01.08"
    assert problems(job) == [(5, "Kode Wilayah", "region_outside_target")]


def test_it_refuses_an_upload_by_someone_who_may_not_register_people(people: People) -> None:
    with pytest.raises(OutOfJurisdiction):
        upload(people.national_admin, csv_bytes(valid_rows()))
    with pytest.raises(OutOfJurisdiction):
        upload(people.kupang_case_worker, csv_bytes(valid_rows()), region=people.regions["32.12"])
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_reads_csv_with_any_usual_separator(people: People, delimiter: str) -> None:
    job = upload(people.kupang_case_worker, csv_bytes(valid_rows(), delimiter=delimiter))
    assert job.rows_valid == 3, problems(job)


def test_it_reads_windows_1252_csv(people: People) -> None:
    content = csv_bytes([kupang_row(1, "Maria Conceição Bria", MARIA_NIK, "P", "01-07-1990")]).decode()
    job = upload(people.kupang_case_worker, content.encode("cp1252"))
    assert job.rows_valid == 1, problems(job)
    confirm(people.kupang_case_worker, job)
    assert Person.objects.get().full_name == "Maria Conceição Bria"


def test_it_reads_regions_given_by_name_and_other_columns(people: People) -> None:
    header = ["Nama", "No. KTP", "L/P", "Tempat/Tgl Lahir", "Desa/Kelurahan", "Kecamatan", "Kabupaten", "Telepon",
              "Kode Bank", "Nomor Rekening", "Negara", "Pekerjaan", "Cara Pulang", "Umur"]  # fmt: skip
    rows = [
        ["Maria Goreti Bria", MARIA_NIK, "Perempuan", "Kupang, 01-07-1990", "Tarus", "Kupang Tengah",
         "Kabupaten Kupang", "0812 3456 7890", "2", "0123-01-000001-50-1", "Malaysia", "PRT", "Deportasi", ""],
        ["Yohanes Nahak", "", "Laki-laki", "", "Tarus", "Kupang Tengah", "Kab. Kupang", "", "", "", "Arab Saudi",
         "Sopir", "", "40"],
    ]  # fmt: skip
    job = upload(people.kupang_case_worker, csv_bytes(rows, header))
    assert problems(job) == [(3, "Pekerjaan", "choice_other")], list(job.problems.values_list("message", flat=True))
    confirm(people.kupang_case_worker, job)
    yohanes = Person.objects.get(full_name="Yohanes Nahak")
    assert (yohanes.nik, yohanes.birth_date_estimated, yohanes.region_id) == (None, True, "53.01.08.1007")
    assert MigrationStay.objects.get(person=yohanes).work_sector == "other"
    stay = MigrationStay.objects.get(person__full_name="Maria Goreti Bria")
    assert (stay.work_sector, stay.return_mode) == ("domestic_work", "deported")
