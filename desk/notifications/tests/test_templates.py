"""Templates as data: seeded defaults, agency overrides, versions recorded on each message, and
the staff page that edits them with a live SMS-parts counter."""

from __future__ import annotations

import datetime

from django.test import TestCase
from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.core.errors import ApplicationError
from desk.lib.sms import sms_parts
from desk.notifications.backends import MemoryBackend
from desk.notifications.events import EVENTS, render, sample_context, unknown_placeholders
from desk.notifications.models import MessageTemplate, OutboundMessage, TemplateVersion
from desk.notifications.services import (
    message_queue_template,
    template_edit,
    template_in_force,
    template_reset,
)
from desk.test import BaseTestCase, create_staff

CONTEXT = {
    "tracking_code": "418205736910",
    "service": "صدور پروانه ساختمانی",
    "due_on": datetime.date(2025, 4, 7),
    "agency": "شهرداری نمونه",
}


def queue(event: str = "status_submitted", agency_id: int | None = None) -> OutboundMessage:
    return message_queue_template(
        to="+989121234567", event=event, context=CONTEXT, agency_id=agency_id, reference="R"
    )


class DefaultTemplateTests(TestCase):
    def test_every_event_has_a_seeded_default_using_only_its_placeholders(self) -> None:
        for event in EVENTS.values():
            with self.subTest(event.slug):
                version = TemplateVersion.objects.get(
                    template__event=event.slug, template__agency__isnull=True
                )
                self.assertEqual(version.number, 1)
                self.assertEqual(version.body, event.default)
                self.assertEqual(unknown_placeholders(event, version.body), [])
                text = render(event, version.body, sample_context(event))
                self.assertNotIn("{", text)
                self.assertLessEqual(sms_parts(text), 3)

    def test_the_sign_in_code_fits_in_one_sms(self) -> None:
        event = EVENTS["sign_in_code"]
        self.assertEqual(sms_parts(render(event, event.default, sample_context(event))), 1)

    def test_it_writes_jalali_dates_and_persian_digits_and_records_the_version(self) -> None:
        message = queue()
        self.assertEqual(
            message.body,
            "درخواست «صدور پروانه ساختمانی» ثبت شد.\nکد رهگیری: ۴۱۸۲۰۵۷۳۶۹۱۰\n"
            "موعد پاسخ: ۱۴۰۴/۰۱/۱۸\nمیز خدمت شهرداری نمونه",
        )
        self.assertEqual(message.kind, "status_submitted")
        assert message.template_version is not None
        self.assertEqual(message.template_version.number, 1)
        self.assertIsNone(message.template_version.template.agency_id)

    def test_a_caller_that_forgets_a_value_fails_loudly(self) -> None:
        with self.assertRaises(KeyError):
            message_queue_template(to="+989121234567", event="status_submitted", context={})
        with self.assertRaises(ValueError):
            message_queue_template(to="+989121234567", event="no_such_event", context={})

    def test_it_seeds_a_default_missing_from_the_database(self) -> None:
        # A database emptied by a flush, or an event added after the data migration.
        OutboundMessage.objects.all().delete()
        MessageTemplate.objects.filter(event="status_in_review").delete()
        message = queue("status_in_review")
        self.assertIn("در حال بررسی است", message.body)
        self.assertEqual(
            TemplateVersion.objects.filter(template__event="status_in_review").count(), 1
        )


class OverrideAndVersionTests(BaseTestCase):
    def test_an_agency_override_is_used_for_that_agency_only(self) -> None:
        template_edit(
            event="status_submitted",
            agency_id=self.agency.pk,
            body="{دستگاه}: درخواست {کد_رهگیری} رسید. پاسخ تا {موعد}.",
        )
        ours = queue(agency_id=self.agency.pk)
        theirs = queue(agency_id=self.other_agency.pk)
        self.assertEqual(ours.body, "شهرداری نمونه: درخواست ۴۱۸۲۰۵۷۳۶۹۱۰ رسید. پاسخ تا ۱۴۰۴/۰۱/۱۸.")
        self.assertTrue(theirs.body.startswith("درخواست «صدور پروانه ساختمانی» ثبت شد."))

    def test_editing_adds_a_version_and_each_message_keeps_its_own(self) -> None:
        first = template_edit(
            event="status_in_review", agency_id=self.agency.pk, body="الف {کد_رهگیری}"
        )
        before = queue("status_in_review", self.agency.pk)
        second = template_edit(
            event="status_in_review", agency_id=self.agency.pk, body="ب {کد_رهگیری}"
        )
        after = queue("status_in_review", self.agency.pk)
        self.assertEqual((first.number, second.number), (1, 2))
        self.assertEqual(before.template_version, first)
        self.assertEqual(after.template_version, second)
        before.refresh_from_db()
        self.assertEqual(before.body, "الف ۴۱۸۲۰۵۷۳۶۹۱۰")  # what was sent stays as sent
        first.refresh_from_db()
        self.assertEqual(first.body, "الف {کد_رهگیری}")  # versions are never edited in place

    def test_saving_the_same_text_adds_no_version(self) -> None:
        one = template_edit(
            event="status_in_review", agency_id=self.agency.pk, body="متن {کد_رهگیری}"
        )
        again = template_edit(
            event="status_in_review", agency_id=self.agency.pk, body="متن {کد_رهگیری}\r\n"
        )
        self.assertEqual(one, again)

    def test_it_refuses_a_placeholder_the_event_does_not_offer(self) -> None:
        with self.assertRaises(ApplicationError) as caught:
            template_edit(event="sign_in_code", agency_id=self.agency.pk, body="کد {کد_رهگیری}")
        self.assertIn("کد_رهگیری", caught.exception.message)
        self.assertIn("{کد}", caught.exception.message)
        self.assertFalse(MessageTemplate.objects.filter(agency=self.agency).exists())

    def test_it_refuses_a_text_too_long_for_an_sms(self) -> None:
        with self.assertRaises(ApplicationError):
            template_edit(event="status_in_review", agency_id=self.agency.pk, body="ب" * 500)

    def test_reset_goes_back_to_the_default_and_keeps_the_history(self) -> None:
        template_edit(event="status_in_review", agency_id=self.agency.pk, body="ویژه {کد_رهگیری}")
        template_reset(event="status_in_review", agency_id=self.agency.pk)
        self.assertIn("در حال بررسی است", queue("status_in_review", self.agency.pk).body)
        self.assertEqual(TemplateVersion.objects.filter(template__agency=self.agency).count(), 1)
        version = template_edit(
            event="status_in_review", agency_id=self.agency.pk, body="دوباره {کد_رهگیری}"
        )
        self.assertEqual(version.number, 2)
        self.assertEqual(
            template_in_force(event="status_in_review", agency_id=self.agency.pk), version
        )


class TemplatePageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.other_admin = create_staff(self.other_agency, "gas-admin", Role.ADMIN)
        self.edit_url = reverse("notifications:template_edit", args=["status_in_review"])

    def test_staff_see_the_texts_in_force_for_their_agency(self) -> None:
        template_edit(
            event="status_in_review", agency_id=self.agency.pk, body="ویژه ما {کد_رهگیری}"
        )
        template_edit(
            event="status_rejected", agency_id=self.other_agency.pk, body="ویژه گاز {کد_رهگیری}"
        )
        self.client.force_login(self.expert)
        r = self.client.get(reverse("notifications:templates"))
        self.assertContains(r, "ویژه ما")
        self.assertNotContains(r, "ویژه گاز")
        self.assertNotContains(r, self.edit_url)  # an expert reads, an admin edits

    def test_an_agency_admin_edits_their_agencys_text(self) -> None:
        self.client.force_login(self.admin)
        r = self.client.get(self.edit_url)
        self.assertContains(
            r, f'hx-post="{reverse("notifications:template_preview", args=["status_in_review"])}"'
        )
        self.assertContains(r, "{کد_رهگیری}")
        r = self.client.post(self.edit_url, {"body": "درخواست {کد_رهگیری} را بررسی می‌کنیم."})
        self.assertRedirects(r, self.edit_url)
        version = template_in_force(event="status_in_review", agency_id=self.agency.pk)
        self.assertEqual(version.body, "درخواست {کد_رهگیری} را بررسی می‌کنیم.")
        self.assertEqual(version.created_by, self.admin)
        # The defaults and the other agency are untouched.
        self.assertEqual(
            template_in_force(event="status_in_review", agency_id=self.other_agency.pk).number, 1
        )

    def test_another_agencys_admin_cannot_change_our_text(self) -> None:
        self.client.force_login(self.other_admin)
        self.client.post(self.edit_url, {"body": "متن گاز {کد_رهگیری}"})
        ours = template_in_force(event="status_in_review", agency_id=self.agency.pk)
        self.assertIsNone(ours.template.agency_id)  # still the default for us
        theirs = template_in_force(event="status_in_review", agency_id=self.other_agency.pk)
        self.assertEqual(theirs.template.agency_id, self.other_agency.pk)

    def test_experts_and_citizens_cannot_edit(self) -> None:
        for user in (self.expert, self.citizen):
            self.client.force_login(user)
            self.assertEqual(self.client.get(self.edit_url).status_code, 404)
            self.assertEqual(self.client.post(self.edit_url, {"body": "x"}).status_code, 404)
        self.assertFalse(MessageTemplate.objects.filter(agency__isnull=False).exists())

    def test_anonymous_visitors_are_sent_to_the_staff_sign_in(self) -> None:
        r = self.client.get(self.edit_url)
        self.assertRedirects(
            r,
            f"{reverse('accounts:staff_login')}?next={self.edit_url}",
            fetch_redirect_response=False,
        )

    def test_a_wrong_placeholder_is_shown_next_to_the_text_which_is_kept(self) -> None:
        self.client.force_login(self.admin)
        r = self.client.post(self.edit_url, {"body": "درخواست {شماره} بررسی شد"})
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "جای‌خالی «شماره»", status_code=400)
        self.assertContains(r, "درخواست {شماره} بررسی شد", status_code=400)

    def test_the_live_counter_shows_the_parts_the_text_takes(self) -> None:
        self.client.force_login(self.admin)
        url = reverse("notifications:template_preview", args=["status_in_review"])
        r = self.client.post(url, {"body": "ب" * 70}, headers={"HX-Request": "true"})
        self.assertContains(r, 'data-parts="1"')
        r = self.client.post(url, {"body": "ب" * 71})
        self.assertContains(r, 'data-parts="2"')
        self.assertContains(r, "۲ پیامک")
        r = self.client.post(url, {"body": "{کد_رهگیری}"})
        self.assertContains(r, "۴۱۸۲۰۵۷۳۶۹۱۰")  # the sample value, as it will be sent

    def test_an_operator_edits_the_defaults(self) -> None:
        operator = User.objects.create_superuser("operator", password="x-Strong-pass-1404")
        self.client.force_login(operator)
        self.client.post(self.edit_url, {"body": "پیش‌فرض تازه {کد_رهگیری}"})
        version = template_in_force(event="status_in_review", agency_id=None)
        self.assertEqual((version.number, version.template.agency_id), (2, None))
        self.assertIn("پیش‌فرض تازه", queue("status_in_review", self.other_agency.pk).body)

    def test_the_reset_button_brings_back_the_default(self) -> None:
        template_edit(event="status_in_review", agency_id=self.agency.pk, body="ویژه {کد_رهگیری}")
        self.client.force_login(self.admin)
        r = self.client.post(reverse("notifications:template_reset", args=["status_in_review"]))
        self.assertRedirects(r, self.edit_url)
        self.assertIsNone(
            template_in_force(event="status_in_review", agency_id=self.agency.pk).template.agency_id
        )

    def test_the_next_message_follows_a_text_edited_after_it_was_cached(self) -> None:
        queue("status_in_review", self.agency.pk)
        with self.assertNumQueries(0):
            template_in_force(event="status_in_review", agency_id=self.agency.pk)
        self.client.force_login(self.admin)
        self.client.post(self.edit_url, {"body": "ویژه ما {کد_رهگیری}"})
        self.assertEqual(queue("status_in_review", self.agency.pk).body, "ویژه ما ۴۱۸۲۰۵۷۳۶۹۱۰")
        self.client.post(reverse("notifications:template_reset", args=["status_in_review"]))
        self.assertIn("در حال بررسی است", queue("status_in_review", self.agency.pk).body)

    def test_the_submitted_sms_uses_the_agencys_wording(self) -> None:
        template_edit(
            event="status_submitted", agency_id=self.agency.pk, body="ثبت شد: {کد_رهگیری}"
        )
        MemoryBackend.clear()
        with self.captureOnCommitCallbacks(execute=True):
            message = queue(agency_id=self.agency.pk)
        self.assertEqual(MemoryBackend.outbox[-1]["body"], "ثبت شد: ۴۱۸۲۰۵۷۳۶۹۱۰")
        self.assertEqual(message.agency_id, self.agency.pk)
