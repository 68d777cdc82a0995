"""Mounted at /migrasi-aman/ without a namespace: the short address printed on leaflets, open to anyone."""

from django.urls import URLPattern, path

from bangkit.prevention import views_public

urlpatterns: list[URLPattern] = [
    path("", views_public.checklist, {"language": "id"}, name="safe_migration"),
    path("en/", views_public.checklist, {"language": "en"}, name="safe_migration_en"),
]
