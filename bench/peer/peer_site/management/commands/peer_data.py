"""Fill the peer's database: queues and as many tickets (with follow-ups) as Mizkhedmat has
requests (with timeline events). Written with Mizkhedmat's own fast writer
(desk.benchdata.writer, which needs only Django: COPY on PostgreSQL), each row a tuple built
from one template per model (writer.RowMaker): a model instance per row cost most of the time
at 1,000,000 tickets and 2.9 M follow-ups."""

import datetime
import random
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

from desk.benchdata import writer

STATUSES = [
    (Ticket.CLOSED_STATUS, 0.70),
    (Ticket.RESOLVED_STATUS, 0.08),
    (Ticket.OPEN_STATUS, 0.22),
]
# About as many follow-ups per ticket as Mizkhedmat's timeline events per request (2.9).
FOLLOWUPS = (2, 3, 3, 3, 4)


class Command(BaseCommand):
    help = "Fill an empty peer database with queues, tickets and follow-ups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, required=True)
        parser.add_argument("--queues", type=int, default=100)
        parser.add_argument("--batch", type=int, default=20000)

    def handle(self, *args: Any, **options: Any) -> None:
        if Ticket.objects.exists():
            raise CommandError("The peer database is not empty.")
        if not connection.in_atomic_block:
            with connection.cursor() as cursor:  # throwaway data, as bench_data's
                if connection.vendor == "postgresql":
                    cursor.execute("SET synchronous_commit TO off")
                elif connection.vendor == "sqlite":
                    cursor.execute("PRAGMA synchronous=OFF")
        rng = random.Random(1404)
        queues = Queue.objects.bulk_create(
            Queue(title=f"دستگاه {i}", slug=f"q{i:03d}", allow_public_submission=True)
            for i in range(options["queues"])
        )
        now = timezone.now()
        ticket = writer.RowMaker(
            Ticket,
            Ticket(
                title="درخواست صدور پروانه ساختمانی",
                queue=queues[0],
                created=now,
                modified=now,
                description="متن درخواست شهروند برای سنجش کارایی، به فارسی.",
                priority=3,
            ),
            ("queue_id", "created", "modified", "submitter_email", "status", "secret_key"),
        )
        followup = writer.RowMaker(
            FollowUp,
            FollowUp(
                ticket_id=1, date=now, title="پیگیری", comment="پاسخ کارشناس به شهروند", public=True
            ),
            ("ticket_id", "date", "new_status"),
        )
        statuses = [s for s, _w in STATUSES]
        weights = [w for _s, w in STATUSES]
        queue_ids = [q.pk for q in queues]
        done, total = 0, options["tickets"]
        while done < total:
            size = min(options["batch"], total - done)
            tickets, followups = [], []
            for index, status in enumerate(rng.choices(statuses, weights, k=size), start=done):
                created = now - datetime.timedelta(seconds=rng.randrange(730 * 86400))
                pk, row = ticket(
                    rng.choice(queue_ids),
                    created,
                    created,
                    f"citizen{index}@example.ir",
                    status,
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                )
                tickets.append(row)
                count = rng.choice(FOLLOWUPS)
                followups += [
                    followup(
                        pk, created + datetime.timedelta(days=i), status if i == count - 1 else None
                    )[1]
                    for i in range(count)
                ]
            with transaction.atomic():
                writer.insert_rows(Ticket, tickets)
                writer.insert_rows(FollowUp, followups)
            done += size
        writer.reset_sequences([Ticket, FollowUp])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"peer_data: {done} tickets in {len(queues)} queues")
