"""Mounted at /verify/ without a namespace: the address printed on every certificate."""

from django.urls import URLPattern, path

from bangkit.programs import views_documents

urlpatterns: list[URLPattern] = [path("", views_documents.certificate_verify, name="certificate_verify")]
