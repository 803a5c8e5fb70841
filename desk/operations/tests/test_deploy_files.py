"""The operator traps of the deployment files stay closed (issue 11, item 14)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)


class DeployFilesTest(SimpleTestCase):
    def test_env_example_pins_no_default_worked_out_elsewhere(self) -> None:
        example = (ROOT / ".env.example").read_text("utf-8")
        set_names = set(re.findall(r"^(\w+)=", example, re.M))

        # Each would override the image's VAR_DIR or pin SQLite beside REDIS_URL if copied.
        for name in ("VAR_DIR", "DATABASE_URL", "HUEY_BACKEND", "SESSION_BACKEND"):
            self.assertNotIn(name, set_names)
            self.assertRegex(example, rf"(?m)^# {name}=")
        self.assertIn("SITE_URL", set_names)

    def test_the_worker_stops_gracefully_under_compose(self) -> None:
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))

        worker = compose["services"]["worker"]
        self.assertEqual(worker["stop_signal"], "SIGINT")
        self.assertEqual(worker["stop_grace_period"], "60s")

    def test_compose_scans_uploads_with_clamd_and_keeps_sessions_across_a_redis_restart(
        self,
    ) -> None:
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
        services = compose["services"]

        self.assertTrue(services["clamav"]["image"].startswith("clamav/clamav:"))
        self.assertNotIn("ports", services["clamav"])  # never published outside the network
        for name in ("web", "worker"):
            env = services[name]["environment"]
            self.assertEqual(env["ANTIVIRUS_BACKEND"], "clamav")
            self.assertEqual(env["CLAMAV_HOST"], "clamav")
            self.assertEqual(env["CLAMAV_PORT"], "3310")
            self.assertIn("clamav", services[name]["depends_on"])
            # The default, cached_db: a session held only in Redis would end with a restart.
            self.assertNotIn("SESSION_BACKEND", env)

    def test_compose_backs_up_into_a_volume_the_image_lets_it_write(self) -> None:
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
        dockerfile = (ROOT / "deploy" / "Dockerfile").read_text("utf-8")

        backup = compose["services"]["backup"]
        self.assertEqual(backup["command"], ["python", "manage.py", "backup", "--drill"])
        self.assertEqual(backup["profiles"], ["tools"])  # run on demand, never by `up`
        self.assertIn("backups:/var/lib/desk/backups", backup["volumes"])
        self.assertIn("backups", compose["volumes"])
        # The image's VAR_DIR, and the folder the named volume copies its owner from.
        self.assertIn("VAR_DIR=/var/lib/desk", dockerfile)
        self.assertIn("mkdir -p /var/lib/desk/backups", dockerfile)
        self.assertIn("chown -R desk /var/lib/desk", dockerfile)
        # After collectstatic, which loads the settings as root and so creates VAR_DIR's
        # tmp/uploads (where uploads over 2.5 MB are spooled): desk must own it at run time.
        self.assertLess(
            dockerfile.index("manage.py collectstatic"),
            dockerfile.index("chown -R desk /var/lib/desk"),
        )
        self.assertLess(
            dockerfile.index("chown -R desk /var/lib/desk"), dockerfile.index("USER desk")
        )

    def test_compose_is_a_production_recipe_that_every_service_can_start_with(self) -> None:
        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
        services = compose["services"]
        app = [name for name, service in services.items() if "build" in service]
        self.assertEqual(set(app), {"web", "worker", "scheduler", "migrate", "backup"})
        for name in app:
            env = services[name]["environment"]
            with self.subTest(name=name):
                # HTTPS=1 with BEHIND_PROXY=1 refuses to start without TRUSTED_PROXIES.
                self.assertEqual(env["BEHIND_PROXY"], "1")
                self.assertEqual(env["TRUSTED_PROXIES"], "*")
                self.assertEqual(env["HTTPS"], "${HTTPS:-1}")
                self.assertRegex(env["SECRET_KEY"], r"^\$\{SECRET_KEY:\?.+\}$")
                self.assertIn("${POSTGRES_PASSWORD:?", env["DATABASE_URL"])
                self.assertRegex(env["AWS_ACCESS_KEY_ID"], r"^\$\{MINIO_ROOT_USER:\?.+\}$")
                self.assertRegex(env["AWS_SECRET_ACCESS_KEY"], r"^\$\{MINIO_ROOT_PASSWORD:\?.+\}$")
        # No weak password falls back silently; .env.example names what compose requires.
        text = (ROOT / "docker-compose.yml").read_text("utf-8")
        self.assertNotRegex(text, r"\$\{(POSTGRES_PASSWORD|MINIO_ROOT_\w+|SECRET_KEY):-")
        example = (ROOT / ".env.example").read_text("utf-8")
        for name in ("SECRET_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"):
            self.assertRegex(example, rf"(?m)^{name}=")

    def test_one_consumer_alone_schedules_the_periodic_jobs_under_compose(self) -> None:
        services = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))["services"]
        self.assertIn("--no-periodic", services["worker"]["command"])
        scheduler = services["scheduler"]
        self.assertIn("run_huey", scheduler["command"])
        self.assertNotIn("--no-periodic", scheduler["command"])
        self.assertNotIn("deploy", scheduler)  # one replica
        self.assertEqual(scheduler["stop_signal"], "SIGINT")

    def test_the_systemd_units_leave_var_dir_and_proxies_to_the_settings_file(self) -> None:
        # A unit's Environment= wins over desk.env, which shell commands read alone: VAR_DIR and
        # TRUSTED_PROXIES set in a unit would differ from the release's collectstatic or backup.
        deployment = (ROOT / "docs" / "deployment.md").read_text("utf-8")
        for unit in sorted((ROOT / "deploy" / "systemd").glob("*.service")):
            text = unit.read_text("utf-8")
            with self.subTest(unit=unit.name):
                self.assertIn("Environment=DESK_ENV_FILE=/etc/desk/desk.env", text)
                self.assertNotRegex(text, r"(?m)^Environment=(VAR_DIR|TRUSTED_PROXIES)=")
                for section in re.findall(r'docs/deployment\.md, "([^"]+)"', text):
                    self.assertRegex(deployment, rf"(?m)^#+ {re.escape(section)}$")
        self.assertIn("VAR_DIR=/var/lib/desk", deployment)
        self.assertIn("TRUSTED_PROXIES=unix", deployment)

    def test_the_image_has_weasyprints_libraries_and_leaves_secrets_out(self) -> None:
        dockerfile = (ROOT / "deploy" / "Dockerfile").read_text("utf-8")
        ignored = (ROOT / ".dockerignore").read_text("utf-8").split()

        for library in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"):
            self.assertIn(library, dockerfile)
        for path in (".env", "var", ".venv", "node_modules", ".git"):
            self.assertIn(path, ignored)

    def test_access_logs_keep_paths_but_never_query_strings(self) -> None:
        # A lookup's result links carry a download proof (?proof=…): whoever reads a log line
        # with it could download that request's files for an hour.
        import runpy

        conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
        line_format = conf["access_log_format"]
        self.assertIn("%(U)s", line_format)
        for with_query in ("%(r)s", "%(q)s", "%(f)s"):
            self.assertNotIn(with_query, line_format)
        for name in ("desk.conf", "compose.conf"):
            with self.subTest(name=name):
                nginx = (ROOT / "deploy" / "nginx" / name).read_text("utf-8")
                formats = re.findall(r"log_format\s+(\w+)([^;]*);", nginx)
                self.assertEqual([name for name, _ in formats], ["desk_noquery"])
                self.assertNotRegex(
                    formats[0][1], r"\$(request|request_uri|uri|args|query_string|http_referer)\b"
                )
                # The path as logged: the SMS webhooks' token masked (map $uri $desk_log_uri).
                self.assertIn("$desk_log_uri", formats[0][1])
                self.assertIn("map $uri $desk_log_uri {", nginx)
                servers = nginx.count("server {")
                self.assertEqual(
                    nginx.count("access_log /var/log/nginx/access.log desk_noquery;"), servers
                )

    def test_gunicorn_logs_the_sms_webhooks_path_without_its_token(self) -> None:
        import datetime
        import runpy
        from types import SimpleNamespace

        from gunicorn.config import Config

        conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
        logger = conf["logger_class"](Config())
        response = SimpleNamespace(status="200 OK", sent=2, headers=[])
        for path, logged in (
            (
                "/messages/hooks/sms/kavenegar/receipts/tok3n-SECRET-0123456789abcdef/",
                "/messages/hooks/sms/kavenegar/receipts/***/",
            ),
            (
                "/hooks/sms/smsir/inbound/tok3n-SECRET-0123456789abcdef/",
                "/hooks/sms/smsir/inbound/***/",
            ),
            ("/messages/hooks/sms/smsir/inbound/", "/messages/hooks/sms/smsir/inbound/"),
            ("/track/", "/track/"),
        ):
            with self.subTest(path=path):
                environ = {
                    "REQUEST_METHOD": "POST",
                    "RAW_URI": path + "?x=1",
                    "SERVER_PROTOCOL": "HTTP/1.1",
                    "PATH_INFO": path,
                }
                atoms = logger.atoms(response, [], environ, datetime.timedelta(seconds=0))
                self.assertEqual(atoms["U"], logged)
                self.assertNotIn("SECRET", atoms["r"])

    def test_every_location_nginx_passes_on_overwrites_the_clients_address_headers(self) -> None:
        # The app believes X-Forwarded-For from nginx (TRUSTED_PROXIES): a location that passed
        # the client's own header on would let it claim any address (the health endpoint shows
        # its details to addresses inside the network).
        nginx = (ROOT / "deploy" / "nginx" / "desk.conf").read_text("utf-8")
        blocks = re.findall(r"location[^{]*\{[^}]*proxy_pass[^}]*\}", nginx)
        self.assertGreaterEqual(len(blocks), 2)
        for block in blocks:
            self.assertIn("proxy_set_header X-Forwarded-For $remote_addr;", block)
            self.assertIn("proxy_set_header X-Real-IP $remote_addr;", block)

    def test_gunicorn_reads_the_env_file_but_the_environment_wins(self) -> None:
        with tempfile.TemporaryDirectory(prefix="desk-gunicorn-") as tmp:
            root = Path(tmp)
            (root / "deploy").mkdir()
            (root / "desk" / "core").mkdir(parents=True)
            shutil.copy(ROOT / "deploy" / "gunicorn.conf.py", root / "deploy")
            shutil.copy(ROOT / "desk" / "core" / "env.py", root / "desk" / "core")
            (root / ".env").write_text(
                "GUNICORN_WORKERS=3\nGUNICORN_BIND=unix:/run/desk/gunicorn.sock\n"
                "FORWARDED_ALLOW_IPS=10.0.0.5  # the proxy\n",
                "utf-8",
            )
            env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "FORW"))}
            code = (
                "import runpy; c = runpy.run_path('deploy/gunicorn.conf.py'); "
                "print(c['workers'], c['bind'], c['forwarded_allow_ips'])"
            )
            result = subprocess.run(
                [sys.executable, "-c", code],
                cwd=root,
                env={**env, "GUNICORN_WORKERS": "5"},
                capture_output=True,
                text=True,
                timeout=60,
            )

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["5", "unix:/run/desk/gunicorn.sock", "10.0.0.5"])

    def test_nginx_accepts_both_configurations(self) -> None:
        # `nginx -t` on each file as shipped, with only the machine's paths (certificates, log
        # folder, static root) and the compose service name pointed at a scratch folder.
        nginx = shutil.which("nginx") or (
            "/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None
        )
        if nginx is None:
            self.skipTest("nginx is not installed (.ci/run installs it)")
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            (folder / "ssl").mkdir()
            subprocess.run(
                [
                    "openssl",
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-days",
                    "1",
                    "-subj",
                    "/CN=desk",
                    "-keyout",
                    str(folder / "ssl/privkey.pem"),
                    "-out",
                    str(folder / "ssl/fullchain.pem"),
                ],
                check=True,
                capture_output=True,
            )
            for name in ("desk.conf", "compose.conf"):
                with self.subTest(name=name):
                    text = (ROOT / "deploy" / "nginx" / name).read_text(encoding="utf-8")
                    text = (
                        text.replace("/etc/ssl/desk/", f"{folder}/ssl/")
                        .replace("/var/log/nginx/", f"{folder}/")
                        .replace("/srv/desk/", f"{folder}/")
                        .replace("web:8000", "127.0.0.1:8000")
                    )
                    (folder / name).write_text(text, encoding="utf-8")
                    main = folder / f"test-{name}"
                    main.write_text(
                        f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
                        f"events {{}}\nhttp {{\ninclude {folder / name};\n}}\n",
                        encoding="utf-8",
                    )
                    result = subprocess.run(
                        [nginx, "-t", "-c", str(main), "-p", str(folder)],
                        capture_output=True,
                        text=True,
                    )
                    self.assertEqual(result.returncode, 0, result.stderr)
