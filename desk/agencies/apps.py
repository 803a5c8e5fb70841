from __future__ import annotations

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "desk.agencies"
    label = "agencies"
