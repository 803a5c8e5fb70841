"""Idempotency records of the token endpoints kept the token they issued, in the clear, to
replay it: those endpoints take no key any more (desk/api/views/auth.py); the records go."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def forget_tokens(apps: Any, schema_editor: Any) -> None:
    record = apps.get_model("api", "IdempotencyRecord")
    record.objects.filter(body__has_key="token").delete()


class Migration(migrations.Migration):
    dependencies = [("api", "0001_tokens_and_idempotency")]

    operations = [migrations.RunPython(forget_tokens, migrations.RunPython.noop)]
