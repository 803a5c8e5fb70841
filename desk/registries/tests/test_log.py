from __future__ import annotations

from django.db import DatabaseError, transaction
from django.test import TestCase

from desk.registries.models import AdapterCall
from desk.registries.selectors import calls_for_submission
from desk.registries.services import adapter_call_record


class AdapterCallLogTests(TestCase):
    def test_it_lists_the_calls_of_one_request_oldest_first(self) -> None:
        first = adapter_call_record(
            adapter="civil_registry", purpose="تکمیل نام متقاضی", status="ok", submission_id=7
        )
        adapter_call_record(adapter="shahkar", purpose="ورود", status="ok", user_id=3)
        second = adapter_call_record(
            adapter="postal_code", purpose="نشانی", status="unavailable", submission_id=7
        )
        self.assertEqual([c.pk for c in calls_for_submission(7)], [first.pk, second.pk])
        self.assertEqual(calls_for_submission(8), [])

    def test_it_refuses_to_change_a_logged_call(self) -> None:
        call = adapter_call_record(adapter="shahkar", purpose="ورود", status="mismatch")
        with self.assertRaises(DatabaseError), transaction.atomic():
            AdapterCall.objects.filter(pk=call.pk).update(status="ok")
        call.refresh_from_db()
        self.assertEqual(call.status, "mismatch")
