"""Settings for the test suite: the real settings with test keys, immediate tasks and a fast password hash."""

import os

os.environ.setdefault("BANGKIT_ENV", "test")
os.environ.setdefault("TASK_BACKEND", "immediate")
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "dGVzdC1rZXktb25lLTMyLWJ5dGVzLWxvbmctLS0tLS0=")
os.environ.setdefault("BLIND_INDEX_KEY", "dGVzdC1ibGluZC1pbmRleC1rZXktMzItYnl0ZXMtLS0=")

from bangkit.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# MFA enforcement has its own tests (accounts/tests/test_mfa.py); elsewhere it would only add set-up noise.
BANGKIT_MFA_REQUIRED_ROLES = []
# Tests never collect static files; without a root WhiteNoise does not look for one.
STATIC_ROOT = None  # type: ignore[assignment]
INSTALLED_APPS = [*INSTALLED_APPS, "bangkit.core.tests.encryption_app"]  # noqa: F405
