from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bangkit.regions.models import Region, RegionLevel
from bangkit.regions.selectors import (
    MAX_QUERY_LENGTH,
    MAX_SEARCH_LIMIT,
    search_query_error,
)


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
        required=False, help_text=_("Kode wilayah dipisah koma; hanya wilayah di bawahnya yang dicari.")
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
        codes = sorted({code.strip() for code in value.split(",") if code.strip()})
        known = set(Region.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if not codes or unknown:
            raise serializers.ValidationError(
                _("Wilayah tidak ditemukan: %(codes)s.") % {"codes": ", ".join(unknown) or value}
            )
        return codes
