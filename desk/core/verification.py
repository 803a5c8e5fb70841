"""The public verification page's sources: every app that issues verifiable PDFs registers one.

A document printed with a verification code (desk.lib.verification_codes) and a QR code leads to
/documents/verify/<code>/ (the delivery app's page). Delivery answers for the result documents
it issues; other apps (the secretariat's letter replies) register a ``VerificationSource`` here
from their ``AppConfig.ready``, so that one page verifies every document without the delivery
app importing its siblings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.urls import reverse

from desk.lib.persian import to_persian_digits


@dataclass(frozen=True)
class PublicFacts:
    """What the verification page may say of a document: only what the document itself
    shows, the applicant's name and national code masked."""

    title: str
    agency: str
    service: str
    issued_on: str
    tracking_code: str
    applicant: str
    national_code: str
    # How the page names ``service`` and ``tracking_code`` for this kind of document.
    service_label: str = "خدمت"
    tracking_label: str = "کد رهگیری درخواست"
    # Secretariat numbers printed on the document, if any (already in Persian digits).
    numbers: str = ""


@dataclass(frozen=True)
class Verified:
    """A document found by its code: the facts to show, and the digest an upload must match."""

    facts: PublicFacts
    sha256: str


class VerificationSource(Protocol):
    def __call__(self, code: str) -> Verified | None: ...


_SOURCES: list[VerificationSource] = []


def source_register(source: VerificationSource) -> None:
    """Called once from the issuing app's ``AppConfig.ready``."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def verified(code: str) -> Verified | None:
    """The registered sources' document with this (valid, normalised) code, if any."""
    for source in _SOURCES:
        found = source(code)
        if found is not None:
            return found
    return None


def mask_national_code(code: str) -> str:
    """``0084575948`` → ``۰۰۸۴****۴۸``: enough to recognise, not enough to reuse."""
    if len(code) < 6:
        return "*" * len(code)
    return to_persian_digits(code[:4] + "*" * (len(code) - 6) + code[-2:])


def mask_name(name: str) -> str:
    """«مریم رضایی» → «م*** ر***»."""
    return " ".join(word[0] + "***" for word in name.split())


def verification_url(code: str) -> str:
    """The address printed under a document and encoded in its QR code."""
    return settings.SITE_URL.rstrip("/") + reverse("delivery:verify_code", args=[code])
