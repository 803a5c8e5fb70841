"""Every action the code writes into the audit log has a Persian name for the people who read
the log in the admin (desk/audit/labels.py)."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps as django_apps
from django.test import SimpleTestCase

from desk.audit.labels import action_label, known_actions
from desk.letters.models import NoteKind
from desk.submissions.models import EventKind

DESK = Path(__file__).resolve().parent.parent
# Every quoted dotted name with an audit prefix, outside the tests and migrations: the actions
# are written as action="…", passed to an app's own helper (_audit(…, "evaluation.finalized")),
# or kept in constants (accounts/audit.py).
_DOTTED = re.compile(
    r'"((?:auth|complaint|evaluation|inquiry|oversight|payment|read|api_key|desk|operations'
    r'|request|letter|admin)\.[a-z_]+)"'
)
# Quoted names of that shape that are not actions, each with what it is.
NOT_ACTIONS = {
    "auth.username": "a field of the user model (audit/receivers.py)",
    "letter.pdf": "a file name (lib/upload_corpus)",
    "request.json": "a method named in a docstring (payments/gateways/zarinpal.py)",
    "desk.uploads": "a logger's name",
    "desk.settings": "the settings module",
    "desk.urls": "the URL module",
    "desk.benchdata": "an app installed only with BENCH=1",
}


def written_actions() -> set[str]:
    found = set()
    for path in DESK.rglob("*.py"):
        if {"tests", "migrations"} & set(path.parts) or path.name == "labels.py":
            continue
        found.update(_DOTTED.findall(path.read_text("utf-8")))
    apps = {config.name for config in django_apps.get_app_configs()}
    found = {name for name in found if name not in NOT_ACTIONS and name not in apps}
    found.update(f"request.{kind.value}" for kind in EventKind)  # action=f"request.{…kind}"
    found.update(f"letter.{kind.value}" for kind in NoteKind)  # action=f"letter.{kind}"
    return found


class AuditLabelsTests(SimpleTestCase):
    def test_every_action_the_code_writes_has_a_persian_name(self) -> None:
        written = written_actions()
        self.assertGreater(len(written), 30)  # the scan found the code's actions
        unnamed = sorted(a for a in written if action_label(a) == a)
        self.assertEqual(unnamed, [])
        self.assertLessEqual(written, known_actions())

    def test_a_request_event_is_named_by_the_timeline_words(self) -> None:
        self.assertEqual(action_label("request.step_changed"), "درخواست: درخواست به مرحله بعد رفت")
        self.assertEqual(action_label("letter.answered"), "نامه: پاسخ صادر شد")
        self.assertEqual(action_label("auth.two_factor_failed"), "کد دومرحله‌ای نادرست")
        self.assertEqual(action_label("app.unknown_thing"), "app.unknown_thing")
