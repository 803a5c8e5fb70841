"""Production wiring, read in a fresh process from environment variables (as gunicorn and the
job workers start): with REDIS_URL, nothing that several app servers share stays per process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from django.conf import settings
from django.test import SimpleTestCase

from desk.tests.test_settings import _INHERITED

_REPORT = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from huey.contrib.djhuey import HUEY
default = settings.STORAGES["default"]
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "session": settings.SESSION_ENGINE,
    "huey": type(HUEY).__name__,
    "huey_url": settings.HUEY.get("url"),
    "storage": default["BACKEND"],
    "storage_options": {k: v for k, v in default.get("OPTIONS", {}).items() if k != "secret_key"},
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "conn_health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
}))
"""
_EXTRA = (
    "SESSION_BACKEND",
    "STORAGE_BACKEND",
    "HUEY_REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "DB_STATEMENT_TIMEOUT_MS",
    "DB_PREPARED_STATEMENTS",
    "DB_PREPARE_THRESHOLD",
)


class ProductionSettingsTests(SimpleTestCase):
    def setUp(self) -> None:
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix="desk-settings-")
        self.addCleanup(tmp.cleanup)
        self.var_dir = tmp.name

    def settings_with(self, **env: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if k not in _INHERITED + _EXTRA}
        clean.update(DJANGO_SETTINGS_MODULE="desk.settings", VAR_DIR=self.var_dir, **env)
        return subprocess.run(
            [sys.executable, "-c", _REPORT],
            cwd=settings.BASE_DIR,
            env=clean,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def report(self, **env: str) -> dict[str, object]:
        result = self.settings_with(**env)
        self.assertEqual(result.returncode, 0, result.stderr)
        report: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
        return report

    def test_it_puts_cache_sessions_and_the_queue_in_redis_when_redis_url_is_set(self) -> None:
        # Settings only: nothing here connects to Redis.
        report = self.report(REDIS_URL="redis://redis.internal:6379/0")
        self.assertEqual(report["cache"], "desk.core.redis_cache.RedisCache")
        # Read through Redis, kept in the database: a Redis outage signs nobody out.
        self.assertEqual(report["session"], "desk.core.sessions")
        self.assertEqual(report["huey"], "RedisHuey")
        self.assertEqual(report["huey_url"], "redis://redis.internal:6379/0")
        self.assertEqual(
            report["cache_options"], {"socket_connect_timeout": 5, "socket_timeout": 5}
        )

    def test_it_can_keep_the_queue_in_its_own_redis_database(self) -> None:
        report = self.report(
            REDIS_URL="redis://redis.internal:6379/0", HUEY_REDIS_URL="redis://redis.internal/1"
        )
        self.assertEqual(report["huey_url"], "redis://redis.internal/1")

    def test_it_can_keep_sessions_in_redis_alone_or_the_database_alone(self) -> None:
        report = self.report(REDIS_URL="redis://redis.internal:6379/0", SESSION_BACKEND="cache")
        self.assertEqual(report["session"], "django.contrib.sessions.backends.cache")
        report = self.report(REDIS_URL="redis://redis.internal:6379/0", SESSION_BACKEND="db")
        self.assertEqual(report["session"], "desk.core.sessions_db")

    def test_it_keeps_everything_embedded_without_redis(self) -> None:
        report = self.report()
        self.assertEqual(report["cache"], "django.core.cache.backends.locmem.LocMemCache")
        self.assertEqual(report["session"], "desk.core.sessions_db")
        self.assertEqual(report["huey"], "SqliteHuey")
        self.assertEqual(report["storage"], "django.core.files.storage.FileSystemStorage")

    def test_it_refuses_per_process_cache_sessions(self) -> None:
        result = self.settings_with(SESSION_BACKEND="cache")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SESSION_BACKEND=cache needs REDIS_URL", result.stderr)

    def test_it_keeps_database_connections_between_requests(self) -> None:
        report = self.report(DATABASE_URL="postgres://desk@db.internal:5432/desk")
        self.assertEqual(report["conn_max_age"], 600)
        self.assertIs(report["conn_health_checks"], True)

    def test_it_can_cap_how_long_one_postgresql_query_runs(self) -> None:
        report = self.report(
            DATABASE_URL="postgres://desk@db.internal:5432/desk", DB_STATEMENT_TIMEOUT_MS="15000"
        )
        options = report["db_options"]
        assert isinstance(options, dict)
        self.assertEqual(options["options"], "-c statement_timeout=15000")

    def test_it_prepares_repeated_postgresql_queries_unless_told_not_to(self) -> None:
        url = "postgres://desk@db.internal:5432/desk"
        options = self.report(DATABASE_URL=url)["db_options"]
        self.assertEqual(options, {"server_side_binding": True, "prepare_threshold": 2})
        # A pooler in transaction mode without protocol-level prepared statements.
        self.assertEqual(
            self.report(DATABASE_URL=url, DB_PREPARED_STATEMENTS="0")["db_options"], {}
        )

    def test_it_stores_uploads_in_a_private_s3_compatible_bucket(self) -> None:
        report = self.report(
            STORAGE_BACKEND="s3",
            AWS_STORAGE_BUCKET_NAME="desk-private",
            AWS_S3_ENDPOINT_URL="https://s3.ir-thr-at1.arvanstorage.ir",
            AWS_S3_REGION_NAME="ir-thr-at1",
            AWS_ACCESS_KEY_ID="key-id",
            AWS_SECRET_ACCESS_KEY="secret",
        )
        self.assertEqual(report["storage"], "storages.backends.s3.S3Storage")
        options = report["storage_options"]
        assert isinstance(options, dict)
        self.assertEqual(options["bucket_name"], "desk-private")
        self.assertEqual(options["endpoint_url"], "https://s3.ir-thr-at1.arvanstorage.ir")
        self.assertEqual(options["region_name"], "ir-thr-at1")
        self.assertEqual(options["default_acl"], "private")
        self.assertIs(options["querystring_auth"], True)
        self.assertIsNone(options["custom_domain"])

    def test_it_refuses_s3_without_a_bucket(self) -> None:
        result = self.settings_with(STORAGE_BACKEND="s3")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("AWS_STORAGE_BUCKET_NAME", result.stderr)
