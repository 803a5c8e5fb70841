"""``Idempotency-Key`` on POST: a retried call gets the first call's answer.

The first call with a key stores a row (principal, key, hash of what was sent) before it runs
and its answer after; the unique (principal, key) makes the database decide between two calls
racing with one key. A replay with the same content gets the stored answer (with
``Idempotent-Replayed: true``), the same key with other content 422, a call while the first
is still running 409. An answer of 5xx is not kept (the client may retry). Rows live
``API_IDEMPOTENCY_HOURS`` (``api_cleanup``, an hourly job).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from desk.api.models import IdempotencyRecord
from desk.api.problems import problem_response
from desk.api.throttling import principal_key

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

Handler = TypeVar("Handler", bound=Callable[..., Response])


def request_digest(request: Request) -> str:
    """A hash of what a call sends: method, path, fields and the bytes of every file (a
    multipart body's boundary differs between two sends of one form)."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    data = request.data
    if hasattr(data, "lists"):
        items: list[tuple[str, Any]] = sorted(data.lists(), key=lambda kv: kv[0])
        for name, values in items:
            for value in values:
                digest.update(name.encode() + b"=")
                if hasattr(value, "chunks"):
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(str(value).encode())
                digest.update(b"\n")
    else:
        digest.update(json.dumps(data, sort_keys=True, cls=JSONEncoder).encode())
    return digest.hexdigest()


def _claim(principal: str, key: str, digest: str) -> IdempotencyRecord | Response:
    """The new row for this call, or the answer to give instead of running it."""
    fresh_after = timezone.now() - timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    IdempotencyRecord.objects.filter(
        principal=principal, key=key, created_at__lt=fresh_after
    ).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                principal=principal, key=key, request_hash=digest
            )
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
    if existing is None:  # the first call failed and let go of the key just now
        return problem_response("in-progress", _("چند لحظه بعد دوباره بفرستید."))
    if existing.request_hash != digest:
        return problem_response(
            "idempotency-key-reused",
            _(
                "این کلید یکتایی «%(key)s» پیش‌تر با محتوای دیگری فرستاده شده است؛ برای "
                "درخواست تازه کلید تازه بسازید."
            )
            % {"key": key},
        )
    if existing.status_code is None:
        return problem_response(
            "in-progress",
            _("درخواستی با همین کلید یکتایی در حال انجام است؛ پس از پایان آن دوباره بفرستید."),
        )
    response = Response(
        existing.body, status=existing.status_code, content_type=existing.content_type or None
    )
    response["Idempotent-Replayed"] = "true"
    if existing.location:
        response["Location"] = existing.location
    return response


def _keep(record: IdempotencyRecord, response: Response) -> None:
    # «Try again later» is not an answer to keep: a retry with the same key must run again.
    if response.status_code >= 500 or response.status_code == 429:
        record.delete()
        return
    record.status_code = response.status_code
    record.content_type = response.content_type or ""
    record.body = json.loads(json.dumps(response.data, cls=JSONEncoder))
    record.location = response.get("Location", "")[:300]
    record.save(update_fields=["status_code", "content_type", "body", "location"])


def is_idempotent(handler: object) -> bool:
    """Whether a view's handler is decorated with ``idempotent`` (the OpenAPI document lists
    ``Idempotency-Key`` there only)."""
    return getattr(handler, "idempotent", False) is True


def idempotent(handler: Handler) -> Handler:
    """Decorates an APIView's ``post``."""

    @wraps(handler)
    def wrapper(view: APIView, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "")
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return problem_response(
                "invalid-input",
                _("کلید یکتایی حداکثر ۲۵۵ نویسه چاپ‌شدنی است."),
                errors={HEADER: [_("کلید یکتایی درست نیست.")]},
            )
        claimed = _claim(principal_key(request), key, request_digest(request))
        if isinstance(claimed, Response):
            return claimed
        try:
            response = handler(view, request, *args, **kwargs)
        except Exception as exc:
            try:
                response = view.handle_exception(exc)
            except Exception:
                claimed.delete()
                raise
        _keep(claimed, response)
        return response

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
