"""The walking skeleton's outbox had one failure status, "failed", given after its last attempt:
those messages are permanent failures in the new statuses."""

from django.db import migrations


def forwards(apps, schema_editor):
    OutboundMessage = apps.get_model("notifications", "OutboundMessage")
    OutboundMessage.objects.filter(status="failed").update(
        status="permanent_failure", next_attempt_at=None
    )
    OutboundMessage.objects.exclude(status="queued").update(next_attempt_at=None)


def backwards(apps, schema_editor):
    OutboundMessage = apps.get_model("notifications", "OutboundMessage")
    OutboundMessage.objects.filter(
        status__in=["permanent_failure", "temporary_failure"]
    ).update(status="failed")
    OutboundMessage.objects.filter(status="sending").update(status="queued")
    OutboundMessage.objects.filter(status="delivered").update(status="sent")


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_outbox_statuses_and_templates")]

    operations = [migrations.RunPython(forwards, backwards)]
