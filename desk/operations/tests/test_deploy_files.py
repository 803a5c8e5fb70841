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
        nginx = (ROOT / "deploy" / "nginx" / "desk.conf").read_text("utf-8")
        formats = re.findall(r"log_format\s+(\w+)([^;]*);", nginx)
        self.assertEqual([name for name, _ in formats], ["desk_noquery"])
        self.assertNotRegex(
            formats[0][1], r"\$(request|request_uri|args|query_string|http_referer)\b"
        )
        servers = nginx.count("server {")
        self.assertEqual(nginx.count("access_log /var/log/nginx/access.log desk_noquery;"), servers)

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
