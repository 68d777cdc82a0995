from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def expire_open_ended_tokens(apps, schema_editor):
    """Tokens now always expire: those created without a date stop working 90 days after this migration."""
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.filter(expires_at__isnull=True, revoked_at__isnull=True).update(
        expires_at=timezone.now() + timedelta(days=90)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_constraint_messages_and_choice_checks")]

    operations = [migrations.RunPython(expire_open_ended_tokens, migrations.RunPython.noop, elidable=True)]
