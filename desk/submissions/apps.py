from __future__ import annotations

from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "desk.submissions"
    label = "submissions"
    verbose_name = "درخواست‌ها"

    def ready(self) -> None:
        # The audit log names a request's timeline events (request.<kind>) by their words.
        from desk.audit.labels import action_labels_register
        from desk.submissions.models import EventKind

        action_labels_register(
            {f"request.{kind.value}": f"درخواست: {kind.label}" for kind in EventKind}
        )
