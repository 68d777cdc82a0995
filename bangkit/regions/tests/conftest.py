from __future__ import annotations

import csv
import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from bangkit.accounts.models import Organisation, OrganisationKind, User
from bangkit.regions.loading import LoadReport, load_regions
from bangkit.regions.models import Region

# A small but real slice of the hierarchy, with the names the ranking and tokenising tests need.
SMALL_DATA: dict[str, list[tuple[str, ...]]] = {
    "provinces": [("53", "Nusa Tenggara Timur"), ("32", "Jawa Barat"), ("52", "Nusa Tenggara Barat")],
    "regencies": [
        ("53.01", "53", "Kabupaten Kupang"),
        ("53.71", "53", "Kota Kupang"),
        ("32.12", "32", "Kabupaten Indramayu"),
        ("52.04", "52", "Kabupaten Sumbawa"),
    ],
    "districts": [
        ("53.01.08", "53.01", "Kupang Tengah"),
        ("53.01.05", "53.01", "Kupang Barat"),
        ("53.71.01", "53.71", "Alak"),
        ("32.12.04", "32.12", "Cikedung"),
        ("52.04.20", "52.04", "Buer"),
    ],
    "villages": [
        ("53.01.08.1007", "53.01.08", "Tarus"),
        ("53.01.08.2003", "53.01.08", "Noelbaki"),
        ("53.01.05.2001", "53.01.05", "Tablolong"),
        ("53.71.01.1001", "53.71.01", "Namosain"),
        ("32.12.04.2013", "32.12.04", "Mundakjaya"),
        ("32.12.04.2001", "32.12.04", "Cikedung Lor"),
        ("32.12.04.2002", "32.12.04", "Jambak"),
        ("52.04.20.2001", "52.04.20", "Tarusa"),
        ("52.04.20.2002", "52.04.20", "Ja'an Tengah"),
    ],
}
SMALL_COUNTS = {1: 3, 2: 4, 3: 5, 4: 9}
_HEADERS = {
    "provinces": ("code", "name"),
    "regencies": ("code", "province_code", "name"),
    "districts": ("code", "regency_code", "name"),
    "villages": ("code", "district_code", "name"),
}

WriteData = Callable[[dict[str, list[tuple[str, ...]]]], Path]


@pytest.fixture
def write_data(tmp_path: Path) -> WriteData:
    """Writes region CSVs shaped like the vendored ones into a fresh folder and returns it."""
    written = 0

    def write(data: dict[str, list[tuple[str, ...]]]) -> Path:
        nonlocal written
        written += 1
        folder = tmp_path / f"data-{written}"
        folder.mkdir()
        for level, rows in data.items():
            with gzip.open(folder / f"{level}.csv.gz", "wt", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(_HEADERS[level])
                writer.writerows(rows)
        return folder

    return write


@pytest.fixture
def small_regions(db: None, write_data: WriteData) -> LoadReport:
    return load_regions(data_dir=write_data(SMALL_DATA), expected=SMALL_COUNTS)


@pytest.fixture
def user(db: None) -> User:
    organisation = Organisation.objects.create(
        name="LKS Rumah Perempuan Kupang",
        kind=OrganisationKind.LKS,
        region=Region.objects.get_or_create(code="53", defaults={"name": "Nusa Tenggara Timur", "level": 1})[0],
    )
    return User.objects.create_user(
        email="worker@test.id", password="a-long-test-password", full_name="Maria Worker", organisation=organisation
    )


@pytest.fixture
def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client
