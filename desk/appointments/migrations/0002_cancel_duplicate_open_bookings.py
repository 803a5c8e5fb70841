"""Before one open booking per citizen and service is enforced: a citizen booked twice by a
double click keeps the earliest booking; the later ones are cancelled (their places free)."""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.models import Count


def cancel_duplicates(apps: Any, schema_editor: Any) -> None:
    Appointment = apps.get_model("appointments", "Appointment")
    doubled = (
        Appointment.objects.filter(status="booked")
        .values("citizen_id", "service_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    for pair in doubled:
        keep = (
            Appointment.objects.filter(
                status="booked", citizen_id=pair["citizen_id"], service_id=pair["service_id"]
            )
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        Appointment.objects.filter(
            status="booked", citizen_id=pair["citizen_id"], service_id=pair["service_id"]
        ).exclude(pk=keep).update(status="cancelled")


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_offices_slots_bookings")]

    operations = [migrations.RunPython(cancel_duplicates, migrations.RunPython.noop)]
