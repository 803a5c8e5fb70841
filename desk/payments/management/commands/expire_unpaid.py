from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from desk.payments.services import unpaid_expire


class Command(BaseCommand):
    help = (
        "Close the requests whose fee paid at application was not paid in time "
        "(Service.unpaid_expiry_hours, else PAYMENT_UNPAID_EXPIRY_HOURS); the citizen is texted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = unpaid_expire()
        self.stdout.write(
            f"expired {counts['expired']} unpaid request(s); kept {counts['kept']} with a payment"
            " still at the bank or paid"
        )
