"""Mérito settings, read from the environment (django-environ).

Every production choice is an environment variable; the defaults give the embedded
demo (SQLite under ``var/``, local files, e-mail written to ``var/mail``, tasks run
in-process). See docs/operations.md for the full list.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(environ.Env().str("MERITO_VAR_DIR", default=str(PROJECT_DIR / "var")))

env = environ.Env()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# pytest is imported before settings when the suite runs; tests need no SECRET_KEY.
TESTING = "pytest" in sys.modules or env.bool("MERITO_TESTING", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG and not TESTING:
        raise ImproperlyConfigured(
            "SECRET_KEY es obligatoria cuando DEBUG está desactivado "
            "(SECRET_KEY is required when DEBUG is off)."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "merito.web.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "merito.accounts",
    "merito.organizations",
    "merito.calls",
    "merito.audit",
    "merito.notifications",
    "merito.documents",
    "merito.profiles",
    "merito.peers",
    "merito.cases",
    "merito.applications",
    "merito.evaluation",
    "merito.reports",
    "merito.web",
    "merito.demo",
    "merito.web.public",
    "merito.web.portal",
    "merito.web.backoffice",
]

MIDDLEWARE = [
    "merito.web.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "merito.web.middleware.SpanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "merito.web.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes last: it turns a lockout into our Spanish page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "merito.urls"
WSGI_APPLICATION = "merito.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "merito.web.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'merito.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the demo serve pages while a task writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            # Take the write lock when a transaction begins: two writers then queue
            # behind the busy timeout instead of failing on a lock upgrade.
            "transaction_mode": "IMMEDIATE",
        }
    )
    # A file, not memory, so tests with threads (concurrent sign-ups) see one database.
    # One file per test process, so two suites running at once do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        # Parameters bound by the server and statements run often prepared once per
        # connection: PostgreSQL skips parsing and planning them (an inscription costs it
        # 2.6 ms of CPU instead of 4.1). Off behind a pooler in transaction mode (PgBouncer
        # before 1.21), where a prepared statement may not be on the next transaction's link.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=env.int("DATABASE_PREPARE_THRESHOLD", 2)
        )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "merito.accounts.backends.IdentifierBackend",
    "rules.permissions.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "merito.accounts.validators.SeedPasswordPolicyValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {
            "user_attributes": (
                "username",
                "email",
                "given_names",
                "first_surname",
                "second_surname",
                "document_number",
            )
        },
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "public:accounts:login"
LOGIN_REDIRECT_URL = "public:home"
LOGOUT_REDIRECT_URL = "public:home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)
EMAIL_VERIFICATION_TIMEOUT = env.int("EMAIL_VERIFICATION_TIMEOUT", default=60 * 60 * 24 * 3)

# Lockout after three failed attempts (seed 000), per account.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=3)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "identifier"
AXES_USERNAME_CALLABLE = "merito.accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "merito.web.public.views.accounts.lockout"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Mérito"

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Español")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Bogota"

# --- Static and media --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
_default_storage: dict[str, object] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(MEDIA_ROOT)},
}
if AWS_STORAGE_BUCKET_NAME:
    # Any S3-compatible object store (AWS, MinIO, Ceph); credentials from AWS_* variables.
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mérito <no-responder@merito.local>")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Tasks (Celery) ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker, tasks run in-process when queued: the same code, no worker needed.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Mail queued in bulk (inscription receipts) waits in the outbox for the fan-out job.
OUTBOX_FAN_OUT_SECONDS = env.float("OUTBOX_FAN_OUT_SECONDS", default=2.0)
# The audit log (merito.audit.log): the name its signed heads carry and the private key
# that signs them — a file only where sealing runs, never in the database. The demo and
# the tests make a demo key under var/ on first use; with DEBUG off a demo key is refused.
AUDIT_LOG_ORIGIN = env(
    "AUDIT_LOG_ORIGIN",
    default="demo.merito.local/auditoria" if DEBUG or TESTING else "merito/auditoria",
)
AUDIT_SIGNING_KEY_FILE = env(
    "AUDIT_SIGNING_KEY_FILE",
    default=str(VAR_DIR / ("audit-signing-test.key" if TESTING else "audit-signing.key"))
    if DEBUG or TESTING
    else "",
)
# The peer bank of seed 000 is kept by one organization (Colombia's Ministerio de Educación
# Nacional): its verifiers, and the organizations below it, work the bank; a verifier of
# another ministry does not. Named by the organization's short name.
PEER_BANK_OWNER = env("PEER_BANK_OWNER", default="MEN")

CELERY_BEAT_SCHEDULE = {
    "seal-audit-log": {"task": "merito.audit.tasks.seal_audit_log", "schedule": 2.0},
    "seal-audit-log-full": {
        "task": "merito.audit.tasks.seal_audit_log",
        "schedule": 3600.0,
        "kwargs": {"full": True},
    },
    "fan-out-outbox": {
        "task": "merito.notifications.tasks.fan_out_outbox",
        "schedule": OUTBOX_FAN_OUT_SECONDS,
    },
    "send-queued-email": {
        "task": "merito.notifications.tasks.send_queued_emails",
        "schedule": 60.0,
    },
    "lapse-idle-cases": {
        "task": "merito.cases.tasks.lapse_idle_cases",
        "schedule": 3600.0,
    },
}
# Update cases of the peer bank (seed 000): reminders after these days without the peer's
# action, and closure as «Desistido» after CASE_LAPSE_DAYS.
CASE_LAPSE_DAYS = env.int("CASE_LAPSE_DAYS", default=30)
CASE_REMINDER_DAYS = env.list("CASE_REMINDER_DAYS", cast=int, default=[15, 25])
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=5)

# --- Security ------------------------------------------------------------------------------
SECURE = env.bool("MERITO_SECURE", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- Logging: one JSON object per line, with the request id -----------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "merito.web.middleware.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# The e-mail is unique case-insensitively (constraint on Lower(email)), which the check
# cannot see; the login backend resolves e-mail, document and username itself.
# Lockout is per account (seed 000: three failures lock the user), not per IP: thousands
# of applicants share a university or ministry NAT address near a deadline.
SILENCED_SYSTEM_CHECKS = ["auth.W004", "axes.W006"]
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded demo database: the versions' sort indexes are built without their
    # INCLUDE (id) (PostgreSQL only), which changes nothing at demo size.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
