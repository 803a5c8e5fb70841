from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "desk.accounts"
    label = "accounts"
    verbose_name = "حساب‌های کاربری"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from desk.accounts.models import User

        auditlog.register(
            User, exclude_fields=["password", "last_login", "failed_logins", "locked_until"]
        )
