"""Serializers of the prevention API. Input serializers only read and type the request; the services decide."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from bangkit.core.serializers import ScopedRelatedField, visible
from bangkit.prevention.models import Headcount
from bangkit.prevention.services import HEADCOUNT_FIELDS
from bangkit.programs.models import Event
from bangkit.regions.models import RegionLevel


class HeadcountSerializer(serializers.ModelSerializer[Headcount]):
    event_title = serializers.CharField(source="event.title", read_only=True)
    region = serializers.CharField(source="event.region_id", read_only=True, help_text=_("Kode wilayah tempat."))
    total = serializers.IntegerField(read_only=True, help_text=_("Perempuan dan laki-laki."))

    class Meta:
        model = Headcount
        fields = [
            "id",
            "event",
            "event_title",
            "region",
            "date",
            "women",
            "men",
            "total",
            "youths",
            "former_migrants",
            "counted_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class HeadcountChangeSerializer(serializers.ModelSerializer[Headcount]):
    """The day and numbers of a head count, to correct (PATCH)."""

    class Meta:
        model = Headcount
        fields = list(HEADCOUNT_FIELDS)
        validators: list[Any] = []  # uniqueness is the service's question, asked after scoping


class HeadcountCreateSerializer(HeadcountChangeSerializer):
    """A new head count of one day of a prevention session."""

    event = ScopedRelatedField(scope=visible(Event), help_text=_("Id kegiatan sosialisasi pencegahan."))

    class Meta(HeadcountChangeSerializer.Meta):
        fields = ["event", *HEADCOUNT_FIELDS]


class HeadcountTotalsQuerySerializer(serializers.Serializer[Any]):
    by = serializers.ChoiceField(
        choices=[("province", _("Provinsi")), ("regency", _("Kabupaten/Kota"))],
        default="province",
        help_text=_("Menjumlahkan per provinsi atau per kabupaten/kota tempat kegiatan."),
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, help_text=_("Kosong: semua tahun."))

    def level(self) -> int:
        return RegionLevel.REGENCY if self.validated_data["by"] == "regency" else RegionLevel.PROVINCE


class HeadcountTotalSerializer(serializers.Serializer[Any]):
    region = serializers.CharField(source="region_code")
    region_name = serializers.CharField()
    year = serializers.IntegerField()
    sessions = serializers.IntegerField(help_text=_("Hari sesi yang dihitung."))
    events = serializers.IntegerField()
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    total = serializers.IntegerField()
    youths = serializers.IntegerField()
    former_migrants = serializers.IntegerField()
