"""Fifty people take the last place of a slot at the same moment: exactly one gets it."""

from __future__ import annotations

import datetime
import threading
import unittest
from unittest import mock

from django.db import connection, connections
from django.test import TransactionTestCase

from desk.accounts.models import User
from desk.appointments.models import Appointment, Office, SlotTemplate
from desk.appointments.services import SlotFullError, appointment_book
from desk.appointments.tests.helpers import MONDAY, NOW, at
from desk.errors import ApplicationError
from desk.test import create_agency, create_service

CLIENTS = 50


class ConcurrentBookingTests(TransactionTestCase):
    def setUp(self) -> None:
        clock = mock.patch("django.utils.timezone.now", return_value=NOW)
        clock.start()
        self.addCleanup(clock.stop)
        self.agency = create_agency()
        self.service = create_service(self.agency)
        self.office = Office.objects.create(agency=self.agency, name="دفتر", address="تهران")
        SlotTemplate.objects.create(
            office=self.office,
            service=self.service,
            weekday=MONDAY.weekday(),
            starts_at=datetime.time(8, 0),
            ends_at=datetime.time(9, 0),
            slot_minutes=30,
            capacity=3,
        )
        self.citizens = [
            User.objects.create_user(
                username=f"c{i}", national_code=f"{i:010d}", mobile="+989121234567"
            )
            for i in range(1, CLIENTS + 3)
        ]

    def _book(self, citizen: User) -> Appointment:
        return appointment_book(
            citizen=citizen,
            office=self.office,
            service=self.service,
            slot_start=at(MONDAY, 8, 0),
            created_by=citizen,
        )

    @unittest.skipIf(
        connection.vendor == "sqlite",
        "needs row locks and real parallel writers (PostgreSQL); SQLite serialises writers, "
        "see test_it_never_books_past_capacity_in_sequence",
    )
    def test_fifty_clients_for_the_last_place_one_succeeds(self) -> None:
        self._book(self.citizens[-1])
        self._book(self.citizens[-2])  # two of three places gone: one left
        barrier = threading.Barrier(CLIENTS)
        won: list[str] = []
        refused: list[str] = []
        errors: list[BaseException] = []

        def client(citizen: User) -> None:
            try:
                barrier.wait()
                won.append(self._book(citizen).booking_code)
            except SlotFullError as exc:
                refused.append(exc.message)
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=client, args=(c,)) for c in self.citizens[:CLIENTS]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(won), 1)
        self.assertEqual(len(refused), CLIENTS - 1)
        self.assertTrue(all("پر شد" in m and "۰۸:۳۰" in m for m in refused), refused[:1])
        self.assertEqual(Appointment.objects.filter(starts_at=at(MONDAY, 8, 0)).count(), 3)

    def test_it_never_books_past_capacity_in_sequence(self) -> None:
        outcomes = []
        for citizen in self.citizens[:5]:
            try:
                self._book(citizen)
                outcomes.append("ok")
            except ApplicationError:
                outcomes.append("full")
        self.assertEqual(outcomes, ["ok", "ok", "ok", "full", "full"])
