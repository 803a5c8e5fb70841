from __future__ import annotations

import io
from io import StringIO

import pikepdf
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from desk.accounts.models import User
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
from desk.catalog.selectors import documents_mismatch, services_search
from desk.demo.data import DEMO_PASSWORD
from desk.demo.sample_pdf import sample_pdf
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Attachment, Status, Submission, TimelineEvent
from desk.submissions.selectors import inbox_for_staff

COUNTED = [
    Agency,
    Category,
    Service,
    ServiceStep,
    RequiredDocument,
    Regulation,
    Faq,
    FormField,
    User,
    Staff,
    Submission,
    TimelineEvent,
    Attachment,
    OutboundMessage,
]


@override_settings(DEBUG=True)
def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


# A fast hasher: the test signs in every demo account, and the default one is slow on purpose.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class LoadDemoTests(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        cls.output = load_demo()

    def test_it_creates_agencies_with_published_services(self) -> None:
        # The oversight body offers no services: it decides complaints' appeals.
        agencies = Agency.objects.filter(is_active=True, oversight="")
        self.assertGreaterEqual(agencies.count(), 3)
        for agency in agencies:
            with self.subTest(agency=agency.slug):
                self.assertGreaterEqual(agency.services.filter(is_published=True).count(), 2)
                self.assertTrue(agency.description and agency.address and agency.sms_line)

    def test_it_fills_every_service_card(self) -> None:
        for service in Service.objects.all():
            with self.subTest(service=service.slug):
                service.full_clean()
                self.assertTrue(service.steps.exists())
                self.assertTrue(service.documents.exists())
                self.assertTrue(service.regulations.exists())
                self.assertTrue(service.faqs.exists())
                self.assertTrue(service.form_fields.filter(kind=FieldKind.FILE).exists())
                self.assertTrue(service.complaint_procedure.strip())
                self.assertTrue(service.responsible_name.strip())
                self.assertTrue(service.channels)
                # The card's documents and the form's upload fields match one for one.
                self.assertIsNone(documents_mismatch(service))
                # The complaint text names only what the card shows.
                self.assertNotIn("بخش «شکایت»", service.complaint_procedure)

    def test_it_writes_rows_the_models_accept(self) -> None:
        for model in (ServiceStep, RequiredDocument, Regulation, Faq, FormField):
            for row in model._default_manager.all():
                with self.subTest(row=str(row)):
                    row.full_clean()

    def test_it_uses_every_field_kind(self) -> None:
        used = set(FormField.objects.values_list("kind", flat=True))
        self.assertEqual(used, set(FieldKind.values))
        for field in FormField.objects.filter(kind=FieldKind.CHOICE):
            self.assertGreaterEqual(len(field.choice_list()), 2)

    def test_it_finds_text_written_with_arabic_letter_forms(self) -> None:
        # «مسكوني» with Arabic kaf and yeh is in the gas connection card.
        self.assertIn("مسكوني", Service.objects.get(slug="gas-connection").description)
        self.assertTrue(services_search(query="مسکونی").filter(slug="gas-connection").exists())

    def test_it_lets_every_staff_member_sign_in_with_the_demo_password(self) -> None:
        # The oversight body (complaints' appeals) has only its evaluator.
        for agency in Agency.objects.filter(oversight=""):
            roles = set(agency.staff.values_list("role", flat=True))
            self.assertEqual(roles, set(Role.values), agency.slug)
        for staff in Staff.objects.select_related("user"):
            with self.subTest(username=staff.user.username):
                user = authenticate(username=staff.user.username, password="demo-1404")
                self.assertEqual(user, staff.user)
                self.assertEqual(staff.user.is_staff, staff.role == Role.ADMIN)
                self.assertFalse(staff.user.is_superuser)
        admin = authenticate(username="admin", password="demo-1404")
        assert isinstance(admin, User)
        self.assertTrue(admin.is_superuser and admin.is_staff)

    def test_it_names_staff_usernames_by_agency_and_role(self) -> None:
        self.assertTrue(User.objects.filter(username="tehran6-expert").exists())
        self.assertEqual(Staff.objects.get(user__username="gas-manager").agency.slug, "tehran-gas")

    def test_it_files_the_citizens_requests_through_the_services(self) -> None:
        citizen = User.objects.get(national_code="0084575948")
        self.assertEqual(citizen.mobile, "+989121234567")
        self.assertEqual(citizen.get_full_name(), "مریم رضایی")
        self.assertFalse(citizen.has_usable_password())
        submissions = list(citizen.submissions.all())
        self.assertGreaterEqual(len(submissions), 2)
        self.assertGreaterEqual(len({s.status for s in submissions}), 2)
        for submission in submissions:
            with self.subTest(service=submission.service.slug):
                events = list(submission.events.all())
                self.assertEqual(events[0].kind, "submitted")
                self.assertEqual(events[-1].status_after, submission.status)
                self.assertTrue(submission.attachments.filter(kind="document").exists())
                # One SMS per step, as the directive asks.
                self.assertEqual(
                    OutboundMessage.objects.filter(reference=submission.tracking_code).count(),
                    len(events),
                )
        completed = citizen.submissions.get(status=Status.COMPLETED)
        self.assertTrue(completed.attachments.filter(kind="result").exists())

    def test_its_documents_are_a_persian_sample_that_says_it_has_no_value(self) -> None:
        attachment = Attachment.objects.filter(kind="document").first()
        assert attachment is not None
        with attachment.file.open("rb") as f:
            content = f.read()
        self.assertEqual(content, sample_pdf())
        with pikepdf.open(io.BytesIO(content)) as pdf:
            fonts = {
                str(font.get("/BaseFont"))
                for page in pdf.pages
                for font in page.Resources.Font.values()
            }
        # Set in Vazirmatn (Persian text), not the English stub in Helvetica of earlier demos.
        self.assertTrue(any("Vazirmatn" in name for name in fonts), fonts)
        self.assertNotIn(b"demo document", content)

    def test_it_adds_a_complaint_handler_an_evaluator_and_complaints(self) -> None:
        from desk.complaints.models import Complaint, Kind

        handler = Staff.objects.get(user__username="tehran6-complaints")
        self.assertTrue(handler.handles_complaints)
        self.assertEqual(
            Staff.objects.get(user__username="aeo-evaluator").agency.oversight, "national"
        )
        kinds = set(Complaint.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, {Kind.COMPLAINT, Kind.REPORT, Kind.OBJECTION})
        self.assertIsNone(Complaint.objects.get(kind=Kind.REPORT).complainant_id)

    def test_it_leaves_the_evaluator_a_sent_self_assessment_to_score(self) -> None:
        from desk.evaluation.models import Assessment, Cycle, State

        cycle = Cycle.objects.get()
        sent = Assessment.objects.get(cycle=cycle, state=State.SUBMITTED)
        self.assertEqual(sent.agency.slug, "tehran-municipality-6")
        self.assertTrue(sent.answers.filter(evidence__isnull=False).exists())
        others = Assessment.objects.filter(cycle=cycle).exclude(pk=sent.pk)
        self.assertEqual(set(others.values_list("state", flat=True)), {State.DRAFT})
        self.assertFalse(Assessment.objects.filter(agency__oversight="national").exists())

    def test_it_changes_nothing_when_run_again(self) -> None:
        before = {model.__name__: model._default_manager.count() for model in COUNTED}
        statuses = sorted(Submission.objects.values_list("tracking_code", "status"))
        load_demo()
        after = {model.__name__: model._default_manager.count() for model in COUNTED}
        self.assertEqual(after, before)
        self.assertEqual(
            sorted(Submission.objects.values_list("tracking_code", "status")), statuses
        )

    def test_it_restores_an_edited_card(self) -> None:
        service = Service.objects.get(slug="building-permit")
        service.title = "عنوان دست‌خورده"
        service.save()
        service.steps.all().delete()
        load_demo()
        service.refresh_from_db()
        self.assertEqual(service.title, "صدور پروانه ساختمانی")
        self.assertEqual(service.steps.count(), 5)

    def test_it_prints_how_to_sign_in(self) -> None:
        self.assertIn("http://127.0.0.1:8000/", self.output)
        self.assertIn("http://127.0.0.1:8000/accounts/login/", self.output)
        self.assertIn("http://127.0.0.1:8000/accounts/staff/login/", self.output)
        self.assertIn("http://127.0.0.1:8000/admin/", self.output)
        self.assertIn("۰۰۸۴۵۷۵۹۴۸", self.output)
        self.assertIn("۰۹۱۲۱۲۳۴۵۶۷", self.output)
        self.assertIn("demo-1404", self.output)
        for username in Staff.objects.values_list("user__username", flat=True):
            self.assertIn(username, self.output)
        # The demo citizen's requests (the survey demo's respondents are other citizens).
        mine = Submission.objects.filter(applicant__national_code="0084575948")
        for code in mine.values_list("tracking_code", flat=True):
            self.assertIn(code, self.output)

    def test_it_prints_first_the_staff_accounts_with_work_waiting(self) -> None:
        staff_part = self.output.split("(staff sign-in)")[1]
        waiting = staff_part.split("(work waiting)")[1].split("(no work waiting yet)")[0]
        first = waiting.removeprefix(":").split()[0]
        user = User.objects.get(username=first)
        self.assertTrue(inbox_for_staff(user.staff).exists(), first)
        self.assertLess(staff_part.index(first), staff_part.index("tehran6-admin"))

    def test_it_leaves_survey_results_to_look_at(self) -> None:
        from desk.surveys.models import Invitation, Response

        self.assertGreaterEqual(Response.objects.count(), 10)
        completed = Submission.objects.get(
            applicant__national_code="0084575948", status=Status.COMPLETED
        )
        self.assertTrue(Invitation.objects.filter(submission=completed).exists())
        self.assertTrue(Response.objects.exclude(comment="").exists())

    def test_the_property_transfer_request_asks_the_gas_company(self) -> None:
        from desk.inquiries.models import Inquiry
        from desk.inquiries.services import inquiries_send_for_step

        # The demo's surveys add finished requests of every service; this one is still open.
        submission = Submission.objects.exclude(status__in=[Status.COMPLETED, Status.REJECTED]).get(
            service__slug="property-transfer-inquiry"
        )
        assert submission.current_step is not None
        self.assertEqual(submission.current_step.key, "gas_inquiry")
        # What the step's subscriber does once load_demo's transaction commits.
        inquiries_send_for_step(submission_id=submission.pk, step_id=submission.current_step.pk)
        inquiry = Inquiry.objects.get(submission=submission)
        self.assertEqual(inquiry.to_agency.slug if inquiry.to_agency else "", "tehran-gas")
        self.assertEqual(inquiry.fields, ["registration_plate", "seller_national_code"])


class LoadDemoGuardTests(TestCase):
    def test_it_refuses_to_run_with_debug_off(self) -> None:
        with self.assertRaisesMessage(CommandError, "for development (DEBUG=1)"):
            call_command("load_demo", stdout=StringIO())

        self.assertFalse(User.objects.exists())

    @override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    def test_forced_with_debug_off_it_never_uses_the_documented_password(self) -> None:
        out = StringIO()

        call_command("load_demo", "--force", stdout=out)

        superuser = User.objects.get(is_superuser=True)
        self.assertFalse(superuser.check_password(DEMO_PASSWORD))
        self.assertNotIn(DEMO_PASSWORD, out.getvalue())
        password = out.getvalue().split("password for every account):")[1].split()[0]
        self.assertTrue(superuser.check_password(password))
