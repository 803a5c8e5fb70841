"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the API answers has a stable ``type`` (a URN listed in ``PROBLEMS`` and in
docs/api.md: programs branch on it), a Persian ``title`` for the kind of problem and a Persian
``detail`` for this occurrence (the service's own ApplicationError message, what was typed
kept), the HTTP ``status``, and, for invalid input, ``errors``: the messages of each field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from desk.core.errors import ApplicationError
from desk.lib.persian import to_persian_digits

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:mizkhedmat:problem:"


@dataclass(frozen=True)
class Problem:
    slug: str
    status: int
    title: Any  # a lazy Persian string

    @property
    def type(self) -> str:
        return TYPE_PREFIX + self.slug


PROBLEMS = {
    p.slug: p
    for p in [
        Problem("invalid-input", 400, _("ورودی درست نیست")),
        Problem("not-authenticated", 401, _("ورود لازم است")),
        Problem("forbidden", 403, _("اجازه این کار را ندارید")),
        Problem("not-found", 404, _("پیدا نشد")),
        Problem("method-not-allowed", 405, _("این روش برای این نشانی پذیرفته نیست")),
        Problem("not-acceptable", 406, _("قالب پاسخ خواسته‌شده پشتیبانی نمی‌شود")),
        Problem("in-progress", 409, _("درخواستی با همین کلید یکتایی در حال انجام است")),
        Problem("too-large", 413, _("حجم درخواست بیش از حد مجاز است")),
        Problem("unsupported-media-type", 415, _("قالب بدنه درخواست پشتیبانی نمی‌شود")),
        Problem("idempotency-key-reused", 422, _("این کلید یکتایی برای درخواست دیگری به کار رفته")),
        Problem("refused", 422, _("انجام نشد")),
        Problem("throttled", 429, _("تعداد درخواست‌ها از حد مجاز گذشته است")),
        Problem("server-error", 500, _("خطای داخلی")),
        Problem("unavailable", 503, _("سامانه موقتاً در دسترس نیست")),
    ]
}

_BY_EXCEPTION: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ValidationError, "invalid-input"),
    (exceptions.ParseError, "invalid-input"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "not-authenticated"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.Throttled, "throttled"),
]

_DETAILS = {
    "not-authenticated": _("برای این کار توکن معتبر لازم است (سرآیند Authorization)."),
    "forbidden": _("با این ورود یا کلید، این کار ممکن نیست."),
    "not-found": _("چیزی با این نشانی پیدا نشد، یا دیدن آن برای شما ممکن نیست."),
    "method-not-allowed": _("این نشانی این روش HTTP را نمی‌پذیرد."),
    "not-acceptable": _("پاسخ‌ها فقط JSON هستند."),
    "unsupported-media-type": _("بدنه را JSON یا multipart/form-data بفرستید."),
    "invalid-input": _("ورودی‌ها را بررسی کنید؛ پیام هر فیلد در errors آمده است."),
}


def problem_response(
    slug: str, detail: str = "", *, errors: dict[str, Any] | None = None, **extra: Any
) -> Response:
    problem = PROBLEMS[slug]
    body: dict[str, Any] = {
        "type": problem.type,
        "title": str(problem.title),
        "status": problem.status,
        "detail": detail or str(_DETAILS.get(slug, problem.title)),
    }
    if errors:
        body["errors"] = errors
    body.update(extra)
    return Response(body, status=problem.status, content_type=PROBLEM_CONTENT_TYPE)


def _field_errors(detail: Any) -> dict[str, list[str]]:
    """DRF's nested error detail as {field: [messages]}; errors of the whole input under
    ``non_field_errors``."""
    if isinstance(detail, dict):
        return {
            str(name): [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for name, msgs in detail.items()
        }
    messages = detail if isinstance(detail, list) else [detail]
    return {"non_field_errors": [str(m) for m in messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every refusal as a problem document."""
    if isinstance(exc, ApplicationError):
        if exc.throttled:  # the site's own limit (SMS codes): as the API's own rate limit
            response = problem_response("throttled", exc.message)
            response["Retry-After"] = str(exc.throttled)
            return response
        if exc.retry_after:  # an outside system did not answer: try again, not refused
            response = problem_response("unavailable", exc.message)
            response["Retry-After"] = str(exc.retry_after)
            return response
        errors = {exc.field: [exc.message]} if exc.field else None
        return problem_response("refused", exc.message, errors=errors)
    if isinstance(exc, exceptions.ParseError):  # DRF's own words are English
        return problem_response(
            "invalid-input",
            errors={"non_field_errors": [str(_("بدنه JSON درست نیست؛ آن را بررسی کنید."))]},
        )
    if isinstance(exc, DjangoValidationError):
        return problem_response("invalid-input", " ".join(exc.messages))
    if isinstance(exc, Http404):
        return problem_response("not-found")
    if isinstance(exc, PermissionDenied):
        return problem_response("forbidden")
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django's 500
    slug = next((s for cls, s in _BY_EXCEPTION if isinstance(exc, cls)), "invalid-input")
    if slug == "invalid-input":
        response = problem_response(slug, errors=_field_errors(exc.detail))
    elif slug == "throttled":
        wait = int(getattr(exc, "wait", None) or 60)
        response = problem_response(
            slug,
            str(
                _("چند لحظه بعد دوباره تلاش کنید (پس از %(s)s ثانیه).")
                % {"s": to_persian_digits(wait)}
            ),
        )
        response["Retry-After"] = str(wait)
    else:
        response = problem_response(slug)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    if status.is_client_error(response.status_code) and slug == "method-not-allowed":
        response["Allow"] = ", ".join(context["view"].allowed_methods)
    return response
