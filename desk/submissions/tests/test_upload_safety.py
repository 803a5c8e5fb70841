"""Uploads against an attacker and against faults: malware, active PDFs, polyglots and bombs are
refused next to the field with the typed answers kept; the antivirus outage policy; quotas per
citizen and per address; safe download names; no file left behind by a failed request."""

from __future__ import annotations

import io
import socket
import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from unittest import mock

from django.conf import settings
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from desk.lib import upload_corpus
from desk.lib.antivirus import EICAR
from desk.lib.upload_corpus import image, pdf, png_declaring
from desk.submissions import services
from desk.submissions.models import Attachment, Submission
from desk.submissions.tests.base import (
    SubmissionTestCase,
    checked_upload,
    upload,
    use_own_media,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

ADDRESS = "تهران، خیابان انقلاب، کوچه ۳"


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def unused_port() -> int:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    listener.close()
    return port


class UploadSafetyCase(SubmissionTestCase):
    def apply(self, name: str, content: bytes, *, ip: str = "127.0.0.1") -> Response:
        return self.apply_with_file(name, content, address=ADDRESS, ip=ip)

    def assert_refused(self, r: Response, message: str) -> None:
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, message)
        self.assertContains(r, ADDRESS)
        self.assertFalse(Submission.objects.exists())


class RefusalTests(UploadSafetyCase):
    def test_it_refuses_eicar_inside_a_pdf(self) -> None:
        r = self.apply("deed.pdf", pdf().replace(b"%%EOF", b"%" + EICAR + b"\n%%EOF"))
        self.assert_refused(r, "در این پرونده بدافزار پیدا شد")

    def test_it_refuses_a_pdf_that_runs_javascript(self) -> None:
        traps = {sample.name: sample.data for sample in upload_corpus.pdf_trap_samples()}
        r = self.apply("deed.pdf", traps["js-open-action.pdf"])
        self.assert_refused(r, "جاوااسکریپت")

    def test_it_refuses_a_png_html_polyglot(self) -> None:
        r = self.apply("deed.png", image("PNG") + b"<html><script>alert(1)</script></html>")
        self.assert_refused(r, "محتوای دیگری")

    def test_it_refuses_a_20000_by_20000_png(self) -> None:
        r = self.apply("deed.png", png_declaring(20000, 20000, full=True))
        self.assert_refused(r, "ابعاد تصویر بیش از اندازه است (بیشتر از ۳۶ مگاپیکسل)")

    def test_it_refuses_a_three_byte_stub(self) -> None:
        self.assert_refused(self.apply("deed.jpg", b"\xff\xd8\xff"), "پرونده ناقص یا خراب است")

    def test_it_stores_a_photo_re_encoded_without_its_metadata(self) -> None:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"
        self.assertEqual(self.apply("deed.jpg", image("JPEG", exif=exif)).status_code, 302)
        attachment = Attachment.objects.get()
        with attachment.file.open("rb") as handle:
            stored = handle.read()
        self.assertNotIn(b"PhoneMaker", stored)
        self.assertEqual(attachment.size, len(stored))
        with Image.open(io.BytesIO(stored)) as picture:
            self.assertEqual(picture.format, "JPEG")


class AntivirusOutageTests(UploadSafetyCase):
    @override_settings(ANTIVIRUS_BACKEND="clamav", CLAMAV_HOST="127.0.0.1", CLAMAV_SOCKET="")
    def test_an_unreachable_scanner_refuses_uploads_by_default(self) -> None:
        with self.settings(CLAMAV_PORT=unused_port(), CLAMAV_TIMEOUT_SECONDS=1):
            r = self.apply("deed.pdf", pdf())
        self.assert_refused(r, "بررسی امنیتی پرونده اکنون ممکن نیست")

    @override_settings(ANTIVIRUS_BACKEND="clamav", CLAMAV_HOST="127.0.0.1", CLAMAV_SOCKET="")
    def test_fail_open_accepts_unscanned_when_chosen(self) -> None:
        with self.settings(
            CLAMAV_PORT=unused_port(), CLAMAV_TIMEOUT_SECONDS=1, ANTIVIRUS_FAIL_OPEN=True
        ):
            r = self.apply("deed.pdf", pdf())
        self.assertEqual(r.status_code, 302)
        self.assertTrue(Submission.objects.exists())


class QuotaTests(UploadSafetyCase):
    @override_settings(SUBMISSIONS_PER_CITIZEN_PER_HOUR=2)
    def test_a_citizen_files_at_most_the_hourly_quota(self) -> None:
        for _ in range(2):
            self.assertEqual(self.apply("deed.pdf", pdf()).status_code, 302)
        r = self.apply("deed.pdf", pdf())
        self.assertContains(r, "سقف ثبت درخواست برای هر نفر ۲ درخواست در یک ساعت است")
        self.assertContains(r, ADDRESS)
        self.assertEqual(Submission.objects.count(), 2)

    @override_settings(SUBMISSIONS_PER_CITIZEN_PER_HOUR=1)
    def test_a_double_click_counts_once(self) -> None:
        self.client.force_login(self.citizen)
        form = {"idempotency_key": str(uuid.uuid4()), "address": ADDRESS}
        url = reverse("submissions:apply", args=[self.service.slug])
        self.client.post(url, {**form, "deed": upload("deed.pdf", pdf())})
        check = reverse("submissions:apply_check", args=[self.service.slug])
        first = self.client.post(check)  # «send» on check your answers, tapped twice
        again = self.client.post(check)
        self.assertEqual(first.status_code, 302)
        self.assertEqual(again["Location"], first["Location"])
        self.assertEqual(Submission.objects.count(), 1)
        r = self.apply("deed.pdf", pdf())
        self.assertContains(r, "سقف ثبت درخواست برای هر نفر ۱ درخواست در یک ساعت است")

    @override_settings(SUBMISSIONS_PER_ADDRESS_PER_HOUR=2)
    def test_one_address_is_limited_across_citizens(self) -> None:
        self.assertEqual(self.apply("deed.pdf", pdf(), ip="10.0.0.7").status_code, 302)
        self.citizen = self.other_citizen
        self.assertEqual(self.apply("deed.pdf", pdf(), ip="10.0.0.7").status_code, 302)
        r = self.apply("deed.pdf", pdf(), ip="10.0.0.7")
        self.assertContains(r, "از این اتصال اینترنت")
        self.assertEqual(self.apply("deed.pdf", pdf(), ip="10.0.0.8").status_code, 302)

    @override_settings(UPLOADS_PER_CITIZEN_PER_DAY=1)
    def test_uploads_count_against_their_own_daily_quota(self) -> None:
        self.assertEqual(self.apply("deed.pdf", pdf()).status_code, 302)
        r = self.apply("deed.pdf", pdf())
        self.assertContains(r, "سقف بارگذاری مدرک برای هر نفر ۱ پرونده در یک روز است")
        self.assertContains(r, "فردا دوباره بفرستید")

    def asked_for_information(self) -> tuple[Submission, str]:
        """A request whose expert asked the citizen for a document; the citizen signed in,
        and the request's page where they answer."""
        submission = services.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": ADDRESS},
            files={},
            idempotency_key=uuid.uuid4(),
        )
        self.transition(submission, "start_review")
        self.transition(submission, "request_info", message="سند را بفرستید")
        self.client.force_login(self.citizen)
        return submission, reverse("submissions:my_request", args=[submission.tracking_code])

    @override_settings(UPLOADS_PER_CITIZEN_PER_HOUR=1)
    def test_documents_sent_in_a_reply_count_too(self) -> None:
        submission, url = self.asked_for_information()
        files = [upload("a.pdf", pdf()), upload("b.pdf", pdf())]
        r = self.client.post(url, {"message": "دو سند پیوست شد", "documents": files})
        self.assertContains(
            r, "سقف بارگذاری مدرک برای هر نفر ۱ پرونده در یک ساعت است", status_code=400
        )
        self.assertContains(r, "دو سند پیوست شد", status_code=400)
        self.assertContains(r, "آن‌ها را دوباره انتخاب کنید", status_code=400)
        self.assertFalse(submission.attachments.exists())

    def test_a_reply_sent_twice_is_recorded_once_and_the_second_is_told_so(self) -> None:
        submission, url = self.asked_for_information()
        first = self.client.post(url, {"message": "فرستادم", "documents": [upload("a.pdf", pdf())]})
        second = self.client.post(
            url, {"message": "فرستادم", "documents": [upload("a.pdf", pdf())]}
        )
        self.assertRedirects(first, url, fetch_redirect_response=False)
        self.assertRedirects(second, url, fetch_redirect_response=False)
        page = self.client.get(url)
        self.assertContains(page, "این درخواست اکنون منتظر پاسخ شما نیست")
        self.assertEqual(submission.attachments.count(), 1)

    def test_a_refused_file_does_not_spend_the_quota(self) -> None:
        with self.settings(SUBMISSIONS_PER_CITIZEN_PER_HOUR=1):
            for _ in range(3):
                self.apply("deed.pdf", b"not a pdf")
            self.assertEqual(self.apply("deed.pdf", pdf()).status_code, 302)


class DownloadNameTests(UploadSafetyCase):
    def test_a_double_extension_never_reaches_the_download(self) -> None:
        self.apply("report.pdf.php", pdf())
        attachment = Attachment.objects.get()
        r = self.client.get(self.download_url(attachment))
        code = attachment.submission.tracking_code
        expected = f'attachment; filename="{code}-document-{attachment.public_id.hex[:8]}.pdf"'
        self.assertEqual(r["Content-Disposition"], expected)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertEqual(r["X-Content-Type-Options"], "nosniff")
        self.assertNotIn("php", r["Content-Disposition"])

    def test_an_unknown_stored_type_is_served_as_opaque_bytes(self) -> None:
        self.apply("deed.pdf", pdf())
        attachment = Attachment.objects.get()
        Attachment.objects.filter(pk=attachment.pk).update(content_type="text/html")
        r = self.client.get(self.download_url(attachment))
        self.assertEqual(r["Content-Type"], "application/octet-stream")
        self.assertTrue(r["Content-Disposition"].endswith('.bin"'))


class AtomicStorageTests(UploadSafetyCase):
    def setUp(self) -> None:
        super().setUp()
        use_own_media(self)

    def submit(self) -> Submission:
        return services.submission_create(
            service=self.service,
            applicant=self.citizen,
            answers={"address": ADDRESS},
            files={"deed": checked_upload()},
            idempotency_key=uuid.uuid4(),
        )

    def test_a_fault_mid_submission_leaves_neither_row_nor_file(self) -> None:
        fault = OperationalError("server closed the connection unexpectedly")
        with (
            mock.patch.object(services, "_notify_status", side_effect=fault),
            self.assertRaises(OperationalError),
        ):
            self.submit()
        self.assertFalse(Submission.objects.exists())
        self.assertFalse(Attachment.objects.exists())
        self.assertEqual(stored_files(), [])

    def test_a_fault_in_a_staff_action_removes_the_result_file(self) -> None:
        submission = self.submit()
        self.transition(submission, "start_review")
        before = stored_files()
        with (
            mock.patch.object(services, "_notify_status", side_effect=OperationalError("gone")),
            self.assertRaises(OperationalError),
        ):
            self.transition(submission, "complete", files=[checked_upload("permit.pdf")])
        self.assertEqual(stored_files(), before)

    def test_a_successful_submission_keeps_its_file(self) -> None:
        document = self.document_of(self.submit())
        self.assertEqual(stored_files(), [Path(settings.MEDIA_ROOT) / (document.file.name or "")])
