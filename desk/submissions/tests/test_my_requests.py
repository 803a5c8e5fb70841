"""«درخواست‌های من»: a citizen's own requests, and answering a request for more information."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from desk.lib import tracking
from desk.lib.persian import to_persian_digits
from desk.submissions.models import AttachmentKind, EventKind, Status
from desk.submissions.tests.base import SubmissionTestCase, checked_upload, upload
from desk.test import PNG_BYTES, create_service

QUESTION = "تصویر صفحه دوم سند را هم بفرستید."


class MyRequestsListTests(SubmissionTestCase):
    def test_it_lists_only_the_citizens_own_requests(self) -> None:
        mine = self.create_submission()
        other_service = create_service(self.agency, slug="demolition", title="مجوز تخریب")
        theirs = self.create_submission(self.other_citizen, service=other_service)
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_requests"))
        self.assertEqual(list(r.context["submissions"]), [mine])
        self.assertContains(r, reverse("submissions:my_request", args=[mine.tracking_code]))
        self.assertNotContains(r, reverse("submissions:my_request", args=[theirs.tracking_code]))
        self.assertNotContains(r, "مجوز تخریب")

    def test_it_lists_the_newest_first(self) -> None:
        first = self.create_submission()
        second = self.create_submission()
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_requests"))
        self.assertEqual(list(r.context["submissions"]), [second, first])

    def test_it_invites_a_citizen_without_requests_to_the_catalog(self) -> None:
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_requests"))
        self.assertContains(r, "هنوز درخواستی ثبت نکرده‌اید.")

    def test_it_sends_anonymous_visitors_to_sign_in(self) -> None:
        r = self.client.get(reverse("submissions:my_requests"))
        self.assertEqual(r.status_code, 302)
        self.assertTrue(r["Location"].startswith(reverse("accounts:citizen_login")))

    @override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")  # counted below
    def test_it_uses_a_bounded_number_of_queries(self) -> None:
        self.client.force_login(self.citizen)
        self.create_submission()
        # The session, the user with whether they are staff (for the menu: one statement,
        # desk/accounts/middleware.py), the requests with their service and agency, and the
        # letters with their agency (desk/letters).
        with self.assertNumQueries(4):
            self.client.get(reverse("submissions:my_requests"))
        for _ in range(5):
            self.create_submission()
        with self.assertNumQueries(4):
            self.client.get(reverse("submissions:my_requests"))


class MyRequestTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = self.create_submission()
        self.url = reverse("submissions:my_request", args=[self.submission.tracking_code])

    def ask(self) -> None:
        self.transition(self.submission, "start_review")
        self.transition(self.submission, "request_info", message=QUESTION)

    def test_it_shows_the_request_to_its_applicant(self) -> None:
        self.client.force_login(self.citizen)
        r = self.client.get(self.url)
        self.assertContains(r, "صدور پروانه ساختمانی")
        self.assertContains(
            r, to_persian_digits(tracking.format_code(self.submission.tracking_code))
        )
        self.assertContains(r, "ثبت‌شده، در انتظار بررسی")
        self.assertContains(r, "deed.pdf")
        self.assertNotContains(r, "ارسال پاسخ")

    def test_it_404s_for_another_citizen(self) -> None:
        self.client.force_login(self.other_citizen)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.ask()
        r = self.client.post(self.url, {"message": "پاسخ از کس دیگر"})
        self.assertEqual(r.status_code, 404)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Status.NEEDS_INFO)

    def test_it_shows_the_question_when_information_is_needed(self) -> None:
        self.ask()
        self.client.force_login(self.citizen)
        r = self.client.get(self.url)
        self.assertContains(r, "اطلاعات یا مدرک بیشتری خواسته شده است")
        self.assertContains(r, QUESTION)
        self.assertContains(r, "ارسال پاسخ")

    def test_it_takes_a_text_answer(self) -> None:
        self.ask()
        self.client.force_login(self.citizen)
        r = self.client.post(
            self.url, {"message": "سند دو صفحه‌ای نیست؛\nهمان یک صفحه است."}, follow=True
        )
        self.assertRedirects(r, self.url)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Status.IN_REVIEW)
        event = self.submission.events.last()
        assert event is not None
        self.assertEqual(event.kind, EventKind.INFO_PROVIDED)
        self.assertEqual(event.actor, self.citizen)
        self.assertEqual(event.message, "سند دو صفحه‌ای نیست؛\nهمان یک صفحه است.")
        self.assertContains(r, "پاسخ شما ثبت شد")
        self.assertContains(r, "سند دو صفحه‌ای نیست؛<br>همان یک صفحه است.")

    def test_it_takes_a_file_answer(self) -> None:
        self.ask()
        self.client.force_login(self.citizen)
        r = self.client.post(self.url, {"documents": upload("page2.png", PNG_BYTES)})
        self.assertRedirects(r, self.url)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Status.IN_REVIEW)
        added = self.submission.attachments.get(original_name="page2.png")
        self.assertEqual(added.kind, AttachmentKind.DOCUMENT)
        self.assertEqual(added.content_type, "image/png")
        self.assertEqual(added.uploaded_by, self.citizen)
        self.assertEqual(self.submission.events.last().kind, EventKind.INFO_PROVIDED)  # type: ignore[union-attr]

    def test_it_takes_text_and_several_files(self) -> None:
        self.ask()
        self.client.force_login(self.citizen)
        self.client.post(
            self.url,
            {"message": "دو صفحه پیوست شد.", "documents": [upload("a.pdf"), upload("b.pdf")]},
        )
        self.assertEqual(self.submission.attachments.count(), 3)
        self.assertEqual(self.submission.events.filter(kind=EventKind.INFO_PROVIDED).count(), 1)

    def test_it_refuses_an_empty_answer(self) -> None:
        self.ask()
        self.client.force_login(self.citizen)
        r = self.client.post(self.url, {"message": "   "})
        self.assertContains(r, "توضیح یا مدرک خواسته‌شده را وارد کنید.", status_code=400)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Status.NEEDS_INFO)
        self.assertFalse(self.submission.events.filter(kind=EventKind.INFO_PROVIDED).exists())

    def test_it_refuses_a_bad_file_and_keeps_the_text(self) -> None:
        self.ask()
        self.client.force_login(self.citizen)
        r = self.client.post(
            self.url, {"message": "این هم سند", "documents": upload("x.pdf", b"plain text")}
        )
        self.assertContains(r, "فقط پرونده PDF یا تصویر JPEG و PNG پذیرفته می‌شود.", status_code=400)
        self.assertContains(r, "این هم سند", status_code=400)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Status.NEEDS_INFO)

    def test_it_refuses_an_answer_when_nothing_was_asked(self) -> None:
        self.client.force_login(self.citizen)
        for status in (Status.SUBMITTED, Status.IN_REVIEW, Status.COMPLETED):
            self.submission.status = status
            self.submission.save()
            r = self.client.post(self.url, {"message": "پاسخ بی‌پرسش"}, follow=True)
            self.assertContains(r, "این درخواست اکنون منتظر پاسخ شما نیست", msg_prefix=status)
            self.assertFalse(self.submission.events.filter(kind=EventKind.INFO_PROVIDED).exists())
            self.submission.refresh_from_db()
            self.assertEqual(self.submission.status, status)

    def test_it_lets_the_applicant_download_the_result(self) -> None:
        self.transition(self.submission, "start_review")
        self.transition(self.submission, "complete", files=[checked_upload("permit.pdf")])
        self.client.force_login(self.citizen)
        r = self.client.get(self.url)
        result = self.result_of(self.submission)
        # Named by what it is, listed once (not again among the applicant's documents).
        self.assertContains(r, "دریافت نتیجه صدور پروانه ساختمانی")
        self.assertNotContains(r, "permit.pdf")
        self.assertContains(r, self.download_url(result), count=1)
        self.assertEqual(self.client.get(self.download_url(result)).status_code, 200)


class OutcomeTests(SubmissionTestCase):
    def test_it_puts_the_result_at_the_top_of_a_completed_request(self) -> None:
        submission = self.create_completed()
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertContains(r, "درخواست شما انجام شد")
        html = r.content.decode()
        self.assertLess(html.index('id="result"'), html.index('id="progress"'))
        self.assertContains(r, self.download_url(self.result_of(submission)), count=1)

    def test_it_shows_the_reason_of_a_rejection(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "reject", message="سند ناخوانا است.")
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:my_request", args=[submission.tracking_code]))
        self.assertContains(r, "درخواست شما رد شد")
        self.assertContains(r, "علت: سند ناخوانا است.")
