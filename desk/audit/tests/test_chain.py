from __future__ import annotations

import io
import threading
from unittest import skipIf

from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase, TransactionTestCase

from desk.audit.models import AppendOnlyError, AuditChain, AuditEntry
from desk.audit.selectors import audit_chain_verify
from desk.audit.services import audit_record
from desk.audit.tests.tamper import build_chain, tamper_edit, triggers_off
from desk.test import create_agency, create_staff, serial


class AuditRecordTest(TestCase):
    def setUp(self) -> None:
        self.agency = create_agency()
        self.clerk = create_staff(self.agency, "clerk")

    def test_it_numbers_and_links_entries_per_agency(self) -> None:
        first = audit_record(action="read.request", agency_id=self.agency.pk, actor=self.clerk)
        second = audit_record(action="request.changed", agency_id=self.agency.pk, target=self.clerk)
        national = audit_record(action="auth.signed_in", agency_id=None)

        self.assertEqual((first.sequence, second.sequence), (1, 2))
        self.assertEqual(second.prev_hash, first.hash)
        self.assertEqual(first.prev_hash, "0" * 64)
        self.assertEqual((national.sequence, national.chain.scope), (1, "national"))
        self.assertEqual(first.actor_label, "clerk")
        self.assertEqual(second.object_type, "accounts.user")
        self.assertEqual(second.object_id, str(self.clerk.pk))
        chain = AuditChain.objects.get(scope=f"agency:{self.agency.pk}")
        self.assertEqual((chain.last_sequence, chain.last_hash), (2, second.hash))

    def test_it_hashes_what_the_database_gives_back(self) -> None:
        audit_record(
            action="request.changed",
            agency_id=self.agency.pk,
            details={"status": "رد", "amount": 1.5, "codes": (1, 2), "nested": {"b": 1, "a": 2}},
        )

        report = audit_chain_verify(AuditChain.objects.get())

        self.assertTrue(report.ok, report.reason)
        self.assertEqual(report.entries, 1)

    def test_it_rolls_back_with_the_change_it_records(self) -> None:
        with self.assertRaises(RuntimeError), transaction.atomic():
            audit_record(action="request.changed", agency_id=self.agency.pk)
            raise RuntimeError("the change failed")

        self.assertFalse(AuditEntry.objects.exists())
        chain = AuditChain.objects.filter(scope=f"agency:{self.agency.pk}").first()
        self.assertIsNone(chain)


class AppendOnlyTest(TestCase):
    def setUp(self) -> None:
        self.entry = audit_record(action="auth.signed_in", agency_id=None)

    def test_it_refuses_to_save_a_changed_entry(self) -> None:
        self.entry.action = "auth.signed_out"
        with self.assertRaises(AppendOnlyError):
            self.entry.save()

    def test_it_refuses_to_delete_an_entry(self) -> None:
        with self.assertRaises(AppendOnlyError):
            self.entry.delete()
        with self.assertRaises(AppendOnlyError):
            AuditEntry.objects.all().delete()

    def test_it_refuses_a_queryset_update(self) -> None:
        with self.assertRaises(AppendOnlyError):
            AuditEntry.objects.filter(pk=self.entry.pk).update(action="x")

    def test_the_database_refuses_an_update_by_sql(self) -> None:
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [self.entry.pk])

        self.entry.refresh_from_db()
        self.assertEqual(self.entry.action, "auth.signed_in")

    def test_the_postgresql_database_refuses_a_delete_by_sql(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("SQLite keeps DELETE for the test runner's flush; the ORM refuses it")
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("DELETE FROM audit_auditentry WHERE id = %s", [self.entry.pk])

        self.assertTrue(AuditEntry.objects.filter(pk=self.entry.pk).exists())


class AuditVerifyCommandTest(TestCase):
    def test_it_reports_every_chain_ok(self) -> None:
        build_chain(agency_id=7, length=3)
        audit_record(action="auth.signed_in", agency_id=None)
        out = io.StringIO()

        call_command("audit_verify", stdout=out)

        self.assertIn("ok   agency:7: 3 entries", out.getvalue())
        self.assertIn("ok   national: 1 entries", out.getvalue())

    def test_it_names_the_first_bad_entry_and_fails(self) -> None:
        chain = build_chain(agency_id=7, length=5)
        build_chain(agency_id=8, length=2)
        victim = AuditEntry.objects.get(chain=chain, sequence=3)
        with triggers_off():
            tamper_edit(victim)
        out = io.StringIO()

        with self.assertRaisesMessage(CommandError, "1 of 2 audit chains failed"):
            call_command("audit_verify", stdout=out)

        self.assertIn(f"BAD  agency:7: first bad #3 (entry id {victim.pk})", out.getvalue())
        self.assertIn("ok   agency:8", out.getvalue())

    def test_it_checks_one_agency_only(self) -> None:
        build_chain(agency_id=7, length=2)
        build_chain(agency_id=8, length=2)
        out = io.StringIO()

        call_command("audit_verify", "--agency", "8", stdout=out)

        self.assertEqual(out.getvalue().count("ok "), 1)
        self.assertIn("agency:8", out.getvalue())


@serial
@skipIf(connection.vendor == "sqlite", "needs row locks and parallel writers (PostgreSQL)")
class ConcurrentAppendTest(TransactionTestCase):
    def test_it_keeps_one_gapless_chain_under_concurrent_writers(self) -> None:
        def write(worker: int) -> None:
            try:
                for number in range(10):
                    audit_record(
                        action="read.request", agency_id=5, details={"w": worker, "n": number}
                    )
            finally:
                connection.close()

        threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        report = audit_chain_verify(AuditChain.objects.get(scope="agency:5"))
        self.assertTrue(report.ok, report.reason)
        self.assertEqual(report.entries, 40)
