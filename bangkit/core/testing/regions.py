"""The few real regions the test suite needs (the seed events' places), without loading all 83,762 villages."""

from __future__ import annotations

from bangkit.regions.models import Region, RegionLevel

SEED_REGIONS: list[tuple[str, str]] = [
    ("53", "Nusa Tenggara Timur"),
    ("53.01", "Kabupaten Kupang"),
    ("53.01.08", "Kupang Tengah"),
    ("53.01.08.1007", "Tarus"),
    ("53.71", "Kota Kupang"),
    ("53.71.01", "Alak"),
    ("32", "Jawa Barat"),
    ("32.12", "Kabupaten Indramayu"),
    ("32.12.04", "Cikedung"),
    ("32.12.04.2013", "Mundakjaya"),
    ("35", "Jawa Timur"),
    ("31", "DKI Jakarta"),
    ("31.71", "Kota Administrasi Jakarta Pusat"),
]


def create_seed_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name in SEED_REGIONS:
        parent_code = code.rsplit(".", 1)[0] if "." in code else None
        regions[code], _ = Region.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": RegionLevel(code.count(".") + 1),
                "parent": regions.get(parent_code) if parent_code else None,
            },
        )
    return regions
