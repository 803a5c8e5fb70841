from __future__ import annotations

from django.apps import AppConfig


class RegistriesConfig(AppConfig):
    """Inquiries to national systems (civil registry, Shahkar, postal code, company registry):
    one adapter interface, real HTTP clients and deterministic fakes, and the append-only log
    of every call (AdapterCall)."""

    name = "desk.registries"
    label = "registries"
    verbose_name = "استعلام از سامانه‌های ملی"
