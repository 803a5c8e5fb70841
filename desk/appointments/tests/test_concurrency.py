"""Fifty people take the last place of a slot at the same moment: exactly one gets it. One
citizen double-clicking (or booking from two tabs) at once: one booking."""

from __future__ import annotations

import datetime
import threading
import unittest
from collections.abc import Callable
from functools import partial
from unittest import mock

from django.db import connection, connections
from django.test import TransactionTestCase

from desk.accounts.models import User
from desk.appointments.models import Appointment, Office, SlotTemplate
from desk.appointments.services import appointment_book
from desk.appointments.tests.helpers import MONDAY, NOW, at
from desk.core.errors import ApplicationError
from desk.test import create_agency, create_service, serial

CLIENTS = 50


def at_once(
    calls: list[Callable[[], Appointment]],
) -> tuple[list[str], list[str], list[BaseException]]:
    """Run the bookings in threads released together: (codes booked, refusals, errors)."""
    barrier = threading.Barrier(len(calls))
    won: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def client(call: Callable[[], Appointment]) -> None:
        try:
            barrier.wait()
            won.append(call().booking_code)
        except ApplicationError as exc:
            refused.append(exc.message)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=client, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won, refused, errors


class _MondayOffice(TransactionTestCase):
    """An office taking the service on Monday mornings in 30-minute slots, the clock fixed."""

    ends_at = datetime.time(9, 0)
    capacity = 3

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
            ends_at=self.ends_at,
            slot_minutes=30,
            capacity=self.capacity,
        )


@serial
class ConcurrentBookingTests(_MondayOffice):
    def setUp(self) -> None:
        super().setUp()
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
        won, refused, errors = at_once([partial(self._book, c) for c in self.citizens[:CLIENTS]])
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


@serial
class ConcurrentDoubleBookingTests(_MondayOffice):
    """One citizen, many bookings of one service at once (the same slot and other slots)."""

    ends_at = datetime.time(10, 0)
    capacity = 10

    def setUp(self) -> None:
        super().setUp()
        self.citizen = User.objects.create_user(
            username="c", national_code="0084575948", mobile="+989121234567"
        )

    def _book(self, slot_start: datetime.datetime) -> Appointment:
        return appointment_book(
            citizen=self.citizen,
            office=self.office,
            service=self.service,
            slot_start=slot_start,
            created_by=self.citizen,
        )

    @unittest.skipIf(
        connection.vendor == "sqlite",
        "needs real parallel writers (PostgreSQL); SQLite serialises writers",
    )
    def test_twenty_bookings_at_once_by_one_citizen_make_one(self) -> None:
        clients = 20
        starts = [at(MONDAY, 8, 0), at(MONDAY, 8, 30), at(MONDAY, 9, 0), at(MONDAY, 9, 30)]
        # Half double-click one slot; the other half spread over the other slots.
        targets = [starts[0] if i % 2 else starts[1 + i % 3] for i in range(clients)]
        won, refused, errors = at_once([partial(self._book, s) for s in targets])
        self.assertEqual(errors, [])
        self.assertEqual(len(won), 1)
        self.assertEqual(len(refused), clients - 1)
        self.assertTrue(all("نوبت فعال دارید" in m for m in refused), refused[:1])
        self.assertEqual(Appointment.objects.filter(citizen=self.citizen).count(), 1)

    def test_the_database_refuses_a_second_open_booking_in_persian(self) -> None:
        """The race the check cannot see (two slots, both checked before either commits) is
        refused by the partial unique index, with the same Persian message."""
        first = self._book(at(MONDAY, 8, 0))
        with (
            mock.patch("desk.appointments.services._check_one_open"),
            self.assertRaises(ApplicationError) as caught,
        ):
            self._book(at(MONDAY, 9, 0))
        self.assertIn("نوبت فعال دارید", caught.exception.message)
        self.assertIn("کد", caught.exception.message)
        self.assertEqual(list(Appointment.objects.values_list("pk", flat=True)), [first.pk])
