"""The download proof: what lets a person who looked a request up download its results.

Proving the tracking code and the national code on the public lookup lets that person download
the request's result files and issued documents. The proof travels in the result links
(``?proof=``), not in a session, so that a lookup writes nothing (no session row, no cookie).

It is a ``django.core.signing`` timestamped signature (HMAC-SHA256 keyed by ``SECRET_KEY``,
salted for this use only) of the request's id. The id itself is left out of the link: the
download view signs again the id of the request the file belongs to, so a proof cannot be made
without the key, opens the downloads of that one request only, and says nothing about it. It
expires ``TRACKING_DOWNLOAD_PROOF_MINUTES`` (60 by default) after the lookup; then the person
looks the request up again and gets fresh links.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

SALT = "desk.submissions.download-proof"


class ProofRefused(Exception):
    """A download link's proof that is forged, for another request, or expired."""

    def __init__(self, *, expired: bool) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def proof_for(submission_id: int) -> str:
    """The proof that a lookup found request ``submission_id``, for its download links:
    ``"<timestamp>:<signature>"`` of ``TimestampSigner(salt=SALT).sign(str(submission_id))``,
    without the id (``proven_request`` checks it with that signer)."""
    timestamp = signing.b62_encode(int(time.time()))
    signed = f"{submission_id}:{timestamp}"
    # Signer.signature's HMAC (salted_hmac: the key derived from the salt and SECRET_KEY),
    # in one call with the derived key kept: building a signer and its HMAC object was most
    # of a proof's cost, on 70 % of lookups.
    mac = hmac.digest(_key(settings.SECRET_KEY), signed.encode(), "sha256")
    return f"{timestamp}:{signing.b64_encode(mac).decode()}"


@functools.lru_cache(maxsize=4)
def _key(secret_key: str) -> bytes:
    # django.utils.crypto.salted_hmac's key for Signer(salt=SALT): sha256(salt + "signer" +
    # secret); keyed by the secret, so a changed SECRET_KEY is used.
    return hashlib.sha256(f"{SALT}signer{secret_key}".encode()).digest()


def proven_request(proof: str, submission_id: int | None) -> int:
    """``submission_id`` when ``proof`` was made for that request and has not expired; else
    ``ProofRefused`` (also for a file that is not there: the answer says nothing of it)."""
    if submission_id is None:
        raise ProofRefused(expired=False)
    signer = signing.TimestampSigner(salt=SALT)
    try:
        signer.unsign(f"{submission_id}:{proof}", max_age=proof_max_age())
    except signing.SignatureExpired:
        raise ProofRefused(expired=True) from None
    except signing.BadSignature:
        raise ProofRefused(expired=False) from None
    return submission_id


class _OfARequest(Protocol):
    submission_id: int


F = TypeVar("F", bound=_OfARequest)


def bearer_opens(proof: str, found: F | None, may_view: Callable[[F, list[int]], bool]) -> F:
    """``found`` (a file of a request, or None) for the bearer of the link's ``proof``:
    ``may_view(found, tracked_ids)`` is the access policy's answer for someone who proved that
    request; ``ProofRefused`` when the proof is not for the file's request, has expired, or does
    not open that file (not a result), and for a file that is not there."""
    proven = proven_request(proof, found.submission_id if found is not None else None)
    assert found is not None  # proven_request refuses a file that is not there
    if not may_view(found, [proven]):
        raise ProofRefused(expired=False)
    return found


def proof_max_age() -> int:
    return settings.TRACKING_DOWNLOAD_PROOF_MINUTES * 60


def refused_page(request: HttpRequest, refused: ProofRefused) -> HttpResponse:
    """Why a download link opened nothing, and the way to a fresh one (the lookup)."""
    context = {"expired": refused.expired, "minutes": settings.TRACKING_DOWNLOAD_PROOF_MINUTES}
    return render(request, "submissions/download_refused.html", context, status=403)


def refused_as_page(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """A download view whose link's proof is refused answers ``refused_page``."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except ProofRefused as refused:
            return refused_page(request, refused)

    return wrapped
