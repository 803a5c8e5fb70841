"""The lookup's download links: a signed, expiring proof bound to the request, no session."""

from __future__ import annotations

import time
from unittest import mock

from django.conf import settings
from django.core import signing
from django.test import override_settings

from desk.submissions import proofs
from desk.submissions.tests.base import SubmissionTestCase
from desk.test import PDF_BYTES


class DownloadProofTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.completed = self.create_completed()
        self.result = self.result_of(self.completed)

    def proof_link(self) -> str:
        page = self.track(self.completed.tracking_code)
        self.assertContains(page, 'id="track-result"')
        return self.link_on(page, self.download_url(self.result))

    def test_it_lets_the_lookups_link_download_the_result_without_a_session(self) -> None:
        page = self.track(self.completed.tracking_code)
        self.assertNotIn(settings.SESSION_COOKIE_NAME, page.cookies)
        self.assertFalse(self.client.session.keys())
        link = self.link_on(page, self.download_url(self.result))
        self.assertIn("?proof=", link)
        r = self.client.get(link)
        self.assertEqual(r.status_code, 200)
        self.assertEqual(b"".join(r.streaming_content), PDF_BYTES)  # type: ignore[attr-defined]

    def test_it_lets_the_link_work_in_another_browser(self) -> None:
        link = self.proof_link()
        self.client.cookies.clear()
        self.assertEqual(self.client.get(link).status_code, 200)

    def test_it_refuses_a_forged_proof_with_a_page_that_says_what_to_do(self) -> None:
        link = self.proof_link()
        forged = link[:-1] + ("A" if link[-1] != "A" else "B")
        r = self.client.get(forged)
        self.assertContains(r, "این پیوند دریافت درست نیست", status_code=403)
        self.assertContains(r, 'href="/requests/track/"', status_code=403)
        self.assertNotContains(r, self.completed.tracking_code, status_code=403)

    def test_it_refuses_a_proof_made_up_without_the_key(self) -> None:
        url = self.download_url(self.result)
        for proof in ("x", "1:2:3", f"{int(time.time())}:{'A' * 43}"):
            with self.subTest(proof=proof):
                r = self.client.get(url, {"proof": proof})
                self.assertContains(r, "این پیوند دریافت درست نیست", status_code=403)

    def test_it_refuses_the_proof_of_one_request_for_another_requests_file(self) -> None:
        other = self.create_completed()
        link = self.proof_link()
        proof = link.partition("?")[2]
        r = self.client.get(f"{self.download_url(self.result_of(other))}?{proof}")
        self.assertContains(r, "این پیوند دریافت درست نیست", status_code=403)
        self.assertEqual(self.client.get(link).status_code, 200)  # its own file still opens

    def test_it_refuses_the_proof_for_a_file_that_is_not_a_result(self) -> None:
        deed = self.document_of(self.completed)  # the citizen's own document: not for the link
        proof = self.proof_link().partition("?")[2]
        r = self.client.get(f"{self.download_url(deed)}?{proof}")
        self.assertContains(r, "این پیوند دریافت درست نیست", status_code=403)

    def test_it_refuses_an_expired_proof_and_says_how_long_links_work(self) -> None:
        link = self.proof_link()
        later = time.time() + settings.TRACKING_DOWNLOAD_PROOF_MINUTES * 60 + 5
        with mock.patch("django.core.signing.time.time", return_value=later):
            r = self.client.get(link)
        self.assertContains(r, "مهلت این پیوند دریافت گذشته است", status_code=403)
        self.assertContains(r, "۶۰ دقیقه", status_code=403)

    @override_settings(TRACKING_DOWNLOAD_PROOF_MINUTES=5)
    def test_it_keeps_a_proof_for_the_minutes_set(self) -> None:
        link = self.proof_link()
        with mock.patch("django.core.signing.time.time", return_value=time.time() + 4 * 60):
            self.assertEqual(self.client.get(link).status_code, 200)
        with mock.patch("django.core.signing.time.time", return_value=time.time() + 6 * 60):
            self.assertContains(self.client.get(link), "۵ دقیقه", status_code=403)

    def test_it_still_hides_a_file_asked_for_without_a_proof(self) -> None:
        self.track(self.completed.tracking_code)
        self.assertEqual(self.client.get(self.download_url(self.result)).status_code, 404)

    def test_it_makes_the_proof_djangos_timestamp_signer_makes(self) -> None:
        # proof_for signs in one HMAC call; the download view checks with Django's signer.
        for key in (settings.SECRET_KEY, "another-secret-key-" + "x" * 40):
            with (
                override_settings(SECRET_KEY=key),
                mock.patch("django.core.signing.time.time", return_value=1_764_000_000.5),
            ):
                made = proofs.proof_for(42)
                signed = signing.TimestampSigner(salt=proofs.SALT).sign("42")
            self.assertEqual(f"42:{made}", signed)
