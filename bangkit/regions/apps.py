from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "bangkit.regions"
    label = "regions"
    default_auto_field = "django.db.models.BigAutoField"
