"""Redis unreachable (a client pointed at a port where nothing listens): sessions are read from
the database, rate limits count in the process, configuration is read from the database, and
whatever cannot go on answers the Persian 503 page with what was typed kept, never a 500."""

from __future__ import annotations

import logging
import sys
from unittest import mock

from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import RequestFactory, override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from desk.core import outage, ratelimit
from desk.core.cache import generation_bump, generation_cached
from desk.core.outage import server_error
from desk.lib import tracking
from desk.test import BaseTestCase

DEAD_REDIS = {
    "default": {
        "BACKEND": "desk.core.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: refused at once
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
SESSIONS = "desk.core.sessions"
UNAVAILABLE = "سرویس چند لحظه در دسترس نیست"
MY = reverse("submissions:my_requests")


@override_settings(SESSION_ENGINE=SESSIONS)
class SessionsSurviveTests(BaseTestCase):
    def test_a_citizen_stays_signed_in_while_redis_is_down(self) -> None:
        self.client.force_login(self.citizen)  # stored in the database and in the cache
        self.assertEqual(self.client.get(MY).status_code, 200)
        with override_settings(CACHES=DEAD_REDIS):
            response = self.client.get(MY)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "درخواست")

    def test_a_citizen_signs_in_while_redis_is_down_and_stays_signed_in_after(self) -> None:
        with override_settings(CACHES=DEAD_REDIS):
            self.client.force_login(self.citizen)
            self.assertEqual(self.client.get(MY).status_code, 200)
        self.assertEqual(self.client.get(MY).status_code, 200)
        self.assertEqual(Session.objects.count(), 1)

    def test_signing_out_while_redis_is_down_is_refused_and_the_session_kept(self) -> None:
        """Sign-out fails closed: a copy left in Redis would outlive it once Redis is back."""
        self.client.force_login(self.citizen)
        with override_settings(CACHES=DEAD_REDIS):
            response = self.client.post(reverse("accounts:logout"))
        self.assertContains(response, UNAVAILABLE, status_code=503)
        self.assertEqual(Session.objects.count(), 1)
        self.assertEqual(self.client.get(MY).status_code, 200)
        self.client.post(reverse("accounts:logout"))
        self.assertEqual(self.client.get(MY).status_code, 302)


@override_settings(SESSION_ENGINE=SESSIONS, TRACKING_LOOKUPS_PER_IP_PER_HOUR=3)
class RateLimitsFailOpenTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        ratelimit._local.clear()  # this process's fallback counters

    def lookup(self) -> list[str]:
        response = self.client.post(
            reverse("submissions:track"),
            {"code": tracking.generate(), "national_code": "0084575948"},
            REMOTE_ADDR="203.0.113.7",
        )
        self.assertEqual(response.status_code, 200)
        return list(response.context["form"].non_field_errors())

    def test_tracking_lookups_go_on_and_are_still_limited_in_the_process(self) -> None:
        with override_settings(CACHES=DEAD_REDIS):
            answers = [self.lookup() for _ in range(4)]
        self.assertTrue(all("پیدا نشد" in errors[0] for errors in answers[:3]), answers)
        self.assertIn("از حد مجاز گذشته", answers[3][0])

    def test_a_limit_that_must_hold_fails_closed(self) -> None:
        with override_settings(CACHES=DEAD_REDIS), self.assertRaises(RedisConnectionError):
            ratelimit.hit(key="t", limit=3, window_seconds=60, on_outage="closed")


class ConfigurationCacheTests(BaseTestCase):
    def test_reads_fall_back_to_the_database(self) -> None:
        with override_settings(CACHES=DEAD_REDIS):
            value = generation_cached(key="k", generation="g", build=lambda: {"from": "db"})
        self.assertEqual(value, {"from": "db"})

    def test_writes_fail_closed(self) -> None:
        with override_settings(CACHES=DEAD_REDIS), self.assertRaises(RedisConnectionError):
            generation_bump("g")

    def test_the_apply_page_renders_from_the_database(self) -> None:
        self.client.force_login(self.citizen)
        with override_settings(CACHES=DEAD_REDIS, SESSION_ENGINE=SESSIONS):
            response = self.client.get(reverse("submissions:apply", args=[self.service.slug]))
        self.assertEqual(response.status_code, 200)


class UnavailablePageTests(BaseTestCase):
    def test_a_post_that_meets_an_outage_gets_503_with_what_was_typed(self) -> None:
        with mock.patch(
            "desk.submissions.views.ratelimit.hit", side_effect=RedisConnectionError("refused")
        ):
            response = self.client.post(
                reverse("submissions:track"),
                {"code": "7065897397801", "national_code": "0084575948"},
            )
        self.assertContains(response, UNAVAILABLE, status_code=503)
        self.assertEqual(response["Retry-After"], "30")
        self.assertIn("no-store", response["Cache-Control"])
        self.assertContains(response, 'value="7065897397801"', status_code=503)
        self.assertContains(response, "فرستادن دوباره", status_code=503)
        self.assertNotContains(response, "refused", status_code=503)

    def test_secrets_are_never_echoed(self) -> None:
        with mock.patch(
            "desk.accounts.views.services.otp_verify", side_effect=RedisConnectionError("x")
        ):
            session = self.client.session
            session["otp_mobile"] = "+989121234567"
            session.save()
            response = self.client.post(reverse("accounts:citizen_verify"), {"code": "123456"})
        self.assertContains(response, UNAVAILABLE, status_code=503)
        self.assertNotContains(response, "123456", status_code=503)

    def test_an_outage_outside_a_view_is_a_503_and_anything_else_a_500(self) -> None:
        request = RequestFactory().get("/my/")
        try:
            raise RedisConnectionError("refused")
        except RedisConnectionError:
            self.assertEqual(server_error(request).status_code, 503)
        try:
            raise ValueError("a bug")
        except ValueError:
            self.assertIsNotNone(sys.exc_info()[1])
            self.assertEqual(server_error(request).status_code, 500)

    def test_the_dead_redis_really_is_unreachable(self) -> None:
        with override_settings(CACHES=DEAD_REDIS), self.assertRaises(RedisConnectionError):
            caches["default"].get("anything")


class OutageWarningsTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        outage._warned.clear()
        ratelimit._local.clear()

    @override_settings(SESSION_ENGINE=SESSIONS, TRACKING_LOOKUPS_PER_IP_PER_HOUR=100)
    def test_an_outage_under_load_logs_one_warning_per_kind_not_one_per_request(self) -> None:
        self.client.force_login(self.citizen)
        with override_settings(CACHES=DEAD_REDIS), self.assertLogs("desk.core", "WARNING") as logs:
            for _ in range(5):
                self.assertEqual(self.client.get(MY).status_code, 200)
                self.client.post(
                    reverse("submissions:track"),
                    {"code": tracking.generate(), "national_code": "0084575948"},
                )
        kinds = sorted(line.split(":", 2)[2] for line in logs.output)
        self.assertEqual(
            kinds,
            [
                "rate limits counted in this process: the shared cache is down",
                "session cache unavailable; the session is read from the database",
            ],
        )

    def test_the_warning_comes_back_after_the_interval_with_the_count_held_back(self) -> None:
        log = logging.getLogger("desk.core.sessions")
        with self.assertLogs(log, "WARNING") as logs:
            with mock.patch.object(outage.time, "monotonic", return_value=1000.0):
                for _ in range(4):
                    outage.warn_degraded(log, "cache down")
            later = 1000.0 + outage.WARN_EVERY_SECONDS
            with mock.patch.object(outage.time, "monotonic", return_value=later):
                outage.warn_degraded(log, "cache down")
        self.assertEqual(
            [line.split(":", 2)[2] for line in logs.output],
            ["cache down", "cache down (3 more since the last warning)"],
        )
