"""Survey invitations and responses on a database bench_data filled (docs/benchmarks.md,
"Survey results"): one invitation per ended request (780,000 at full scale) and 300,000
responses (``--responses``), written by COPY like the rest of the generator.

Responses carry their axis means, as the app stores them; the per-question answer rows are
not generated (no report reads them: the results page and the selectors aggregate the
response columns only).
"""

from __future__ import annotations

import random
import secrets
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from desk.agencies.models import Agency
from desk.benchdata import rows, writer
from desk.catalog.models import Service
from desk.submissions.models import Status, Submission
from desk.surveys.models import FormKind, FormVersion, Invitation, Response
from desk.surveys.services import forms_install


class Command(BaseCommand):
    help = "Survey invitations and responses for the benchmark data (see docs/benchmarks.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--responses", type=int, default=300_000)
        parser.add_argument("--batch", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1404)

    def handle(self, *args: Any, **options: Any) -> None:
        if Invitation.objects.exists():
            raise CommandError("Invitations exist already: bench_surveys fills them once.")
        rng = random.Random(options["seed"])
        started = time.monotonic()
        forms_install()
        versions = {
            kind: FormVersion.objects.get(form__kind=kind, number=1).pk for kind in FormKind
        }
        takrim_services = set(
            Service.objects.filter(in_person_visits__gt=0).values_list("pk", flat=True)
        )
        provinces = dict(Agency.objects.values_list("pk", "province"))
        ended = Submission.objects.filter(
            status__in=(Status.COMPLETED, Status.REJECTED), closed_at__isnull=False
        )
        total = ended.count()
        share = min(1.0, options["responses"] / total) if total else 0.0
        invited = answered = 0
        last_pk = 0
        while True:
            batch = list(
                ended.filter(pk__gt=last_pk)
                .order_by("pk")
                .values("pk", "agency_id", "service_id", "status", "closed_at", "applicant_mobile")[
                    : options["batch"]
                ]
            )
            if not batch:
                break
            last_pk = batch[-1]["pk"]
            invitations = [
                rows.invitation_row(
                    submission=item,
                    version_id=versions[
                        FormKind.TAKRIM
                        if item["service_id"] in takrim_services
                        else FormKind.ESERVICE
                    ],
                    province=provinces[item["agency_id"]],
                    token=secrets.token_urlsafe(9),
                )
                for item in batch
            ]
            with transaction.atomic():
                writer.insert(Invitation, invitations)
                responses = [
                    rows.response_row(
                        invitation=invitation,
                        takrim=invitation.service_id in takrim_services,
                        rng=rng,
                    )
                    for invitation in invitations
                    if rng.random() < share
                ]
                writer.insert(Response, responses)
            invited += len(invitations)
            answered += len(responses)
        writer.reset_sequences([Invitation, Response])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(
            f"bench_surveys: {invited:,} invitations, {answered:,} responses "
            f"in {time.monotonic() - started:.0f} s ({connection.vendor})"
        )
