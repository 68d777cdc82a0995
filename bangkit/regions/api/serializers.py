from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bangkit.regions.codes import INVALID_CODE_MESSAGE, REGION_CODE_REGEX, is_region_code, parse_region_codes
from bangkit.regions.models import Region, RegionLevel
from bangkit.regions.selectors import (
    MAX_QUERY_LENGTH,
    MAX_SEARCH_LIMIT,
    search_query_error,
)


@extend_schema_field({"type": "string", "pattern": f"^{REGION_CODE_REGEX}$", "maxLength": 13})
class RegionCodeField(serializers.SlugRelatedField[Region]):
    """A region named by its code, e.g. `"region": "53.01"`: the field every API body that names a region uses.

    A malformed code is a field error before any look-up (PostgreSQL would refuse some, such as a NUL character);
    a well-formed one that names no region is a field error too.
    """

    default_error_messages = {
        "does_not_exist": _("Kode wilayah {value} tidak dikenal."),
        "invalid_code": INVALID_CODE_MESSAGE,
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Region:
        if not is_region_code(data):
            self.fail("invalid_code")
        return super().to_internal_value(data)


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]
        read_only_fields = fields


class RegionRefSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=RegionLevel.choices)


class RegionPathSerializer(serializers.Serializer[Any]):
    """A region with the regions above it, province first, and a label to show it by.

    DRF takes declared fields off the class, so `parent` and `label` do not shadow Field.parent and Field.label.
    """

    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=RegionLevel.choices)
    parent = serializers.CharField(source="parent_code", allow_null=True, help_text=_("Kode induk."))  # type: ignore[assignment]
    ancestors = RegionRefSerializer(many=True, help_text=_("Wilayah di atasnya, mulai dari provinsi."))
    label = serializers.CharField(  # type: ignore[assignment]
        help_text=_('Mis. "Tarus — Kupang Tengah, Kabupaten Kupang, Nusa Tenggara Timur".')
    )


class RegionSearchQuerySerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(
        help_text=_("Awal nama (kata mana pun) atau awal kode wilayah."),
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": _("Ketik nama atau kode wilayah."),
            "blank": _("Ketik nama atau kode wilayah."),
            "max_length": _("Paling banyak {max_length} karakter."),
        },
    )
    level = serializers.ChoiceField(
        choices=RegionLevel.choices,
        required=False,
        error_messages={"invalid_choice": _("Tingkat wilayah harus 1 (provinsi) sampai 4 (desa/kelurahan).")},
    )
    within = serializers.CharField(
        required=False,
        max_length=1000,
        help_text=_("Kode wilayah dipisah koma; hanya wilayah di bawahnya yang dicari."),
    )
    limit = serializers.IntegerField(
        required=False,
        default=20,
        min_value=1,
        max_value=MAX_SEARCH_LIMIT,
        error_messages={
            "invalid": _("Batas harus berupa bilangan bulat."),
            "min_value": _("Batas minimal {min_value}."),
            "max_value": _("Batas maksimal {max_value}."),
        },
    )

    def validate_q(self, value: str) -> str:
        error = search_query_error(value)
        if error:
            raise serializers.ValidationError(error)
        return value

    def validate_within(self, value: str) -> list[str]:
        codes = parse_region_codes(value)
        known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if not codes or unknown:
            raise serializers.ValidationError(
                _("Wilayah tidak ditemukan: %(codes)s.") % {"codes": ", ".join(unknown) or value}
            )
        return codes
