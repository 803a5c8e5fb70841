"""The register's numbers: per agency, per direction, per Jalali year; gap-free; unique when
fifty letters arrive at once (PostgreSQL)."""

from __future__ import annotations

import datetime
import threading
import unittest
import uuid
from unittest import mock

from django.db import connection, connections
from django.test import TransactionTestCase

from desk.core.errors import ApplicationError
from desk.letters import services
from desk.letters.models import Letter, LetterReply, Register
from desk.letters.tests.base import LettersTestCase, write_letter
from desk.test import create_agency, create_citizen, serial

UTC = datetime.UTC
# Tehran is UTC+03:30: the last half hour of 1404/12/29 and the first of 1405/01/01.
LAST_OF_ESFAND = datetime.datetime(2026, 3, 20, 20, 0, tzinfo=UTC)  # 23:30 in Tehran
FIRST_OF_FARVARDIN = datetime.datetime(2026, 3, 20, 21, 0, tzinfo=UTC)  # 00:30 in Tehran


def at(moment: datetime.datetime) -> mock._patch[mock.MagicMock]:
    return mock.patch("desk.letters.services.timezone.now", return_value=moment)


class NumberingTests(LettersTestCase):
    def test_it_numbers_each_agencys_letters_from_one_without_gaps(self) -> None:
        with at(FIRST_OF_FARVARDIN):
            ours = [write_letter(self.citizen, self.agency) for _ in range(3)]
            theirs = [write_letter(self.citizen, self.other_agency) for _ in range(2)]
        self.assertEqual([letter.serial for letter in ours], [1, 2, 3])
        self.assertEqual([letter.serial for letter in theirs], [1, 2])
        self.assertEqual(ours[1].number, "۱۴۰۵/۲/و")
        self.assertEqual({letter.year for letter in ours + theirs}, {1405})

    def test_the_jalali_new_year_starts_a_new_series_at_one(self) -> None:
        with at(LAST_OF_ESFAND):
            old = [write_letter(self.citizen, self.agency) for _ in range(2)]
            reply = services.letter_reply(letter_id=old[0].pk, actor=self.expert, body="پاسخ")
        with at(FIRST_OF_FARVARDIN):
            new = [write_letter(self.citizen, self.agency) for _ in range(2)]
            new_reply = services.letter_reply(letter_id=new[0].pk, actor=self.expert, body="پاسخ")
        self.assertEqual([(x.year, x.serial) for x in old], [(1404, 1), (1404, 2)])
        self.assertEqual([(x.year, x.serial) for x in new], [(1405, 1), (1405, 2)])
        self.assertEqual(old[1].number, "۱۴۰۴/۲/و")
        self.assertEqual(new[0].number, "۱۴۰۵/۱/و")
        self.assertEqual((reply.number, new_reply.number), ("۱۴۰۴/۱/ص", "۱۴۰۵/۱/ص"))

    def test_a_letter_that_fails_gives_its_number_back(self) -> None:
        write_letter(self.citizen, self.agency)
        with (
            mock.patch("desk.letters.services._attach", side_effect=OSError("disk full")),
            self.assertRaises(OSError),
        ):
            write_letter(self.citizen, self.agency)
        third = write_letter(self.citizen, self.agency)
        self.assertEqual(third.serial, 2)
        self.assertEqual(
            list(Letter.objects.values_list("serial", flat=True).order_by("serial")), [1, 2]
        )

    def test_the_reply_takes_the_next_outgoing_number_of_the_same_register(self) -> None:
        Register.objects.create(
            agency=self.agency,
            incoming_format="{year}/{number}/و",
            outgoing_format="ص/{year}-{number}",
        )
        letters = [write_letter(self.citizen, self.agency) for _ in range(3)]
        first = services.letter_reply(letter_id=letters[2].pk, actor=self.expert, body="پاسخ یکم")
        second = services.letter_reply(letter_id=letters[0].pk, actor=self.manager, body="پاسخ دوم")
        year = letters[0].year
        self.assertEqual((first.serial, second.serial), (1, 2))
        self.assertEqual(
            second.number, f"ص/{year}-2".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        )
        self.assertEqual(LetterReply.objects.count(), 2)

    def test_a_letter_is_answered_once(self) -> None:
        letter = write_letter(self.citizen, self.agency)
        services.letter_reply(letter_id=letter.pk, actor=self.expert, body="پاسخ")
        with self.assertRaises(ApplicationError):
            services.letter_reply(letter_id=letter.pk, actor=self.expert, body="پاسخ دوباره")
        self.assertEqual(LetterReply.objects.get().serial, 1)

    def test_a_format_without_the_number_is_refused_in_the_admin_form(self) -> None:
        register = Register(agency=self.agency, incoming_format="{year}/و")
        with self.assertRaises(Exception) as caught:
            register.full_clean()
        self.assertIn("incoming_format", str(caught.exception))

    def test_the_same_form_sent_twice_registers_one_letter_with_one_number(self) -> None:
        key = uuid.uuid4()
        made = [
            services.letter_create(
                agency=self.agency,
                citizen=self.citizen,
                registered_by=self.citizen,
                subject="موضوع",
                body="متن",
                idempotency_key=key,
            )
            for _ in range(2)
        ]
        self.assertEqual(made[0].pk, made[1].pk)
        self.assertEqual(Letter.objects.count(), 1)


CLIENTS = 50


@unittest.skipIf(
    connection.vendor == "sqlite",
    "needs row locks and real parallel writers (PostgreSQL); SQLite serialises writers, "
    "see NumberingTests for the sequential cases",
)
@serial
class ConcurrentNumberingTests(TransactionTestCase):
    def test_fifty_letters_at_once_get_fifty_different_numbers_with_no_gap(self) -> None:
        agency = create_agency()
        citizen = create_citizen()
        barrier = threading.Barrier(CLIENTS)
        errors: list[BaseException] = []

        def client() -> None:
            try:
                barrier.wait()
                services.letter_create(
                    agency=agency,
                    citizen=citizen,
                    registered_by=citizen,
                    subject="نامه همزمان",
                    body="متن",
                    idempotency_key=uuid.uuid4(),
                )
            except BaseException as exc:
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        serials = sorted(Letter.objects.filter(agency=agency).values_list("serial", flat=True))
        self.assertEqual(serials, list(range(1, CLIENTS + 1)))
        numbers = set(Letter.objects.values_list("number", flat=True))
        self.assertEqual(len(numbers), CLIENTS)
