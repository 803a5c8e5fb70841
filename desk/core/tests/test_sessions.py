"""The database session stores' own statements (desk/core/sessions.py) read and write the same
rows as Django's store, signed the same way."""

from __future__ import annotations

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse

from desk.core.sessions import DatabaseStore
from desk.test import BaseTestCase


class DatabaseStoreTests(BaseTestCase):
    def test_it_reads_a_session_written_by_djangos_store_and_back(self) -> None:
        theirs = DjangoStore()
        theirs["answer"] = "پاسخ"
        theirs.save()
        ours = DatabaseStore(theirs.session_key)
        self.assertEqual(ours["answer"], "پاسخ")
        ours["answer"] = "پاسخ دیگر"
        ours.save()
        self.assertEqual(DjangoStore(theirs.session_key)["answer"], "پاسخ دیگر")

    def test_an_expired_session_is_not_read(self) -> None:
        store = DatabaseStore()
        store["answer"] = "پاسخ"
        store.set_expiry(-60)
        store.save()
        self.assertNotIn("answer", DatabaseStore(store.session_key))

    def test_saving_a_session_ended_meanwhile_is_djangos_update_error(self) -> None:
        store = DatabaseStore()
        store["answer"] = "پاسخ"
        store.save()
        Session.objects.filter(session_key=store.session_key).delete()
        store["answer"] = "پاسخ دیگر"
        with self.assertRaises(UpdateError):
            store.save()

    @override_settings(SESSION_ENGINE="desk.core.sessions_db")
    def test_a_signed_in_citizen_stays_signed_in_across_requests(self) -> None:
        self.client.force_login(self.citizen)
        for _ in range(2):
            response = self.client.get(reverse("submissions:my_requests"))
            self.assertEqual(response.status_code, 200)
