import json
import random
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from helpdesk.models import Queue, Ticket


class Command(BaseCommand):
    help = "Print the load driver's fixtures for the peer as JSON."

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(7)
        ids = Ticket.objects.order_by("pk").values_list("pk", flat=True)
        low, high = ids.first(), ids.last()
        picked = rng.sample(range(low, high + 1), min(2000, high - low + 1))
        tickets = Ticket.objects.filter(pk__in=picked).select_related("queue")
        print(
            json.dumps(
                {
                    "tickets": [
                        [t.ticket_for_url, t.submitter_email, t.secret_key] for t in tickets
                    ],
                    "queue": Queue.objects.order_by("pk").first().pk,
                    "csrf_cookie": settings.CSRF_COOKIE_NAME,
                    "requests": Ticket.objects.count(),
                }
            )
        )
