# The switch moved to the service (catalog.Service.pay_at_application): the request layer reads
# it when a request is filed, to hold the request until its fee is paid.

from typing import Any

from django.db import migrations


def copy_to_service(apps: Any, schema_editor: Any) -> None:
    ServiceFee = apps.get_model("payments", "ServiceFee")
    Service = apps.get_model("catalog", "Service")
    held = ServiceFee.objects.filter(pay_at_application=True).values_list("service_id", flat=True)
    Service.objects.filter(pk__in=list(held)).update(pay_at_application=True)


def copy_back(apps: Any, schema_editor: Any) -> None:
    ServiceFee = apps.get_model("payments", "ServiceFee")
    Service = apps.get_model("catalog", "Service")
    held = Service.objects.filter(pay_at_application=True).values_list("pk", flat=True)
    ServiceFee.objects.filter(service_id__in=list(held)).update(pay_at_application=True)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_payments"),
        ("catalog", "0004_service_pay_at_application"),
    ]

    operations = [
        migrations.RunPython(copy_to_service, copy_back),
        migrations.RemoveField(model_name="servicefee", name="pay_at_application"),
    ]
