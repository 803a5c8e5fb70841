"""Auditlog's actor and address on writes, and no audit context where nothing is audited."""

from __future__ import annotations

from unittest import mock

from auditlog.models import LogEntry
from django.urls import reverse

from desk.accounts.models import User
from desk.core import audit
from desk.lib import tracking
from desk.test import BaseTestCase


class AuditContextTests(BaseTestCase):
    def change_name(self, person: User) -> LogEntry:
        self.client.force_login(person)
        r = self.client.post(
            reverse("accounts:profile"),
            {"first_name": "زهرا", "last_name": "کریمی"},
            REMOTE_ADDR="198.51.100.7",
        )
        self.assertEqual(r.status_code, 302)
        return LogEntry.objects.get_for_object(person).latest("pk")

    def test_it_records_who_wrote_and_from_where_for_staff(self) -> None:
        entry = self.change_name(self.expert)
        self.assertEqual(entry.actor, self.expert)
        self.assertEqual(entry.remote_addr, "198.51.100.7")

    def test_it_records_who_wrote_and_from_where_for_a_citizen(self) -> None:
        entry = self.change_name(self.citizen)
        self.assertEqual(entry.actor, self.citizen)
        self.assertEqual(entry.remote_addr, "198.51.100.7")

    def test_it_sets_no_context_for_the_public_lookup(self) -> None:
        with mock.patch.object(audit, "set_extra_data", wraps=audit.set_extra_data) as context:
            r = self.client.post(
                reverse("submissions:track"),
                {"code": tracking.generate(), "national_code": "0084575948"},
            )
            self.assertEqual(r.status_code, 200)
            self.assertEqual(context.call_count, 0)
            self.client.force_login(self.citizen)
            self.client.post(reverse("accounts:profile"), {"first_name": "a", "last_name": "b"})
            self.assertEqual(context.call_count, 1)
