"""Auditlog's actor and address on writes, and no audit context where nothing is audited."""

from __future__ import annotations

from typing import Any
from unittest import mock

from auditlog.models import LogEntry
from django.db.models.signals import pre_save
from django.test import override_settings
from django.urls import reverse

from desk.accounts.models import User
from desk.core import audit
from desk.lib import tracking
from desk.test import BaseTestCase


class AuditContextTests(BaseTestCase):
    def change_name(self, person: User, **headers: Any) -> LogEntry:
        self.client.force_login(person)
        r = self.client.post(
            reverse("accounts:profile"),
            {"first_name": "زهرا", "last_name": "کریمی"},
            REMOTE_ADDR="198.51.100.7",
            **headers,
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
        with mock.patch.object(audit, "request_context", wraps=audit.request_context) as context:
            r = self.client.post(
                reverse("submissions:track"),
                {"code": tracking.generate(), "national_code": "0084575948"},
            )
            self.assertEqual(r.status_code, 200)
            self.assertEqual(context.call_count, 0)
            self.client.force_login(self.citizen)
            self.client.post(reverse("accounts:profile"), {"first_name": "a", "last_name": "b"})
            self.assertEqual(context.call_count, 1)

    def test_it_records_the_peer_not_an_address_the_client_wrote(self) -> None:
        # No trusted proxy: X-Forwarded-For is the client's own text, not its address.
        entry = self.change_name(self.citizen, HTTP_X_FORWARDED_FOR="10.6.6.6")
        self.assertEqual(entry.remote_addr, "198.51.100.7")
        self.assertIsNone(entry.remote_port)

    @override_settings(TRUSTED_PROXIES=["198.51.100.7"])
    def test_it_records_the_client_a_trusted_proxy_names_not_what_the_client_wrote(self) -> None:
        # nginx appends the address it saw to what the client sent.
        entry = self.change_name(
            self.citizen, HTTP_X_FORWARDED_FOR="10.6.6.6, 203.0.113.9", HTTP_X_FORWARDED_PORT="1"
        )
        self.assertEqual(entry.remote_addr, "203.0.113.9")
        self.assertIsNone(entry.remote_port)

    def test_writes_after_the_request_are_not_credited_to_its_person(self) -> None:
        self.change_name(self.expert)
        self.citizen.first_name = "نرگس"
        self.citizen.save()  # as a job run in this thread after the request would
        entry = LogEntry.objects.get_for_object(self.citizen).latest("pk")
        self.assertIsNone(entry.actor)
        self.assertIsNone(entry.remote_addr)

    def test_a_writing_request_leaves_the_signal_receivers_as_they_were(self) -> None:
        # auditlog's own context connected a receiver per request and disconnected it after,
        # emptying Django's cache of receivers for every model on every POST.
        receivers = list(pre_save.receivers)
        pre_save.send(sender=User, instance=self.citizen)  # fills the cache for User
        self.change_name(self.expert)
        self.assertEqual(pre_save.receivers, receivers)
        self.assertIn(User, pre_save.sender_receivers_cache)
