"""Reads of issued documents: who may download one, and what the public may learn of one."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.http import Http404

from desk.agencies import access
from desk.core import verification
from desk.core.verification import PublicFacts, Verified, mask_name, mask_national_code
from desk.delivery.models import IssuedDocument
from desk.lib import verification_codes as codes
from desk.lib.jalali import format_date_long
from desk.submissions import proofs
from desk.submissions.models import Submission


def document_by_code(code: str) -> IssuedDocument | None:
    code = codes.normalize(code)
    if not codes.is_valid(code):
        return None
    return (
        IssuedDocument.objects.select_related("submission__agency", "submission__service")
        .filter(verification_code=code)
        .first()
    )


def found_elsewhere(code: str) -> Verified | None:
    """A document another app issued with this code (desk.core.verification's sources)."""
    code = codes.normalize(code)
    return verification.verified(code) if codes.is_valid(code) else None


def public_facts(document: IssuedDocument) -> PublicFacts:
    submission = document.submission
    return PublicFacts(
        title=document.title,
        agency=submission.agency.name,
        service=submission.service.title,
        issued_on=format_date_long(document.issued_at),
        tracking_code=submission.tracking_code,
        applicant=mask_name(submission.applicant_name),
        national_code=mask_national_code(submission.applicant_national_code),
    )


def documents_of(submission: Submission) -> QuerySet[IssuedDocument]:
    return IssuedDocument.objects.filter(submission_id=submission.pk).order_by("issued_at", "pk")


def get_document_for_user(user: object, public_id: uuid.UUID, *, proof: str = "") -> IssuedDocument:
    """A document for whoever may have it: staff of the agency, the applicant, or the bearer
    of the lookup's download ``proof`` for its request (desk/submissions/proofs.py); 404 for
    anyone else, so that its existence leaks nothing. A link's refused proof raises
    ``proofs.ProofRefused``."""
    document = (
        IssuedDocument.objects.select_related("submission").filter(public_id=public_id).first()
    )
    if document is not None and access.can_view_document(user, document):
        return document
    if proof:
        return proofs.bearer_opens(
            proof, document, lambda d, ids: access.can_view_document(user, d, tracked_ids=ids)
        )
    raise Http404


def is_delivery(user: object, document: IssuedDocument) -> bool:
    """Whether handing ``document`` to ``user`` delivers it to the applicant: it does unless
    staff of the agency are looking at it."""
    return access.hands_over(user, document)
