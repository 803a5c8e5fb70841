from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "desk.audit"
    label = "audit"
    verbose_name = "گزارش ممیزی"

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth import signals
        from django.db.models.signals import post_save

        from desk.audit import adminactions, receivers

        signals.user_logged_in.connect(receivers.on_logged_in, dispatch_uid="audit-login")
        signals.user_logged_out.connect(receivers.on_logged_out, dispatch_uid="audit-logout")
        signals.user_login_failed.connect(receivers.on_login_failed, dispatch_uid="audit-failed")
        post_save.connect(receivers.on_admin_log_entry, sender=LogEntry, dispatch_uid="audit-admin")
        admin.site.add_action(adminactions.audited_delete_selected, "delete_selected")
