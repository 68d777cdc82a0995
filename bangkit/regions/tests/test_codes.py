"""The one test of a client's region code, and where it stops a malformed code from reaching the database.

A NUL character made PostgreSQL refuse the whole query (500); on SQLite it merely found nothing. These tests run
on both, so they fix what a user sees: 404 for a path, a field error for a parameter or a form or API field.
"""

from __future__ import annotations

import re

import django_filters
import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from bangkit.accounts.models import Organisation
from bangkit.regions.codes import MAX_REGION_CODES, is_region_code, parse_region_codes
from bangkit.regions.filtersets import RegionWithinFilter
from bangkit.regions.forms import RegionField, RegionPickerWidget

INVALID = "Kode wilayah tidak valid; tulis seperti 53.01.08.1007."
TOO_MANY = "Paling banyak 50 kode wilayah."
MALFORMED = ["53\x00", "53.01\x00", "5", "53.1", "53.01.08.100", "53.01.", ".53", "53\n", "٥٣", "53 ", "abc", ""]


@pytest.mark.parametrize("code", ["53", "53.01", "53.01.08", "53.01.08.1007", "99.99"])
def test_it_takes_a_dotted_code_of_any_level_as_well_formed(code: str):
    assert is_region_code(code)


@pytest.mark.parametrize("code", [*MALFORMED, None, 53])
def test_it_refuses_anything_else(code: object):
    assert not is_region_code(code)


def test_it_reads_a_list_of_codes_once_each_in_order():
    assert parse_region_codes(" 53.01, 32,,53.01 ") == ["32", "53.01"]
    assert parse_region_codes(["53", "32"]) == ["32", "53"]
    assert parse_region_codes("") == []


@pytest.mark.parametrize("value", ["53,53.01\x00", "53;32", "53,x"])
def test_it_refuses_a_list_with_a_malformed_code(value: str):
    with pytest.raises(ValidationError) as error:
        parse_region_codes(value)
    assert error.value.messages == [INVALID]


def test_it_refuses_a_list_longer_than_the_search_can_take():
    codes = [f"{province:02d}.{regency:02d}" for province in range(11, 14) for regency in range(1, 21)]
    assert len(codes) > MAX_REGION_CODES
    assert parse_region_codes(codes[:MAX_REGION_CODES]) == sorted(codes[:MAX_REGION_CODES])
    with pytest.raises(ValidationError) as error:
        parse_region_codes(",".join(codes))
    assert error.value.messages == [TOO_MANY]


@pytest.mark.usefixtures("small_regions")
class TestForms:
    class PlaceForm(forms.Form):
        place = RegionField(min_level=1)

    @pytest.mark.parametrize("value", ["53.01\x00", "53.01.08.1007x"])
    def test_a_region_field_refuses_a_malformed_code_and_shows_the_province_select_again(self, value: str):
        form = self.PlaceForm({"place": value})

        assert not form.is_valid()
        assert form.errors["place"] == [INVALID]
        assert re.findall(r'<option value="(\d+)"', str(form["place"])) == ["32", "52", "53"]

    def test_a_region_field_checks_any_number_of_allowed_regions_without_a_query_per_region(self):
        form = self.PlaceForm({"place": "53.01.08.1007"})
        field = form.fields["place"]
        assert isinstance(field, RegionField)
        # More than SQLite can take in one expression (about 500): the check is not done in the database.
        field.within = [f"{province:02d}.{regency:02d}" for province in range(11, 20) for regency in range(1, 100)]
        assert not form.is_valid()
        assert form.errors["place"] == ["Wilayah ini di luar wilayah yang dapat Anda pilih."]

        form = self.PlaceForm({"place": "53.01.08.1007"})
        form.fields["place"].within = [*field.within, "53.01"]  # type: ignore[attr-defined]
        assert form.is_valid(), form.errors

    def test_a_region_field_keeps_only_the_outermost_allowed_regions_for_its_picker(self):
        field = RegionField(within=["53.01.08", "53", "32.12", "53.01"])

        assert field.within == ["32.12", "53"]
        widget = field.widget
        assert isinstance(widget, RegionPickerWidget)
        assert "within=32.12%2C53" in widget.config_query("place", "id_place", required=False)

    def test_the_organisation_page_refuses_a_malformed_region_with_a_field_error(self, client: Client, people):
        client.force_login(people.national_admin)
        data = {"name": "LKS Nol", "kind": "lks", "region": "53.01\x00", "is_active": "on"}

        response = client.post(reverse("accounts:organisation_add"), data)

        assert response.status_code in (200, 400)
        assert response.context["form"].errors["region"] == [INVALID]


@pytest.mark.usefixtures("small_regions")
class TestPicker:
    @pytest.mark.parametrize(
        "params",
        [
            {"within": "53,53.01\x00"},
            {"within": ",".join(f"{p:02d}.{r:02d}" for p in range(11, 14) for r in range(1, 21))},
        ],
    )
    @pytest.mark.parametrize("view", ["regions:picker", "regions:picker_search"])
    def test_the_picker_refuses_a_within_list_it_did_not_make(self, signed_in: Client, view: str, params: dict):
        response = signed_in.get(reverse(view), {"name": "place", "id": "id_place", "place_q": "ku", **params})

        assert response.status_code == 400

    def test_the_picker_starts_again_from_the_province_for_a_malformed_choice(self, signed_in: Client):
        response = signed_in.get(reverse("regions:picker"), {"name": "place", "id": "id_place", "pick": "53\x00"})

        assert response.status_code == 200
        assert len(re.findall(r"<select", response.content.decode())) == 1

    @pytest.mark.parametrize("path", ["/regions/53%00/", "/regions/bukan-kode/", "/regions/53.01./"])
    def test_the_browse_page_answers_404_for_a_malformed_code(self, signed_in: Client, path: str):
        assert signed_in.get(path).status_code == 404


class TestFilters:
    class OrganisationFilterSet(django_filters.FilterSet):
        region = RegionWithinFilter()

        class Meta:
            model = Organisation
            fields = ["region"]

    def _names(self, value: str) -> list[str] | dict[str, list[str]]:
        filterset = self.OrganisationFilterSet({"region": value}, queryset=Organisation.objects.order_by("name"))
        if not filterset.is_valid():
            return {field: list(errors) for field, errors in filterset.errors.items()}
        return [organisation.name for organisation in filterset.qs]

    def test_a_region_filter_finds_records_in_the_regions_and_under_them(self, people):
        assert self._names("53.01") == ["Dinas Sosial Kabupaten Kupang", "LKS Rumah Perempuan Kupang"]
        assert self._names("32, 31") == ["Dinas Sosial Kabupaten Indramayu", "Direktorat RSTS & KPO"]
        assert self._names("53.7") == {"region": [INVALID]}
        assert self._names("99.99") == []

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("53.01\x00", "Karakter null tidak diizinkan."),
            ("53.01,bukan", INVALID),
            (",".join(f"11.{number:02d}" for number in range(51)), TOO_MANY),
        ],
    )
    def test_a_region_filter_refuses_codes_it_cannot_read(self, people, value: str, message: str):
        assert self._names(value) == {"region": [message]}
