"""The staff door and the admin door hold the same lockout and the same two-factor rule.

Runs the guarantees of issue 11 item 1 as they are tested, through the HTTP client, on a
fresh SQLite database (desk/accounts/tests/test_admin_door.py): a password posted to
/admin/login/ signs nobody in; the 6th wrong password is refused at both doors; a locked
account is refused at both; a superuser, an agency admin and a manager cannot open the admin
or the staff pages before the authenticator code.

    .venv/bin/python bench/login_doors.py

Prints one JSON line and exits 1 unless every check held:
    {"checks": 9, "held": 9, "failed": [], "seconds": 4.1}
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE = "desk.accounts.tests.test_admin_door"


def main() -> int:
    started = time.monotonic()
    env = {**os.environ, "VAR_DIR": tempfile.mkdtemp(prefix="desk-login-doors-")}
    for name in ("DATABASE_URL", "REDIS_URL", "HUEY_BACKEND"):
        env.pop(name, None)  # the guarantees are the code's, not the database's
    result = subprocess.run(
        [sys.executable, "manage.py", "test", MODULE, "--noinput", "-v", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    checks = [line for line in result.stderr.splitlines() if " ... " in line]
    failed = [line.split(" (")[0] for line in checks if not line.endswith(" ok")]
    figure = {
        "checks": len(checks),
        "held": len(checks) - len(failed),
        "failed": failed,
        "seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(figure, ensure_ascii=False))
    return 0 if checks and not failed and result.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
