"""The endpoints other installations call: a signed JSON POST each, no session, no cookie
(so no CSRF token); see desk/inquiries/remote.py for the signature and docs/inquiries.md."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from desk.inquiries import remote


def _refused(exc: remote.Refused) -> JsonResponse:
    return JsonResponse({"error": exc.reason}, status=exc.status)


def _headers(request: HttpRequest) -> dict[str, str]:
    return {
        k: request.headers.get(k, "")
        for k in ("X-Desk-Peer", "X-Desk-Timestamp", "X-Desk-Signature")
    }


@csrf_exempt
@require_POST
def receive_inquiry(request: HttpRequest) -> JsonResponse:
    try:
        peer = remote.verified_peer(_headers(request), request.body)
        inquiry, created = remote.inquiry_receive(peer=peer, body=request.body)
    except remote.Refused as exc:
        return _refused(exc)
    answer = {
        "id": str(inquiry.remote_id),
        "state": inquiry.state,
        "due_on": inquiry.due_on.isoformat(),
    }
    return JsonResponse(answer, status=201 if created else 200)


@csrf_exempt
@require_POST
def receive_answer(request: HttpRequest) -> JsonResponse:
    try:
        peer = remote.verified_peer(_headers(request), request.body)
        inquiry = remote.answer_receive(peer=peer, body=request.body)
    except remote.Refused as exc:
        return _refused(exc)
    return JsonResponse({"id": str(inquiry.public_id), "state": inquiry.state})


@csrf_exempt
@require_POST
def receive_answer_file(request: HttpRequest) -> JsonResponse:
    """One document of an answer: the raw bytes as the body, described by X-Desk-File. Read
    from the stream up to the upload limit (not ``request.body``, bounded for forms)."""
    content = request.read(settings.UPLOAD_MAX_BYTES + 1)
    meta = request.headers.get("X-Desk-File", "")
    try:
        peer = remote.verified_peer(_headers(request), remote.file_signed_part(meta, content))
        row, created = remote.answer_file_receive(peer=peer, meta=meta, content=content)
    except remote.Refused as exc:
        return _refused(exc)
    answer = {"id": str(row.public_id), "sha256": row.sha256, "size": row.size}
    return JsonResponse(answer, status=201 if created else 200)


@csrf_exempt
@require_POST
def inquiry_status(request: HttpRequest) -> JsonResponse:
    """A peer asks the state of an inquiry it sent here."""
    try:
        peer = remote.verified_peer(_headers(request), request.body)
        inquiry = remote.status_receive(peer=peer, body=request.body)
    except remote.Refused as exc:
        return _refused(exc)
    return JsonResponse(remote.status_message(inquiry))
