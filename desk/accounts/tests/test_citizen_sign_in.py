from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import TYPE_CHECKING
from unittest.mock import patch
from urllib.parse import urlencode

from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.accounts.models import OneTimeCode, User
from desk.lib.persian import to_ascii_digits
from desk.notifications.backends import MemoryBackend
from desk.notifications.models import MessageStatus, OutboundMessage
from desk.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

LOGIN = reverse("accounts:citizen_login")
VERIFY = reverse("accounts:citizen_verify")
MY_REQUESTS = reverse("submissions:my_requests")

# Valid national codes other than the citizen persona's 0084575948.
OTHER_CODES = ["0012345679", "0023456787", "0034567895"]


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class CitizenSignInTests(BaseTestCase):
    def _request_code(
        self,
        national_code: str = "0084575948",
        mobile: str = "09121234567",
        *,
        ip: str = "127.0.0.1",
        next_url: str | None = None,
    ) -> Response:
        data = {"national_code": national_code, "mobile": mobile}
        if next_url is not None:
            data["next"] = next_url
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(LOGIN, data, REMOTE_ADDR=ip)

    def _sms_code(self) -> str:
        """The code of the last SMS, as the citizen reads it (Persian digits)."""
        numbers = re.findall(r"[۰-۹0-9]+", MemoryBackend.outbox[-1]["body"])
        self.assertEqual(len(numbers), 1, MemoryBackend.outbox[-1]["body"])
        return str(numbers[0])

    def _wrong(self, code: str) -> str:
        return "000000" if to_ascii_digits(code) != "000000" else "111111"

    def _signed_in_user_id(self) -> str | None:
        return self.client.session.get("_auth_user_id")

    # --- the code and the SMS --------------------------------------------------------------

    def test_it_texts_a_six_digit_code_through_the_outbox(self) -> None:
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            r = self.client.post(LOGIN, {"national_code": "0084575948", "mobile": "09121234567"})
            self.assertRedirects(r, VERIFY)
            message = OutboundMessage.objects.get()
            self.assertEqual(message.status, MessageStatus.QUEUED)
            self.assertEqual(MemoryBackend.outbox, [])
        for callback in callbacks:
            callback()

        message.refresh_from_db()
        self.assertEqual(message.status, MessageStatus.SENT)
        self.assertEqual(message.to, "+989121234567")
        self.assertEqual(message.kind, "sign_in_code")
        self.assertEqual(len(MemoryBackend.outbox), 1)
        self.assertEqual(MemoryBackend.outbox[0]["to"], "+989121234567")
        code = to_ascii_digits(self._sms_code())
        self.assertRegex(code, r"^\d{6}$")
        self.assertEqual(len(code), settings.OTP_LENGTH)

    def test_it_stores_only_an_hmac_of_the_code(self) -> None:
        self._request_code()
        code = to_ascii_digits(self._sms_code())
        otp = OneTimeCode.objects.get()
        self.assertRegex(otp.code_hash, r"^[0-9a-f]{64}$")
        # Not a plain hash either: a million codes would be a lookup table away.
        for plain in (code, f"{otp.mobile}:{code}", f"{otp.mobile}{code}"):
            self.assertNotEqual(otp.code_hash, hashlib.sha256(plain.encode()).hexdigest())
        for field in OneTimeCode._meta.concrete_fields:
            value = str(getattr(otp, field.attname))
            self.assertNotEqual(value, code, f"the code is stored in OneTimeCode.{field.name}")

    def test_it_signs_in_with_the_texted_code(self) -> None:
        self._request_code()
        r = self.client.post(VERIFY, {"code": self._sms_code()})
        self.assertRedirects(r, MY_REQUESTS, fetch_redirect_response=False)
        self.assertEqual(self._signed_in_user_id(), str(self.citizen.pk))
        self.citizen.refresh_from_db()
        self.assertIsNotNone(self.citizen.mobile_verified_at)

    def test_it_refuses_a_code_used_once(self) -> None:
        self._request_code()
        code = self._sms_code()
        self.client.post(VERIFY, {"code": code})
        r = self.client.post(VERIFY, {"code": code})
        self.assertContains(r, "کد منقضی شده است")

    def test_it_sends_the_verify_page_back_to_the_login_without_a_request(self) -> None:
        r = self.client.get(VERIFY)
        self.assertRedirects(r, LOGIN)

    # --- expiry and attempts -----------------------------------------------------------------

    def test_it_refuses_an_expired_code(self) -> None:
        self._request_code()
        code = self._sms_code()
        later = timezone.now() + timedelta(seconds=settings.OTP_TTL_SECONDS + 1)
        with patch("django.utils.timezone.now", return_value=later):
            r = self.client.post(VERIFY, {"code": code})
        self.assertContains(r, "کد منقضی شده است. کد تازه بگیرید.")
        self.assertIsNone(self._signed_in_user_id())

    def test_it_refuses_a_code_whose_expiry_passed(self) -> None:
        self._request_code()
        OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        r = self.client.post(VERIFY, {"code": self._sms_code()})
        self.assertContains(r, "کد منقضی شده است")
        self.assertIsNone(self._signed_in_user_id())

    def test_it_counts_wrong_codes_and_tells_how_many_tries_are_left(self) -> None:
        self._request_code()
        r = self.client.post(VERIFY, {"code": self._wrong(self._sms_code())})
        self.assertContains(r, "کد واردشده درست نیست. ۴ بار دیگر می‌توانید تلاش کنید.")
        self.assertEqual(OneTimeCode.objects.get().attempts, 1)

    def test_it_refuses_the_right_code_after_too_many_wrong_tries(self) -> None:
        self._request_code()
        code = self._sms_code()
        for _ in range(settings.OTP_MAX_ATTEMPTS):
            r = self.client.post(VERIFY, {"code": self._wrong(code)})
            self.assertContains(r, "کد واردشده درست نیست")
        r = self.client.post(VERIFY, {"code": code})
        self.assertContains(r, "تعداد تلاش‌ها بیش از حد مجاز است")
        self.assertIsNone(self._signed_in_user_id())

    # --- throttling ----------------------------------------------------------------------------

    def test_it_throttles_resending_a_code(self) -> None:
        self._request_code()
        r = self._request_code()
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "کد قبلی هنوز معتبر است")
        self.assertEqual(OneTimeCode.objects.count(), 1)
        self.assertEqual(len(MemoryBackend.outbox), 1)

        later = timezone.now() + timedelta(seconds=settings.OTP_RESEND_SECONDS + 1)
        with patch("django.utils.timezone.now", return_value=later):
            r = self._request_code()
        self.assertRedirects(r, VERIFY)
        self.assertEqual(len(MemoryBackend.outbox), 2)

    def test_it_accepts_only_the_newest_code_after_a_resend(self) -> None:
        self._request_code()
        first = self._sms_code()
        later = timezone.now() + timedelta(seconds=settings.OTP_RESEND_SECONDS + 1)
        with patch("django.utils.timezone.now", return_value=later):
            self._request_code()
            second = self._sms_code()
            if first != second:
                r = self.client.post(VERIFY, {"code": first})
                self.assertContains(r, "کد واردشده درست نیست")
            r = self.client.post(VERIFY, {"code": second})
        self.assertRedirects(r, MY_REQUESTS, fetch_redirect_response=False)

    @override_settings(OTP_RESEND_SECONDS=0, OTP_MAX_PER_PHONE_PER_HOUR=2)
    def test_it_limits_codes_per_phone_per_hour(self) -> None:
        self.assertRedirects(self._request_code(), VERIFY)
        self.assertRedirects(self._request_code(), VERIFY)
        r = self._request_code()
        self.assertContains(r, "برای این شماره کد زیادی درخواست شده است")
        self.assertEqual(len(MemoryBackend.outbox), 2)

        # Another phone from the same address is not affected.
        r = self._request_code(OTHER_CODES[0], "09351234567")
        self.assertRedirects(r, VERIFY)

        later = timezone.now() + timedelta(hours=1, seconds=1)
        with patch("django.utils.timezone.now", return_value=later):
            self.assertRedirects(self._request_code(), VERIFY)

    @override_settings(OTP_MAX_PER_IP_PER_HOUR=2)
    def test_it_limits_codes_per_ip_per_hour(self) -> None:
        ip = "192.0.2.10"
        self.assertRedirects(self._request_code(OTHER_CODES[0], "09350000001", ip=ip), VERIFY)
        self.assertRedirects(self._request_code(OTHER_CODES[1], "09350000002", ip=ip), VERIFY)
        r = self._request_code(OTHER_CODES[2], "09350000003", ip=ip)
        self.assertContains(r, "از این نشانی درخواست زیادی رسیده است")
        self.assertEqual(len(MemoryBackend.outbox), 2)

    @override_settings(OTP_MAX_PER_IP_PER_HOUR=2)
    def test_a_fresh_ipv6_address_of_the_same_subscriber_counts_as_the_same(self) -> None:
        # A phone given 2001:db8:7:1::/64 may use any address in it for each try.
        for n, ip in enumerate(("2001:db8:7:1::10", "2001:db8:7:1:a:b:c:d")):
            r = self._request_code(OTHER_CODES[n], f"0935000001{n}", ip=ip)
            self.assertRedirects(r, VERIFY)
        r = self._request_code(OTHER_CODES[2], "09350000013", ip="2001:db8:7:1:ffff::1")
        self.assertContains(r, "از این نشانی درخواست زیادی رسیده است")
        r = self._request_code(OTHER_CODES[2], "09350000013", ip="2001:db8:7:2::10")
        self.assertRedirects(r, VERIFY)  # the next /64: another subscriber

        r = self._request_code(OTHER_CODES[2], "09350000003", ip="192.0.2.11")
        self.assertRedirects(r, VERIFY)

    # --- what people type ------------------------------------------------------------------------

    def test_it_accepts_persian_digits_everywhere(self) -> None:
        r = self._request_code("۰۰۸۴۵۷۵۹۴۸", "۰۹۱۲۱۲۳۴۵۶۷")
        self.assertRedirects(r, VERIFY)
        self.assertEqual(MemoryBackend.outbox[-1]["to"], "+989121234567")
        code = self._sms_code()
        self.assertRegex(code, r"^[۰-۹]{6}$")
        r = self.client.post(VERIFY, {"code": code})
        self.assertRedirects(r, MY_REQUESTS, fetch_redirect_response=False)
        self.assertEqual(self._signed_in_user_id(), str(self.citizen.pk))

    def test_it_accepts_arabic_indic_digits_spaces_and_dashes(self) -> None:
        r = self._request_code("٠٠٨-٤٥٧٥٩٤-٨", "+98 912 123 4567")
        self.assertRedirects(r, VERIFY)
        arabic = to_ascii_digits(self._sms_code()).translate(
            str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
        )
        r = self.client.post(VERIFY, {"code": f" {arabic} "})
        self.assertRedirects(r, MY_REQUESTS, fetch_redirect_response=False)
        self.assertEqual(self._signed_in_user_id(), str(self.citizen.pk))

    def test_it_shows_a_bad_national_code_error_beside_the_field_and_keeps_the_input(
        self,
    ) -> None:
        r = self._request_code("۰۰۸۴۵۷۵۹۴۹", "۰۹۱۲۱۲۳۴۵۶۷")
        self.assertEqual(r.status_code, 200)
        error = "کد ملی واردشده معتبر نیست."
        self.assertEqual(r.context["form"].errors["national_code"], [error])
        html = r.content.decode()
        # Beside its field (between its label and the next field), and linked from the summary.
        label_at = html.index('for="id_national_code"')
        error_at = html.index(error, html.index('id="id_national_code_error"'))
        self.assertLess(label_at, error_at)
        self.assertLess(error_at, html.index('name="mobile"'))
        self.assertContains(r, f'<a href="#id_national_code">{error}</a>')
        self.assertContains(r, 'value="۰۰۸۴۵۷۵۹۴۹"')
        self.assertContains(r, 'value="۰۹۱۲۱۲۳۴۵۶۷"')
        self.assertContains(r, 'aria-invalid="true"')
        self.assertFalse(OneTimeCode.objects.exists())
        self.assertEqual(MemoryBackend.outbox, [])

    def test_it_shows_a_bad_mobile_error_in_persian(self) -> None:
        r = self._request_code("0084575948", "0912123")
        self.assertContains(r, "شماره همراه معتبر نیست")
        self.assertContains(r, 'value="0912123"')
        self.assertFalse(OutboundMessage.objects.exists())

    # --- accounts --------------------------------------------------------------------------------

    def test_it_creates_the_citizen_on_first_sign_in(self) -> None:
        self.assertFalse(User.objects.filter(national_code=OTHER_CODES[0]).exists())
        self._request_code(OTHER_CODES[0], "09351234567")
        self.assertFalse(User.objects.filter(national_code=OTHER_CODES[0]).exists())
        r = self.client.post(VERIFY, {"code": self._sms_code()})
        # A new citizen has no name yet: asked once, then on to where they were going.
        self.assertRedirects(
            r,
            reverse("accounts:profile") + "?" + urlencode({"next": MY_REQUESTS}),
            fetch_redirect_response=False,
        )

        user = User.objects.get(national_code=OTHER_CODES[0])
        self.assertEqual(user.mobile, "+989351234567")
        self.assertIsNotNone(user.mobile_verified_at)
        self.assertFalse(user.has_usable_password())
        self.assertFalse(user.is_staff)
        self.assertEqual(self._signed_in_user_id(), str(user.pk))

    def test_it_does_not_create_a_second_account_on_the_next_sign_in(self) -> None:
        before = User.objects.count()
        self._request_code()
        self.client.post(VERIFY, {"code": self._sms_code()})
        self.assertEqual(User.objects.count(), before)

    def test_it_refuses_a_national_code_bound_to_another_mobile(self) -> None:
        # …9999: the fake Shahkar's «this mobile is not this national code's» (docs/registries.md)
        r = self._request_code("0084575948", "09351119999")
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "این شماره همراه به نام صاحب این کد ملی ثبت نشده است")
        self.assertNotContains(r, "این شماره همراه برای این کد ملی ثبت نشده است")
        self.assertFalse(OneTimeCode.objects.exists())
        self.assertEqual(MemoryBackend.outbox, [])
        self.assertIsNone(self.client.session.get("otp_mobile"))

    # --- next ------------------------------------------------------------------------------------

    def test_it_carries_next_from_the_login_link_into_the_form(self) -> None:
        r = self.client.get(LOGIN, {"next": "/services/building-permit/"})
        self.assertContains(r, 'name="next" value="/services/building-permit/"')

    def test_it_honours_a_same_site_next(self) -> None:
        self._request_code(next_url="/services/building-permit/")
        r = self.client.post(VERIFY, {"code": self._sms_code()})
        self.assertRedirects(r, "/services/building-permit/", fetch_redirect_response=False)

    @override_settings(OTP_RESEND_SECONDS=0)
    def test_it_ignores_a_next_to_another_site(self) -> None:
        for target in ("https://evil.example/steal", "//evil.example/", "/\\evil.example"):
            with self.subTest(target=target):
                self.client.logout()
                self._request_code(next_url=target)
                r = self.client.post(VERIFY, {"code": self._sms_code()})
                self.assertRedirects(r, MY_REQUESTS, fetch_redirect_response=False)


class ProfileTests(BaseTestCase):
    def test_it_asks_the_name_once_and_goes_on(self) -> None:
        self.citizen.first_name = self.citizen.last_name = ""
        self.citizen.save()
        self.client.force_login(self.citizen)
        url = reverse("accounts:profile")
        r = self.client.post(url, {"first_name": "", "last_name": "رضايي", "next": MY_REQUESTS})
        self.assertContains(r, "رضايي")
        self.assertContains(r, "is-invalid")
        r = self.client.post(url, {"first_name": "علي", "last_name": "رضايي", "next": MY_REQUESTS})
        self.assertRedirects(r, MY_REQUESTS)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.get_full_name(), "علی رضایی")

    def test_it_needs_a_signed_in_user(self) -> None:
        r = self.client.get(reverse("accounts:profile"))
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("accounts:citizen_login"), r["Location"])
