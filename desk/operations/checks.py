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
    return messages
