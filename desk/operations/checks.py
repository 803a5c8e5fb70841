"""`check --deploy` also refuses what only a development machine may run with."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from desk.lib.urls import public_url_problem


@register(Tags.security, deploy=True)
def production_settings_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        messages.append(
            Error(
                "SECRET_KEY is unset: the development key is in use.",
                hint="Set SECRET_KEY to 50+ random characters (docs/deployment.md).",
                id="operations.E001",
            )
        )
    if problem := public_url_problem(settings.SITE_URL):
        messages.append(
            Error(
                f"SITE_URL is not a public address: {problem}.",
                hint="Set SITE_URL to the https:// address people use; it is printed in every "
                "result PDF's QR code and SMS link.",
                id="operations.E002",
            )
        )
    if stand_ins := _stand_ins():
        messages.append(
            Error(
                "Stand-ins for outside systems are in use: " + ", ".join(stand_ins) + ".",
                hint="In production set SMS_BACKEND=kavenegar or smsir, REGISTRY_BACKEND=gsb, "
                "PAYMENT_FAKE_ALLOWED=0, WEBHOOK_TRANSPORT=http and ANTIVIRUS_BACKEND=clamav "
                "or none (docs/deployment.md): a console SMS backend prints sign-in codes to the "
                "log, the fake registry verifies anyone, the fake bank pays without money.",
                id="operations.E003",
            )
        )
    return messages


def _stand_ins() -> list[str]:
    """The development and test stand-ins the settings name, as NAME=value."""
    found = []
    if settings.SMS_BACKEND in ("console", "file", "memory"):
        found.append(f"SMS_BACKEND={settings.SMS_BACKEND}")
    if settings.REGISTRY_BACKEND == "fake":
        found.append("REGISTRY_BACKEND=fake")
    if settings.PAYMENT_FAKE_ALLOWED:
        found.append("PAYMENT_FAKE_ALLOWED=1")
    if settings.WEBHOOK_TRANSPORT == "fake":
        found.append("WEBHOOK_TRANSPORT=fake")
    if settings.ANTIVIRUS_BACKEND == "fake":
        found.append("ANTIVIRUS_BACKEND=fake")
    return found
