"""Bangkit settings: every value that differs between machines comes from the environment.

Read top to bottom; the typed helpers below fail loudly on a malformed value instead of guessing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# "production" turns on every safety default; "development" and "test" relax only what a laptop needs.
ENVIRONMENT = env_str("BANGKIT_ENV", "production")
if ENVIRONMENT not in {"production", "development", "test"}:
    raise ValueError(f"BANGKIT_ENV must be production, development or test, not {ENVIRONMENT!r}")
IS_PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if IS_PRODUCTION:
        raise ValueError("SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105 - refused in production above

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_countries",
    "bangkit.core",
    "bangkit.regions",
    "bangkit.accounts",
    "bangkit.audit",
    "bangkit.registry",
    "bangkit.cases",
    "bangkit.programs",
    "bangkit.assistance",
    "bangkit.livelihoods",
    "bangkit.dataimport",
    "bangkit.prevention",
    "bangkit.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bangkit.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bangkit.accounts.middleware.UserLocaleMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bangkit.core.middleware.HtmxSignInMiddleware",
    "bangkit.core.middleware.AuditlogMiddleware",
    "bangkit.accounts.middleware.RequireMfaMiddleware",
    "bangkit.core.middleware.NoStoreForSensitivePagesMiddleware",
]

ROOT_URLCONF = "bangkit.urls"
WSGI_APPLICATION = "bangkit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bangkit" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "bangkit.accounts.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite (WAL, set on connection) by default, PostgreSQL through DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'bangkit.sqlite3'}")
# WAL lets the web server read while the task worker writes; IMMEDIATE transactions take the write lock up
# front instead of failing with "database is locked" half-way.
SQLITE_OPTIONS: dict[str, Any] = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    # Pages ask for fifty rows: starting parallel workers costs them more than it saves (people list at 1M: p95
    # 45-61 ms with, 29-35 ms without). Long report queries may SET LOCAL it back. See docs/operations/postgresql.md.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c max_parallel_workers_per_gather=0"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: e-mail login, no self sign-up (administrators create accounts), rate-limited failures lock the login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "bangkit.accounts.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# No "remember me": a session always ends with the browser or after the idle timeout.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/15m/key"),
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Bangkit"
MFA_RECOVERY_CODE_COUNT = 10
# Roles whose holders must enrol a second factor before they can use the site.
BANGKIT_MFA_REQUIRED_ROLES = env_list("MFA_REQUIRED_ROLES", "finance_officer,supervisor,auditor,administrator")

# Sessions end after SESSION_IDLE_MINUTES without a request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Security headers; production turns on everything `check --deploy` asks for.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", IS_PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if IS_PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_PRODUCTION
SECURE_HSTS_PRELOAD = IS_PRODUCTION
if env_bool("BEHIND_TLS_PROXY", IS_PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of gunicorn that each append the address they received from to X-Forwarded-For.
# The client is the Nth address from the right; with 0 (no proxy) the header is ignored and REMOTE_ADDR is the
# client. The login rate limits (allauth), the API throttles (DRF), the audit log and X-Request-ID all follow it.
BANGKIT_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if BANGKIT_TRUSTED_PROXY_COUNT < 0:
    raise ValueError(f"TRUSTED_PROXY_COUNT must be 0 or more, not {BANGKIT_TRUSTED_PROXY_COUNT}")
ALLAUTH_TRUSTED_PROXY_COUNT = BANGKIT_TRUSTED_PROXY_COUNT
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Cache: Redis when REDIS_URL is set (shared by every web node), else the database so that
# rate limits hold across gunicorn workers.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bangkit_cache"}}

# Background tasks: database queue on the embedded default, RQ on Redis in production, immediate in tests.
TASK_BACKEND = env_str("TASK_BACKEND", "database")
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if TASK_BACKEND not in _TASK_BACKENDS:
    raise ValueError(f"TASK_BACKEND must be one of {sorted(_TASK_BACKENDS)}, not {TASK_BACKEND!r}")
TASKS = {"default": _TASK_BACKENDS[TASK_BACKEND]}
if TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}

# E-mail: SMTP via EMAIL_URL-style settings in production, console on a laptop.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Bangkit <noreply@bangkit.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's address (`https://bangkit.kemensos.go.id`), for the links in e-mailed notifications; without it an
# e-mail names the page's path only.
BANGKIT_SITE_URL = env_str("SITE_URL").rstrip("/")

# SMS/WhatsApp reminders to registered people (docs/operations/workers.md): the gateway class by dotted path (none in
# production until one is chosen, and queuing is refused meanwhile), the quiet hours in the person's local time
# ("" for none) and how many times a message is tried before it fails.
BANGKIT_MESSAGE_GATEWAY = env_str(
    "MESSAGE_GATEWAY", "" if IS_PRODUCTION else "bangkit.notifications.gateways.ConsoleGateway"
)
BANGKIT_MESSAGE_QUIET_HOURS = env_str("MESSAGE_QUIET_HOURS", "21:00-07:00")
BANGKIT_MESSAGE_MAX_ATTEMPTS = env_int("MESSAGE_MAX_ATTEMPTS", 5)
if BANGKIT_MESSAGE_MAX_ATTEMPTS < 1:
    raise ValueError(f"MESSAGE_MAX_ATTEMPTS must be at least 1, not {BANGKIT_MESSAGE_MAX_ATTEMPTS}")

# Field encryption: FIELD_ENCRYPTION_KEYS is a comma-separated list of base64 32-byte keys, newest first;
# BLIND_INDEX_KEY keys the HMAC used for exact search, OLD_BLIND_INDEX_KEY only while rotating it.
# See docs/operations/key-rotation.md.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")
BLIND_INDEX_KEY = env_str("BLIND_INDEX_KEY")
OLD_BLIND_INDEX_KEY = env_str("OLD_BLIND_INDEX_KEY")
if IS_PRODUCTION and (not FIELD_ENCRYPTION_KEYS or not BLIND_INDEX_KEY):
    raise ValueError("FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set in production")

# Internationalisation: Indonesian first.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "bangkit" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "bangkit" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "bangkit.accounts.api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "bangkit.core.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "bangkit.core.api.AutoSchema",
    "EXCEPTION_HANDLER": "bangkit.core.api.exception_handler",
    # The throttles tell clients apart by the same address as the rest (see BANGKIT_TRUSTED_PROXY_COUNT).
    "NUM_PROXIES": BANGKIT_TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {"user": "2000/hour", "anon": "100/hour"},
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Bangkit API",
    "DESCRIPTION": "Rehabilitation and reintegration of trafficking survivors and returned migrant workers.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets used by several fields (stress, depression, isolation...) named once, after their class.
    "ENUM_NAME_OVERRIDES": {
        "SeverityEnum": "bangkit.cases.choices.Severity",
        "CaseStateEnum": "bangkit.cases.choices.CaseState",
        "ApprovalKindEnum": "bangkit.cases.choices.ApprovalKind",
        "CaseEventKindEnum": "bangkit.cases.choices.CaseEventKind",
        "ServiceKindEnum": "bangkit.cases.choices.ServiceKind",
        "ReferredByEnum": "bangkit.registry.choices.ReferredBy",
        "DepartureRouteEnum": "bangkit.registry.choices.DepartureRoute",
        "RiskLevelEnum": "bangkit.livelihoods.choices.RiskLevel",
        "RegionLevelEnum": "bangkit.regions.models.RegionLevel",
        "VerificationMethodEnum": "bangkit.registry.choices.VerificationMethod",
        "EventKindEnum": "bangkit.programs.choices.EventKind",
        "PartnerRoleEnum": "bangkit.programs.choices.PartnerRole",
        "FacilitatorRoleEnum": "bangkit.programs.choices.FacilitatorRole",
        "AttendanceStatusEnum": "bangkit.programs.choices.AttendanceStatus",
        "WithdrawalReasonEnum": "bangkit.programs.choices.WithdrawalReason",
        # Named before the assistance API brought more fields called "outcome", "kind" and "state".
        "OutcomeEnum": "bangkit.registry.choices.IdentificationOutcome",
        "SchemeKindEnum": "bangkit.assistance.choices.SchemeKind",
        "TrancheStateEnum": "bangkit.assistance.choices.TrancheState",
        # Named once the outbox brought a second field called "purpose"; the consent's keeps its name.
        "PurposeEnum": "bangkit.registry.choices.ConsentPurpose",
        "MessagePurposeEnum": "bangkit.notifications.choices.MessagePurpose",
    },
}

# The META key, not the header name: RequestIdMiddleware replaces a missing or malformed client id there.
AUDITLOG_CID_HEADER = "HTTP_X_REQUEST_ID"
AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Personal API tokens expire after API_TOKEN_DEFAULT_DAYS unless the user picks a date, at most API_TOKEN_MAX_DAYS on.
BANGKIT_API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
BANGKIT_API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
if not 0 < BANGKIT_API_TOKEN_DEFAULT_DAYS <= BANGKIT_API_TOKEN_MAX_DAYS:
    raise ValueError("API_TOKEN_DEFAULT_DAYS must be at least 1 and at most API_TOKEN_MAX_DAYS")

# Hours an API write's Idempotency-Key is remembered (and its answer replayed); `manage.py purge_idempotency_keys`
# deletes older ones.
BANGKIT_IDEMPOTENCY_TTL_HOURS = env_int("IDEMPOTENCY_TTL_HOURS", 24)
if BANGKIT_IDEMPOTENCY_TTL_HOURS < 1:
    raise ValueError(f"IDEMPOTENCY_TTL_HOURS must be at least 1, not {BANGKIT_IDEMPOTENCY_TTL_HOURS}")

# Minutes a queued task may wait before /health/ reports the worker as stalled.
TASK_WORKER_STALL_MINUTES = env_int("TASK_WORKER_STALL_MINUTES", 5)
