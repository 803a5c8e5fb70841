from __future__ import annotations

import io
from typing import Any
from unittest import mock

from django.test import TestCase, override_settings
from django.urls import reverse

from desk.health import checks
from desk.lib.antivirus import EICAR
from desk.lib.tests.test_antivirus import TinyClamd
from desk.submissions.tests.test_upload_safety import unused_port

LOGGER = "desk.health.checks"
# The tests run with the fake antivirus configured (desk/test.py), so it is checked too.
EVERY_CHECK = {"database", "queue", "storage", "antivirus"}


class HealthzTests(TestCase):
    url = reverse("health:healthz")

    def test_it_answers_200_when_database_queue_and_storage_answer(self) -> None:
        r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertTrue(body["ok"])
        self.assertEqual(set(body["checks"]), EVERY_CHECK)
        for name, check in body["checks"].items():
            with self.subTest(check=name):
                self.assertTrue(check["ok"])
                self.assertIn("ms", check)
        self.assertEqual(
            r["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private"
        )

    def test_it_answers_503_and_names_the_failing_check(self) -> None:
        def broken() -> dict[str, object]:
            raise ConnectionError("redis://:s3cret-password@queue.internal:6379 refused")

        with mock.patch.dict(checks.CHECKS, {"queue": broken}), self.assertLogs(LOGGER, "ERROR"):
            r = self.client.get(self.url)
        self.assertEqual(r.status_code, 503)
        body = r.json()
        self.assertFalse(body["ok"])
        self.assertEqual(body["checks"]["queue"], {**body["checks"]["queue"], "ok": False})
        self.assertEqual(body["checks"]["queue"]["error"], "ConnectionError")
        self.assertTrue(body["checks"]["database"]["ok"])

    def test_it_never_shows_an_error_message_that_may_hold_secrets(self) -> None:
        def broken() -> dict[str, object]:
            raise OSError("s3cret-password at bucket desk-private")

        with mock.patch.dict(checks.CHECKS, {"storage": broken}), self.assertLogs(LOGGER, "ERROR"):
            r = self.client.get(self.url)
        self.assertEqual(r.status_code, 503)
        self.assertNotIn(b"s3cret", r.content)
        self.assertNotIn(b"desk-private", r.content)

    def test_it_fails_the_storage_check_when_the_bytes_come_back_different(self) -> None:
        other = mock.patch(
            "django.core.files.storage.FileSystemStorage._open",
            side_effect=lambda name, mode="rb": io.BytesIO(b"other"),
        )
        with other, self.assertLogs(LOGGER, "ERROR"):
            r = self.client.get(self.url)
        self.assertEqual(r.status_code, 503)
        self.assertFalse(r.json()["checks"]["storage"]["ok"])

    def test_it_fails_the_database_check_when_the_database_is_down(self) -> None:
        with mock.patch.object(checks, "connections") as conns:
            conns.__getitem__.return_value.cursor.side_effect = OSError("down")
            with self.assertLogs(LOGGER, "ERROR"):
                r = self.client.get(self.url)
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json()["checks"]["database"]["error"], "OSError")

    def test_it_leaves_no_probe_file_behind(self) -> None:
        from django.core.files.storage import storages

        self.client.get(self.url)
        _dirs, files = storages["default"].listdir("healthz")
        self.assertEqual(files, [])

    def test_it_only_answers_get(self) -> None:
        self.assertEqual(self.client.post(self.url).status_code, 405)

    @override_settings(SECURE_SSL_REDIRECT=True)
    def test_it_is_not_redirected_to_https_so_that_probes_inside_the_network_work(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.get("/services/").status_code, 301)


class EmptyViewTests(TestCase):
    url = reverse("health:bench_empty")

    def test_it_is_not_found_unless_the_benchmark_turns_it_on(self) -> None:
        self.assertEqual(self.client.get(self.url).status_code, 404)

    @override_settings(BENCH_EMPTY_VIEW=True)
    def test_it_answers_ok_with_no_query_when_on(self) -> None:
        with self.assertNumQueries(0):
            r = self.client.get(self.url)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.content, b"ok")


@override_settings(HEALTHZ_TOKEN="a-token-of-at-least-24-characters")
class HealthzDetailTests(TestCase):
    url = reverse("health:healthz")

    def test_a_stranger_sees_only_whether_it_is_ok(self) -> None:
        r = self.client.get(self.url, REMOTE_ADDR="203.0.113.9")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json(), {"ok": True})

    def test_a_stranger_learns_only_that_it_failed(self) -> None:
        with mock.patch.object(checks, "CHECKS", {"database": _boom}):
            r = self.client.get(self.url, REMOTE_ADDR="203.0.113.9")
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json(), {"ok": False})

    def test_a_probe_on_this_machine_sees_every_check(self) -> None:
        r = self.client.get(self.url, REMOTE_ADDR="::1")
        self.assertEqual(set(r.json()["checks"]), EVERY_CHECK)

    def test_the_token_shows_the_details_to_a_remote_probe(self) -> None:
        r = self.client.get(
            self.url,
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_HEALTHZ_TOKEN="a-token-of-at-least-24-characters",
        )
        self.assertEqual(set(r.json()["checks"]), EVERY_CHECK)

    def test_a_wrong_token_shows_nothing_more(self) -> None:
        r = self.client.get(
            self.url,
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_HEALTHZ_TOKEN="a-token-of-at-least-24-characterZ",
        )
        self.assertEqual(r.json(), {"ok": True})


def _boom() -> dict[str, object]:
    raise ConnectionError("db.internal:5432 refused")


@override_settings(HEALTHZ_TOKEN="a-token-of-at-least-24-characters")
class AntivirusHealthTests(TestCase):
    """With ClamAV configured, /healthz/ asks clamd (here a tiny one speaking its protocol) to
    find the EICAR test file; the details stay behind the token like the other checks'."""

    url = reverse("health:healthz")
    token = {"X-Healthz-Token": "a-token-of-at-least-24-characters"}

    def clamd(self, **options: object) -> TinyClamd:
        clamd = TinyClamd(**options)  # type: ignore[arg-type]
        self.addCleanup(clamd.close)
        return clamd

    def get(self, **settings: object) -> Any:
        with self.settings(ANTIVIRUS_BACKEND="clamav", CLAMAV_SOCKET="", **settings):
            return self.client.get(self.url, REMOTE_ADDR="203.0.113.9", headers=self.token)

    def test_a_clamd_that_finds_eicar_is_reported_healthy_with_the_token(self) -> None:
        clamd = self.clamd()
        r = self.get(CLAMAV_HOST="127.0.0.1", CLAMAV_PORT=clamd.port)
        self.assertEqual(r.status_code, 200)
        antivirus = r.json()["checks"]["antivirus"]
        self.assertEqual(antivirus["backend"], "clamav")
        self.assertTrue(antivirus["ok"])
        self.assertTrue(antivirus["required"])
        self.assertEqual(clamd.commands, [b"zINSTREAM"])
        self.assertEqual(clamd.payloads, [EICAR])

    def test_a_clamd_that_is_down_fails_the_health_check(self) -> None:
        with self.assertLogs(LOGGER, "ERROR"):
            r = self.get(
                CLAMAV_HOST="127.0.0.1", CLAMAV_PORT=unused_port(), CLAMAV_TIMEOUT_SECONDS=1
            )
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json()["checks"]["antivirus"]["error"], "ScannerUnavailable")

    def test_a_stranger_sees_only_the_verdict(self) -> None:
        with (
            self.settings(
                ANTIVIRUS_BACKEND="clamav", CLAMAV_HOST="127.0.0.1", CLAMAV_PORT=unused_port()
            ),
            self.assertLogs(LOGGER, "ERROR"),
        ):
            r = self.client.get(self.url, REMOTE_ADDR="203.0.113.9")
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json(), {"ok": False})

    def test_when_uploads_may_go_on_unscanned_a_down_clamd_is_reported_but_not_fatal(self) -> None:
        with self.assertLogs(LOGGER, "ERROR"):
            r = self.get(
                CLAMAV_HOST="127.0.0.1", CLAMAV_PORT=unused_port(), ANTIVIRUS_FAIL_OPEN=True
            )
        self.assertEqual(r.status_code, 200)
        self.assertFalse(r.json()["checks"]["antivirus"]["ok"])

    def test_without_an_antivirus_there_is_no_antivirus_check(self) -> None:
        with self.settings(ANTIVIRUS_BACKEND="none"):
            r = self.client.get(self.url, headers=self.token)
        self.assertNotIn("antivirus", r.json()["checks"])
