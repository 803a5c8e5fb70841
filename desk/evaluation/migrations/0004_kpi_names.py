"""The default checklist's measured indicators name desk/oversight's KPIs by the names that app
gave them (``desk.oversight.kpis.KPIS``). A link to a figure, not a score: changing it on a
template a cycle has used changes no result."""

from django.db import migrations

RENAMED = {'service_card_complete_share': 'complete_cards', 'electronic_share': 'web_share', 'sms_delivery_rate': 'sms_delivery', 'inquiry_answer_days': 'inquiry_given_days', 'on_time_rate': 'on_time', 'appointment_3day_compliance': 'appointment_compliance', 'satisfaction': 'satisfaction_overall', 'felt_need_for_connections': 'connections_share'}


def rename(apps, schema_editor):
    Indicator = apps.get_model("evaluation", "Indicator")
    for old, new in RENAMED.items():
        Indicator.objects.filter(kpi_code=old).update(kpi_code=new)


def back(apps, schema_editor):
    Indicator = apps.get_model("evaluation", "Indicator")
    for old, new in RENAMED.items():
        Indicator.objects.filter(kpi_code=new).update(kpi_code=old)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_evidence_original_name")]

    operations = [migrations.RunPython(rename, back)]
