"""The public tracking page: tracking code plus the applicant's national code."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from desk.lib import tracking
from desk.lib.persian import to_persian_digits
from desk.submissions import progress
from desk.submissions.forms import TrackForm, track_clean
from desk.submissions.models import AttachmentKind, Submission
from desk.submissions.tests.base import SubmissionTestCase, body_without_csrf, checked_upload

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

NOT_FOUND = "درخواستی با این کد رهگیری و کد ملی پیدا نشد."
TOO_MANY = "تعداد جست‌وجوها از حد مجاز گذشته است. یک ساعت بعد بیایید."

# The request (with its service, agency and step) and its public timeline; on PostgreSQL the
# timeline comes with the request's query.
LOOKUP_QUERIES = 1 if connection.vendor == "postgresql" else 2
_VALUES = re.compile(r' value="[^"]*"')


def neutral_body(response: Response) -> str:
    """The page without what differs between any two refusals: the typed values, the token."""
    return _VALUES.sub("", body_without_csrf(response))


class TrackingPageTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = self.create_submission()
        self.code = self.submission.tracking_code

    def assert_found(self, r: Response, submission: Submission) -> None:
        self.assertContains(r, 'id="track-result"')
        self.assertContains(r, to_persian_digits(tracking.format_code(submission.tracking_code)))

    def test_it_shows_the_form(self) -> None:
        r = self.client.get(reverse("submissions:track"))
        self.assertContains(r, "کد رهگیری")
        self.assertContains(r, 'name="national_code"')

    def test_it_shows_status_and_timeline_for_code_and_national_code(self) -> None:
        self.transition(self.submission, "start_review")
        self.transition(self.submission, "request_info", message="تصویر کارت ملی را بفرستید.")
        r = self.track(self.code)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "در انتظار تکمیل اطلاعات از سوی شما")
        self.assertContains(r, to_persian_digits(tracking.format_code(self.code)))
        self.assertContains(r, "درخواست ثبت شد")
        self.assertContains(r, "بررسی آغاز شد")
        self.assertContains(r, "تصویر کارت ملی را بفرستید.")
        self.assertContains(r, "صدور پروانه ساختمانی")
        html = r.content.decode()
        done = ["درخواست ثبت شد", "بررسی آغاز شد", "تصویر کارت ملی را بفرستید."]
        self.assertEqual(sorted(done, key=html.index), done)  # oldest first

    def test_it_starts_no_session(self) -> None:
        # Results are downloaded with the proof in the answer's links (test_download_proof).
        self.transition(self.submission, "start_review")
        for code in (self.code, self.create_completed().tracking_code):
            r = self.track(code)
            self.assertContains(r, 'id="track-result"')
            self.assertNotIn(settings.SESSION_COOKIE_NAME, r.cookies)
            self.assertNotIn("Set-Cookie", str(r.serialize_headers()))

    def test_it_does_not_show_staff_names_or_personal_data(self) -> None:
        self.transition(self.submission, "start_review")
        r = self.track(self.code)
        self.assertNotContains(r, self.expert.last_name)
        self.assertNotContains(r, "۰۹۱۲۱۲۳۴۵۶۷")
        self.assertNotContains(r, "تهران، خیابان آزادی، پلاک ۱۲")

    def test_it_accepts_persian_digits_and_dashes(self) -> None:
        typed = to_persian_digits(tracking.format_code(self.code))
        r = self.track(typed, national_code="۰۰۸۴۵۷۵۹۴۸")
        self.assert_found(r, self.submission)

    def test_it_accepts_arabic_indic_digits_and_spaces(self) -> None:
        arabic = self.code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        typed = " ".join(arabic[i : i + 4] for i in range(0, 12, 4))
        r = self.track(typed)
        self.assert_found(r, self.submission)

    def test_it_answers_unknown_code_and_wrong_national_code_alike(self) -> None:
        unknown = self.track(tracking.generate())
        wrong_person = self.track(self.code, national_code="0013542419")
        for r in (unknown, wrong_person):
            self.assertEqual(r.status_code, 200)
            self.assertEqual(r.context["form"].non_field_errors(), [NOT_FOUND])
            self.assertIsNone(r.context["submission"])
        self.assertEqual(neutral_body(unknown), neutral_body(wrong_person))

    def test_it_answers_a_malformed_code_the_same_way(self) -> None:
        reference = self.track(tracking.generate())
        for typed in ("12345", "abcdefghijkl", self.code[:-1] + str((int(self.code[-1]) + 1) % 10)):
            r = self.track(typed)
            self.assertEqual(r.status_code, reference.status_code, typed)
            self.assertEqual(r.context["form"].non_field_errors(), [NOT_FOUND], typed)
            self.assertEqual(neutral_body(r), neutral_body(reference), typed)

    def test_it_does_not_find_a_request_by_code_alone(self) -> None:
        r = self.client.post(reverse("submissions:track"), {"code": self.code})
        self.assertIsNone(r.context["submission"])
        self.assertNotContains(r, "ثبت‌شده، در انتظار بررسی")

    @override_settings(TRACKING_LOOKUPS_PER_IP_PER_HOUR=3)
    def test_it_refuses_after_too_many_lookups_from_one_address(self) -> None:
        for _ in range(3):
            self.track(tracking.generate(), ip="203.0.113.7")
        r = self.track(self.code, ip="203.0.113.7")
        self.assertEqual(r.context["form"].non_field_errors(), [TOO_MANY])
        self.assertContains(r, TOO_MANY)
        self.assertIsNone(r.context["submission"])
        self.assertNotContains(r, "ثبت‌شده، در انتظار بررسی")
        # The refused lookup gave no access to the request's results either.
        self.assertNotIn("download_proof", r.context)

    @override_settings(TRACKING_LOOKUPS_PER_IP_PER_HOUR=3)
    def test_it_counts_each_address_on_its_own(self) -> None:
        for _ in range(3):
            self.track(tracking.generate(), ip="203.0.113.7")
        r = self.track(self.code, ip="198.51.100.9")
        self.assert_found(r, self.submission)

    @override_settings(TRACKING_LOOKUPS_PER_IP_PER_HOUR=3)
    def test_it_allows_the_last_lookup_within_the_limit(self) -> None:
        for _ in range(2):
            self.track(tracking.generate(), ip="203.0.113.7")
        r = self.track(self.code, ip="203.0.113.7")
        self.assert_found(r, self.submission)

    def test_it_uses_a_bounded_number_of_queries(self) -> None:
        self.transition(self.submission, "start_review")
        # 1 the request with its service and agency, 1 its public timeline (on PostgreSQL the
        # timeline comes with the request: 1). An open request has no result files or
        # documents, so no session is written. The rate limit lives in the cache, and so do
        # the workflow's steps ahead (warmed by a first lookup).
        self.track(self.code)
        with self.assertNumQueries(LOOKUP_QUERIES):
            r = self.track(self.code)
        self.assert_found(r, self.submission)

    def test_it_brings_the_steps_ahead_with_the_request_on_postgresql(self) -> None:
        if connection.vendor != "postgresql":
            self.skipTest("the steps ahead come with the request's query on PostgreSQL only")
        self.transition(self.submission, "start_review")
        # What «my request» shows ahead, from the version's map (cached).
        ahead = progress.steps_ahead(Submission.objects.get(pk=self.submission.pk))
        self.assertTrue(ahead)
        # The lookup: no look in the cache, no query for the map, the same steps in order.
        with mock.patch.object(progress, "generation_cached") as cached, self.assertNumQueries(1):
            r = self.track(self.code)
        cached.assert_not_called()
        shown = re.findall(r'timeline-future">\n<div>(.*?)</div>', r.content.decode())
        # The last step ahead is the end of the work: «در پایان: …».
        expected = [escape(label) for label in ahead]
        expected[-1] = "در پایان: " + expected[-1]
        self.assertEqual(shown, expected)

    @override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cache")  # as in production
    def test_it_lists_a_completed_requests_result_file_with_no_query_for_it(self) -> None:
        completed = self.create_completed()
        result = self.result_of(completed)
        self.track(completed.tracking_code)  # the workflow's steps ahead are cached from then on
        # The request with its one result file, its timeline (PostgreSQL: in the same query).
        with self.assertNumQueries(LOOKUP_QUERIES):
            r = self.track(completed.tracking_code)
        self.assertContains(r, self.download_url(result))
        self.assertNotContains(r, "(۱)")  # one file: not numbered

    def test_it_lists_every_result_file_of_a_request_with_more_than_one(self) -> None:
        self.transition(self.submission, "start_review")
        files = [checked_upload("permit.pdf"), checked_upload("map.pdf")]
        self.transition(self.submission, "complete", files=files)
        r = self.track(self.code)
        for number, result in enumerate(
            self.submission.attachments.filter(kind=AttachmentKind.RESULT).order_by(
                "uploaded_at", "pk"
            ),
            start=1,
        ):
            self.assertContains(r, self.download_url(result))
            self.assertContains(r, f"({to_persian_digits(number)})")


class TrackCleanTests(SubmissionTestCase):
    """A well-formed lookup skips the form (``forms.track_clean``): it must clean exactly as
    ``TrackForm`` does, and leave to the form every input the form would refuse."""

    def test_it_cleans_as_the_form_does_or_leaves_it_to_the_form(self) -> None:
        codes = ["70658973978", " ۷۰۶۵-۸۹۷۳-۹۷۸۰ ", "", "   ", "1" * 40, "1" * 41, "12\x0034"]
        national_codes = ["0084575948", "۰۰۸۴۵۷۵۹۴۸", " 008-457594-8 ", "84575948", "", "123"]
        for code in codes:
            for national_code in national_codes:
                data = {"code": code, "national_code": national_code}
                with self.subTest(**data):
                    form = TrackForm(data)
                    expected = (
                        (form.cleaned_data["code"], form.cleaned_data["national_code"])
                        if form.is_valid()
                        else None
                    )
                    self.assertEqual(track_clean(data), expected)
        self.assertIsNone(track_clean({"code": "70658973978"}))

    def test_a_refused_field_keeps_what_was_typed_next_to_its_message(self) -> None:
        r = self.track(self.create_submission().tracking_code, national_code="12345")
        self.assertEqual(r.status_code, 200)
        self.assertIsNone(r.context["submission"])
        self.assertContains(r, 'value="12345"')
        self.assertContains(r, "کد ملی باید ۱۰ رقم باشد.")
        self.assertContains(r, "<title>خطا:", html=False)
