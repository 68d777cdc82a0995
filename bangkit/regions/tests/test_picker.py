from __future__ import annotations

import re

import pytest
from django import forms
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from bangkit.regions.forms import RegionField, RegionPickerWidget, deepest_consistent
from bangkit.regions.models import Region

pytestmark = pytest.mark.usefixtures("small_regions")


class PlaceForm(forms.Form):
    village = RegionField(min_level=4)
    district = RegionField(min_level=2, max_level=3, required=False)


def selects(html: str) -> list[list[str]]:
    """The option values of each select, with the selected one marked by a leading *."""
    return [
        [
            ("*" if "selected" in attrs else "") + value
            for value, attrs in re.findall(r'<option value="([^"]*)"([^>]*)>', body)
        ]
        for body in re.findall(r"<select[^>]*>(.*?)</select>", html, re.S)
    ]


def test_it_takes_the_deepest_choice_that_lies_under_the_shallower_ones():
    assert deepest_consistent(["53", "53.01", "53.01.08", ""]) == "53.01.08"
    assert deepest_consistent(["32", "53.01", "53.01.08"]) == "32"  # province changed, stale deeper choices
    assert deepest_consistent(["53.01", "53"]) == "53.01"  # htmx sends the changed select first
    assert deepest_consistent(["", "53.01"]) is None
    assert deepest_consistent([]) is None


def test_it_cleans_a_region_of_an_allowed_level():
    form = PlaceForm(QueryDict("village=53&village=53.01&village=53.01.08&village=53.01.08.1007&district=53.01.08"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "village": Region.objects.get(code="53.01.08.1007"),
        "district": Region.objects.get(code="53.01.08"),
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ("village=99.99.99.9999", "village", "Wilayah tidak ditemukan."),
        ("village=53&village=53.01", "village", "Pilih sampai tingkat Desa/Kelurahan."),
        ("village=53.01.08.1007&district=53", "district", "Pilih sampai tingkat Kabupaten/Kota."),
        (
            "village=53.01.08.1007&district=53.01.08.1007",
            "district",
            "Pilih wilayah setingkat Kecamatan atau di atasnya.",
        ),
        ("village=", "village", "Pilih wilayah."),
    ],
)
def test_it_refuses_an_unknown_region_or_a_wrong_level(data: str, field: str, message: str):
    form = PlaceForm(QueryDict(data))

    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_it_limits_choices_to_regions_within_the_given_codes():
    form = PlaceForm(QueryDict("village=32.12.04.2013"))
    field = form.fields["village"]
    assert isinstance(field, RegionField)
    field.within = ["53.01", "53.71"]

    assert not form.is_valid()
    assert form.errors["village"] == ["Wilayah ini di luar wilayah yang dapat Anda pilih."]
    assert sorted(field.queryset.filter(level=4).values_list("code", flat=True)) == [  # type: ignore[union-attr]
        "53.01.05.2001",
        "53.01.08.1007",
        "53.01.08.2003",
        "53.71.01.1001",
    ]
    assert PlaceForm.base_fields["village"].within is None  # type: ignore[attr-defined]  # the class's is untouched

    field.within = None
    assert field.queryset.count() == Region.objects.count()  # type: ignore[union-attr]


def test_it_accepts_a_caller_queryset_and_narrows_it_further():
    field = RegionField(queryset=Region.objects.filter(code__startswith="53"), within=["53.71"])

    assert sorted(field.queryset.values_list("code", flat=True)) == ["53.71", "53.71.01", "53.71.01.1001"]  # type: ignore[union-attr]


def test_it_renders_the_province_select_then_one_select_per_chosen_level(django_assert_num_queries):
    widget = RegionPickerWidget(max_level=4)
    widget.is_required = True

    assert selects(widget.render("place", None)) == [["", "32", "52", "53"]]
    with django_assert_num_queries(1):
        html = widget.render("place", "53.01.08", attrs={"id": "id_place", "required": True})
    assert selects(html) == [
        ["", "32", "52", "*53"],
        ["", "*53.01", "53.71"],
        ["", "53.01.05", "*53.01.08"],
        ["", "53.01.08.2003", "53.01.08.1007"],  # Noelbaki, Tarus: by name
    ]
    assert re.search(
        r'<select name="place" id="id_place" class="form-select" aria-label="Provinsi" [^>]* required>', html
    )
    assert "Kupang Tengah — Kabupaten Kupang, Nusa Tenggara Timur" in html
    assert 'hx-get="/regions/picker/?name=place&amp;id=id_place&amp;min_level=1&amp;max_level=4&amp;required=1"' in html


def test_it_stops_at_the_maximum_level_and_offers_only_what_leads_within():
    widget = RegionPickerWidget(max_level=3, within=["53.01"])

    assert selects(widget.render("place", "53.01.08")) == [["", "*53"], ["", "*53.01"], ["", "53.01.05", "*53.01.08"]]
    assert selects(widget.render("place", "99.99")) == [["", "53"]]


def test_it_marks_the_selects_invalid_when_the_field_is(client: Client):
    form = PlaceForm(QueryDict("village=53"))
    form.is_valid()

    html = str(form["village"].as_widget(attrs={"class": "form-control is-invalid", "aria-invalid": "true"}))

    assert html.count('class="form-select is-invalid"') == 2
    assert 'aria-invalid="true"' in html


def test_the_picker_view_renders_the_next_level_after_a_change(signed_in: Client):
    url = reverse("regions:picker")

    response = signed_in.get(
        url, {"name": "place", "id": "id_place", "max_level": "4", "place": ["53.01", "53", "32.12"]}
    )

    assert response.status_code == 200
    assert selects(response.content.decode()) == [
        ["", "32", "52", "*53"],
        ["", "*53.01", "53.71"],
        ["", "53.01.05", "53.01.08"],
    ]


def test_the_picker_view_fills_every_level_for_a_tapped_match(signed_in: Client):
    response = signed_in.get(
        reverse("regions:picker"), {"name": "place", "id": "id_place", "within": "32", "pick": "32.12.04.2013"}
    )

    assert selects(response.content.decode()) == [
        ["", "*32"],
        ["", "*32.12"],
        ["", "*32.12.04"],
        ["", "32.12.04.2001", "32.12.04.2002", "*32.12.04.2013"],
    ]


@pytest.mark.parametrize(
    "query",
    [
        "name=bad name&id=x",
        "name=x&id=x&min_level=7",
        "name=x&id=x&max_level=12",
        "name=x&id=x&min_level=3&max_level=2",
        "id=x",
    ],
)
def test_the_picker_views_refuse_a_malformed_configuration(signed_in: Client, query: str):
    assert signed_in.get(f"{reverse('regions:picker')}?{query}").status_code == 400
    assert signed_in.get(f"{reverse('regions:picker_search')}?{query}").status_code == 400


def test_the_picker_search_lists_matches_to_tap(signed_in: Client):
    response = signed_in.get(
        reverse("regions:picker_search"), {"name": "place", "id": "id_place", "min_level": "3", "place_q": "kupang"}
    )

    html = response.content.decode()
    assert re.findall(r"pick=([\d.]+)", html) == ["53.01.05", "53.01.08"]  # districts only: levels 3 and 4
    assert "Kabupaten Kupang, Nusa Tenggara Timur" in html
    assert (
        'hx-get="/regions/picker/?name=place&amp;id=id_place&amp;min_level=3&amp;max_level=4&amp;pick=53.01.05"' in html
    )


def test_the_picker_search_explains_a_short_query_and_no_match(signed_in: Client):
    url = reverse("regions:picker_search")

    assert "Ketik minimal 2 huruf" in signed_in.get(url, {"name": "p", "id": "p", "p_q": "k"}).content.decode()
    assert (
        "Tidak ada wilayah yang cocok." in signed_in.get(url, {"name": "p", "id": "p", "p_q": "zzz"}).content.decode()
    )
    assert signed_in.get(url, {"name": "p", "id": "p", "p_q": ""}).content.decode().strip() == ""


@pytest.mark.parametrize(
    "url", ["/regions/", "/regions/53/", "/regions/picker/?name=p&id=p", "/regions/picker/search/?name=p&id=p"]
)
def test_the_pages_send_anonymous_users_to_login(client: Client, url: str):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_browse_page_lists_provinces_and_the_children_of_a_region(signed_in: Client):
    root = signed_in.get("/regions/").content.decode()
    assert 'href="/regions/53/"' in root

    district = signed_in.get("/regions/53.01.08/").content.decode()
    assert "Desa/Kelurahan" in district
    assert re.findall(r'href="/regions/([\d.]+)/"', district) == ["53", "53.01", "53.01.08.2003", "53.01.08.1007"]
    assert signed_in.get("/regions/99/").status_code == 404


def test_the_browse_page_searches_without_javascript_and_with_htmx(signed_in: Client):
    page = signed_in.get("/regions/", {"q": "tarus"}).content.decode()
    assert "<html" in page
    assert 'href="/regions/53.01.08.1007/"' in page

    partial = signed_in.get("/regions/", {"q": "tarus"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="region-results")
    assert 'href="/regions/53.01.08.1007/"' in partial.content.decode()
    assert "<html" not in partial.content.decode()

    assert "Ketik minimal 2" in signed_in.get("/regions/", {"q": "t"}).content.decode()


def test_the_browse_page_opens_the_region_chosen_in_the_picker(signed_in: Client):
    response = signed_in.get("/regions/", {"region": ["53", "53.01"]})
    assert response.status_code == 302
    assert response["Location"] == "/regions/53.01/"

    invalid = signed_in.get("/regions/", {"region": "99"})
    assert invalid.status_code == 200
    assert "Wilayah tidak ditemukan." in invalid.content.decode()
