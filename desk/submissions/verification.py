"""Once-only: answers bound to a national system are filled and verified by it, not retyped.

A service's form field may be bound to a registry (catalog.FormField.registry): an *input*
(the applicant's birth date, a postal code, a company's national id) that the system is asked
with, and *outputs* (name, father's name, address, company name) that its answer fills. At the
form, a found answer fills the outputs and a «mismatch» or «not found» is an error beside the
input; a system that does not answer never blocks: the request is filed «awaiting
verification» and a job asks again (tasks.submissions_verify_awaiting). Staff see the state.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from desk.accounts.models import User
from desk.catalog.models import FormField, OnDeceased, RegistrySource, Service
from desk.core.events import CitizenIdentityChanged
from desk.lib.jalali import to_jalali
from desk.registries.client import Answer, registry_ask
from desk.registries.models import Adapter, CallStatus
from desk.submissions.models import OPEN_STATUSES, Submission, Verification

logger = logging.getLogger(__name__)

# input binding → (adapter, query key, {output binding: answer key})
_GROUPS: dict[str, tuple[str, str, dict[str, str]]] = {
    RegistrySource.BIRTH_DATE: (
        Adapter.CIVIL_REGISTRY,
        "birth_date",
        {
            RegistrySource.FIRST_NAME: "first_name",
            RegistrySource.LAST_NAME: "last_name",
            RegistrySource.FATHER_NAME: "father_name",
        },
    ),
    RegistrySource.POSTAL_CODE: (
        Adapter.POSTAL_CODE,
        "postal_code",
        {RegistrySource.ADDRESS: "address"},
    ),
    RegistrySource.COMPANY_ID: (
        Adapter.COMPANY_REGISTRY,
        "national_id",
        {RegistrySource.COMPANY_NAME: "name"},
    ),
}


def deceased_message() -> str:
    """The civil registry says the national code is of a person who has died."""
    return _(
        "بنا بر سامانه ثبت احوال، دارنده این کد ملی درگذشته است و این خدمت به نام او ثبت "
        "نمی‌شود. اگر این نادرست است، برای اصلاح آن به اداره ثبت احوال مراجعه کنید."
    )


def _refusal(binding: str, answer: Answer) -> str:
    if binding == RegistrySource.BIRTH_DATE:
        if answer.status == CallStatus.NOT_FOUND:
            return _("کد ملی شما در سامانه ثبت احوال پیدا نشد. با دفتر خدمت تماس بگیرید.")
        return _("تاریخ تولد با اطلاعات ثبت احوال برای کد ملی شما نمی‌خواند. آن را بررسی کنید.")
    if binding == RegistrySource.POSTAL_CODE:
        return _("این کد پستی در سامانه پست پیدا نشد. آن را بررسی کنید.")
    return _("این شناسه ملی در سامانه ثبت شرکت‌ها پیدا نشد. آن را بررسی کنید.")


@dataclass
class FormCheck:
    answers: dict[str, Any]  # with the outputs filled from the answers found
    state: str = Verification.NONE
    errors: dict[str, str] = field(default_factory=dict)  # field name → what to do
    filled: set[str] = field(default_factory=set)  # the outputs a national system filled
    person_name: str = ""  # the applicant's name as the civil registry gave it


def _query_value(spec: FormField, value: Any) -> str:
    if spec.registry == RegistrySource.BIRTH_DATE:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return to_jalali(day).strftime("%Y/%m/%d")
    return str(value)


def form_verify(
    *,
    service: Service,
    applicant: User,
    answers: dict[str, Any],
    submission_id: int | None = None,
) -> FormCheck:
    """Ask each national system the form is bound to, once, and fill and judge the answers."""
    specs = [f for f in service.form_fields.all() if f.registry]
    check = FormCheck(answers=dict(answers))
    states: list[str] = []
    purpose = _("تکمیل و تأیید فرم «%(service)s»") % {"service": service.title}
    for spec in specs:
        if spec.registry not in _GROUPS or answers.get(spec.name) in (None, ""):
            continue
        adapter, key, outputs = _GROUPS[spec.registry]
        query = {key: _query_value(spec, answers[spec.name])}
        if adapter == Adapter.CIVIL_REGISTRY:
            query["national_code"] = applicant.national_code or ""
        answer = registry_ask(
            adapter, query, purpose=purpose, submission_id=submission_id, user_id=applicant.pk
        )
        if answer.ok and adapter == Adapter.CIVIL_REGISTRY and not answer.data.get("alive", True):
            # The service's rule: refused beside the birth date, or filed for the expert to see.
            states.append(Verification.DECEASED)
            if service.on_deceased_applicant == OnDeceased.REFUSE and submission_id is None:
                check.errors[spec.name] = deceased_message()
        elif answer.ok:
            states.append(Verification.VERIFIED)
            if adapter == Adapter.CIVIL_REGISTRY:
                names = (answer.data.get("first_name", ""), answer.data.get("last_name", ""))
                check.person_name = " ".join(n for n in names if n)
            for out in specs:
                if out.registry in outputs and answer.data.get(outputs[out.registry]):
                    check.answers[out.name] = answer.data[outputs[out.registry]]
                    check.filled.add(out.name)
        elif answer.unavailable:
            states.append(Verification.AWAITING)
        else:
            states.append(Verification.MISMATCH)
            check.errors[spec.name] = _refusal(spec.registry, answer)
    order = (
        Verification.MISMATCH,
        Verification.DECEASED,
        Verification.AWAITING,
        Verification.VERIFIED,
    )
    for state in order:
        if state in states:
            check.state = state
            break
    return check


def submission_verify(*, submission_id: int) -> str:
    """Ask again for a filed request (the answers are mostly in the cache by then), each call
    logged against it; found answers fill the request's outputs. Returns the new state."""
    submission = Submission.objects.select_related("service", "applicant").get(pk=submission_id)
    check = form_verify(
        service=submission.service,
        applicant=submission.applicant,
        answers=submission.data,
        submission_id=submission.pk,
    )
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission_id)
        locked.verification = check.state
        fields = ["verification"]
        if check.person_name:
            locked.applicant_name = check.person_name[:200]  # staff see the verified name
            fields.append("applicant_name")
        if check.filled:
            locked.data = {**locked.data, **{n: check.answers[n] for n in check.filled}}
            fields.append("data")
        locked.save(update_fields=fields)
    return check.state


def submissions_verify_awaiting(*, limit: int = 200) -> int:
    """The periodic retry: open requests still awaiting a national system's answer."""
    waiting = Submission.objects.filter(
        verification=Verification.AWAITING, status__in=OPEN_STATUSES
    ).order_by("pk")
    settled = 0
    for submission_id in waiting.values_list("pk", flat=True)[:limit]:
        if submission_verify(submission_id=submission_id) != Verification.AWAITING:
            settled += 1
    return settled


def submissions_hold_for_identity(event: CitizenIdentityChanged) -> None:
    """Subscriber: hold (or release) the applicant's open requests with their account."""
    held = Submission.objects.filter(applicant_id=event.user_id, status__in=OPEN_STATUSES)
    count = held.exclude(held=event.held).update(held=event.held)
    logger.info("identity of user %s: %s requests %s", event.user_id, count,
                "held" if event.held else "released")  # fmt: skip
