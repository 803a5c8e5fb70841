from __future__ import annotations

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "desk.workflow"
    label = "workflow"
    verbose_name = "گردش کار"
