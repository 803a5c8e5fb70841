"""Writes of the in-person desk: the citizen's consent, and filing a request in their name.

A clerk files only with the citizen's consent: a code sent to the citizen's mobile that the
citizen reads back (at the counter or on the phone), or, for a citizen without a mobile, the
citizen at the counter with their national card. No consent, no request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.accounts.services import citizen_claim
from desk.agencies import access
from desk.agencies.models import Staff
from desk.audit.services import audit_record
from desk.catalog.models import Service
from desk.core.errors import ApplicationError
from desk.delivery.models import IssuedDocument
from desk.delivery.services import delivery_record_in_person
from desk.frontdesk.models import Consent, ConsentMethod
from desk.lib.persian import to_ascii_digits, to_persian_digits
from desk.notifications.services import message_queue_template
from desk.submissions.models import ASSISTED_CHANNELS, Channel, Submission
from desk.submissions.services import Filing, submission_create


def _desk_staff(clerk: User) -> Staff:
    staff = access.staff_for_user(clerk)
    if staff is None or not access.may_serve_at_desk(clerk):
        raise ApplicationError(_("شما اجازه ثبت درخواست برای شهروند را ندارید."))
    return staff


def _hash(consent_key: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"consent:{consent_key}:{code}".encode(), hashlib.sha256).hexdigest()


def _check_channel(channel: str) -> None:
    if channel not in ASSISTED_CHANNELS:
        raise ApplicationError(_("حضوری یا تلفنی بودن را انتخاب کنید."), field="channel")


def _mobile_for(national_code: str, mobile: str) -> str:
    """The mobile the code goes to: the one the citizen has in hand, or else the one on record.
    A mobile other than the one on record is not refused here: the code proves the citizen
    holds it, and on confirmation ``citizen_verify_and_claim`` lets Shahkar decide (the owner
    reclaims the national code; a mobile that is not theirs gets sign-in's neutral refusal)."""
    if mobile:
        return mobile
    existing = User.objects.filter(national_code=national_code).exclude(mobile="").first()
    if existing is None:
        raise ApplicationError(_("تلفن همراه شهروند را وارد کنید."), field="mobile")
    return existing.mobile


def _check_limits(mobile: str) -> None:
    now = timezone.now()
    recent = Consent.objects.filter(mobile=mobile, created_at__gte=now - timedelta(hours=1))
    last = recent.order_by("-created_at").first()
    if last is not None:
        wait = settings.OTP_RESEND_SECONDS - int((now - last.created_at).total_seconds())
        if wait > 0:
            raise ApplicationError(
                _("کد قبلی هنوز معتبر است. پس از %(s)s ثانیه دوباره بفرستید.")
                % {"s": to_persian_digits(wait)}
            )
    if recent.count() >= settings.OTP_MAX_PER_PHONE_PER_HOUR:
        raise ApplicationError(_("برای این شماره کد زیادی فرستاده شده است. یک ساعت بعد بیایید."))


@transaction.atomic
def consent_request(
    *,
    clerk: User,
    national_code: str,
    channel: str,
    mobile: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Consent:
    """Send a consent code to the citizen's mobile (the one on record, or for a new citizen
    the one they give, which the code then verifies as sign-in would)."""
    staff = _desk_staff(clerk)
    _check_channel(channel)
    mobile = _mobile_for(national_code, mobile)
    _check_limits(mobile)
    now = timezone.now()
    code = "".join(secrets.choice("0123456789") for _i in range(settings.OTP_LENGTH))
    key = uuid.uuid4().hex
    consent = Consent.objects.create(
        agency_id=staff.agency_id,
        clerk=clerk,
        national_code=national_code,
        channel=channel,
        method=ConsentMethod.CODE,
        mobile=mobile,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        code_hash=f"{key}:{_hash(key, code)}",
        created_at=now,
        expires_at=now + timedelta(seconds=settings.DESK_CONSENT_TTL_SECONDS),
    )
    message_queue_template(
        to=mobile,
        event="desk_consent_code",
        context={"code": code, "agency": staff.agency.name},
        agency_id=staff.agency_id,
        urgent=True,
        sender=staff.agency.sms_line,
        expires_at=consent.expires_at,
    )
    return consent


def consent_confirm(*, clerk: User, consent_id: int, code: str) -> Consent:
    """Check the code the citizen read back; on success the citizen's account is created or
    claimed as at sign-in, on Shahkar's word that the mobile is theirs
    (``accounts.services.citizen_claim``). A wrong code stays counted although the caller gets
    an error: the check commits first and the error is raised after. Shahkar is asked outside
    the lock, so that its answer is logged even when it refuses."""
    with transaction.atomic():
        outcome = _consent_check(clerk=clerk, consent_id=consent_id, code=code)
    if isinstance(outcome, ApplicationError):
        raise outcome
    now = timezone.now()
    citizen = citizen_claim(
        national_code=outcome.national_code, mobile=outcome.mobile, verified_at=now
    )
    with transaction.atomic():
        return _confirmed(outcome, citizen, now)


def _consent_check(*, clerk: User, consent_id: int, code: str) -> Consent | ApplicationError:
    now = timezone.now()
    consent = (
        Consent.objects.select_for_update()
        .filter(pk=consent_id, clerk=clerk, method=ConsentMethod.CODE, confirmed_at__isnull=True)
        .first()
    )
    if consent is None or consent.expires_at <= now:
        return ApplicationError(_("کد منقضی شده است. کد تازه بفرستید."), field="code")
    if consent.attempts >= settings.OTP_MAX_ATTEMPTS:
        return ApplicationError(
            _("تعداد تلاش‌ها بیش از حد مجاز است. کد تازه بفرستید."), field="code"
        )
    key, _sep, digest = consent.code_hash.partition(":")
    typed = to_ascii_digits(code).strip()
    if not hmac.compare_digest(digest, _hash(key, typed)):
        consent.attempts += 1
        consent.save(update_fields=["attempts"])
        left = settings.OTP_MAX_ATTEMPTS - consent.attempts
        return ApplicationError(
            _("کد درست نیست. %(n)s بار دیگر می‌توانید تلاش کنید.") % {"n": to_persian_digits(left)},
            field="code",
        )
    return consent


def _confirmed(consent: Consent, citizen: User, now: Any) -> Consent:
    if not citizen.first_name and not citizen.last_name:
        citizen.first_name, citizen.last_name = consent.first_name, consent.last_name
        citizen.save(update_fields=["first_name", "last_name"])
    consent.citizen = citizen
    consent.confirmed_at = now
    consent.save(update_fields=["citizen", "confirmed_at"])
    audit_record(
        action="desk.consent",
        agency_id=consent.agency_id,
        actor=consent.clerk,
        target=consent,
        details={"method": consent.method, "channel": consent.channel},
    )
    return consent


@transaction.atomic
def consent_in_person(
    *,
    clerk: User,
    national_code: str,
    landline: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Consent:
    """A citizen without a mobile, at the counter with their national card: the clerk records
    a landline (or none). The receipt and the public tracking page are the citizen's channel;
    nothing is ever texted to a landline. On the phone, consent needs a mobile."""
    staff = _desk_staff(clerk)
    if User.objects.filter(national_code=national_code).exclude(mobile="").exists():
        raise ApplicationError(
            _("این شهروند تلفن همراه ثبت‌شده دارد؛ کد رضایت را به همان شماره بفرستید."),
            field="no_mobile",
        )
    now = timezone.now()
    citizen = citizen_claim(national_code=national_code, mobile="")
    consent = Consent.objects.create(
        agency_id=staff.agency_id,
        clerk=clerk,
        national_code=national_code,
        channel=Channel.DESK,
        method=ConsentMethod.ID_CARD,
        landline=landline.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        created_at=now,
        expires_at=now,
    )
    return _confirmed(consent, citizen, now)


def consent_pending(*, clerk: User, consent_id: int | None) -> Consent | None:
    """The clerk's consent code waiting to be read back, if any."""
    if consent_id is None:
        return None
    return Consent.objects.filter(pk=consent_id, clerk=clerk, confirmed_at__isnull=True).first()


def consent_in_force(*, clerk: User, consent_id: int | None) -> Consent | None:
    """The clerk's confirmed consent, while it lasts (DESK_CONSENT_VALID_MINUTES) and while the
    clerk still serves at the desk of the agency it was given to."""
    if consent_id is None:
        return None
    since = timezone.now() - timedelta(minutes=settings.DESK_CONSENT_VALID_MINUTES)
    consent = (
        Consent.objects.select_related("citizen")
        .filter(pk=consent_id, clerk=clerk, confirmed_at__gte=since, citizen__isnull=False)
        .first()
    )
    if consent is None or not access.may_serve_at_desk(clerk):
        return None
    return consent if access.agency_for_staff(clerk) == consent.agency_id else None


def desk_file(
    *,
    clerk: User,
    consent_id: int | None,
    service: Service,
    answers: dict[str, Any],
    files: dict[str, File],
    idempotency_key: uuid.UUID,
) -> Submission:
    """File a request in the name of the citizen who consented; they own it as if they had
    filed it themselves (SMS, tracking, «my requests»). Who filed it and how is recorded."""
    consent = consent_in_force(clerk=clerk, consent_id=consent_id)
    if consent is None or consent.citizen is None:
        raise ApplicationError(_("رضایت شهروند تأیید نشده یا منقضی شده است. دوباره کد بفرستید."))
    return submission_create(
        service=service,
        applicant=consent.citizen,
        answers=answers,
        files=files,
        idempotency_key=idempotency_key,
        filing=Filing(channel=Channel(consent.channel), filed_by=clerk, landline=consent.landline),
    )


def citizen_requests_read_audit(*, clerk: User, national_code: str, count: int) -> None:
    """A clerk looked up a citizen's requests by national code: a read of personal data,
    logged as staff reads of a request are."""
    audit_record(
        action="read.citizen_requests",
        agency_id=access.agency_for_staff(clerk),
        actor=clerk,
        object_type="accounts.citizen",
        object_id=national_code,
        details={"requests": count},
    )


def hand_over(*, clerk: User, document: IssuedDocument) -> IssuedDocument:
    """Give a result document to the citizen at the desk (recorded as delivered in person)."""
    _desk_staff(clerk)
    return delivery_record_in_person(document=document, clerk=clerk)
