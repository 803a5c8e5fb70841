"""The layout's URLs, resolved once per process: `{% url_once 'name' %}` and
`{% static_once 'path' %}`.

Every page's layout links the same stylesheets, scripts and menu entries; `{% url %}` and
`{% static %}` resolve them again on every render (a reverse through the URL resolver, a
lookup in the static manifest). Only for URLs without arguments and files that do not change
while the process runs; the memo is cleared when a test changes the settings they depend on.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import reverse

register = template.Library()


@cache
def _url(name: str) -> str:
    return reverse(name)


@cache
def _static(path: str) -> str:
    return static(path)


@register.simple_tag
def url_once(name: str) -> str:
    return _url(name)


@register.simple_tag
def static_once(path: str) -> str:
    return _static(path)


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting in ("ROOT_URLCONF", "STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME"):
        _url.cache_clear()
        _static.cache_clear()
