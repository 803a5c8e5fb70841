"""The layout's URLs, resolved once per process: `{% url_once 'name' %}` and
`{% static_once 'path' %}`; and its menu, `{% site_nav %}`, rendered once per page (it is shown
twice: the phone menu and the desktop bar) and once per process for visitors who are not signed
in (the same links for everyone).

Every page's layout links the same stylesheets, scripts and menu entries; `{% url %}` and
`{% static %}` resolve them again on every render (a reverse through the URL resolver, a
lookup in the static manifest). Only for URLs without arguments and files that do not change
while the process runs; the memo is cleared when a test changes the settings they depend on.
"""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

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


# Digits, so that the <digits:code> converter takes it; longer than any code, so never a code.
_CODE_PLACEHOLDER = "9" * 24


@cache
def _url_with_code_template(name: str, script_prefix: str) -> str:
    return reverse(name, args=[_CODE_PLACEHOLDER])


def url_with_code(name: str, code: str) -> str:
    """``reverse(name, args=[code])`` for a URL whose one argument is a code of digits (a
    tracking code), resolved once per process and script prefix instead of once per row."""
    return _url_with_code_template(name, get_script_prefix()).replace(_CODE_PLACEHOLDER, code, 1)


@register.simple_tag
def static_once(path: str) -> str:
    return _static(path)


NAV_TEMPLATE = "includes/nav_links.html"


@cache
def _anonymous_nav() -> SafeString:
    # Nobody signed in: no staff membership, no name, no logout form (and so no CSRF token).
    context = {"user": None, "current_staff": None, "serves_at_desk": False}
    return mark_safe(get_template(NAV_TEMPLATE).render({**context, "sees_oversight": False}))


@register.simple_tag(takes_context=True)
def site_nav(context: template.Context) -> SafeString:
    """The menu by role (``includes/nav_links.html``)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return _anonymous_nav()
    memo = context.render_context
    if NAV_TEMPLATE not in memo:
        nav = cast(Any, get_template(NAV_TEMPLATE)).template  # rendered in this page's own context
        memo[NAV_TEMPLATE] = mark_safe(nav.render(context))
    rendered: SafeString = memo[NAV_TEMPLATE]
    return rendered


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting in ("ROOT_URLCONF", "STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME", "TEMPLATES"):
        _url.cache_clear()
        _url_with_code_template.cache_clear()
        _static.cache_clear()
        _anonymous_nav.cache_clear()
