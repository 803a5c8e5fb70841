"""The endpoints other installations call: a signed JSON POST each, no session, no cookie
(so no CSRF token); see desk/inquiries/remote.py for the signature and docs/inquiries.md."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from desk.inquiries import remote


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
        return JsonResponse({"error": exc.reason}, status=exc.status)
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
        return JsonResponse({"error": exc.reason}, status=exc.status)
    return JsonResponse({"id": str(inquiry.public_id), "state": inquiry.state})
