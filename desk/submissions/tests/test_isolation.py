"""Tenant isolation: staff of another agency learn nothing about a request, not even that it
exists. One test per view."""

from __future__ import annotations

from django.urls import reverse

from desk.submissions.models import Status, TimelineEvent
from desk.submissions.tests.base import SubmissionTestCase


class OutsiderTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.submission = self.create_completed()
        self.code = self.submission.tracking_code
        self.client.force_login(self.outsider)

    def test_it_hides_the_request_page(self) -> None:
        r = self.client.get(reverse("submissions:staff_request", args=[self.code]))
        self.assertEqual(r.status_code, 404)

    def test_it_refuses_actions(self) -> None:
        self.submission.status = Status.IN_REVIEW
        self.submission.save()
        events = TimelineEvent.objects.count()
        r = self.client.post(
            reverse("submissions:staff_act", args=[self.code]),
            {"action": "reject", "message": "رد از دستگاه دیگر"},
        )
        self.assertEqual(r.status_code, 404)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.status, Status.IN_REVIEW)
        self.assertEqual(TimelineEvent.objects.count(), events)

    def test_it_hides_the_applicants_documents(self) -> None:
        r = self.client.get(self.download_url(self.document_of(self.submission)))
        self.assertEqual(r.status_code, 404)

    def test_it_hides_the_results(self) -> None:
        r = self.client.get(self.download_url(self.result_of(self.submission)))
        self.assertEqual(r.status_code, 404)

    def test_it_hides_the_receipt(self) -> None:
        r = self.client.get(reverse("submissions:receipt", args=[self.code]))
        self.assertEqual(r.status_code, 404)

    def test_it_hides_the_citizens_request_page(self) -> None:
        r = self.client.get(reverse("submissions:my_request", args=[self.code]))
        self.assertEqual(r.status_code, 404)

    def test_it_leaves_the_request_out_of_the_inbox(self) -> None:
        waiting = self.create_submission()
        self.transition(waiting, "request_info", message="مدرک بیشتر")
        open_one = self.create_submission()
        r = self.client.get(reverse("submissions:inbox"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(list(r.context["inbox"]), [])
        self.assertEqual(list(r.context["waiting"]), [])
        self.assertEqual(list(r.context["closed"]), [])
        for submission in (self.submission, waiting, open_one):
            self.assertNotContains(
                r, reverse("submissions:staff_request", args=[submission.tracking_code])
            )
