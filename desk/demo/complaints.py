"""Demo complaints: a complaint handler and a second expert at the municipality, the national
oversight agency with an evaluator, and a few complaints filed through the real services
(an objection to a rejected permit, a complaint about a service, an anonymous report)."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from desk.accounts.models import User
from desk.agencies.models import Agency, OversightLevel, Staff
from desk.catalog.models import FieldKind, Service
from desk.complaints.models import About, Complaint, ComplaintPolicy, Kind
from desk.complaints.services import complaint_file
from desk.demo.sample_pdf import sample_pdf
from desk.submissions.models import Submission
from desk.submissions.services import submission_create, submission_transition

MUNICIPALITY = "tehran-municipality-6"
OVERSIGHT: dict[str, Any] = {
    "slug": "aeo",
    "name": "سازمان اداری و استخدامی کشور",
    "description": "مرجع نظارت بر دستگاه‌های اجرایی؛ به تجدیدنظرخواهی شهروندان رأی می‌دهد.",
    "province": "تهران",
    "city": "تهران",
    "oversight": OversightLevel.NATIONAL,
}
# Staff added by this module: (agency slug, spec as load_demo's staff_upsert takes it).
STAFF: list[tuple[str, dict[str, Any]]] = [
    (
        MUNICIPALITY,
        {
            "username": "tehran6-complaints",
            "role": "expert",
            "first_name": "نرگس",
            "last_name": "امینی",
            "title": "مسئول رسیدگی به شکایات",
        },
    ),
    (
        MUNICIPALITY,
        {
            "username": "tehran6-expert2",
            "role": "expert",
            "first_name": "مهدی",
            "last_name": "رحیمی",
            "title": "کارشناس شهرسازی",
            "positions": [
                ("واحد پذیرش و بررسی مدارک", "expert"),
                ("واحد فنی و بازدید", "expert"),
            ],
        },
    ),
    (
        "aeo",
        {
            "username": "aeo-evaluator",
            "role": "expert",
            "first_name": "فاطمه",
            "last_name": "نوری",
            "title": "ارزیاب",
        },
    ),
]
HANDLER = "tehran6-complaints"


def oversight_upsert() -> Agency:
    fields = {k: v for k, v in OVERSIGHT.items() if k != "slug"}
    agency, _created = Agency.objects.update_or_create(
        slug=OVERSIGHT["slug"], defaults={**fields, "is_active": True}
    )
    return agency


def handler_mark(agency: Agency) -> None:
    """The handler account handles the agency's complaints, under the default deadlines."""
    Staff.objects.filter(user__username=HANDLER).update(handles_complaints=True)
    ComplaintPolicy.objects.get_or_create(agency=agency)


def complaints_create(citizen: User) -> list[Complaint]:
    """The citizen's demo complaints; once (a rerun keeps them)."""
    if Complaint.objects.filter(complainant=citizen).exists():
        return []
    rejected = _rejected_permit(citizen)
    expert = User.objects.get(username="tehran6-expert")
    objection = complaint_file(
        kind=Kind.OBJECTION,
        about=About.REQUEST,
        citizen=citizen,
        submission=rejected,
        text="سند مالکیت پیوست شده بود؛ لطفاً کارشناس دیگری دوباره بررسی کند.",
    ).complaint
    about_staff = complaint_file(
        kind=Kind.COMPLAINT,
        about=About.STAFF,
        citizen=citizen,
        submission=rejected,
        staff_member=expert,
        text="هنگام تماس تلفنی پاسخ درستی درباره مدارک لازم نگرفتم.",
    ).complaint
    report = complaint_file(
        kind=Kind.REPORT,
        about=About.SERVICE,
        service=rejected.service,
        text="در باجه پذیرش برای جلو انداختن پرونده پول خواسته می‌شود.",
    ).complaint
    return [objection, about_staff, report]


def _rejected_permit(citizen: User) -> Submission:
    """A building permit rejected at intake by the municipality's expert."""
    upload = SimpleUploadedFile("deed.pdf", sample_pdf(), content_type="application/pdf")
    upload.sniffed_type = "application/pdf"  # type: ignore[attr-defined]
    service = Service.objects.get(slug="building-permit")
    submission = submission_create(
        service=service,
        applicant=citizen,
        answers={"address": "تهران، یوسف‌آباد، خیابان ۲۰، پلاک ۷"},
        files={f.name: upload for f in service.form_fields.filter(kind=FieldKind.FILE)},
        idempotency_key=uuid.uuid4(),
    )
    expert = User.objects.get(username="tehran6-expert")
    for action, message in (
        ("start_review", ""),
        ("reject", "سند مالکیت پیوست نشده است."),
    ):
        submission = submission_transition(
            submission_id=submission.pk, actor=expert, action=action, message=message
        )
    return submission
