"""The risk instrument's starting weights and thresholds (bangkit/livelihoods/risk.py), which administrators may
then change with history."""

from django.db import migrations
from django.utils import translation


def create_defaults(apps, schema_editor):
    from bangkit.livelihoods.risk import DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS

    weight_model = apps.get_model("livelihoods", "RiskWeight")
    thresholds_model = apps.get_model("livelihoods", "RiskThresholds")
    with translation.override("id"):
        for factor, (weight, rationale) in DEFAULT_WEIGHTS.items():
            weight_model.objects.get_or_create(
                factor=str(factor), defaults={"weight": weight, "rationale": str(rationale)}
            )
    thresholds_model.objects.get_or_create(pk=1, defaults=DEFAULT_THRESHOLDS)


class Migration(migrations.Migration):
    dependencies = [("livelihoods", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
