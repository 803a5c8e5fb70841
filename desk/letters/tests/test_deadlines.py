"""Letters' deadlines in the agency's working days, and their escalation to managers."""

from __future__ import annotations

import datetime

from django.urls import reverse

from desk.calendars.models import Closure
from desk.calendars.selectors import calendar_for_agency, calendars_for_agencies
from desk.core.events import SUBSCRIBERS, CalendarChanged, CalendarScope
from desk.letters.deadlines import letters_deadlines_recompute
from desk.letters.escalation import escalate_overdue_letters
from desk.letters.models import LetterNote, NoteKind, Register
from desk.letters.tests.base import LettersTestCase, write_letter
from desk.lib.jalali import today_tehran
from desk.notifications.models import OutboundMessage


class DeadlineTests(LettersTestCase):
    def test_the_deadline_is_the_agencys_working_days_from_registration(self) -> None:
        Register.objects.create(agency=self.agency, deadline_working_days=4)
        letter = write_letter(self.citizen, self.agency)
        expected = calendar_for_agency(self.agency).add_working_days(today_tehran(), 4)
        self.assertEqual(letter.due_on, expected)
        default = write_letter(self.citizen, self.other_agency)
        ten = calendar_for_agency(self.other_agency).add_working_days(today_tehran(), 10)
        self.assertEqual(default.due_on, ten)

    def test_an_overdue_letter_is_escalated_once_and_managers_are_texted(self) -> None:
        self.manager.mobile = "+989121110000"
        self.manager.save(update_fields=["mobile"])
        letter = write_letter(self.citizen, self.agency)
        answered = write_letter(self.citizen, self.agency)
        from desk.letters import services

        services.letter_reply(letter_id=answered.pk, actor=self.expert, body="پاسخ")
        later = letter.due_on + datetime.timedelta(days=1)
        self.assertEqual(escalate_overdue_letters(today=letter.due_on), 0)
        self.assertEqual(escalate_overdue_letters(today=later), 1)
        self.assertEqual(escalate_overdue_letters(today=later), 0)
        letter.refresh_from_db()
        self.assertIsNotNone(letter.escalated_at)
        note = LetterNote.objects.get(letter=letter, kind=NoteKind.ESCALATED)
        self.assertFalse(note.is_public)
        sms = OutboundMessage.objects.get(kind="letter_escalation")
        self.assertEqual(sms.to, self.manager.mobile)
        self.assertIn(letter.number, sms.body)

    def test_the_inbox_puts_the_overdue_letter_first_and_marks_it(self) -> None:
        fresh = write_letter(self.citizen, self.agency, subject="تازه")
        late = write_letter(self.citizen, self.agency, subject="دیرکرد")
        late.due_on = today_tehran() - datetime.timedelta(days=2)
        late.save(update_fields=["due_on"])
        self.client.force_login(self.manager)
        r = self.client.get(reverse("letters:inbox"))
        body = r.content.decode()
        self.assertLess(body.index(late.number), body.index(fresh.number))
        self.assertContains(r, "گذشته")


class CalendarChangeTests(LettersTestCase):
    def test_a_closure_inside_the_deadline_moves_it_once(self) -> None:
        letter = write_letter(self.citizen, self.agency)
        before = letter.due_on
        day = calendars_for_agencies([self.agency])[self.agency.pk].add_working_days(
            today_tehran(), 1
        )
        Closure.objects.create(
            scope="agency",
            agency=self.agency,
            starts_on=day,
            ends_on=day,
            kind="energy",
            reason="قطع برق",
            created_by=self.manager,
        )
        change = CalendarChanged(
            scope=CalendarScope.AGENCY, start=day, end=day, agency_id=self.agency.pk
        )
        self.assertEqual(letters_deadlines_recompute(change=change), 1)
        letter.refresh_from_db()
        self.assertGreater(letter.due_on, before)
        self.assertEqual(letters_deadlines_recompute(change=change), 0)

    def test_the_letters_job_is_a_subscriber_of_calendar_changes(self) -> None:
        paths = [s.path for s in SUBSCRIBERS[CalendarChanged]]
        self.assertIn("desk.letters.tasks.letters_deadlines_on_calendar_change", paths)
