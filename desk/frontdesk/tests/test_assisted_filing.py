from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.audit.models import AuditEntry
from desk.frontdesk.models import Consent
from desk.frontdesk.tests.base import CONSENT, HOME, NEW_CODE, DeskTestCase
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Channel, Submission
from desk.submissions.selectors import counts_by_channel
from desk.submissions.tests.base import upload
from desk.test import create_service, create_staff


class ConsentTests(DeskTestCase):
    def test_it_sends_the_code_to_the_mobile_on_record(self) -> None:
        self.look_up()
        r = self.send_code()
        self.assertRedirects(r, CONSENT)
        sms = OutboundMessage.objects.get(kind="desk_consent_code")
        self.assertEqual(sms.to, self.citizen.mobile)
        self.assertIn("شهرداری نمونه", sms.body)

    def test_a_wrong_code_is_refused_and_nothing_can_be_filed(self) -> None:
        self.look_up()
        self.send_code()
        r = self.client.post(CONSENT, {"code": "000000" if self.sms_code() != "000000" else "1"})
        self.assertContains(r, "کد درست نیست", status_code=400)
        self.assertEqual(Consent.objects.get().attempts, 1)
        r = self.file()
        self.assertRedirects(r, HOME)
        self.assertFalse(Submission.objects.exists())

    def test_the_attempts_are_limited(self) -> None:
        self.look_up()
        self.send_code()
        right = self.sms_code()
        for _i in range(settings.OTP_MAX_ATTEMPTS):
            self.client.post(CONSENT, {"code": "999999" if right != "999999" else "1"})
        r = self.client.post(CONSENT, {"code": right})
        self.assertContains(r, "تعداد تلاش‌ها بیش از حد مجاز است", status_code=400)
        self.assertIsNone(Consent.objects.get().confirmed_at)

    def test_an_expired_code_is_refused(self) -> None:
        self.look_up()
        self.send_code()
        Consent.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        r = self.client.post(CONSENT, {"code": self.sms_code()})
        self.assertContains(r, "کد منقضی شده است", status_code=400)
        self.file()
        self.assertFalse(Submission.objects.exists())

    def test_without_consent_nothing_is_created(self) -> None:
        self.look_up()
        r = self.fill_form()
        self.assertRedirects(r, HOME)
        r = self.client.post(reverse("frontdesk:apply_check", args=["building-permit"]))
        self.assertRedirects(r, HOME)
        self.assertFalse(Submission.objects.exists())

    def test_a_consent_ends_after_its_time(self) -> None:
        self.consent()
        self.fill_form()
        old = timezone.now() - timedelta(minutes=settings.DESK_CONSENT_VALID_MINUTES + 1)
        Consent.objects.update(confirmed_at=old)
        self.client.post(reverse("frontdesk:apply_check", args=["building-permit"]))
        self.assertFalse(Submission.objects.exists())

    def test_a_citizen_without_the_mobile_on_record_reclaims_with_the_one_in_hand(self) -> None:
        self.look_up()
        self.assertContains(self.client.get(HOME), "تلفن همراهی که اکنون در دست شهروند است")
        r = self.consent(mobile="09351234567")  # the fake Shahkar gives it to this code
        self.assertRedirects(r, HOME)
        sms = OutboundMessage.objects.filter(kind="desk_consent_code").get()
        self.assertEqual(sms.to, "+989351234567", "the code goes to the phone in their hand")
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.mobile, "+989351234567", "the same account, its new number")
        self.assertEqual(Consent.objects.get().citizen, self.citizen)
        r = self.file()
        submission = Submission.objects.get()
        self.assertEqual(submission.applicant, self.citizen)
        self.assertEqual(OutboundMessage.objects.get(kind="status_submitted").to, "+989351234567")

    def test_the_old_account_is_flagged_when_its_mobile_is_not_the_owners(self) -> None:
        impostor = User.objects.create(
            username="citizen-impostor", national_code=NEW_CODE, mobile="+989121239999"
        )
        r = self.consent(NEW_CODE, mobile="09351234567")
        self.assertRedirects(r, HOME)
        impostor.refresh_from_db()
        self.assertEqual((impostor.identity, impostor.flagged_national_code), ("flagged", NEW_CODE))
        owner = User.objects.get(national_code=NEW_CODE)
        self.assertEqual(owner.mobile, "+989351234567")
        self.assertEqual(Consent.objects.get().citizen, owner)

    def test_another_mobile_shahkar_refutes_changes_nothing(self) -> None:
        r = self.consent(mobile="09121239999")
        self.assertContains(r, "به نام صاحب این کد ملی ثبت نشده است", status_code=400)
        self.assertNotContains(
            r, "برای این کد ملی ثبت نشده است. کد به شماره ثبت‌شده", status_code=400
        )
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.mobile, "+989121234567")
        self.assertIsNone(Consent.objects.get().confirmed_at)

    def test_a_mobile_shahkar_does_not_give_to_the_national_code_registers_nobody(self) -> None:
        # The fake Shahkar refutes mobiles ending 9999 (docs/registries.md).
        r = self.consent(NEW_CODE, mobile="09121239999")
        self.assertContains(r, "به نام صاحب این کد ملی ثبت نشده است", status_code=400)
        self.assertFalse(User.objects.filter(national_code=NEW_CODE).exists())
        self.assertIsNone(Consent.objects.get().confirmed_at)
        self.file()
        self.assertFalse(Submission.objects.exists())

    def test_a_new_citizen_is_registered_with_the_mobile_the_code_verified(self) -> None:
        r = self.consent(NEW_CODE, mobile="09351234567", first_name="رضا", last_name="کریمی")
        self.assertRedirects(r, HOME)
        citizen = User.objects.get(national_code=NEW_CODE)
        self.assertEqual(citizen.mobile, "+989351234567")
        self.assertIsNotNone(citizen.mobile_verified_at)
        self.assertEqual(citizen.get_full_name(), "رضا کریمی")
        self.assertFalse(citizen.has_usable_password())


class FilingTests(DeskTestCase):
    def test_a_clerk_files_for_the_citizen_who_owns_it_as_their_own(self) -> None:
        self.consent()
        r = self.fill_form()
        self.assertRedirects(r, reverse("frontdesk:apply_check", args=["building-permit"]))
        r = self.client.post(reverse("frontdesk:apply_check", args=["building-permit"]))
        submission = Submission.objects.get()
        self.assertRedirects(r, reverse("frontdesk:receipt", args=[submission.tracking_code]))
        self.assertEqual(submission.applicant, self.citizen)
        self.assertEqual(submission.channel, Channel.DESK)
        self.assertEqual(submission.filed_by, self.clerk)
        self.assertEqual(submission.attachments.get().field_name, "deed")
        # The citizen is texted the tracking code and sees the request among their own.
        sms = OutboundMessage.objects.get(kind="status_submitted")
        self.assertEqual(sms.to, self.citizen.mobile)
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_requests"))
        self.assertContains(r, submission.service.title)
        r = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertEqual(r.status_code, 200)
        # Staff see who filed it and how.
        self.client.force_login(self.expert)
        r = self.client.get(reverse("submissions:staff_request", args=[submission.tracking_code]))
        self.assertContains(r, "میز خدمت حضوری، کارمند clerk")

    def test_a_phone_call_is_recorded_as_such_and_reported_by_channel(self) -> None:
        self.consent(channel="phone")
        self.file()
        self.assertEqual(Submission.objects.get().channel, Channel.PHONE)
        self.assertEqual(
            counts_by_channel(self.agency.pk), {"web": 0, "desk": 0, "phone": 1, "api": 0}
        )

    def test_a_form_opened_for_one_citizen_is_not_filed_for_the_next_one(self) -> None:
        self.consent()
        url = reverse("frontdesk:apply", args=["building-permit"])
        page = self.client.get(url)
        first = re.search(r'name="serving" value="(\d+)"', page.content.decode())
        assert first is not None
        # Another tab: the desk moves on to the next citizen before this form is sent.
        self.consent(NEW_CODE, mobile="09351234567")
        sent = {"serving": first.group(1), "address": "نشانی نفر اول", "deed": upload()}
        r = self.client.post(url, sent)
        self.assertContains(r, "این فرم برای شهروند دیگری باز شده بود", status_code=400)
        self.assertContains(r, "نشانی نفر اول", status_code=400)  # kept, to check with them
        self.assertContains(r, "<title>خطا: ", status_code=400, html=False)
        check = self.client.get(reverse("frontdesk:apply_check", args=["building-permit"]))
        self.assertRedirects(check, url)  # nothing kept as the second citizen's answers
        self.assertFalse(Submission.objects.exists())

    def test_the_form_keeps_its_own_validation(self) -> None:
        self.consent()
        r = self.client.post(reverse("frontdesk:apply", args=["building-permit"]), {"address": ""})
        self.assertContains(r, "«نشانی ملک» را وارد کنید.", status_code=400)
        self.assertContains(r, "«تصویر سند» را بارگذاری کنید.", status_code=400)
        self.assertFalse(Submission.objects.exists())

    def test_the_receipt_prints_the_tracking_code_in_both_layouts(self) -> None:
        self.consent()
        self.file()
        submission = Submission.objects.get()
        url = reverse("frontdesk:receipt", args=[submission.tracking_code])
        for layout in ("a5", "thermal"):
            r = self.client.get(url, {"layout": layout})
            self.assertContains(r, f"desk-receipt--{layout}")
            self.assertContains(r, 'class="tracking-code"')

    def test_the_receipt_is_only_for_staff_of_the_agency(self) -> None:
        self.consent()
        self.file()
        code = Submission.objects.get().tracking_code
        other = create_staff(self.other_agency, "other-clerk", Role.CLERK)
        self.client.force_login(other)
        self.assertEqual(
            self.client.get(reverse("frontdesk:receipt", args=[code])).status_code, 404
        )

    def test_another_agencys_service_is_not_offered(self) -> None:
        create_service(self.other_agency, slug="gas-connection")
        self.consent()
        r = self.fill_form("gas-connection")
        self.assertEqual(r.status_code, 404)
        self.assertFalse(Submission.objects.exists())


class NoMobileTests(DeskTestCase):
    def test_a_citizen_without_a_mobile_is_served_at_the_counter(self) -> None:
        self.look_up(NEW_CODE)
        r = self.send_code(
            no_mobile="on", landline="021-44556677", first_name="حسن", last_name="نوری"
        )
        self.assertRedirects(r, HOME)
        self.file()
        submission = Submission.objects.get()
        self.assertEqual(submission.applicant.national_code, NEW_CODE)
        self.assertEqual(submission.applicant_mobile, "")
        self.assertEqual(submission.applicant_landline, "021-44556677")
        self.assertFalse(OutboundMessage.objects.filter(kind__startswith="status_").exists())
        self.assertFalse(OutboundMessage.objects.filter(to__contains="4455").exists())
        # The public tracking page (code + national code) is their channel.
        self.client.logout()
        r = self.client.post(
            reverse("submissions:track"),
            {"code": submission.tracking_code, "national_code": NEW_CODE},
        )
        self.assertContains(r, submission.service.title)

    def test_no_mobile_is_refused_on_the_phone(self) -> None:
        self.look_up(NEW_CODE)
        r = self.client.post(
            reverse("frontdesk:consent_send"), {"channel": "phone", "no_mobile": "on"}
        )
        self.assertContains(r, "او را به میز خدمت دعوت کنید", status_code=400)
        self.assertFalse(Consent.objects.exists())

    def test_a_citizen_with_a_mobile_on_record_must_use_the_code(self) -> None:
        self.look_up()
        r = self.send_code(no_mobile="on")
        self.assertContains(r, "کد رضایت را به همان شماره بفرستید", status_code=400)
        self.assertFalse(Consent.objects.exists())


class WhoServesTests(DeskTestCase):
    def test_an_expert_is_refused_unless_the_agency_allows(self) -> None:
        self.client.force_login(self.expert)
        self.assertEqual(self.client.get(HOME).status_code, 404)
        self.assertEqual(self.look_up().status_code, 404)
        self.agency.experts_file_at_desk = True
        self.agency.save()
        self.assertEqual(self.client.get(HOME).status_code, 200)
        self.consent()
        self.file()
        self.assertEqual(Submission.objects.get().filed_by, self.expert)

    def test_citizens_do_not_reach_the_desk(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(self.client.get(HOME).status_code, 404)

    def test_the_clerk_sees_the_desk_in_the_menu(self) -> None:
        self.assertContains(self.client.get(reverse("submissions:inbox")), "میز خدمت حضوری")
        self.client.force_login(self.expert)
        self.assertNotContains(self.client.get(reverse("submissions:inbox")), "میز خدمت حضوری")


class LookupTests(DeskTestCase):
    def test_it_lists_the_citizens_requests_of_this_agency_only_and_audits_the_read(self) -> None:
        self.consent()
        self.file()
        ours = Submission.objects.get()
        theirs_service = create_service(
            self.other_agency, slug="gas-connection", title="انشعاب گاز"
        )
        other_clerk = create_staff(self.other_agency, "other-clerk", Role.CLERK)
        self.client.force_login(other_clerk)
        self.consent()
        self.file("gas-connection")
        self.client.force_login(self.clerk)
        self.look_up()
        r = self.client.get(HOME)
        self.assertContains(r, ours.service.title)
        self.assertNotContains(r, theirs_service.title)
        entry = AuditEntry.objects.filter(action="read.citizen_requests").latest("pk")
        self.assertEqual(entry.object_id, "0084575948")
        self.assertEqual(entry.actor_id, self.clerk.pk)
