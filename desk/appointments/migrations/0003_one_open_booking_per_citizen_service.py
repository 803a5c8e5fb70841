from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("appointments", "0002_cancel_duplicate_open_bookings")]

    operations = [
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "booked")),
                fields=("citizen", "service"),
                name="appointment_one_open_per_citizen_service",
            ),
        ),
    ]
