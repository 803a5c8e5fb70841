"""A page's layout rendered once per process, around the part that changes per request.

The public lookup's answer is written in one pass (desk/submissions/templatetags), inside a
layout (templates/base.html: head, menu, footer) that is the same for every visitor who is not
signed in and has no message waiting. Rendering that layout through the template engine on
every lookup cost more than the answer itself. Here the page's own template is rendered once,
with a marker where the part goes, and split there; each request only joins its part between
the two halves. The layout stays one template shared by every page, and a visitor who is
signed in or has a message waiting (or a DEBUG server, whose templates change while it runs)
gets the page rendered in full, as ``render`` does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

_MARK = mark_safe("<!-- desk:part -->")
# The halves kept encoded: encoding the layout's Persian text to UTF-8 again on every answer
# cost more than writing the answer (about 20 instructions a character).
_SHELLS: dict[tuple[str, str, str, str | None], tuple[bytes, bytes]] = {}


def render_part(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    *,
    name: str,
    part: SafeString,
    language: str | None = None,
    script_prefix: str | None = None,
) -> HttpResponse:
    """``render(request, template_name, {**context, name: part})`` where ``part`` (already
    escaped) is the only thing of the page that depends on the request: the template must
    show ``{{ name }}`` and nothing else from ``context`` for a visitor. ``language`` and
    ``script_prefix``: the active ones, when the caller read them already."""
    # Signed in means a session: without its cookie the visitor is anonymous, and nobody is
    # loaded to say so (a waiting message is still looked for: it may be in its own cookie).
    signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
    if settings.DEBUG or signed_in or len(get_messages(request)):
        return render(request, template_name, {**context, name: part})
    # Keyed by language too: one language today (no LocaleMiddleware), but a second one would
    # otherwise be served the first visitor's page.
    key = (
        template_name,
        name,
        script_prefix or get_script_prefix(),
        language or get_language(),
    )
    shell = _SHELLS.get(key)
    charset = settings.DEFAULT_CHARSET  # the response's, as ``HttpResponse`` encodes a str
    if shell is None:
        page = render_to_string(template_name, {name: _MARK}, request)
        head, found, tail = page.partition(_MARK)
        if not found or _MARK in tail:
            raise ValueError(f"{template_name} must show {{{{ {name} }}}} once")
        shell = _SHELLS[key] = (head.encode(charset), tail.encode(charset))
    return HttpResponse(b"".join((shell[0], part.encode(charset), shell[1])))


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _SHELLS.clear()
