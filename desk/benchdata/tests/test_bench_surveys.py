from __future__ import annotations

import io
from unittest import skipUnless

from django.apps import apps
from django.core.management import call_command
from django.test import TestCase

from desk.submissions.models import Status, Submission
from desk.surveys import selectors
from desk.surveys.models import Invitation, Response
from desk.surveys.selectors import Period


@skipUnless(apps.is_installed("desk.benchdata"), "needs BENCH=1 (desk.benchdata installed)")
class BenchSurveysTests(TestCase):
    def setUp(self) -> None:
        super().setUp()
        call_command("bench_data", scale=0.0001, stdout=io.StringIO())
        call_command("bench_surveys", responses=40, stdout=io.StringIO())

    def test_every_ended_request_is_invited_and_a_share_answered(self) -> None:
        ended = Submission.objects.filter(status__in=(Status.COMPLETED, Status.REJECTED))
        self.assertEqual(Invitation.objects.count(), ended.count())
        self.assertTrue(0 < Response.objects.count() <= Invitation.objects.count())
        self.assertFalse(Response.objects.filter(overall__isnull=True).exists())

    def test_the_results_selector_reads_them(self) -> None:
        year = Response.objects.values_list("year", flat=True).first()
        assert year is not None
        [row] = selectors.satisfaction(None, Period("year", year), group_by="none")
        self.assertEqual(row.responses, Response.objects.filter(year=year).count())
        self.assertGreater(row.invited, 0)
