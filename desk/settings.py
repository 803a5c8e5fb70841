"""Django settings for Mizkhedmat. Every value comes from the environment; see .env.example."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from desk.core.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    json_secret,
    load_env_file,
)
from desk.core.forwarded import Proxies, refuse_unreal_addresses
from desk.core.storage import default_storage_from_env
from desk.lib.sms import parse_quiet_hours
from desk.lib.urls import public_url_problem

BASE_DIR = Path(__file__).resolve().parent.parent
# The settings file: DESK_ENV_FILE (the systemd units and shell commands of a server name
# /etc/desk/desk.env), else .env beside the code. What the environment sets wins.
load_env_file(Path(os.environ.get("DESK_ENV_FILE") or BASE_DIR / ".env"))
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
# Local state (SQLite, job queue, uploads) lives here; created so a fresh clone just works.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("HTTPS", False)
# Development, tests and the demo only: refused in production, flagged by `check --deploy`.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-" + "0123456789abcdef" * 3
SECRET_KEY = env_str("SECRET_KEY") or DEVELOPMENT_SECRET_KEY
if HTTPS and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to 50 or more random characters in production (HTTPS=1), "
        "not left unset or set to the development key; make one with: python -c "
        '"import secrets; print(secrets.token_urlsafe(50))"'
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address, printed in every result PDF's QR code and in SMS links.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if HTTPS and (problem := public_url_problem(SITE_URL)):
    raise ImproperlyConfigured(
        f"SITE_URL must be the public https:// address people reach the desk at "
        f"(e.g. https://desk.example.ir) in production (HTTPS=1): {problem}"
    )
# Forgetting HTTPS=1 must not let a server run on the development key: with DEBUG off and a
# SITE_URL people reach (any host but this machine, http:// or https://) it is refused too. The
# tests, `make check-migrations`, the image's collectstatic and the benchmarks' servers (bench/,
# DEBUG=0) keep the local default SITE_URL, and the demo runs with DEBUG=1: none of them needs
# configuration.
if (
    not DEBUG
    and SECRET_KEY == DEVELOPMENT_SECRET_KEY
    and not public_url_problem(urlsplit(SITE_URL)._replace(scheme="https").geturl())
):
    raise ImproperlyConfigured(
        f"SECRET_KEY must be set: DEBUG is off and SITE_URL is {SITE_URL}, so this is a server, "
        "and the development key would let anyone forge its sessions and signed links; make one "
        'with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "huey.contrib.djhuey",
    "auditlog",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "desk.core",
    "desk.accounts",
    "desk.agencies",
    "desk.audit",
    "desk.registries",
    "desk.calendars",
    "desk.catalog",
    "desk.workflow",
    "desk.submissions",
    "desk.delivery",
    "desk.appointments",
    "desk.frontdesk",
    "desk.payments",
    "desk.letters",
    "desk.complaints",
    "desk.surveys",
    "desk.inquiries",
    "desk.api",
    "desk.integrations",
    "desk.evaluation",
    "desk.notifications",
    "desk.oversight",
    "desk.health",
    "desk.operations",
    "desk.demo",
]
# The benchmark data generator (manage.py bench_data, bench_fixtures, bench_reset) exists only
# where benchmarks run: bench/run.py and the Makefile's bench targets set BENCH=1.
BENCH = env_bool("BENCH", False)
if BENCH:
    INSTALLED_APPS.append("desk.benchdata")

MIDDLEWARE = [
    # First: everything after it reads the client's address, not the proxy's.
    "desk.core.forwarded.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "desk.core.headers.PersonalPagesNotStoredMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # LocaleMiddleware only with a second language (below): with one, every request would
    # only parse Accept-Language to pick it and add Vary: Accept-Language to every answer.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's AuthenticationMiddleware and django-otp's OTPMiddleware in one (the user read
    # with their staff record).
    "desk.accounts.middleware.SignedInUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "desk.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Auditlog's actor context, only on requests that may write (desk/core/audit.py).
    "desk.core.audit.AuditWritesMiddleware",
    # Last, so it sees a view's exception first: Redis or the database unreachable -> 503.
    "desk.core.outage.OutageMiddleware",
]

ROOT_URLCONF = "desk.urls"
WSGI_APPLICATION = "desk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "desk.agencies.context_processors.desk",
            ],
            "builtins": ["desk.core.templatetags.persian", "desk.core.templatetags.layout"],
        },
    },
]

# Form widgets may be overridden by templates/widgets/ (the Persian file picker).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
# Each gunicorn worker (one request at a time) keeps its connection for CONN_MAX_AGE seconds;
# the health check (a cheap round trip at the start of a request that reuses it) replaces a
# connection that the database or a proxy closed meanwhile.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 600)
CONN_HEALTH_CHECKS = env_bool("CONN_HEALTH_CHECKS", True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_HEALTH_CHECKS
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN
    # so that two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # The same backend, with each statement's placeholders converted once, not on every
    # execution (desk/core/sqlite3/base.py).
    DATABASES["default"]["ENGINE"] = "desk.core.sqlite3"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, with a health check that asks the socket instead of sending SELECT 1
    # on every request (desk/core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "desk.core.postgresql"
    # Queries are bound on the server and prepared on a connection once they have run
    # DB_PREPARE_THRESHOLD times: the server plans them once, not on every request. A pooler
    # in transaction mode must support protocol-level prepared statements (PgBouncer 1.21+
    # with max_prepared_statements > 0); with an older one set DB_PREPARED_STATEMENTS=0.
    if env_bool("DB_PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=env_int("DB_PREPARE_THRESHOLD", 2)
        )
DB_STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 0)
if DB_STATEMENT_TIMEOUT_MS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A runaway query is cancelled instead of holding a worker (and its connection) forever.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions --------------------------------------------------------------------------
# Several app servers and job workers share nothing but the database, Redis and object storage:
# with REDIS_URL the cache (rate limits, OTP throttles), sessions and the job queue live in Redis.
REDIS_URL = env_str("REDIS_URL")
REDIS_TIMEOUT_SECONDS = env_int("REDIS_TIMEOUT_SECONDS", 5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "desk.core.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "desk"),
            # A dead Redis fails a request after a few seconds instead of hanging a worker.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if HTTPS and env_int("GUNICORN_WORKERS", 0) != 1:
        # Rate limits and lockouts count in the cache: per process without Redis, so each
        # gunicorn worker would allow the whole limit again (120 of 200 lookups answered
        # against a limit of 30 with 4 workers).
        raise ImproperlyConfigured(
            "HTTPS=1 needs REDIS_URL: without a shared cache every worker counts rate limits "
            "on its own. (A single-process server may set GUNICORN_WORKERS=1 instead.)"
        )

# With Redis, sessions are written to the database and read through Redis (cached_db,
# desk/core/sessions.py): a Redis outage or restart signs nobody out. "cache" keeps them in
# Redis alone (faster writes; an outage signs everyone out), "db" in the database alone.
SESSION_BACKEND = env_choice(
    "SESSION_BACKEND", "cached_db" if REDIS_URL else "db", ("db", "cache", "cached_db")
)
if SESSION_BACKEND != "db" and not REDIS_URL:
    # Without Redis the cache is per process: a session stored by one worker would be unknown
    # to the next one.
    raise ImproperlyConfigured(f"SESSION_BACKEND={SESSION_BACKEND} needs REDIS_URL")
SESSION_ENGINE = {
    "db": "desk.core.sessions_db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "desk.core.sessions",
}[SESSION_BACKEND]
# How long a session's copy stays in Redis (it is re-read from the database after).
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 300)
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8)

# --- Background jobs (Huey) ------------------------------------------------------------------
HUEY_BACKEND = env_choice("HUEY_BACKEND", "redis" if REDIS_URL else "sqlite", ("sqlite", "redis"))
# The queue may live in its own Redis database, so that flushing the cache never drops jobs.
HUEY_REDIS_URL = env_str("HUEY_REDIS_URL") or REDIS_URL
# Consumer options of `manage.py run_huey` (its flags win). HUEY_PERIODIC=0 (or run_huey
# --no-periodic) makes a worker leave the periodic jobs to the one process that schedules them:
# every consumer with it on enqueues each periodic job once a minute (docs/deployment.md).
HUEY_CONSUMER = {
    "workers": env_int("HUEY_WORKERS", 2),
    "worker_type": "thread",
    "periodic": env_bool("HUEY_PERIODIC", True),
}
if HUEY_BACKEND == "redis":
    if not HUEY_REDIS_URL:
        raise ImproperlyConfigured("HUEY_BACKEND=redis needs REDIS_URL (or HUEY_REDIS_URL)")
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env_str("HUEY_NAME", "desk"),
        "url": HUEY_REDIS_URL,
        "immediate": False,
        "consumer": HUEY_CONSUMER,
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "desk",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": HUEY_CONSUMER,
    }

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:citizen_login"
LOGIN_REDIRECT_URL = "submissions:my_requests"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
OTP_LENGTH = 6
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 120)
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5)
OTP_RESEND_SECONDS = env_int("OTP_RESEND_SECONDS", 60)
OTP_MAX_PER_PHONE_PER_HOUR = env_int("OTP_MAX_PER_PHONE_PER_HOUR", 5)
OTP_MAX_PER_IP_PER_HOUR = env_int("OTP_MAX_PER_IP_PER_HOUR", 20)
# The in-person desk (docs/frontdesk.md): a consent code read back over the counter or the phone
# lives longer than a sign-in code; a confirmed consent covers the visit, not the day.
DESK_CONSENT_TTL_SECONDS = env_int("DESK_CONSENT_TTL_SECONDS", 300)
DESK_CONSENT_VALID_MINUTES = env_int("DESK_CONSENT_VALID_MINUTES", 60)
# Staff sign-in (docs: README "Staff sign-in and two-factor"). One address is shut out after a
# few failures, long before an account locks: a stranger cannot lock a real account cheaply.
STAFF_LOGIN_FAILURES_PER_ADDRESS = env_int("STAFF_LOGIN_FAILURES_PER_ADDRESS", 5)
STAFF_LOCKOUT_FAILURES = env_int("STAFF_LOCKOUT_FAILURES", 10)
STAFF_LOCKOUT_MINUTES = env_int("STAFF_LOCKOUT_MINUTES", 15)
if not 1 <= STAFF_LOGIN_FAILURES_PER_ADDRESS < STAFF_LOCKOUT_FAILURES:
    raise ImproperlyConfigured(
        "STAFF_LOGIN_FAILURES_PER_ADDRESS must be at least 1 and below STAFF_LOCKOUT_FAILURES"
    )
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 30)
STAFF_SESSION_MAX_HOURS = env_int("STAFF_SESSION_MAX_HOURS", 10)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Mizkhedmat")
TRACKING_LOOKUPS_PER_IP_PER_HOUR = env_int("TRACKING_LOOKUPS_PER_IP_PER_HOUR", 30)
# How long the download links of a lookup's answer work (desk/submissions/proofs.py).
TRACKING_DOWNLOAD_PROOF_MINUTES = env_int("TRACKING_DOWNLOAD_PROOF_MINUTES", 60)

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی")]
if len(LANGUAGES) > 1:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.common.CommonMiddleware"),
        "django.middleware.locale.LocaleMiddleware",
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages are served straight from node_modules (installed from package-lock.json),
# never copied into the repository; only the files the pages use (desk/core/static_finders.py).
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_PACKAGE_FILES = {
    "vendor/bootstrap": ("bootstrap/dist", ["css/bootstrap.rtl.min.css"]),
    # The variable font without Latin glyphs (48 KB): Persian text and digits; Latin falls back.
    "vendor/vazirmatn": ("vazirmatn", ["misc/Non-Latin/fonts/webfonts/Vazirmatn-NL[wght].woff2"]),
    "vendor/htmx": ("htmx.org/dist", ["htmx.min.js"]),
    # The API's reading page (/api/v1/docs/).
    "vendor/swagger-ui": ("swagger-ui-dist", ["swagger-ui-bundle.js", "swagger-ui.css"]),
    # The oversight dashboards' charts (desk/oversight, static/desk/oversight.js).
    "vendor/chartjs": ("chart.js/dist", ["chart.umd.min.js"]),
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "desk.core.static_finders.PackageFilesFinder",
]
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
# Uploads: a folder under VAR_DIR, or a private S3-compatible bucket (STORAGE_BACKEND=s3).
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "filesystem", ("filesystem", "s3"))
STORAGES = {
    "default": default_storage_from_env(VAR_DIR),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Uploaded files are private: there is no MEDIA_URL; views check who asks and stream them.
MEDIA_ROOT = VAR_DIR / "private"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# Uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE wait here while the request runs; a killed
# worker leaves them behind for `manage.py sweep_uploads` (desk/core/sweep.py).
FILE_UPLOAD_TEMP_DIR = str(VAR_DIR / "tmp" / "uploads")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 36_000_000)
UPLOAD_SWEEP_GRACE_MINUTES = env_int("UPLOAD_SWEEP_GRACE_MINUTES", 60)
# A document chosen on an application form is checked and kept this long before the form is
# sent (desk/submissions/staging.py); the job worker removes expired ones hourly.
STAGED_UPLOAD_HOURS = env_int("STAGED_UPLOAD_HOURS", 24)
# Uploads are read from the request in chunks this large (Django's default is 64 KiB): a
# 200 KB document in 1 to 4 reads instead of 4 to 80; small ones stay in memory.
FILE_UPLOAD_CHUNK_BYTES = env_int("FILE_UPLOAD_CHUNK_BYTES", 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "desk.core.uploads.MemoryUploadHandler",
    "desk.core.uploads.TemporaryUploadHandler",
]
# Antivirus for uploads (desk/lib/antivirus.py): clamd, a fake that finds only EICAR, or none.
ANTIVIRUS_BACKEND = env_choice("ANTIVIRUS_BACKEND", "none", ("none", "fake", "clamav"))
CLAMAV_SOCKET = env_str("CLAMAV_SOCKET")
CLAMAV_HOST = env_str("CLAMAV_HOST")
CLAMAV_PORT = env_int("CLAMAV_PORT", 3310)
CLAMAV_TIMEOUT_SECONDS = env_int("CLAMAV_TIMEOUT_SECONDS", 10)
# While clamd cannot answer: refuse uploads (default) or let them through unscanned.
ANTIVIRUS_FAIL_OPEN = env_bool("ANTIVIRUS_FAIL_OPEN", False)
if ANTIVIRUS_BACKEND == "clamav" and not (CLAMAV_SOCKET or CLAMAV_HOST):
    raise ImproperlyConfigured("ANTIVIRUS_BACKEND=clamav needs CLAMAV_SOCKET or CLAMAV_HOST")
# Quotas on what one citizen and one client address may file (desk/submissions/quotas.py).
SUBMISSIONS_PER_CITIZEN_PER_HOUR = env_int("SUBMISSIONS_PER_CITIZEN_PER_HOUR", 10)
SUBMISSIONS_PER_CITIZEN_PER_DAY = env_int("SUBMISSIONS_PER_CITIZEN_PER_DAY", 30)
SUBMISSIONS_PER_ADDRESS_PER_HOUR = env_int("SUBMISSIONS_PER_ADDRESS_PER_HOUR", 60)
SUBMISSIONS_PER_ADDRESS_PER_DAY = env_int("SUBMISSIONS_PER_ADDRESS_PER_DAY", 300)
UPLOADS_PER_CITIZEN_PER_HOUR = env_int("UPLOADS_PER_CITIZEN_PER_HOUR", 30)
UPLOADS_PER_CITIZEN_PER_DAY = env_int("UPLOADS_PER_CITIZEN_PER_DAY", 100)
UPLOADS_PER_ADDRESS_PER_HOUR = env_int("UPLOADS_PER_ADDRESS_PER_HOUR", 200)
UPLOADS_PER_ADDRESS_PER_DAY = env_int("UPLOADS_PER_ADDRESS_PER_DAY", 1000)
# Complaints, reports and objections one citizen and one client address may file a day
# (desk/complaints/services.py); an anonymous report counts against the address only.
COMPLAINTS_PER_CITIZEN_PER_DAY = env_int("COMPLAINTS_PER_CITIZEN_PER_DAY", 5)
COMPLAINTS_PER_ADDRESS_PER_DAY = env_int("COMPLAINTS_PER_ADDRESS_PER_DAY", 30)

# --- Notifications ---------------------------------------------------------------------------
SMS_BACKEND = env_choice(
    "SMS_BACKEND", "console", ("console", "file", "memory", "kavenegar", "smsir")
)
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.log"))
SMS_SENDER = env_str("SMS_SENDER", "3000")
KAVENEGAR_API_KEY = env_str("KAVENEGAR_API_KEY")
SMSIR_API_KEY = env_str("SMSIR_API_KEY")
if SMS_BACKEND == "kavenegar" and not KAVENEGAR_API_KEY:
    raise ImproperlyConfigured("SMS_BACKEND=kavenegar needs KAVENEGAR_API_KEY")
if SMS_BACKEND == "smsir" and not (SMSIR_API_KEY and SMS_SENDER.isdigit()):
    raise ImproperlyConfigured("SMS_BACKEND=smsir needs SMSIR_API_KEY and a numeric SMS_SENDER")
SMS_TIMEOUT_SECONDS = env_int("SMS_TIMEOUT_SECONDS", 10)
SMS_LEASE_SECONDS = env_int("SMS_LEASE_SECONDS", 300)
SMS_CLAIM_BATCH = env_int("SMS_CLAIM_BATCH", 20)
# A sign-in code (urgent) lives OTP_TTL_SECONDS: if its worker dies, the code must be claimed
# again and sent while it is still valid, so its lease is much shorter than the others'.
SMS_URGENT_LEASE_SECONDS = env_int("SMS_URGENT_LEASE_SECONDS", 30)
if not 3 * SMS_TIMEOUT_SECONDS <= SMS_URGENT_LEASE_SECONDS <= OTP_TTL_SECONDS - 60:
    raise ImproperlyConfigured(
        "SMS_URGENT_LEASE_SECONDS must be at least 3 × SMS_TIMEOUT_SECONDS and at least 60 s "
        "shorter than OTP_TTL_SECONDS, so that a sign-in code abandoned by a dead worker is "
        "sent again (by the minutely job) before it expires"
    )
if SMS_TIMEOUT_SECONDS < 1 or SMS_LEASE_SECONDS < 3 * SMS_TIMEOUT_SECONDS or SMS_CLAIM_BATCH < 1:
    # A lease shorter than a few gateway calls would expire mid-send and invite a second sender.
    raise ImproperlyConfigured("SMS_LEASE_SECONDS must be at least 3 × SMS_TIMEOUT_SECONDS")
SMS_RETRY_WINDOW_HOURS = env_int("SMS_RETRY_WINDOW_HOURS", 24)
SMS_RETRY_BASE_SECONDS = env_int("SMS_RETRY_BASE_SECONDS", 30)
SMS_RETRY_MAX_SECONDS = env_int("SMS_RETRY_MAX_SECONDS", 1800)
if SMS_RETRY_WINDOW_HOURS < 1 or not 1 <= SMS_RETRY_BASE_SECONDS <= SMS_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured("SMS retries need 1 <= SMS_RETRY_BASE_SECONDS <= ..._MAX_SECONDS")
SMS_QUIET_HOURS = env_str("SMS_QUIET_HOURS", "22:00-07:00")
try:
    parse_quiet_hours(SMS_QUIET_HOURS)
except ValueError as exc:
    raise ImproperlyConfigured(f"SMS_QUIET_HOURS: {exc}") from None
SMS_WEBHOOK_TOKEN = env_str("SMS_WEBHOOK_TOKEN")
if SMS_WEBHOOK_TOKEN and len(SMS_WEBHOOK_TOKEN) < 24:
    raise ImproperlyConfigured("SMS_WEBHOOK_TOKEN must be at least 24 random characters")
# The provider's inbox is fetched too, in case a webhook call was lost (duplicates are dropped).
SMS_INBOUND_POLL = env_bool("SMS_INBOUND_POLL", True)
SMS_INBOUND_LINES = env_list("SMS_INBOUND_LINES", SMS_SENDER)
SMS_INBOUND_REPLIES_PER_HOUR = env_int("SMS_INBOUND_REPLIES_PER_HOUR", 5)
# A digit 1–5 from a citizen with an open survey invitation answers it; anything else is the
# status reply (desk.submissions.inbound.status_reply).
INBOUND_SMS_HANDLER = env_str("INBOUND_SMS_HANDLER", "desk.surveys.inbound.reply")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")

# --- National systems (desk/registries, docs/registries.md) -------------------------------
# fake: the deterministic stand-in (trigger inputs in docs/registries.md); gsb: the service bus.
REGISTRY_BACKEND = env_choice("REGISTRY_BACKEND", "fake", ("fake", "gsb"))
REGISTRY_GSB_URL = env_str("REGISTRY_GSB_URL")
REGISTRY_GSB_CLIENT_ID = env_str("REGISTRY_GSB_CLIENT_ID")
REGISTRY_GSB_TOKEN = env_str("REGISTRY_GSB_TOKEN")
if REGISTRY_BACKEND == "gsb" and not (
    REGISTRY_GSB_URL.startswith("https://") and REGISTRY_GSB_CLIENT_ID and REGISTRY_GSB_TOKEN
):
    raise ImproperlyConfigured(
        "REGISTRY_BACKEND=gsb needs REGISTRY_GSB_URL (https://…), REGISTRY_GSB_CLIENT_ID and "
        "REGISTRY_GSB_TOKEN"
    )
REGISTRY_TIMEOUT_SECONDS = env_int("REGISTRY_TIMEOUT_SECONDS", 5)
REGISTRY_RETRIES = env_int("REGISTRY_RETRIES", 2)
REGISTRY_BACKOFF_MS = env_int("REGISTRY_BACKOFF_MS", 200)
if not 1 <= REGISTRY_TIMEOUT_SECONDS <= 30 or not 0 <= REGISTRY_RETRIES <= 2:
    raise ImproperlyConfigured("REGISTRY_TIMEOUT_SECONDS: 1–30; REGISTRY_RETRIES: 0–2")
REGISTRY_BREAKER_FAILURES = env_int("REGISTRY_BREAKER_FAILURES", 5)
REGISTRY_BREAKER_OPEN_SECONDS = env_int("REGISTRY_BREAKER_OPEN_SECONDS", 60)
if REGISTRY_BREAKER_FAILURES < 1 or REGISTRY_BREAKER_OPEN_SECONDS < 1:
    raise ImproperlyConfigured("REGISTRY_BREAKER_FAILURES and ..._OPEN_SECONDS must be >= 1")
# How long an answer is kept: a found person or address, and a «not found» or «mismatch».
REGISTRY_CACHE_SECONDS = env_int("REGISTRY_CACHE_SECONDS", 24 * 60 * 60)
REGISTRY_NEGATIVE_CACHE_SECONDS = env_int("REGISTRY_NEGATIVE_CACHE_SECONDS", 10 * 60)

# --- Security --------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies whose X-Forwarded-For / X-Real-IP give the client's address (desk/core/
# forwarded.py): IPs, networks, "unix" for gunicorn on a unix socket, "*" for any peer.
# FORWARDED_ALLOW_IPS (gunicorn's own name, for X-Forwarded-Proto) is read when it is unset or
# empty, as deploy/gunicorn.conf.py does ("TRUSTED_PROXIES=" in a copied .env.example).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES") or env_list("FORWARDED_ALLOW_IPS")
refuse_unreal_addresses(
    https=HTTPS,
    behind_proxy=BEHIND_PROXY,
    gunicorn_bind=env_str("GUNICORN_BIND"),
    proxies=Proxies.parse(TRUSTED_PROXIES),
)
# Load balancers probe the health endpoint over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
# /healthz/ names its backends and timings only to a probe on this machine or one that sends
# this token in X-Healthz-Token; everyone else gets {"ok": true|false}.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN")
if HEALTHZ_TOKEN and len(HEALTHZ_TOKEN) < 24:
    raise ImproperlyConfigured("HEALTHZ_TOKEN must be at least 24 random characters")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from this site,
# never inline; no plugins, no framing, forms post only here. A template that needs inline
# script or a style attribute breaks in the browser tests (they fail on a CSP violation).
# data: images are Bootstrap's icons (in its CSS) and the QR code of a result.
_csp_report_uri = env_str("CSP_REPORT_URI")  # not CSP_*: django-csp 4 reads those as old settings
# Where the pay button's form may lead (the banks' payment pages), see Payments below.
PAYMENT_GATEWAY_ORIGINS = [
    "https://payment.zarinpal.com",
    "https://sandbox.zarinpal.com",
    "https://bpm.shaparak.ir",
    "https://sep.shaparak.ir",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # The pay button's form goes on to the bank's page (a redirect or a posted form).
        "form-action": ["'self'", *PAYMENT_GATEWAY_ORIGINS],
        "frame-ancestors": ["'none'"],
        **({"report-uri": [_csp_report_uri]} if _csp_report_uri else {}),
    }
}

# --- Payments (docs/payments.md) --------------------------------------------------------------
# Each agency's gateway account names a set of secrets here, never in the database:
# {"<name>": {"merchant_id": ..., "terminal_id": ..., "username": ..., "password": ...}}, from
# PAYMENT_CREDENTIALS (JSON) or the JSON file at PAYMENT_CREDENTIALS_FILE (a mounted secret).
PAYMENT_CREDENTIALS = json_secret(
    "PAYMENT_CREDENTIALS", env_str("PAYMENT_CREDENTIALS"), env_str("PAYMENT_CREDENTIALS_FILE")
)
PAYMENT_TIMEOUT_SECONDS = env_int("PAYMENT_TIMEOUT_SECONDS", 15)
# The fake gateway (its own payment page) for the demo and tests; never in production.
PAYMENT_FAKE_ALLOWED = env_bool("PAYMENT_FAKE_ALLOWED", DEBUG)
PAYMENT_ZARINPAL_SANDBOX = env_bool("PAYMENT_ZARINPAL_SANDBOX", False)
# A payment left at the gateway this long is verified again (or expired) by the job.
PAYMENT_PENDING_MINUTES = env_int("PAYMENT_PENDING_MINUTES", 30)
PAYMENT_UNKNOWN_GIVE_UP_HOURS = env_int("PAYMENT_UNKNOWN_GIVE_UP_HOURS", 72)
# A request filed for a service paid at application expires when its fee is not paid within
# this many hours (a service's own «مهلت پرداخت هنگام ثبت» overrides it).
PAYMENT_UNPAID_EXPIRY_HOURS = env_int("PAYMENT_UNPAID_EXPIRY_HOURS", 72)

# --- Surveys (docs/surveys.md) ---------------------------------------------------------------
SURVEY_INVITATION_DAYS = env_int("SURVEY_INVITATION_DAYS", 30)  # the link works this long
# The invitation SMS waits this long after the request ends (the result's own SMS goes first).
SURVEY_INVITE_DELAY_MINUTES = env_int("SURVEY_INVITE_DELAY_MINUTES", 60)
SURVEY_CHANGE_DAYS = env_int("SURVEY_CHANGE_DAYS", 7)  # a response may be changed this long
SURVEY_REMIND_AFTER_DAYS = env_int("SURVEY_REMIND_AFTER_DAYS", 3)  # one reminder, after this
# A month whose share of «felt the need for connections» passes this is reported to managers.
SURVEY_RED_FLAG_PERCENT = env_int("SURVEY_RED_FLAG_PERCENT", 10)
SURVEY_RED_FLAG_MIN_ANSWERS = env_int("SURVEY_RED_FLAG_MIN_ANSWERS", 20)

# --- Oversight (docs/oversight.md) ------------------------------------------------------------
# The nightly aggregation rebuilds this many days back (survey answers change for 7 days,
# SMS receipts arrive late), and a case review stays open this many hours.
OVERSIGHT_REAGGREGATE_DAYS = env_int("OVERSIGHT_REAGGREGATE_DAYS", 8)
OVERSIGHT_CASE_REVIEW_HOURS = env_int("OVERSIGHT_CASE_REVIEW_HOURS", 8)

# --- Integrations: API keys, webhooks, the national catalog export (docs/integrations.md) ---
# A rotated API key keeps working this long, so the system using it can switch without an outage.
API_KEY_ROTATION_GRACE_HOURS = env_int("API_KEY_ROTATION_GRACE_HOURS", 24)
# Webhooks: "http" (the network) or "fake" (the tests' recorder, never in production).
WEBHOOK_TRANSPORT = env_choice("WEBHOOK_TRANSPORT", "http", ("http", "fake"))
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)  # connecting, and each read
# In production (HTTPS=1) endpoints must be https:// and public: a typed URL must not reach the
# desk's own network (SSRF). Allow private addresses only for systems on an agency's own LAN.
WEBHOOK_REQUIRE_HTTPS = env_bool("WEBHOOK_REQUIRE_HTTPS", HTTPS)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", not HTTPS)
# A delivery is tried this many times, waiting base × 2^(n-1) seconds (at most max, with
# jitter) between tries, then given up (it can still be sent again by hand).
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 10)
# After «رمز امضای تازه» the old secret signs beside the new one this long (0: void at once).
WEBHOOK_SECRET_GRACE_HOURS = env_int("WEBHOOK_SECRET_GRACE_HOURS", 24)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)

# --- API -------------------------------------------------------------------------------------
# docs/api.md. Every call counts against its address, and against its token or agency key.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "desk.api.schema.ProblemAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "desk.api.authentication.BearerTokenAuthentication",
        "desk.api.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["desk.api.throttling.ApiThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "desk.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mizkhedmat API",
    "DESCRIPTION": "The service desk for mobile apps and agencies' systems (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The reading page's order: what anyone may call first, agencies' systems last.
    "TAGS": [
        {"name": "public"},
        {"name": "sign-in"},
        {"name": "citizen"},
        {"name": "citizen: payments"},
        {"name": "citizen: surveys"},
        {"name": "staff"},
        {"name": "agency systems"},
    ],
}
API_REQUESTS_PER_IP_PER_MINUTE = env_int("API_REQUESTS_PER_IP_PER_MINUTE", 120)
API_REQUESTS_PER_TOKEN_PER_MINUTE = env_int("API_REQUESTS_PER_TOKEN_PER_MINUTE", 60)
API_REQUESTS_PER_KEY_PER_MINUTE = env_int("API_REQUESTS_PER_KEY_PER_MINUTE", 600)
API_CITIZEN_TOKEN_DAYS = env_int("API_CITIZEN_TOKEN_DAYS", 30)
API_STAFF_TOKEN_HOURS = env_int("API_STAFF_TOKEN_HOURS", 12)
API_IDEMPOTENCY_HOURS = env_int("API_IDEMPOTENCY_HOURS", 24)

# --- Logging ---------------------------------------------------------------------------------
# One line per record, to stderr: time, level, logger, message. Huey's logger gets the handler
# itself (and does not propagate): run_huey adds its own handler only to a logger that has none,
# which printed every worker's line twice. LOG_LEVEL sets both; unset, the app logs INFO and Huey
# only WARNING (a line per job run otherwise).
LOG_LEVEL = env_str("LOG_LEVEL").strip().upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL or "INFO"},
    "loggers": {
        "huey": {"handlers": ["console"], "level": LOG_LEVEL or "WARNING", "propagate": False},
    },
}

# --- Benchmarks ------------------------------------------------------------------------------
# The empty view at /bench/empty/ (the machine's ceiling, see docs/benchmarks.md): 404 unless on.
BENCH_EMPTY_VIEW = env_bool("BENCH_EMPTY_VIEW", False)

TEST_RUNNER = "desk.test.Runner"
