"""Fill the peer's database: queues and as many tickets (with follow-ups) as Mizkhedmat has
requests (with timeline events). Written with Mizkhedmat's own fast writer
(desk.benchdata.writer, which needs only Django), so that both sides load the same way."""

import datetime
import random
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

from desk.benchdata import writer

STATUSES = [
    (Ticket.CLOSED_STATUS, 0.70),
    (Ticket.RESOLVED_STATUS, 0.08),
    (Ticket.OPEN_STATUS, 0.22),
]


def ticket_row(*, queue: Queue, index: int, now: datetime.datetime, rng: random.Random) -> Ticket:
    created = now - datetime.timedelta(seconds=rng.randrange(730 * 86400))
    status = rng.choices([s for s, _w in STATUSES], [w for _s, w in STATUSES])[0]
    return Ticket(
        title="درخواست صدور پروانه ساختمانی",
        queue=queue,
        created=created,
        modified=created,
        submitter_email=f"citizen{index}@example.ir",
        status=status,
        description="متن درخواست شهروند برای سنجش کارایی، به فارسی.",
        priority=3,
        secret_key=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    )


def followup_rows(ticket: Ticket, *, rng: random.Random) -> list[FollowUp]:
    count = 1 + rng.choice((1, 2, 2, 2, 3))  # about as many as Mizkhedmat's timeline events
    return [
        FollowUp(
            ticket=ticket,
            date=ticket.created + datetime.timedelta(days=i),
            title="پیگیری",
            comment="پاسخ کارشناس به شهروند",
            public=True,
            new_status=ticket.status if i == count - 1 else None,
        )
        for i in range(count)
    ]


class Command(BaseCommand):
    help = "Fill an empty peer database with queues, tickets and follow-ups."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, required=True)
        parser.add_argument("--queues", type=int, default=100)
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, **options):
        if Ticket.objects.exists():
            raise CommandError("The peer database is not empty.")
        rng = random.Random(1404)
        queues = Queue.objects.bulk_create(
            Queue(title=f"دستگاه {i}", slug=f"q{i:03d}", allow_public_submission=True)
            for i in range(options["queues"])
        )
        now, done = timezone.now(), 0
        while done < options["tickets"]:
            size = min(options["batch"], options["tickets"] - done)
            tickets = [
                ticket_row(queue=rng.choice(queues), index=done + i, now=now, rng=rng)
                for i in range(size)
            ]
            with transaction.atomic():
                writer.insert(Ticket, tickets)
                writer.insert(FollowUp, [f for t in tickets for f in followup_rows(t, rng=rng)])
            done += size
        writer.reset_sequences([Ticket, FollowUp])
        self.stdout.write(f"peer_data: {done} tickets in {len(queues)} queues")
