"""Settings come from the environment: production values pass Django's deploy checks, and
missing or malformed values stop the process at start-up instead of running half-configured."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from django.conf import settings
from django.core.management.utils import get_random_secret_key
from django.test import SimpleTestCase

# Variables a developer's shell or CI may carry that would change what is being checked.
_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "HUEY_BACKEND",
    "SMS_BACKEND",
    "STATIC_MANIFEST",
    "BEHIND_PROXY",
    "SECURE_HSTS_SECONDS",
    "CSRF_TRUSTED_ORIGINS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by desk.test.Runner for the browser tests
    "TRUSTED_PROXIES",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_BIND",
    "GUNICORN_WORKERS",
    "LOG_LEVEL",
)


class SettingsTests(SimpleTestCase):
    def setUp(self) -> None:
        super().setUp()
        tmp = tempfile.TemporaryDirectory(prefix="desk-settings-")
        self.addCleanup(tmp.cleanup)
        self.var_dir = tmp.name

    def _production_env(self, **changes: str | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _INHERITED}
        env.update(
            DJANGO_SETTINGS_MODULE="desk.settings",
            DEBUG="0",
            HTTPS="1",
            SECRET_KEY=get_random_secret_key(),
            ALLOWED_HOSTS="desk.example.ir",
            SITE_URL="https://desk.example.ir",
            VAR_DIR=self.var_dir,
            # Settings only: nothing in these checks connects to Redis.
            REDIS_URL="redis://127.0.0.1:6379/0",
            # The real gateways' settings (nothing here sends a message or asks a registry).
            SMS_BACKEND="kavenegar",
            KAVENEGAR_API_KEY="placeholder",
            REGISTRY_BACKEND="gsb",
            REGISTRY_GSB_URL="https://gsb.example.ir",
            REGISTRY_GSB_CLIENT_ID="desk",
            REGISTRY_GSB_TOKEN="placeholder",
        )
        for name, value in changes.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        return env

    def _manage(self, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def test_it_passes_the_deploy_checks_with_production_settings(self) -> None:
        result = self._manage(
            "check", "--deploy", "--fail-level", "WARNING", env=self._production_env()
        )
        self.assertEqual(
            result.returncode, 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )

    def test_it_refuses_to_start_with_https_and_no_secret_key(self) -> None:
        result = self._manage("check", env=self._production_env(SECRET_KEY=None))
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("SECRET_KEY", result.stderr)

    def test_it_refuses_the_development_or_a_short_secret_key_in_production(self) -> None:
        for key in (settings.DEVELOPMENT_SECRET_KEY, "short-key"):
            with self.subTest(key=key):
                result = self._manage("check", env=self._production_env(SECRET_KEY=key))
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn("SECRET_KEY must be set to 50 or more", result.stderr)

    def test_it_refuses_to_start_in_production_without_a_public_site_url(self) -> None:
        for site_url in (None, "http://127.0.0.1:8000", "https://localhost", "http://desk.ir"):
            with self.subTest(site_url=site_url):
                result = self._manage("check", env=self._production_env(SITE_URL=site_url))
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn("SITE_URL must be the public https:// address", result.stderr)

    def test_a_server_without_https_still_refuses_the_development_key(self) -> None:
        # HTTPS=1 forgotten: DEBUG off and a SITE_URL people reach make it a server.
        for site_url in ("https://desk.example.ir", "http://desk.example.ir", "http://10.0.0.5"):
            with self.subTest(site_url=site_url):
                env = self._production_env(HTTPS="0", SECRET_KEY=None, SITE_URL=site_url)
                result = self._manage("check", env=env)
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn("SECRET_KEY must be set: DEBUG is off", result.stderr)

    def test_tests_benchmarks_and_the_demo_need_no_secret_key(self) -> None:
        # The local default SITE_URL (the tests, `make check-migrations`, the benchmarks'
        # servers, which answer ALLOWED_HOSTS=desk.example.ir), or DEBUG=1 (`make demo`): the
        # development key is accepted.
        for changes in (
            {"SITE_URL": None},
            {"SITE_URL": "http://127.0.0.1:8150"},
            {"SITE_URL": "http://localhost:8000"},
            {"DEBUG": "1"},
        ):
            with self.subTest(**{k: str(v) for k, v in changes.items()}):
                env = self._production_env(HTTPS="0", SECRET_KEY=None, **changes)
                result = self._manage("check", env=env)
                self.assertEqual(result.returncode, 0, result.stderr)

    def test_the_deploy_check_flags_the_development_key_and_a_local_site_url(self) -> None:
        env = self._production_env(HTTPS="0", SECRET_KEY=None, SITE_URL=None)
        result = self._manage("check", "--deploy", env=env)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("operations.E001", result.stderr)
        self.assertIn("operations.E002", result.stderr)

    def test_the_deploy_check_refuses_stand_ins_for_outside_systems(self) -> None:
        # A console SMS backend prints sign-in codes to the log; the fake registry verifies
        # anyone; the fake bank pays without money.
        env = self._production_env(
            SMS_BACKEND="console",
            REGISTRY_BACKEND="fake",
            PAYMENT_FAKE_ALLOWED="1",
            WEBHOOK_TRANSPORT="fake",
            ANTIVIRUS_BACKEND="fake",
        )
        result = self._manage("check", "--deploy", env=env)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("operations.E003", result.stderr)
        for stand_in in (
            "SMS_BACKEND=console",
            "REGISTRY_BACKEND=fake",
            "PAYMENT_FAKE_ALLOWED=1",
            "WEBHOOK_TRANSPORT=fake",
            "ANTIVIRUS_BACKEND=fake",
        ):
            self.assertIn(stand_in, result.stderr)

    def test_a_server_names_its_settings_file_in_desk_env_file(self) -> None:
        # The systemd units and a shell's manage.py read the same /etc/desk/desk.env; inline
        # comments allowed; what the environment sets (the units' own lines) wins.
        path = os.path.join(self.var_dir, "desk.env")
        with open(path, "w", encoding="utf-8") as env_file:
            env_file.write("SMS_SENDER=30001234   # the agency's line\n")
            env_file.write("OTP_TOTP_ISSUER=FromFile\n")
        env = self._production_env(DESK_ENV_FILE=path, OTP_TOTP_ISSUER="FromUnit")
        env.pop("SMS_SENDER", None)
        result = self._manage(
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.SMS_SENDER, s.OTP_TOTP_ISSUER)",
            env=env,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split()[-2:], ["30001234", "FromUnit"])

    def test_it_fails_loudly_on_a_value_it_cannot_read(self) -> None:
        for name, value in (
            ("DEBUG", "maybe"),
            ("OTP_TTL_SECONDS", "two minutes"),
            ("SMS_BACKEND", "carrier-pigeon"),
        ):
            with self.subTest(name=name):
                result = self._manage("check", env=self._production_env(**{name: value}))
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn("ImproperlyConfigured", result.stderr)
                self.assertIn(name, result.stderr)
                self.assertIn(value, result.stderr)

    def test_it_refuses_https_without_a_shared_cache_for_rate_limits(self) -> None:
        result = self._manage("check", env=self._production_env(REDIS_URL=None))
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("ImproperlyConfigured", result.stderr)
        self.assertIn("HTTPS=1 needs REDIS_URL", result.stderr)

    def test_a_single_process_server_may_run_without_redis(self) -> None:
        env = self._production_env(REDIS_URL=None, GUNICORN_WORKERS="1")
        result = self._manage("check", env=env)
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_log_lines_name_time_level_and_logger_and_huey_prints_once(self) -> None:
        # run_huey adds a handler of its own to a "huey" logger that has none: with the root's
        # as well, every worker line was printed twice.
        code = (
            "import logging; h = logging.getLogger('huey'); assert h.handlers; "
            "h.info('hidden'); h.warning('once'); logging.getLogger('desk.x').info('app')"
        )
        result = self._manage("shell", "-c", code, env=self._production_env(LOG_LEVEL=None))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr.count("once"), 1, result.stderr)
        self.assertNotIn("hidden", result.stderr)
        self.assertRegex(result.stderr, r"(?m)^\d{4}-\d\d-\d\d [\d:,]+ WARNING huey: once$")
        self.assertRegex(result.stderr, r"(?m)^\d{4}-\d\d-\d\d [\d:,]+ INFO desk\.x: app$")

    def test_an_empty_trusted_proxies_falls_back_to_forwarded_allow_ips(self) -> None:
        # «TRUSTED_PROXIES=» as in a copied .env.example: gunicorn.conf.py reads
        # FORWARDED_ALLOW_IPS then, and so must the app.
        code = "from django.conf import settings as s; print(s.TRUSTED_PROXIES)"
        for trusted, expected in (("", "['10.0.0.5']"), ("unix", "['unix']")):
            with self.subTest(trusted=trusted):
                env = self._production_env(
                    BEHIND_PROXY="1", TRUSTED_PROXIES=trusted, FORWARDED_ALLOW_IPS="10.0.0.5"
                )
                result = self._manage("shell", "-c", code, env=env)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.split()[-1], expected)

    def test_it_refuses_a_unix_socket_whose_peer_is_not_trusted(self) -> None:
        env = self._production_env(
            BEHIND_PROXY="1", GUNICORN_BIND="unix:/run/desk/gunicorn.sock", TRUSTED_PROXIES=None
        )
        result = self._manage("check", env=env)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("TRUSTED_PROXIES", result.stderr)
        env["TRUSTED_PROXIES"] = "unix"
        result = self._manage("check", "--deploy", "--fail-level", "WARNING", env=env)
        self.assertEqual(result.returncode, 0, f"{result.stdout}\n{result.stderr}")
