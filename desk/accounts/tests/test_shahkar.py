"""Sign-in verified by Shahkar: an account's mobile must belong to its national code.

The fake Shahkar (docs/registries.md) refutes mobiles ending in 9999 and times out on 9998;
`shahkar_answers` makes it give one answer to every question for a while."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any
from unittest import mock

from django.test import override_settings
from django.urls import reverse

from desk.accounts.identity import citizen_verify_and_claim, identities_recheck
from desk.accounts.models import Identity, OneTimeCode, User
from desk.core.errors import ApplicationError
from desk.lib.persian import to_ascii_digits
from desk.notifications.backends import MemoryBackend
from desk.registries.models import AdapterCall
from desk.registries.tests.helpers import ScriptedTransport
from desk.submissions import services as submission_services
from desk.submissions.tests.base import SubmissionTestCase
from desk.test import isolate_cache

LOGIN = reverse("accounts:citizen_login")
VERIFY = reverse("accounts:citizen_verify")
MY_REQUESTS = reverse("submissions:my_requests")
OWNER_CODE = "0012345679"  # nobody has signed in with it yet
NOT_THE_OWNERS = "این شماره همراه به نام صاحب این کد ملی ثبت نشده است"
WAITING = "سامانه شاهکار"
DECEASED_CODE = "0010109994"  # the fake civil registry: a person who has died
DECEASED = "دارنده این کد ملی درگذشته است"


@contextlib.contextmanager
def shahkar_answers(*script: object) -> Iterator[ScriptedTransport]:
    transport = ScriptedTransport(*script)
    with mock.patch("desk.registries.client.transport_for_settings", return_value=transport):
        yield transport


@override_settings(REGISTRY_BACKOFF_MS=0)
class ShahkarSignInTests(SubmissionTestCase):
    def _request_code(self, national_code: str, mobile: str) -> Any:
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(LOGIN, {"national_code": national_code, "mobile": mobile})

    def _sign_in(self, national_code: str, mobile: str) -> Any:
        self._request_code(national_code, mobile)
        code = to_ascii_digits(re.findall(r"[۰-۹0-9]{6}", MemoryBackend.outbox[-1]["body"])[0])
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(VERIFY, {"code": code})

    def _error_text(self, response: object) -> str:
        html = response.content.decode()  # type: ignore[attr-defined]
        return re.sub(r"\s+", " ", re.findall(r'role="alert".*?</div>', html, re.S)[0])

    # --- a mobile that is not the national code's ----------------------------------------------

    def test_it_refuses_a_mobile_shahkar_does_not_give_to_the_national_code(self) -> None:
        r = self._request_code(OWNER_CODE, "09351119999")
        self.assertContains(r, NOT_THE_OWNERS)
        self.assertFalse(OneTimeCode.objects.exists())
        self.assertEqual(MemoryBackend.outbox, [])
        self.assertFalse(User.objects.filter(national_code=OWNER_CODE).exists())
        call = AdapterCall.objects.get()  # the civil registry is not asked after a refusal
        self.assertEqual((call.adapter, call.status), ("shahkar", "mismatch"))
        self.assertEqual(call.purpose, "ورود شهروند به میز خدمت")

    def test_the_refusal_does_not_tell_whether_the_national_code_has_an_account(self) -> None:
        without_account = self._error_text(self._request_code(OWNER_CODE, "09351119999"))
        with_account = self._error_text(self._request_code("0084575948", "09361119999"))
        self.assertEqual(without_account, with_account)
        self.assertIn(NOT_THE_OWNERS, with_account)

    def test_a_mismatched_mobile_cannot_claim_a_national_code(self) -> None:
        r = self._request_code("0084575948", "09351119999")
        self.assertContains(r, NOT_THE_OWNERS)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.national_code, "0084575948")
        self.assertEqual(self.citizen.mobile, "+989121234567")
        self.assertTrue(self.citizen.is_active)
        self.assertIsNone(self.client.session.get("_auth_user_id"))

    # --- the civil registry says the holder has died ----------------------------------------

    def test_a_sign_in_claiming_a_deceased_persons_national_code_is_refused(self) -> None:
        r = self._request_code(DECEASED_CODE, "09351234567")
        self.assertContains(r, DECEASED)
        self.assertContains(r, "09351234567", msg_prefix="what was typed is kept")
        self.assertFalse(OneTimeCode.objects.exists())
        self.assertEqual(MemoryBackend.outbox, [])
        self.assertFalse(User.objects.filter(national_code=DECEASED_CODE).exists())
        call = AdapterCall.objects.get(adapter="civil_registry")
        self.assertEqual((call.status, call.purpose), ("ok", "ورود شهروند به میز خدمت"))

    def test_a_mobile_not_the_owners_hears_nothing_of_the_death(self) -> None:
        r = self._request_code(DECEASED_CODE, "09351119999")
        self.assertContains(r, NOT_THE_OWNERS)
        self.assertNotContains(r, DECEASED)

    def test_a_civil_registry_that_does_not_answer_never_blocks_a_sign_in(self) -> None:
        def civil_down(request: Any, *, timeout: float) -> Any:
            from desk.registries.fake import FakeTransport
            from desk.registries.transport import Unavailable

            if "sabt/" in request.url:
                raise Unavailable("down", code="timeout")
            return FakeTransport()(request, timeout=timeout)

        with mock.patch("desk.registries.client.transport_for_settings", return_value=civil_down):
            self._sign_in(OWNER_CODE, "09351234567")
        self.assertEqual(User.objects.get(national_code=OWNER_CODE).identity, Identity.VERIFIED)

    # --- Shahkar confirms -----------------------------------------------------------------------

    def test_a_new_account_is_made_only_once_shahkar_confirms(self) -> None:
        self._sign_in(OWNER_CODE, "09351234567")
        user = User.objects.get(national_code=OWNER_CODE)
        self.assertEqual(user.identity, Identity.VERIFIED)
        self.assertFalse(user.identity_held)
        self.assertEqual(self.client.session["_auth_user_id"], str(user.pk))

    def test_an_account_verified_once_is_not_asked_again(self) -> None:
        self._sign_in(OWNER_CODE, "09351234567")
        self.client.logout()
        with override_settings(OTP_RESEND_SECONDS=0):
            self._sign_in(OWNER_CODE, "09351234567")
        self.assertEqual(AdapterCall.objects.filter(adapter="shahkar").count(), 1)
        self.assertEqual(AdapterCall.objects.filter(adapter="civil_registry").count(), 1)

    def test_an_account_made_before_shahkar_is_verified_at_its_next_sign_in(self) -> None:
        self.assertEqual(self.citizen.identity, Identity.UNCHECKED)
        self._sign_in("0084575948", "09121234567")
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.identity, Identity.VERIFIED)

    # --- Shahkar does not answer ----------------------------------------------------------------

    def test_when_shahkar_is_down_a_new_citizen_goes_on_and_their_requests_are_held(self) -> None:
        self._sign_in(OWNER_CODE, "09351239998")  # …9998: the fake times out
        user = User.objects.get(national_code=OWNER_CODE)
        self.assertEqual(user.identity, Identity.PENDING)
        submission = self.create_submission(user)
        self.assertTrue(submission.held)
        r = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertContains(r, "در انتظار تطبیق شماره همراه شما")
        self.assertEqual(submission_services.staff_actions_for(submission, self.expert), [])
        with self.assertRaises(ApplicationError):
            submission_services.submission_transition(
                submission_id=submission.pk, actor=self.expert, action="start_review"
            )

    def test_held_requests_are_released_when_shahkar_answers(self) -> None:
        with shahkar_answers("timeout"):
            self._sign_in(OWNER_CODE, "09351234567")
        user = User.objects.get(national_code=OWNER_CODE)
        submission = self.create_submission(user)
        self.assertTrue(submission.held)
        isolate_cache()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(identities_recheck(), 1)
        user.refresh_from_db()
        submission.refresh_from_db()
        self.assertEqual(user.identity, Identity.VERIFIED)
        self.assertFalse(submission.held)
        self.assertNotEqual(submission_services.staff_actions_for(submission, self.expert), [])

    def test_a_pending_account_shahkar_later_refutes_is_flagged(self) -> None:
        with shahkar_answers("timeout"):
            self._sign_in(OWNER_CODE, "09351239999")
        user = User.objects.get(national_code=OWNER_CODE)
        with self.captureOnCommitCallbacks(execute=True):
            identities_recheck()
        user.refresh_from_db()
        self.assertEqual(user.identity, Identity.FLAGGED)
        self.assertIsNone(user.national_code)
        self.assertEqual(user.flagged_national_code, OWNER_CODE)

    def test_when_shahkar_is_down_nobody_takes_a_code_held_by_another_mobile(self) -> None:
        with shahkar_answers("timeout"):
            r = self._request_code("0084575948", "09351234567")
        self.assertContains(r, WAITING)
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.mobile, "+989121234567")
        self.assertFalse(OneTimeCode.objects.exists())

    # --- the owner reclaims ---------------------------------------------------------------------

    def test_the_owner_reclaims_their_national_code_and_the_wrong_account_is_flagged(self) -> None:
        with shahkar_answers("timeout"):  # the impostor signs in while Shahkar is down
            self._sign_in(OWNER_CODE, "09351239999")
        impostor = User.objects.get(national_code=OWNER_CODE)
        filed = self.create_submission(impostor)
        self.client.logout()
        isolate_cache()

        self._sign_in(OWNER_CODE, "09121110000")  # the owner, whom Shahkar confirms

        owner = User.objects.get(national_code=OWNER_CODE)
        self.assertNotEqual(owner.pk, impostor.pk)
        self.assertEqual((owner.mobile, owner.identity), ("+989121110000", Identity.VERIFIED))
        impostor.refresh_from_db()
        self.assertEqual(impostor.identity, Identity.FLAGGED)
        self.assertFalse(impostor.is_active)
        self.assertEqual(impostor.flagged_national_code, OWNER_CODE)
        filed.refresh_from_db()
        self.assertTrue(filed.held, "the wrong account's requests are held")
        self.assertEqual(filed.applicant_id, impostor.pk, "and kept, not deleted")

    def test_the_flagged_account_is_signed_out(self) -> None:
        with shahkar_answers("timeout"):
            self._sign_in(OWNER_CODE, "09351239999")
        impostor_client = self.client_class()
        impostor_client.cookies = self.client.cookies
        self.client = self.client_class()
        isolate_cache()
        self._sign_in(OWNER_CODE, "09121110000")
        r = impostor_client.get(MY_REQUESTS)
        self.assertEqual(r.status_code, 302)
        self.assertIn(LOGIN, r["Location"])

    def test_an_owner_with_a_new_number_keeps_their_account(self) -> None:
        self._sign_in(OWNER_CODE, "09121110000")
        owner = User.objects.get(national_code=OWNER_CODE)
        self.client.logout()
        self._sign_in(OWNER_CODE, "09121112222")
        owner.refresh_from_db()
        self.assertEqual((owner.national_code, owner.mobile), (OWNER_CODE, "+989121112222"))
        self.assertEqual(owner.identity, Identity.VERIFIED)
        self.assertEqual(User.objects.filter(flagged_national_code=OWNER_CODE).count(), 0)


class DeskRegistrationTests(SubmissionTestCase):
    """The front desk registers a citizen through the same rules (citizen_verify_and_claim)."""

    def test_it_makes_a_verified_account_and_logs_who_asked(self) -> None:
        user = citizen_verify_and_claim(
            national_code=OWNER_CODE, mobile="+989351234567", actor_id=self.expert.pk
        )
        self.assertEqual((user.national_code, user.identity), (OWNER_CODE, Identity.VERIFIED))
        for call in AdapterCall.objects.all():  # Shahkar, then the civil registry (alive?)
            self.assertEqual(
                (call.user_id, call.purpose), (self.expert.pk, "ثبت‌نام شهروند در میز خدمت حضوری")
            )
        self.assertEqual(
            sorted(AdapterCall.objects.values_list("adapter", flat=True)),
            ["civil_registry", "shahkar"],
        )

    def test_it_refuses_a_deceased_persons_national_code(self) -> None:
        with self.assertRaisesMessage(ApplicationError, DECEASED):
            citizen_verify_and_claim(national_code=DECEASED_CODE, mobile="+989351234567")
        self.assertFalse(User.objects.filter(national_code=DECEASED_CODE).exists())

    def test_it_refuses_a_mobile_that_is_not_the_owners_in_the_same_words(self) -> None:
        with self.assertRaisesMessage(ApplicationError, NOT_THE_OWNERS):
            citizen_verify_and_claim(national_code="0084575948", mobile="+989351239999")
        self.citizen.refresh_from_db()
        self.assertEqual(self.citizen.mobile, "+989121234567")


@override_settings(OTP_MAX_PER_IP_PER_HOUR=3)
class ShahkarOracleTests(SubmissionTestCase):
    def test_refused_questions_count_against_the_address(self) -> None:
        for i in range(3):
            r = self.client.post(LOGIN, {"national_code": OWNER_CODE, "mobile": f"0935{i}119999"})
            self.assertContains(r, NOT_THE_OWNERS)
        r = self.client.post(LOGIN, {"national_code": OWNER_CODE, "mobile": "09354119999"})
        self.assertContains(r, "از این نشانی درخواست زیادی رسیده است")
        self.assertEqual(AdapterCall.objects.count(), 3)
