"""Staff pages (failed messages, templates) and the providers' webhooks.

Staff pages ask the access policy (desk.agencies.access.message_scope) whose messages and
texts a person sees, and show nothing of any other agency.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from desk.agencies import access
from desk.core.errors import ApplicationError
from desk.core.http import staff_login_required
from desk.lib.sms import sms_length
from desk.notifications import selectors, services
from desk.notifications.backends import BACKENDS
from desk.notifications.backends.base import SmsBackend
from desk.notifications.events import EVENTS, Event, sample_context, unknown_placeholders
from desk.notifications.events import render as render_text
from desk.notifications.forms import TemplateForm

logger = logging.getLogger(__name__)


def _scope(request: HttpRequest) -> access.MessageScope:
    """Whose messages the user may see (an operator: every agency's); 404 for anyone else."""
    scope = access.message_scope(request.user)
    if scope is None:
        raise Http404
    return scope


# --- Failures ----------------------------------------------------------------------------------


@staff_login_required
def failures(request: HttpRequest) -> HttpResponse:
    agency_id = _scope(request).agency_id
    page = Paginator(selectors.messages_failed(agency_id=agency_id), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "counts": selectors.message_counts(agency_id=agency_id)}
    return render(request, "notifications/failures.html", context)


@staff_login_required
@require_POST
def retry(request: HttpRequest, message_id: int) -> HttpResponse:
    agency_id = _scope(request).agency_id
    try:
        services.message_retry(message_id=message_id, agency_id=agency_id)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("پیام دوباره در صف ارسال قرار گرفت."))
    return redirect("notifications:failures")


# --- Templates ---------------------------------------------------------------------------------


def _editor_scope(request: HttpRequest) -> int | None:
    """Agency admins edit their agency's texts; an operator edits the defaults."""
    scope = _scope(request)
    if not scope.may_edit_templates:
        raise Http404
    return scope.agency_id


def _event(slug: str) -> Event:
    event = EVENTS.get(slug)
    if event is None:
        raise Http404
    return event


@staff_login_required
def templates(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    rows = [
        (event, version, own, sms_length(render_text(event, version.body, sample_context(event))))
        for event, version, own in selectors.templates_for_agency(scope.agency_id)
    ]
    context = {"rows": rows, "may_edit": scope.may_edit_templates}
    return render(request, "notifications/templates.html", context)


@staff_login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, event: str) -> HttpResponse:
    agency_id = _editor_scope(request)
    spec = _event(event)
    current = services.template_in_force(event=event, agency_id=agency_id)
    form = TemplateForm(request.POST or None, initial={"body": current.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.template_edit(
                event=event,
                agency_id=agency_id,
                body=form.cleaned_data["body"],
                user_id=request.user.pk,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("متن پیام ذخیره شد."))
            return redirect("notifications:template_edit", event=event)
    context = {
        "event": spec,
        "form": form,
        "current": current,
        "own": current.template.agency_id is not None,
        "versions": selectors.template_versions(event=event, agency_id=agency_id),
        "preview": _preview(spec, form["body"].value() or ""),
    }
    return render(
        request, "notifications/template_edit.html", context, status=400 if form.errors else 200
    )


@staff_login_required
@require_POST
def template_preview(request: HttpRequest, event: str) -> HttpResponse:
    """The live counter under the text box (htmx): the text with sample values, its parts."""
    _editor_scope(request)
    context = {"preview": _preview(_event(event), request.POST.get("body", ""))}
    return render(request, "notifications/_preview.html", context)


@staff_login_required
@require_POST
def template_reset(request: HttpRequest, event: str) -> HttpResponse:
    agency_id = _editor_scope(request)
    _event(event)
    if agency_id is not None:
        services.template_reset(event=event, agency_id=agency_id)
        messages.success(request, _("متن پیش‌فرض دوباره به کار می‌رود."))
    return redirect("notifications:template_edit", event=event)


def _preview(event: Event, body: str) -> dict[str, Any]:
    unknown = unknown_placeholders(event, body)
    text = render_text(event, body, sample_context(event))
    return {"text": text, "length": sms_length(text), "unknown": unknown, "event": event}


# --- Webhooks ----------------------------------------------------------------------------------


def _webhook_input(
    request: HttpRequest, provider: str, token: str
) -> tuple[type[SmsBackend], list[Mapping[str, Any]]] | HttpResponse:
    """The provider's client class and what it sent, or the refusal to answer with."""
    expected = settings.SMS_WEBHOOK_TOKEN
    backend = BACKENDS.get(provider)
    if not expected or backend is None:
        raise Http404
    given = token or request.headers.get("X-Webhook-Token", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        logger.warning("webhook %s: wrong token from %s", provider, request.META.get("REMOTE_ADDR"))
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    try:
        return backend, _payloads(request)
    except ValueError:
        return HttpResponseBadRequest("unreadable body", content_type="text/plain")


def _payloads(request: HttpRequest) -> list[Mapping[str, Any]]:
    """What the provider sent: a JSON object or array, a form, or a query string."""
    if request.content_type == "application/json":
        data = json.loads(request.body or b"null")
        items = data if isinstance(data, list) else [data]
        return [item for item in items if isinstance(item, dict)]
    source = request.POST if request.method == "POST" else request.GET
    return [{key: source.get(key) for key in source}]


def _unrecognised() -> HttpResponse:
    return HttpResponseBadRequest("nothing recognised", content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def receipt_webhook(request: HttpRequest, provider: str, token: str = "") -> HttpResponse:
    """Delivery reports. 200 for anything understood, even a repeat or an unknown message, so
    that the provider stops resending it; applying a receipt twice changes nothing."""
    checked = _webhook_input(request, provider, token)
    if isinstance(checked, HttpResponse):
        return checked
    backend, payloads = checked
    receipts = [r for payload in payloads for r in backend.parse_receipts(payload)]
    if not receipts:
        return _unrecognised()
    services.receipts_apply(provider=provider, receipts=receipts)
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def inbound_webhook(request: HttpRequest, provider: str, token: str = "") -> HttpResponse:
    """SMS that citizens sent to our lines; each is stored once and answered after commit."""
    checked = _webhook_input(request, provider, token)
    if isinstance(checked, HttpResponse):
        return checked
    backend, payloads = checked
    items = [i for payload in payloads for i in backend.parse_inbound(payload)]
    if not items:
        return _unrecognised()
    services.inbound_record(provider=provider, items=items)
    return HttpResponse("ok", content_type="text/plain")
