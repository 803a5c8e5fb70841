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

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Parser, Token
from django.template.defaulttags import CsrfTokenNode
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


def _url(name: str) -> str:
    return _url_at(name, get_script_prefix())


@cache
def _url_at(name: str, script_prefix: str) -> str:
    # Keyed by the script prefix too: a site served under one (SCRIPT_NAME) keeps its links.
    return reverse(name)


@cache
def _static(path: str) -> str:
    return static(path)


class _OnceNode(template.Node):
    """``{% url_once 'name' %}``, ``{% static_once 'path' %}`` (``as var`` too). A literal
    argument is read once, when the template is compiled, and its URL resolved and escaped
    once per process, so that a render only returns a string; as simple tags, each of the
    layout's eight links resolved its argument and escaped the answer on every render (a
    quarter of the layout's instructions)."""

    def __init__(
        self, resolve: Callable[[str], str], argument: FilterExpression, target: str | None
    ) -> None:
        self.resolve = resolve
        self.argument = argument
        self.target = target
        self.literal: str | None = None
        if isinstance(argument.var, str) and not argument.filters:  # a quoted string
            self.literal = str(argument.var)

    def render(self, context: template.Context) -> str:
        path = self.literal if self.literal is not None else str(self.argument.resolve(context))
        answer = self.resolve(path)
        if self.target is not None:
            context[self.target] = answer
            return ""
        return _escaped(answer) if context.autoescape else answer


@cache
def _escaped(text: str) -> str:
    return conditional_escape(text)


def _once_tag(resolve: Callable[[str], str]) -> Callable[[Parser, Token], _OnceNode]:
    def compile_tag(parser: Parser, token: Token) -> _OnceNode:
        bits = token.split_contents()
        if len(bits) == 2:
            return _OnceNode(resolve, parser.compile_filter(bits[1]), None)
        if len(bits) == 4 and bits[2] == "as":
            return _OnceNode(resolve, parser.compile_filter(bits[1]), bits[3])
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument (and «as name»)")

    return compile_tag


register.tag("url_once", _once_tag(_url))


def url_once(name: str) -> str:
    """``reverse(name)`` for a URL without arguments, resolved once per process (for tags
    that write links in Python; templates use ``{% url_once %}``)."""
    return _url(name)


# Digits, so that the <digits:code> converter takes it; longer than any code, so never a code.
_CODE_PLACEHOLDER = "9" * 24
# A slug that the <slug:slug> converter takes and that no slug of ours is.
_SLUG_PLACEHOLDER = "slug-placeholder-0000000000"


@cache
def _url_template(name: str, placeholder: str, script_prefix: str) -> str:
    return reverse(name, args=[placeholder])


def url_with_code(name: str, code: str) -> str:
    """``reverse(name, args=[code])`` for a URL whose one argument is a code of digits (a
    tracking code), resolved once per process and script prefix instead of once per row."""
    template = _url_template(name, _CODE_PLACEHOLDER, get_script_prefix())
    return template.replace(_CODE_PLACEHOLDER, code, 1)


def url_with_slug(name: str, slug: str) -> str:
    """``reverse(name, args=[slug])`` for a URL whose one argument is an ASCII slug (a
    ``SlugField``, which needs no quoting), resolved once per process and script prefix."""
    template = _url_template(name, _SLUG_PLACEHOLDER, get_script_prefix())
    return template.replace(_SLUG_PLACEHOLDER, slug, 1)


register.tag("static_once", _once_tag(_static))


NAV_TEMPLATE = "includes/nav_links.html"


def _anonymous_nav() -> SafeString:
    return _anonymous_nav_at(get_script_prefix(), get_language())


@cache
def _anonymous_nav_at(script_prefix: str, language: str | None) -> SafeString:
    # Nobody signed in: no staff membership, no name, no logout form (and so no CSRF token).
    context = {"user": None, "current_staff": None, "serves_at_desk": False}
    return mark_safe(get_template(NAV_TEMPLATE).render({**context, "sees_oversight": False}))


def site_nav(context: template.Context) -> SafeString:
    """The menu by role (``includes/nav_links.html``)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return _anonymous_nav()
    memo = context.render_context
    if NAV_TEMPLATE not in memo:
        memo[NAV_TEMPLATE] = _signed_in_nav(context, user)
    rendered: SafeString = memo[NAV_TEMPLATE]
    return rendered


# The signed-in menu: its links depend only on the role set below (the key); the person's
# name, their agency's name and the logout form's CSRF token are joined in per request.
# Rendering the template (a dozen conditions on the staff record, twenty links) on every
# staff page cost more than joining its parts.
_NAME, _AGENCY, _CSRF = "@@desk-nav-name@@", "@@desk-nav-agency@@", "@@desk-nav-csrf@@"
_CSRF_INPUT = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_CSRF}">'
_NAV_MARKS = re.compile(f"({re.escape(_NAME)}|{re.escape(_AGENCY)}|{re.escape(_CSRF_INPUT)})")
_NAV_PARTS: dict[tuple[Any, ...], list[str]] = {}


@dataclass(frozen=True)
class _NavAgency:
    name: str
    oversight: bool


@dataclass(frozen=True)
class _NavStaff:
    role: str
    handles_complaints: bool
    agency: _NavAgency


@dataclass(frozen=True)
class _NavUser:
    is_superuser: bool
    username: str = _NAME
    is_authenticated: bool = True

    def get_full_name(self) -> str:
        return ""  # the template shows the username then: the name's mark


def _signed_in_nav(context: template.Context, user: Any) -> SafeString:
    staff = context.get("current_staff")
    role_set = (
        None
        if staff is None
        else (str(staff.role), bool(staff.handles_complaints), bool(staff.agency.oversight))
    )
    key = (
        get_script_prefix(),
        get_language(),
        role_set,
        bool(context.get("serves_at_desk")),
        bool(context.get("sees_oversight")),
        bool(user.is_superuser),
    )
    parts = _NAV_PARTS.get(key)
    if parts is None:
        parts = _nav_parts(key)
        if not settings.DEBUG:  # a DEBUG server's templates change while it runs
            _NAV_PARTS[key] = parts
    values = {
        _NAME: conditional_escape(user.get_full_name() or user.username),
        _AGENCY: "" if staff is None else conditional_escape(staff.agency.name),
        _CSRF_INPUT: CsrfTokenNode().render(context),
    }
    return mark_safe("".join(values.get(part, part) for part in parts))


def _nav_parts(key: tuple[Any, ...]) -> list[str]:
    """The menu of one role set rendered with marks for what is the person's own, split there."""
    _prefix, _language, role_set, serves_at_desk, sees_oversight, is_superuser = key
    staff = None
    if role_set is not None:
        role, handles_complaints, oversight = role_set
        staff = _NavStaff(role, handles_complaints, _NavAgency(_AGENCY, oversight))
    context = {
        "user": _NavUser(is_superuser=is_superuser),
        "current_staff": staff,
        "serves_at_desk": serves_at_desk,
        "sees_oversight": sees_oversight,
        "csrf_token": _CSRF,
    }
    return _NAV_MARKS.split(get_template(NAV_TEMPLATE).render(context))


class _SiteNavNode(template.Node):
    def render(self, context: template.Context) -> SafeString:
        return site_nav(context)


@register.tag("site_nav")
def _site_nav_tag(parser: Parser, token: Token) -> _SiteNavNode:
    """``{% site_nav %}``: a node of its own, without a simple tag's arguments and escaping."""
    return _SiteNavNode()


@receiver(setting_changed)
def _forget(setting: str, **kwargs: Any) -> None:
    if setting in ("ROOT_URLCONF", "STATIC_URL", "STORAGES", "FORCE_SCRIPT_NAME", "TEMPLATES"):
        _url_at.cache_clear()
        _url_template.cache_clear()
        _static.cache_clear()
        _escaped.cache_clear()
        _anonymous_nav_at.cache_clear()
        _NAV_PARTS.clear()
