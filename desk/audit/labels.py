"""The Persian names of the audit log's actions, for the people who read it (the admin's
column and filter). ``Action`` names the ones the audit wiring writes; the apps' own dotted
names are named here, and an app whose names follow its own choices (a request's timeline
kinds, a letter's notes) registers them from its ``AppConfig.ready``
(``action_labels_register``), so this module imports no app. desk/tests/test_audit_labels.py
checks every name the code writes."""

from __future__ import annotations

from collections.abc import Mapping

from desk.audit.models import Action

_NAMED: dict[str, str] = {
    "auth.address_blocked": "مسدود شدن نشانی پس از تلاش‌های ناموفق",
    "auth.locked": "قفل شدن حساب پس از تلاش‌های ناموفق",
    "auth.recovery_code_used": "ورود با کد بازیابی",
    "auth.recovery_codes_regenerated": "ساخت دوباره کدهای بازیابی",
    "auth.session_timed_out": "پایان نشست به‌سبب بی‌کاری",
    "auth.sessions_ended": "پایان دادن به نشست‌های دیگر",
    "auth.sign_in_refused": "ورود ردشده",
    "auth.two_factor_enrolled": "فعال شدن ورود دومرحله‌ای",
    "auth.two_factor_failed": "کد دومرحله‌ای نادرست",
    "auth.two_factor_ok": "ورود دومرحله‌ای موفق",
    "auth.two_factor_reset": "بازنشانی ورود دومرحله‌ای",
    "api_key.create": "ساخت کلید API دستگاه",
    "api_key.revoke": "باطل کردن کلید API دستگاه",
    "api_key.rotate": "تعویض کلید API دستگاه",
    "complaint.answered": "پاسخ به شکایت",
    "complaint.appeal_decided": "رأی درباره اعتراض به پاسخ شکایت",
    "complaint.appealed": "اعتراض به پاسخ شکایت",
    "complaint.escalated": "ارجاع شکایت به سطح بالاتر",
    "complaint.filed": "ثبت شکایت",
    "desk.consent": "رضایت شهروند در میز حضوری",
    "evaluation.cycle_opened": "آغاز دوره ارزیابی",
    "evaluation.evidence_removed": "حذف مستند ارزیابی",
    "evaluation.finalized": "قطعی شدن ارزیابی",
    "evaluation.objected": "اعتراض به نتیجه ارزیابی",
    "evaluation.objection_decided": "رأی درباره اعتراض ارزیابی",
    "evaluation.returned": "بازگرداندن خوداظهاری برای اصلاح",
    "evaluation.submitted": "ارسال خوداظهاری ارزیابی",
    "inquiry.answered": "پاسخ به استعلام",
    "inquiry.received": "دریافت استعلام",
    "operations.bootstrap": "راه‌اندازی نخستین سامانه",
    "oversight.case_review_opened": "گشودن پرونده برای بازبینی نظارتی",
    "oversight.case_review_viewed": "مشاهده پرونده در بازبینی نظارتی",
    "payment.settled": "تسویه پرداخت",
    "request.moved": "رفتن درخواست به مرحله دیگر",
    "read.citizen_requests": "مشاهده درخواست‌های یک شهروند در میز حضوری",
}
_REGISTERED: dict[str, str] = {}


def action_labels_register(labels: Mapping[str, str]) -> None:
    _REGISTERED.update({action: str(label) for action, label in labels.items()})


def action_label(action: str) -> str:
    """The action's Persian name; an unknown name as it is (the log never hides one)."""
    named = dict(Action.choices).get(action)
    if named is not None:
        return str(named)
    return _NAMED.get(action) or _REGISTERED.get(action) or action


def known_actions() -> set[str]:
    return {str(value) for value in Action.values} | set(_NAMED) | set(_REGISTERED)
