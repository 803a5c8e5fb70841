"""A citizen answers the survey on a 360 px phone from the SMS link, without signing in; a
manager reads the results. Each page is checked with axe-core (WCAG 2.1 A/AA) at 360 and
1366 px, and photographed for review (desk/tests/browser.py: test-artifacts/pages)."""

from __future__ import annotations

import datetime
import re
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.core.forms import check_document
from desk.notifications.models import OutboundMessage
from desk.submissions import services as submissions
from desk.surveys.models import FormKind, Invitation, Response, ServiceSurvey, SurveyForm
from desk.surveys.services import (
    forms_install,
    invitation_create,
    invitations_text,
    response_save,
)
from desk.test import (
    PDF_BYTES,
    create_agency,
    create_citizen,
    create_service,
    create_staff,
    isolate_cache,
)
from desk.tests.browser import BrowserTestCase, expect


class SurveyBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        isolate_cache()
        overrides = override_settings(SITE_URL=self.live_server_url)
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.agency = create_agency()
        self.service = create_service(self.agency)
        forms_install()  # emptied by the previous live-server test
        takrim = SurveyForm.objects.get(kind=FormKind.TAKRIM)
        ServiceSurvey.objects.create(service=self.service, agency=self.agency, form=takrim)
        self.citizen = create_citizen()
        self.expert = create_staff(self.agency, "expert")
        self.manager = create_staff(self.agency, "manager", Role.MANAGER)

    def ended_request_link(self) -> str:
        upload = SimpleUploadedFile("deed.pdf", PDF_BYTES)
        check_document(upload)
        submission = submissions.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": "تهران"},
            files={"deed": upload},
            idempotency_key=uuid.uuid4(),
        )
        for action in ("start_review", "reject"):
            submissions.submission_transition(
                submission_id=submission.pk,
                actor=self.expert,
                action=action,
                message="مدرک مالکیت خوانا نیست.",
            )
        invitation_create(submission_id=submission.pk)  # if the subscriber has not yet
        invitations_text(now=timezone.now() + datetime.timedelta(hours=1))
        sms = OutboundMessage.objects.get(kind="survey_invitation")
        found = re.search(r"https?://\S+/s/[\w-]+/", sms.body)
        assert found is not None, sms.body
        return found.group(0)

    def test_a_citizen_answers_on_a_phone_from_the_sms_link(self) -> None:
        self.walk(self._answered_from_the_sms_link, "surveys-answer")

    def _answered_from_the_sms_link(self) -> None:
        page = self.page
        page.goto(self.ended_request_link())
        expect(page.get_by_role("heading", level=1)).to_contain_text("نظر شما درباره")
        self.check("surveys-01-start")
        page.get_by_role("link", name="شروع نظرسنجی").click()
        expect(page.locator("#progress")).to_contain_text("پرسش ۱ از ۱۷")
        page.get_by_role("button", name="ادامه").click()  # nothing chosen
        expect(page.locator(".error-summary")).to_contain_text("یکی از گزینه‌ها را انتخاب کنید")
        self.check("surveys-02-error")
        for number in range(1, 17):
            options = page.locator(".survey-option label")
            if number == 6:
                options.filter(has_text="موردی نداشت").click()
            else:
                options.nth(number % 4).click()  # a spread of answers
            if number == 2:
                self.check("surveys-03-question-chosen")
            page.locator("#next").click()
        page.get_by_label(re.compile("نکته یا پیشنهاد")).fill("صف نوبت شلوغ بود.")
        self.check("surveys-04-free-text")
        page.locator("#next").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("بررسی کنید")
        self.check("surveys-05-check")
        page.get_by_role("button", name="فرستادن نظر").click()
        expect(page.locator("#confirmation")).to_contain_text("نظر شما ثبت شد")
        self.check("surveys-06-done")
        response = Response.objects.get()
        self.assertEqual(response.comment, "صف نوبت شلوغ بود.")
        self.assertEqual(response.answers.count(), 17)

    def test_a_manager_reads_the_results(self) -> None:
        self.walk(self._results_read, "surveys-results")

    def _results_read(self) -> None:
        link = self.ended_request_link()
        # The citizen answered, so that the results have figures to show.
        token = link.rstrip("/").rsplit("/", 1)[-1]
        items = Invitation.objects.get(token=token).form_version.questions.all()
        response_save(
            token=token,
            answers={
                q.key: (2 if q.key == "connections" else 4) for q in items if q.kind == "scale"
            }
            | {"comment": "راهنمای پشت باجه خیلی کمک کرد."},
        )
        self.sign_in_as(self.manager)
        self.go(reverse("surveys:results"))
        expect(self.page.get_by_role("heading", level=1)).to_have_text("نتیجه نظرسنجی‌ها")
        self.check("surveys-07-results")
