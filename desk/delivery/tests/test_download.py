from __future__ import annotations

from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from desk.delivery.models import IssuedDocument
from desk.delivery.tests.base import DeliveryTestCase
from desk.lib import verification_codes as codes
from desk.lib.persian import to_persian_digits
from desk.submissions.models import EventKind, TimelineEvent
from desk.test import create_citizen


class DownloadTests(DeliveryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.document = self.issue()

    def deliveries(self) -> list[TimelineEvent]:
        return list(self.document.submission.events.filter(kind=EventKind.DELIVERED))

    def test_it_hands_the_applicant_the_stored_pdf(self):
        self.client.force_login(self.citizen)
        r = self.download(self.document)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertIn("attachment", r["Content-Disposition"])
        self.assertEqual(r["Cache-Control"], "private, no-store")
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
        self.assertIn(f'filename="{self.document.filename}"', r["Content-Disposition"])
        with self.document.file.open("rb") as f:
            self.assertEqual(b"".join(r.streaming_content), f.read())  # type: ignore[attr-defined]

    def test_it_records_the_first_download_once(self):
        self.client.force_login(self.citizen)
        self.download(self.document)
        self.document.refresh_from_db()
        first = self.document.first_downloaded_at
        self.assertIsNotNone(first)
        [event] = self.deliveries()
        self.assertEqual(event.actor, self.citizen)
        self.assertIn("پروانه ساختمانی", event.message)
        self.assertEqual(self.download(self.document).status_code, 200)
        self.document.refresh_from_db()
        self.assertEqual(self.document.first_downloaded_at, first)
        self.assertEqual(len(self.deliveries()), 1)

    def tracked_link(self, document: IssuedDocument) -> str:
        """The download link the lookup's answer gives for ``document`` (with its proof)."""
        page = self.track(document.submission)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(settings.SESSION_COOKIE_NAME, page.cookies)  # the lookup writes none
        return self.link_on(page, reverse("delivery:download", args=[document.public_id]))

    def test_it_lets_the_lookups_link_download_and_records_delivery(self):
        r = self.client.get(self.tracked_link(self.document))
        self.assertEqual(r.status_code, 200)
        self.document.refresh_from_db()
        self.assertIsNotNone(self.document.first_downloaded_at)
        [event] = self.deliveries()
        self.assertEqual(event.actor, self.citizen)  # whoever proved the codes acts for them
        self.assertIn("صفحه پیگیری", event.message)

    def test_it_refuses_a_forged_proof_with_a_page_that_says_what_to_do(self):
        link = self.tracked_link(self.document)
        r = self.client.get(link[:-2] + ("AA" if not link.endswith("AA") else "BB"))
        self.assertContains(r, "این پیوند دریافت درست نیست", status_code=403)
        self.document.refresh_from_db()
        self.assertIsNone(self.document.first_downloaded_at)

    def test_it_lets_staff_of_the_agency_download_without_delivering(self):
        self.client.force_login(self.expert)
        self.assertEqual(self.download(self.document).status_code, 200)
        self.document.refresh_from_db()
        self.assertIsNone(self.document.first_downloaded_at)
        self.assertEqual(self.deliveries(), [])

    def test_it_hides_the_document_from_everyone_else(self):
        stranger = create_citizen("0013542419", "+989351112233")
        for user in (None, self.outsider, stranger):
            with self.subTest(user=getattr(user, "username", "anonymous")):
                self.client.logout()
                if user is not None:
                    self.client.force_login(user)
                self.assertEqual(self.download(self.document).status_code, 404)
        self.document.refresh_from_db()
        self.assertIsNone(self.document.first_downloaded_at)

    def test_it_does_not_let_one_tracked_request_open_another(self):
        other = self.issue()
        link = self.tracked_link(other)
        self.assertEqual(self.download(self.document).status_code, 404)  # no proof: not there
        proof = link.partition("?")[2]
        mine = reverse("delivery:download", args=[self.document.public_id])
        self.assertContains(
            self.client.get(f"{mine}?{proof}"), "این پیوند دریافت درست نیست", status_code=403
        )
        self.assertEqual(self.client.get(link).status_code, 200)


class DocumentsIncludeTests(DeliveryTestCase):
    def render(self, **context: object) -> str:
        template = Template('{% include "delivery/_documents.html" %}')
        return template.render(Context(context))

    def test_it_lists_the_documents_with_links_and_codes(self):
        document = self.issue()
        with self.assertNumQueries(1):
            html = self.render(submission=document.submission)
        self.assertIn(reverse("delivery:download", args=[document.public_id]), html)
        self.assertIn(reverse("delivery:verify_code", args=[document.verification_code]), html)
        self.assertIn(to_persian_digits(codes.format_code(document.verification_code)), html)
        self.assertIn("پروانه ساختمانی", html)

    def test_it_tells_staff_whether_the_applicant_received_it(self):
        document = self.issue()
        html = self.render(submission=document.submission, current_staff=object())
        self.assertIn("متقاضی هنوز دریافت نکرده است", html)

    def test_it_shows_nothing_without_documents(self):
        self.assertEqual(self.render(submission=self.create_submission()).strip(), "")
