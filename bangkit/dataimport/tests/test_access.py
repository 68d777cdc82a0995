"""Who sees which import, through the pages and the API; progress, problems, the report and the template."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from python_calamine import CalamineWorkbook

from bangkit.accounts.testing import People
from bangkit.core.testing.cases import ScopedModelTests
from bangkit.dataimport.choices import JobState
from bangkit.dataimport.models import ImportJob
from bangkit.dataimport.tests.helpers import MARIA_NIK, csv_bytes, kupang_row, upload, valid_rows
from bangkit.registry.models import Person


def make_job(people: People, place: str, **fields: Any) -> ImportJob:
    """A checked job of a Kupang or an Indramayu case worker, waiting for the choice."""
    user = people.kupang_case_worker if place == "kupang" else people.indramayu_case_worker
    values = {
        "region_id": "53.01" if place == "kupang" else "32.12",
        "organisation": user.organisation,
        "created_by": user,
        "original_name": "peserta.csv",
        "file_format": "csv",
        "sha256": "0" * 64,
        "state": JobState.VALIDATED,
        **fields,
    }
    return ImportJob.objects.create(**values)


class TestImportJobAccess(ScopedModelTests):
    model = ImportJob
    permitted_user = "kupang_case_worker"
    unpermitted_user = "kupang_nobody"
    list_url = "dataimport:job_list"
    detail_url = "dataimport:job_detail"
    edit_url = None
    action_urls = {"dataimport:job_confirm": None, "dataimport:job_cancel": None}
    api_list_url = "importjob-list"
    api_detail_url = "importjob-detail"
    api_writes = ()  # confirmed and cancelled through POST .../confirm/ and .../cancel/
    list_queries = 7

    def make(self, people: Any, place: str) -> ImportJob:
        return make_job(people, place)


def test_it_hides_a_kupang_import_from_indramayu(client: Any, api_client: Any, people: People) -> None:
    job = upload(people.kupang_case_worker, csv_bytes(valid_rows()))
    client.force_login(people.indramayu_case_worker)
    api_client.force_authenticate(people.indramayu_case_worker)
    for name in ("job_detail", "job_progress", "job_report"):
        assert client.get(reverse(f"dataimport:{name}", args=[job.pk])).status_code == 404, name
    for name in ("job_confirm", "job_cancel"):
        assert client.post(reverse(f"dataimport:{name}", args=[job.pk])).status_code == 404, name
    for suffix in ("detail", "problems", "report"):
        response = api_client.get(reverse(f"importjob-{suffix}", args=[job.pk]))
        assert response.status_code == 404, suffix
        if suffix != "report":
            assert response.json() == {"message": "Tidak ditemukan.", "errors": {}}
    for suffix in ("confirm", "cancel"):
        assert api_client.post(reverse(f"importjob-{suffix}", args=[job.pk])).status_code == 404, suffix
    assert job.pk not in {
        item["id"] for item in api_client.get(reverse("importjob-list"), {"all": "true"}).json()["results"]
    }
    job.refresh_from_db()
    assert job.state == JobState.VALIDATED


def test_it_lists_the_users_own_imports_unless_asked_for_all(client: Any, people: People) -> None:
    own = make_job(people, "kupang")
    colleague = make_job(people, "kupang", created_by=people.kupang_supervisor)
    client.force_login(people.kupang_case_worker)
    listed = {job.pk for job in client.get(reverse("dataimport:job_list")).context["object_list"]}
    assert listed == {own.pk}
    listed = {job.pk for job in client.get(reverse("dataimport:job_list"), {"semua": "1"}).context["object_list"]}
    assert listed == {own.pk, colleague.pk}


def test_it_uploads_previews_and_imports_through_the_pages(client: Any, people: People) -> None:
    client.force_login(people.kupang_case_worker)
    form = client.get(reverse("dataimport:job_upload"))
    assert form.status_code == 200
    rows = [*valid_rows(), kupang_row(4, "Salah Wilayah", "", "P", "01-01-1991", **{"Kode Wilayah": "99.99"})]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("dataimport:job_upload"), {"file": SimpleUploadedFile("peserta.csv", csv_bytes(rows))}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("no-store")
    content = page.content.decode()
    assert "Impor 3 baris valid" in content
    assert "Jangan impor apa pun" in content
    assert "Kode Wilayah" in content
    assert "99.99" in content
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("dataimport:job_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == JobState.IMPORTED
    assert "Diimpor: 3 orang" in client.get(job.get_absolute_url()).content.decode()
    assert Person.objects.filter_exact(nik=MARIA_NIK).exists()


def test_it_shows_upload_errors_on_the_form(client: Any, people: People) -> None:
    client.force_login(people.kupang_case_worker)
    response = client.post(reverse("dataimport:job_upload"), {"file": SimpleUploadedFile("data.pdf", b"%PDF")})
    assert response.status_code == 200
    assert "Hanya berkas .xlsx atau .csv" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_reports_progress_to_htmx_and_the_api(client: Any, api_client: Any, people: People) -> None:
    job = make_job(people, "kupang", state=JobState.VALIDATING, progress=40, rows_read=1200)
    client.force_login(people.kupang_case_worker)
    url = reverse("dataimport:job_progress", args=[job.pk])
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-valuenow="40"' in content
    assert 'hx-trigger="every 2s"' in content
    assert "HX-Refresh" not in response
    api_client.force_authenticate(people.kupang_case_worker)
    progress = api_client.get(reverse("importjob-detail", args=[job.pk])).json()["progress"]
    assert progress == {
        "state": "validating",
        "state_label": "Sedang diperiksa",
        "percent": 40,
        "rows_read": 1200,
        "step": "",
        "active": True,
    }
    ImportJob.objects.filter(pk=job.pk).update(state=JobState.VALIDATED, progress=100)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"  # done: the page reloads itself into the preview
    assert "hx-trigger" not in response.content.decode()


def test_it_offers_an_error_report_without_clear_identifiers(client: Any, people: People) -> None:
    rows = [
        kupang_row(1, "Maria Goreti Bria", MARIA_NIK, "L", "01-07-1990"),  # NIK contradicts the sex
        kupang_row(2, "Yohanes Nahak", "5,30108E+15", "L", "02-03-1985"),
    ]
    job = upload(people.kupang_case_worker, csv_bytes(rows))
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("dataimport:job_report", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    cells = [
        [str(cell) for cell in row]
        for name in workbook.sheet_names
        for row in workbook.get_sheet_by_name(name).to_python()
    ]
    text = " ".join(" ".join(row) for row in cells)
    assert MARIA_NIK not in text
    assert [cells[1][0].removesuffix(".0"), cells[1][1], cells[1][2]] == ["2", "NIK", "5301********0001"]
    assert job.sha256 in text


def test_it_offers_the_blank_template(client: Any, people: People) -> None:
    client.force_login(people.kupang_case_worker)
    response = client.get(reverse("dataimport:template"))
    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    header = workbook.get_sheet_by_index(0).to_python()[0]
    assert header[:3] == ["Nama Lengkap", "Nama Lain", "NIK"]
    client.force_login(people.kupang_nobody)
    assert client.get(reverse("dataimport:template")).status_code == 403


def test_it_runs_the_whole_import_through_the_api(api_client: Any, people: People) -> None:
    api_client.force_authenticate(people.kupang_case_worker)
    rows = [*valid_rows(), kupang_row(4, "Bad Date", "", "P", "31-02-1990")]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_client.post(
            reverse("importjob-list"),
            {"file": SimpleUploadedFile("peserta.csv", csv_bytes(rows)), "region": "53.01"},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    job_id = response.json()["id"]
    job = api_client.get(reverse("importjob-detail", args=[job_id])).json()
    assert (job["state"], job["rows_valid"], job["rows_invalid"]) == ("validated", 3, 1)
    problems = api_client.get(reverse("importjob-problems", args=[job_id]), {"severity": "error"}).json()
    assert problems["count"] == 1
    assert problems["results"][0] | {"message": ""} == {
        "row": 5,
        "column": "Tgl Lahir",
        "field": "birth_date",
        "value": "31-02-1990",
        "severity": "error",
        "code": "date",
        "message": "",
        "person": None,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_client.post(reverse("importjob-confirm", args=[job_id]))
    assert response.status_code == 200
    assert api_client.get(reverse("importjob-detail", args=[job_id])).json()["imported_people"] == 3
    again = api_client.post(reverse("importjob-confirm", args=[job_id]))
    assert again.status_code == 400
    assert "tidak dapat dikonfirmasi" in again.json()["message"]
    assert api_client.post(reverse("importjob-cancel", args=[job_id])).status_code == 400


def test_it_answers_bad_uploads_in_the_error_shape(api_client: Any, people: People) -> None:
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.post(reverse("importjob-list"), {}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()) == {"message", "errors"}
    assert "file" in response.json()["errors"]
    response = api_client.post(
        reverse("importjob-list"), {"file": SimpleUploadedFile("a.txt", b"x")}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    response = api_client.post(
        reverse("importjob-list"),
        {"file": SimpleUploadedFile("a.csv", csv_bytes(valid_rows())), "region": "32.12"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "region" in response.json()["errors"]
    assert not ImportJob.objects.exists()


def test_it_cancels_through_the_api(api_client: Any, people: People) -> None:
    job = upload(people.kupang_case_worker, csv_bytes(valid_rows()))
    api_client.force_authenticate(people.kupang_case_worker)
    response = api_client.post(reverse("importjob-cancel", args=[job.pk]))
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert not Person.objects.exists()
