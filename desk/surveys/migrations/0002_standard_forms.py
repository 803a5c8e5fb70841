"""The two national questionnaires (version 1 of each), and the survey invitation's default
SMS text telling the citizen they may answer with one digit."""

from django.db import migrations
from django.utils import timezone

# The factory text seeded before the SMS reply existed (notifications 0004).
_OLD_INVITATION = (
    "نظر شما درباره «{خدمت}» (درخواست {کد_رهگیری}) خدمت را بهتر می‌کند: {نشانی}\n"
    "میز خدمت {دستگاه}"
)


def forms(apps, schema_editor):
    from desk.surveys.questionnaires import install

    install(
        apps.get_model("surveys", "SurveyForm"),
        apps.get_model("surveys", "FormVersion"),
        apps.get_model("surveys", "Question"),
        timezone.now(),
    )


def invitation_text(apps, schema_editor):
    # A new version of the default text, unless somebody has already edited it.
    from desk.notifications.events import EVENTS

    TemplateVersion = apps.get_model("notifications", "TemplateVersion")
    latest = (
        TemplateVersion.objects.filter(
            template__event="survey_invitation", template__agency__isnull=True
        )
        .order_by("-number")
        .first()
    )
    if latest is not None and latest.body == _OLD_INVITATION:
        TemplateVersion.objects.create(
            template_id=latest.template_id,
            number=latest.number + 1,
            body=EVENTS["survey_invitation"].default,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        ("notifications", "0004_seed_default_templates"),
    ]

    operations = [
        migrations.RunPython(forms, migrations.RunPython.noop),
        migrations.RunPython(invitation_text, migrations.RunPython.noop),
    ]
