"""Version 1 of the default template of every message event. Agencies override them from the
staff pages; any edit adds a version, so these rows are never changed."""

from django.db import migrations


def seed(apps, schema_editor):
    # The texts are plain data in events.py (no models), the same place a new event's default
    # is declared; the outbox seeds a missing one the same way on first use.
    from desk.notifications.events import EVENTS

    MessageTemplate = apps.get_model("notifications", "MessageTemplate")
    TemplateVersion = apps.get_model("notifications", "TemplateVersion")
    for event in EVENTS.values():
        template, _created = MessageTemplate.objects.get_or_create(event=event.slug, agency=None)
        if not template.versions.exists():
            TemplateVersion.objects.create(template=template, number=1, body=event.default)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_failed_to_permanent_failure")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
