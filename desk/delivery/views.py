from __future__ import annotations

import hmac
import uuid

from django.conf import settings
from django.core.files import File
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from desk.core import ratelimit
from desk.core.http import client_ip
from desk.core.uploads import document_response, sha256_of
from desk.core.verification import Verified
from desk.delivery import selectors, services
from desk.delivery.forms import VerifyCodeForm, VerifyUploadForm
from desk.delivery.models import IssuedDocument
from desk.lib.addresses import limit_scope
from desk.submissions import proofs


def _lookup_allowed(request: HttpRequest) -> bool:
    limit = getattr(
        settings, "VERIFY_LOOKUPS_PER_IP_PER_HOUR", settings.TRACKING_LOOKUPS_PER_IP_PER_HOUR
    )
    return ratelimit.hit(
        key=f"verify:{limit_scope(client_ip(request))}", limit=limit, window_seconds=3600
    )


def _matches(document: IssuedDocument | Verified, upload: File) -> bool:
    return hmac.compare_digest(sha256_of(upload), document.sha256)


@require_http_methods(["GET"])
def verify(request: HttpRequest) -> HttpResponse:
    """The public verification page: type the code printed on a document."""
    form = VerifyCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("delivery:verify_code", code=form.cleaned_data["code"])
    return render(request, "delivery/verify.html", {"code_form": form})


@require_http_methods(["GET", "POST"])
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """What the QR code opens: whether the code exists, the document's own facts, and the
    upload that tells whether a copy is the very file the agency issued."""
    if not _lookup_allowed(request):
        context = {"code_form": VerifyCodeForm(), "limited": True}
        return render(request, "delivery/verify.html", context, status=429)
    document = selectors.document_by_code(code)
    found = selectors.found_elsewhere(code) if document is None else None
    if document is None and found is None:
        context = {"code_form": VerifyCodeForm(initial={"code": code}), "not_found": True}
        return render(request, "delivery/verify.html", context, status=404)
    held: IssuedDocument | Verified = document or found  # type: ignore[assignment]
    genuine = None
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            genuine = _matches(held, form.cleaned_data["document"])
    else:
        form = VerifyUploadForm()
    context = {
        "document": held,
        "facts": selectors.public_facts(document) if document else held.facts,  # type: ignore[union-attr]
        "upload_form": form,
        "genuine": genuine,
    }
    return render(request, "delivery/verify.html", context)


@proofs.refused_as_page
def download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponseBase:
    proof = request.GET.get("proof", "")
    document = selectors.get_document_for_user(request.user, public_id, proof=proof)
    if selectors.is_delivery(request.user, document):
        is_applicant = document.submission.applicant_id == request.user.pk
        services.delivery_record_first_download(
            document=document,
            actor_or_none=request.user if is_applicant else None,  # type: ignore[arg-type]
        )
    return document_response(
        document.file.open("rb"), filename=document.filename, content_type="application/pdf"
    )
