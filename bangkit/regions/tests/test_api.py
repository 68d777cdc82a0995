from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.usefixtures("small_regions")

LIST = "/api/v1/regions/"
SEARCH = "/api/v1/regions/search/"
TOO_MANY = "Paling banyak 50 kode wilayah."


@pytest.mark.parametrize("url", [LIST, SEARCH + "?q=tarus", LIST + "53.01.08.1007/", LIST + "53.01/children/"])
def test_it_refuses_anonymous_users(client: Client, url: str):
    response = client.get(url)

    assert response.status_code in (401, 403)
    assert set(response.json()) == {"message", "errors"}


def test_it_lists_regions_by_level_and_parent(signed_in: Client):
    provinces = signed_in.get(LIST, {"level": 1}).json()
    assert [row["code"] for row in provinces["results"]] == ["32", "52", "53"]

    children = signed_in.get(LIST, {"parent": "53.01"}).json()["results"]
    assert children == [
        {"code": "53.01.05", "name": "Kupang Barat", "level": 3, "parent": "53.01"},
        {"code": "53.01.08", "name": "Kupang Tengah", "level": 3, "parent": "53.01"},
    ]


def test_it_pages_the_list_by_keyset(signed_in: Client):
    first = signed_in.get(LIST, {"page_size": 5}).json()

    assert [row["code"] for row in first["results"]] == ["32", "32.12", "32.12.04", "32.12.04.2001", "32.12.04.2002"]
    second = signed_in.get(first["next"]).json()
    assert second["results"][0]["code"] == "32.12.04.2013"


def test_it_refuses_an_unknown_level_or_parent_with_field_errors(signed_in: Client):
    response = signed_in.get(LIST, {"level": "9", "parent": "99.99"})

    assert response.status_code == 400
    assert response.json() == {
        "message": "Periksa kembali isian yang ditandai.",
        "errors": {
            "level": ["Tingkat wilayah harus 1 (provinsi) sampai 4 (desa/kelurahan)."],
            "parent": ["Wilayah induk tidak ditemukan."],
        },
    }


def test_it_shows_a_region_with_its_ancestors(signed_in: Client):
    response = signed_in.get(LIST + "53.01.08.1007/")

    assert response.status_code == 200
    assert response.json() == {
        "code": "53.01.08.1007",
        "name": "Tarus",
        "level": 4,
        "parent": "53.01.08",
        "ancestors": [
            {"code": "53", "name": "Nusa Tenggara Timur", "level": 1},
            {"code": "53.01", "name": "Kabupaten Kupang", "level": 2},
            {"code": "53.01.08", "name": "Kupang Tengah", "level": 3},
        ],
        "label": "Tarus — Kupang Tengah, Kabupaten Kupang, Nusa Tenggara Timur",
    }


@pytest.mark.parametrize("url", [LIST + "99.99/", LIST + "99.99/children/"])
def test_it_answers_404_for_an_unknown_code(signed_in: Client, url: str):
    response = signed_in.get(url)

    assert response.status_code == 404
    assert response.json() == {"message": "Wilayah tidak ditemukan.", "errors": {}}


@pytest.mark.parametrize("code", ["bukan-kode", "53%00", "53.01%00", "53.01.", "5"])
@pytest.mark.parametrize("suffix", ["", "children/"])
def test_it_answers_404_for_a_malformed_code_without_looking_it_up(signed_in: Client, code: str, suffix: str):
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get(f"{LIST}{code}/{suffix}")

    assert response.status_code == 404
    assert response.json() == {"message": "Tidak ditemukan.", "errors": {}}
    assert not [query for query in queries if "regions_region" in query["sql"]]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"parent": "53\x00"}, "parent", "Kode wilayah tidak valid; tulis seperti 53.01.08.1007."),
        ({"parent": "53.01."}, "parent", "Kode wilayah tidak valid; tulis seperti 53.01.08.1007."),
        ({"parent": "99.99"}, "parent", "Wilayah induk tidak ditemukan."),
    ],
)
def test_it_refuses_a_malformed_parent_with_a_field_error(signed_in: Client, params, field, message):
    response = signed_in.get(LIST, params)

    assert response.status_code == 400
    assert response.json()["errors"] == {field: [message]}


@pytest.mark.parametrize("position", ["53\x00", "bukan-kode"])
def test_it_answers_404_for_a_page_cursor_it_did_not_make(signed_in: Client, position: str):
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()

    response = signed_in.get(LIST, {"cursor": cursor})

    assert response.status_code == 404
    assert set(response.json()) == {"message", "errors"}


def test_it_lists_children_by_name_and_none_under_a_village(signed_in: Client):
    assert [row["name"] for row in signed_in.get(LIST + "53.01/children/").json()] == ["Kupang Barat", "Kupang Tengah"]
    assert signed_in.get(LIST + "53.01.08.1007/children/").json() == []


def test_it_searches_with_ranking_and_labels(signed_in: Client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = signed_in.get(SEARCH, {"q": "kupang", "limit": "3"})

    assert response.status_code == 200
    assert [(row["code"], row["label"]) for row in response.json()] == [
        ("53.01", "Kabupaten Kupang — Nusa Tenggara Timur"),
        ("53.71", "Kota Kupang — Nusa Tenggara Timur"),
        ("53.01.05", "Kupang Barat — Kabupaten Kupang, Nusa Tenggara Timur"),
    ]


def test_it_searches_by_code_level_and_within(signed_in: Client):
    assert [row["code"] for row in signed_in.get(SEARCH, {"q": "53.01.0", "level": "3"}).json()] == [
        "53.01.05",
        "53.01.08",
    ]
    assert [row["code"] for row in signed_in.get(SEARCH, {"q": "ta", "within": "52, 53.01.08"}).json()] == [
        "53.01.08.1007",
        "52.04.20.2001",
    ]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({}, "q", "Ketik nama atau kode wilayah."),
        ({"q": "t"}, "q", "Ketik minimal 2 huruf atau angka dari nama atau kode wilayah."),
        ({"q": "?!"}, "q", "Ketik minimal 2 huruf atau angka dari nama atau kode wilayah."),
        ({"q": "x" * 61}, "q", "Paling banyak 60 karakter."),
        ({"q": "tarus", "level": "5"}, "level", "Tingkat wilayah harus 1 (provinsi) sampai 4 (desa/kelurahan)."),
        ({"q": "tarus", "limit": "0"}, "limit", "Batas minimal 1."),
        ({"q": "tarus", "limit": "500"}, "limit", "Batas maksimal 50."),
        ({"q": "tarus", "limit": "x"}, "limit", "Batas harus berupa bilangan bulat."),
        ({"q": "tarus", "within": "53,99"}, "within", "Wilayah tidak ditemukan: 99."),
        ({"q": "tarus", "within": "53,53.01\x00"}, "within", "Karakter null tidak diizinkan."),
        ({"q": "tarus", "within": "53,5301"}, "within", "Kode wilayah tidak valid; tulis seperti 53.01.08.1007."),
        ({"q": "tarus", "within": ",".join(f"53.{n:02d}" for n in range(51))}, "within", TOO_MANY),
    ],
)
def test_it_refuses_bad_search_input_with_a_field_error(signed_in: Client, params, field, message):
    response = signed_in.get(SEARCH, params)

    assert response.status_code == 400
    assert response.json() == {"message": "Periksa kembali isian yang ditandai.", "errors": {field: [message]}}


def test_it_describes_the_endpoints_in_the_openapi_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    paths = schema["paths"]
    assert {
        "/api/v1/regions/",
        "/api/v1/regions/search/",
        "/api/v1/regions/{code}/",
        "/api/v1/regions/{code}/children/",
    } <= set(paths)
    search = paths["/api/v1/regions/search/"]["get"]
    assert {parameter["name"] for parameter in search["parameters"]} == {"q", "level", "within", "limit"}
    assert search["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"


def test_it_documents_the_shape_of_a_region_code():
    schema = SchemaGenerator().get_schema(request=None, public=True)

    (code,) = schema["paths"]["/api/v1/regions/{code}/"]["get"]["parameters"]
    assert code["schema"]["pattern"] == r"^[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?$"
