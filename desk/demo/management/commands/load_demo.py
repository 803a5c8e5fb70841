"""Load the demo: agencies, service cards, staff, and a citizen with requests. Safe to rerun."""

from __future__ import annotations

import os
import secrets
import uuid
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from desk.accounts.models import User
from desk.accounts.two_factor import two_factor_required
from desk.agencies.models import Agency, Role, Staff
from desk.catalog.models import (
    Category,
    Faq,
    FieldKind,
    FormField,
    Regulation,
    RequiredDocument,
    Service,
    ServiceStep,
)
from desk.delivery.services import document_issue
from desk.demo import complaints as demo_complaints
from desk.demo import data as demo
from desk.demo import evaluation as demo_evaluation
from desk.demo import oversight as demo_oversight
from desk.demo.sample_pdf import sample_pdf
from desk.inquiries.models import InquiryRule
from desk.lib.persian import to_persian_digits
from desk.lib.validators import display_mobile
from desk.payments.models import GatewayAccount, Provider
from desk.submissions.models import Status, Submission
from desk.submissions.selectors import inbox_for_staff
from desk.submissions.services import submission_create, submission_transition
from desk.workflow.models import Department, Position, WorkflowVersion
from desk.workflow.services import workflow_define

BASE_URL = "http://127.0.0.1:8000"

# The service card's child rows: recreated on every run, so the card always matches the data.
_CHILDREN: dict[str, type[models.Model]] = {
    "steps": ServiceStep,
    "documents": RequiredDocument,
    "regulations": Regulation,
    "faqs": Faq,
    "form": FormField,
}
DEMO_DEVICE_NAME = "demo authenticator"
_AGENCY_EXTRA_KEYS = {"slug", "username_prefix", "staff"}
_SERVICE_EXTRA_KEYS = {"slug", "agency", "category", *_CHILDREN}


class Command(BaseCommand):
    help = "Load demo agencies, services, staff and a citizen with requests. Safe to rerun."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="load it with DEBUG off too (a public demo server): every account then gets a "
            "random password, printed once",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "load_demo adds demo accounts and is for development (DEBUG=1). On a public "
                "demo server run it with --force: the accounts then get a random password, "
                "never the documented one. Never load it into a production database."
            )
        # The documented password only where DEBUG is on: a machine nobody else reaches.
        known = demo.DEMO_PASSWORD if settings.DEBUG else secrets.token_urlsafe(12)
        with transaction.atomic():
            agencies = {spec["slug"]: agency_upsert(spec) for spec in demo.AGENCIES}
            categories = {spec["slug"]: category_upsert(spec) for spec in demo.CATEGORIES}
            for spec in demo.SERVICES:
                service_upsert(
                    spec, agency=agencies[spec["agency"]], category=categories[spec["category"]]
                )
            # One hash for every demo account: hashing is slow on purpose, and they share it.
            password = make_password(known)
            for spec in demo.AGENCIES:
                for person in spec["staff"]:
                    staff_upsert(
                        person,
                        agency=agencies[spec["slug"]],
                        prefix=spec["username_prefix"],
                        password=password,
                    )
            demo_complaints.oversight_upsert()
            for slug, person in demo_complaints.STAFF:
                staff_upsert(
                    person, agency=Agency.objects.get(slug=slug), prefix="", password=password
                )
            demo_complaints.handler_mark(agencies[demo_complaints.MUNICIPALITY])
            staff_upsert(
                demo_oversight.EVALUATOR,
                agency=demo_oversight.provincial_upsert(),
                prefix="",
                password=password,
            )
            superuser_upsert(password)
            demo_authenticators_upsert()
            for slug, spec in demo.WORKFLOWS.items():
                workflow_upsert(Service.objects.get(slug=slug), spec)
            for rule in demo.INQUIRY_RULES:
                inquiry_rule_upsert(rule)
            # Fees are paid on the demo's own fake gateway page (no bank, no money).
            for agency in agencies.values():
                GatewayAccount.objects.get_or_create(
                    agency=agency, defaults={"provider": Provider.FAKE}
                )
            citizen = citizen_upsert()
            if not citizen.submissions.exists():
                requests_create(citizen)
            demo_complaints.complaints_create(citizen)
            demo_evaluation.evaluation_create()
        call_command("load_demo_appointments", verbosity=0)
        call_command("load_demo_letters", verbosity=0)
        call_command("load_demo_surveys", verbosity=0)
        demo_oversight.figures_build()  # after every other loader: the figures of all of it
        self.stdout.write(sign_in_text(citizen, known))


def agency_upsert(spec: dict[str, Any]) -> Agency:
    fields = {k: v for k, v in spec.items() if k not in _AGENCY_EXTRA_KEYS}
    agency, _created = Agency.objects.update_or_create(
        slug=spec["slug"], defaults={**fields, "is_active": True}
    )
    return agency


def category_upsert(spec: dict[str, Any]) -> Category:
    fields = {k: v for k, v in spec.items() if k != "slug"}
    category, _created = Category.objects.update_or_create(slug=spec["slug"], defaults=fields)
    return category


def service_upsert(spec: dict[str, Any], *, agency: Agency, category: Category) -> Service:
    fields = {k: v for k, v in spec.items() if k not in _SERVICE_EXTRA_KEYS}
    service, _created = Service.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            **fields,
            "agency": agency,
            "category": category,
            "is_published": True,
            "accepts_online": True,
        },
    )
    for key, model in _CHILDREN.items():
        model._default_manager.filter(service=service).delete()
        model._default_manager.bulk_create(
            model(service=service, order=order, **row)
            for order, row in enumerate(spec[key], start=1)
        )
    return service


def staff_upsert(person: dict[str, Any], *, agency: Agency, prefix: str, password: str) -> User:
    role = person["role"]
    user = account_upsert(
        username=person.get("username", f"{prefix}-{role}"),
        first_name=person["first_name"],
        last_name=person["last_name"],
        password=password,
        # Agency admins use the Django admin, which is scoped to their agency.
        is_staff=role == Role.ADMIN,
    )
    staff, _created = Staff.objects.update_or_create(
        user=user,
        defaults={"agency": agency, "role": role, "title": person["title"], "is_active": True},
    )
    for department_name, position_role in person.get("positions", []):
        department, _c = Department.objects.get_or_create(agency=agency, name=department_name)
        Position.objects.get_or_create(staff=staff, department=department, role=position_role)
    return user


def workflow_upsert(service: Service, spec: dict[str, Any]) -> None:
    """Define the service's workflow once; later runs keep it (and its running requests)."""
    if not WorkflowVersion.objects.filter(workflow__service=service).exists():
        workflow_define(
            service=service, steps=spec["steps"], actions=spec["actions"], note="نسخه نمایشی"
        )


def inquiry_rule_upsert(spec: dict[str, Any]) -> InquiryRule:
    fields = {k: v for k, v in spec.items() if k not in ("service", "step_key")}
    rule, _created = InquiryRule.objects.update_or_create(
        service=Service.objects.get(slug=spec["service"]),
        step_key=spec["step_key"],
        defaults=fields,
    )
    return rule


def demo_authenticators_upsert() -> None:
    """Give every demo account that must use two-factor sign-in the public demo key."""
    for user in User.objects.filter(national_code__isnull=True, is_active=True):
        if two_factor_required(user):
            demo_authenticator_upsert(user)


def demo_authenticator_upsert(user: User) -> TOTPDevice:
    TOTPDevice.objects.filter(user=user).exclude(name=DEMO_DEVICE_NAME).delete()
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name=DEMO_DEVICE_NAME,
        defaults={
            "key": demo.DEMO_TOTP_KEY.hex(),
            "confirmed": True,
            "last_t": -1,
            "throttling_failure_count": 0,
            "throttling_failure_timestamp": None,
        },
    )
    return device


def superuser_upsert(password: str) -> User:
    spec = demo.SUPERUSER
    return account_upsert(**spec, password=password, is_staff=True, is_superuser=True)


def account_upsert(
    *,
    username: str,
    first_name: str,
    last_name: str,
    password: str,
    is_staff: bool,
    is_superuser: bool = False,
) -> User:
    """A password account, active and unlocked, whatever a previous demo session left."""
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "password": password,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "is_active": True,
            "failed_logins": 0,
            "locked_until": None,
        },
    )
    return user


def citizen_upsert() -> User:
    spec = demo.CITIZEN
    citizen, created = User.objects.update_or_create(
        national_code=spec["national_code"],
        defaults={
            "username": f"citizen-{spec['national_code']}",
            "mobile": spec["mobile"],
            "first_name": spec["first_name"],
            "last_name": spec["last_name"],
        },
    )
    if created:
        # Citizens sign in by SMS code only.
        citizen.set_unusable_password()
        citizen.save(update_fields=["password"])
    return citizen


def requests_create(citizen: User) -> list[Submission]:
    """File the citizen's demo requests and take their steps, through the real services."""
    submissions = []
    for spec in demo.DEMO_REQUESTS:
        service = Service.objects.select_related("agency").get(slug=spec["service"])
        file_fields = service.form_fields.filter(kind=FieldKind.FILE)
        submission = submission_create(
            service=service,
            applicant=citizen,
            answers=spec["answers"],
            files={field.name: pdf_upload(f"{field.name}.pdf") for field in file_fields},
            idempotency_key=uuid.uuid4(),
        )
        for step in spec["actions"]:
            result: list[UploadedFile] = [pdf_upload(step["result"])] if "result" in step else []
            submission = submission_transition(
                submission_id=submission.pk,
                actor=User.objects.get(username=step["by"]),
                action=step["action"],
                message=step.get("message", ""),
                files=result,
            )
            if submission.status == Status.COMPLETED:
                # The verifiable PDF that staff issue on completion (see staff_act).
                document_issue(
                    submission=submission,
                    title=f"نتیجه درخواست {service.title}",
                    body=step.get("message") or "درخواست شما انجام شد.",
                    issued_by=User.objects.get(username=step["by"]),
                )
        submissions.append(submission)
    return submissions


def pdf_upload(name: str) -> SimpleUploadedFile:
    upload = SimpleUploadedFile(name, sample_pdf(), content_type="application/pdf")
    # What DocumentField would have found by reading the file's first bytes.
    upload.sniffed_type = "application/pdf"  # type: ignore[attr-defined]
    return upload


def staff_lines() -> list[str]:
    """The staff accounts, those with requests waiting in their inbox first (most first), so
    the first account someone tries opens on work to do, not on an empty inbox."""
    role_labels = dict(Role.choices)
    rows = []
    for spec in demo.AGENCIES:
        for person in spec["staff"]:
            username = person.get("username", f"{spec['username_prefix']}-{person['role']}")
            staff = Staff.objects.select_related("user").get(user__username=username)
            waiting = inbox_for_staff(staff).count()
            line = (
                f"     {username:<20} {person['role']:<8} {role_labels[person['role']]} — "
                f"{person['first_name']} {person['last_name']} — {spec['name']}"
            )
            rows.append((waiting, line))
    busy = sorted((row for row in rows if row[0]), key=lambda row: -row[0])
    lines = ["   کار در انتظار، از بیشترین (work waiting):"]
    lines += [
        f"{line}\n       {to_persian_digits(count)} درخواست در کارتابل ({count} in the inbox)"
        for count, line in busy
    ]
    lines.append("   حساب‌های دیگر (no work waiting yet):")
    lines += [line for count, line in rows if not count]
    return lines


def demo_totp_key() -> str:
    secret = b32encode(demo.DEMO_TOTP_KEY).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def sign_in_text(citizen: User, password: str) -> str:
    """How to sign in, for the console: Persian first, English hints beside it."""
    code = demo.CITIZEN["national_code"]
    mobile = display_mobile(demo.CITIZEN["mobile"])
    base_url = os.environ.get("DEMO_URL") or BASE_URL  # `make demo` passes its host and port
    rule = "=" * 78
    lines = [
        rule,
        " میز خدمت الکترونیکی آماده است — Mizkhedmat demo is ready",
        rule,
        f" نشانی سامانه (open in a browser):  {base_url}/",
        "",
        f" ورود شهروند (citizen sign-in):     {base_url}{reverse('accounts:citizen_login')}",
        f"   کد ملی (national code):          {to_persian_digits(code)}  ({code})",
        f"   تلفن همراه (mobile):             {to_persian_digits(mobile)}  ({mobile})",
        "   کد ۶ رقمی پیامک را کارگزار صف (job worker) در همین کنسول چاپ می‌کند.",
        "   (the 6-digit SMS code is printed in this console by the job worker)",
        "   سامانه‌های ملی نمونه‌اند (fake national systems, docs/registries.md): همراهِ پایان‌یافته",
        "   به ۹۹۹۹ را شاهکار نمی‌پذیرد، به ۹۹۹۸ پاسخ نمی‌دهد؛ کد پستی پایان‌یافته به ۹۹۹۶ پیدا",
        "   نمی‌شود، به ۹۹۹۸ پاسخ نمی‌دهد؛ سال تولد ۱۲۹۹ و پیش از آن با ثبت احوال نمی‌خواند.",
        "   (mobile …9999: Shahkar mismatch, …9998: Shahkar down; postal code …9996: unknown,",
        "   …9998: post office down; birth year <= 1299: civil-registry mismatch)",
        "",
        f" درخواست‌های {citizen.get_full_name()} (the citizen's demo requests):",
    ]
    for submission in citizen.submissions.select_related("service").order_by("pk"):
        lines.append(
            f"   {submission.tracking_code}  {submission.get_status_display()} — "
            f"{submission.service.title}"
        )
    lines += [
        "",
        f" ورود کارکنان (staff sign-in):      {base_url}{reverse('accounts:staff_login')}",
        f"   گذرواژه همه حساب‌ها (password for every account):  {password}",
    ]
    lines += staff_lines()
    lines.append("   شکایت‌ها (complaints: handler, second expert, oversight evaluator)")
    for _slug, person in demo_complaints.STAFF:
        lines.append(
            f"     {person['username']:<20} {person['role']:<8} {person['title']} — "
            f"{person['first_name']} {person['last_name']}"
        )
    lines.append(
        f"   ارزیابی (evaluation): {demo_evaluation.EVALUATOR} scores the municipality's "
        f"self-assessment in «{demo_evaluation.TITLE}»: {base_url}{reverse('evaluation:home')}"
    )
    lines.append("   شاخص‌های عملکرد (oversight dashboards, /oversight/)")
    lines += [f"     {username:<20} {what}" for username, what in demo_oversight.ACCOUNTS]
    lines += [
        "",
        " ورود دومرحله‌ای (two-factor sign-in): راهبر سامانه، راهبران دستگاه‌ها و مدیران پس از",
        " گذرواژه کد ۶ رقمی می‌خواهند. این کلید را یک بار در هر برنامه احراز هویت بیفزایید:",
        " (superuser, agency admins and managers are asked for a 6-digit code after the password;",
        "  add this key once to any authenticator app — it serves every such demo account)",
        f"   {demo_totp_key()}",
        "   بدون برنامه (no app at hand):  .venv/bin/python manage.py demo_totp",
        "   دیگر کارکنان با گذرواژه وارد می‌شوند و می‌توانند در "
        f"{reverse('accounts:two_factor')} آن را روشن کنند",
        "   (other staff sign in with the password; enrollment is at "
        f"{reverse('accounts:two_factor')})",
        "",
        f" میز خدمت حضوری (the in-person desk): {base_url}{reverse('frontdesk:home')}",
        "   هر متصدی (<agency>-clerk) برای شهروند حاضر یا پشت تلفن درخواست ثبت می‌کند؛",
        "   کد رضایت شهروند را کارگزار صف در همین کنسول چاپ می‌کند.",
        "   (each clerk files for a walk-in or a caller; the citizen's consent code is printed",
        "    in this console by the job worker)",
        "",
        f" مدیریت (Django admin):            {base_url}{reverse('admin:index')}",
        f"   {demo.SUPERUSER['username']} / {password}"
        "  ابرکاربر، همه دستگاه‌ها (superuser, every agency)",
        "   راهبر هر دستگاه (<agency>-admin) فقط خدمات دستگاه خود را می‌بیند",
        "   (each agency admin sees only their own agency's services)",
        rule,
        "",
    ]
    return "\n".join(lines)
