"""Uploads on an S3-compatible bucket: the configuration STORAGE_BACKEND=s3 builds, against
moto's in-process fake S3 (no network)."""

from __future__ import annotations

import os
import uuid
from unittest import mock

import boto3
from django.conf import settings
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws

from desk.core.storage import s3_storage
from desk.submissions.models import Attachment
from desk.submissions.tests.base import SubmissionTestCase
from desk.test import PDF_BYTES

BUCKET = "desk-private"
ENV = {
    "STORAGE_BACKEND": "s3",
    "AWS_STORAGE_BUCKET_NAME": BUCKET,
    "AWS_S3_REGION_NAME": "us-east-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_S3_ENDPOINT_URL": "",
}


class S3StorageTests(SubmissionTestCase):
    def setUp(self) -> None:
        aws = mock_aws()
        aws.start()
        self.addCleanup(aws.stop)
        self.s3 = boto3.client("s3", region_name="us-east-1")
        self.s3.create_bucket(Bucket=BUCKET)
        with mock.patch.dict(os.environ, ENV):
            config = s3_storage()
        self.enterContext(override_settings(STORAGES={**settings.STORAGES, "default": config}))
        super().setUp()

    def document(self) -> Attachment:
        submission = self.create_submission()
        return submission.attachments.get(field_name="deed")

    def test_it_stores_uploads_in_the_bucket(self) -> None:
        attachment = self.document()
        stored = self.s3.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
        self.assertEqual(stored, PDF_BYTES)
        self.assertEqual(type(storages["default"]).__name__, "S3Storage")

    def test_it_writes_every_object_private(self) -> None:
        attachment = self.document()
        acl = self.s3.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)
        self.assertEqual([g["Permission"] for g in acl["Grants"]], ["FULL_CONTROL"])
        self.assertEqual(acl["Grants"][0]["Grantee"]["Type"], "CanonicalUser")

    def test_it_streams_the_file_to_the_applicant_through_the_view(self) -> None:
        attachment = self.document()
        self.client.force_login(self.citizen)
        r = self.client.get(reverse("submissions:download", args=[attachment.public_id]))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(b"".join(r.streaming_content), PDF_BYTES)  # type: ignore[attr-defined]
        self.assertEqual(r["Cache-Control"], "private, no-store")

    def test_it_still_refuses_the_file_to_an_outsider(self) -> None:
        attachment = self.document()
        self.client.force_login(self.outsider)
        r = self.client.get(reverse("submissions:download", args=[attachment.public_id]))
        self.assertEqual(r.status_code, 404)

    def test_it_gives_only_short_lived_signed_urls(self) -> None:
        url = storages["default"].url(f"submissions/{uuid.uuid4().hex}")
        self.assertIn("X-Amz-Signature=", url)
        self.assertIn("X-Amz-Expires=300", url)

    def test_it_checks_the_bucket_in_the_health_endpoint(self) -> None:
        r = self.client.get(reverse("health:healthz"))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["checks"]["storage"]["backend"], "S3Storage")
        self.assertEqual(self.s3.list_objects_v2(Bucket=BUCKET).get("KeyCount"), 0)

    def test_it_reports_a_missing_bucket_as_a_failed_storage_check(self) -> None:
        self.s3.delete_bucket(Bucket=BUCKET)
        with self.assertLogs("desk.health.checks", "ERROR"):
            r = self.client.get(reverse("health:healthz"))
        self.assertEqual(r.status_code, 503)
        self.assertFalse(r.json()["checks"]["storage"]["ok"])
        self.assertNotIn(BUCKET.encode(), r.content)
