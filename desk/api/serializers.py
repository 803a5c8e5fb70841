"""Each endpoint's input and output schema. Inputs are checked by the web's own Django forms
(``FormInput``): the same rules and the same Persian messages; outputs only name fields."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from desk.accounts.forms import CitizenLoginForm, ProfileForm
from desk.api.forms import (
    AppointmentBookForm,
    CitizenTokenForm,
    ConfirmForm,
    LetterApiForm,
    ObjectionApiForm,
    RequestComplaintApiForm,
    ServiceComplaintApiForm,
    StaffTokenForm,
)
from desk.api.formschema import field_rules
from desk.api.schema import ProblemSerializer
from desk.catalog.models import FormField
from desk.complaints.forms import AppealForm
from desk.core.forms import StrictBooleanField
from desk.submissions.forms import AssignForm, ReplyForm, StaffActionForm, TrackForm

# --- the web's forms as input validators ----------------------------------------------------------


class FormInput(serializers.Serializer):
    """An input whose fields are declared for the schema and validated by ``form_class``."""

    form_class: ClassVar[type[forms.Form]]

    def form_kwargs(self) -> dict[str, Any]:
        """What the form is built with besides the data (its choices): the view's ``form``
        context, so that no query is made here."""
        return dict(self.context.get("form", {}))

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        files = self.context.get("files")
        if hasattr(data, "getlist"):  # multipart: form data already
            form = self.form_class(data=data, files=files, **self.form_kwargs())
        else:
            form = self.form_class(data={}, files=files, **self.form_kwargs())
            # Bound to the body once its fields are known: a list only where a field takes
            # several values.
            form.data = _as_form_data(data, _multiple(form), _strict_booleans(form))
        if not form.is_valid():
            raise form_invalid(form)
        return dict(form.cleaned_data)


def form_invalid(form: forms.Form) -> serializers.ValidationError:
    """A Django form's errors as the API's: {field: [Persian messages]}."""
    return serializers.ValidationError(
        {
            ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
            for name, messages in form.errors.items()
        }
    )


def _multiple(form: forms.Form) -> set[str]:
    """The form's fields that take several values (checkboxes, multiple choice)."""
    return {
        name
        for name, field in form.fields.items()
        if getattr(field.widget, "allow_multiple_selected", False)
    }


_SCALARS = (str, int, float, bool)


def _strict_booleans(form: forms.Form) -> set[str]:
    """The form's yes/no fields that confirm an irreversible act (``StrictBooleanField``)."""
    return {name for name, field in form.fields.items() if isinstance(field, StrictBooleanField)}


def _as_form_data(
    data: Any, multiple: set[str], booleans: frozenset[str] | set[str] = frozenset()
) -> dict[str, Any]:
    """A JSON body as form data: numbers and booleans as the strings a form reads; a list
    only for a field in ``multiple``, of plain values. Anything else is refused by field, in
    Persian: a list or object where one value belongs would reach the form as its Python text
    («['a', 'b']») and be stored so. A field in ``booleans`` (a confirmation) takes JSON true
    or false only: «yes», «on» or 1 confirmed a rejection, which cannot be undone."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": ["بدنه باید یک شیء JSON باشد."]})
    converted: dict[str, Any] = {}
    refused: dict[str, list[str]] = {}
    for key, value in data.items():
        if key in booleans and value is not None and not isinstance(value, bool):
            refused[key] = ["فقط true یا false بنویسید."]
        elif value is None:
            converted[key] = ""
        elif isinstance(value, _SCALARS):
            converted[key] = str(value)
        elif isinstance(value, list) and key in multiple:
            if all(isinstance(item, _SCALARS) for item in value):
                converted[key] = [str(item) for item in value]
            else:
                refused[key] = ["هر گزینه باید یک مقدار ساده (متن یا عدد) باشد."]
        elif isinstance(value, list):
            refused[key] = ["این فیلد یک مقدار می‌گیرد، نه فهرست."]
        else:
            refused[key] = ["مقدار این فیلد باید متن یا عدد باشد، نه شیء."]
    if refused:
        raise serializers.ValidationError(refused)
    return converted


# --- catalog --------------------------------------------------------------------------------------


class AgencyOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    province = serializers.CharField()
    city = serializers.CharField()
    phone = serializers.CharField()
    service_count = serializers.IntegerField()


class CategoryOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    service_count = serializers.IntegerField()


class ServiceSummaryOut(serializers.Serializer):
    slug = serializers.CharField()
    national_id = serializers.CharField(help_text="شناسه خدمت در فهرست ملی")
    title = serializers.CharField()
    summary = serializers.CharField()
    agency = serializers.CharField(source="agency.slug")
    agency_name = serializers.CharField(source="agency.name")
    category = serializers.CharField(source="category.slug")
    duration_working_days = serializers.IntegerField()
    fee_amount = serializers.IntegerField(help_text="ریال")
    accepts_online = serializers.BooleanField()


class FieldRulesOut(serializers.Serializer):
    max_length = serializers.IntegerField(required=False)
    minimum = serializers.IntegerField(required=False)
    maximum = serializers.IntegerField(required=False)
    pattern = serializers.CharField(required=False)
    format = serializers.CharField(required=False)
    max_bytes = serializers.IntegerField(required=False)
    content_types = serializers.ListField(child=serializers.CharField(), required=False)


class FormFieldOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    kind = serializers.CharField(
        help_text="text, textarea, number, national_code, mobile, "
        "postal_code, date, choice, yes_no, file"
    )
    required = serializers.BooleanField()  # type: ignore[assignment]
    help_text = serializers.CharField()  # type: ignore[assignment]
    choices = serializers.ListField(child=serializers.CharField(), source="choice_list")
    filled_by_registry = serializers.BooleanField(
        source="fills_from_registry",
        help_text="پاسخ از سامانه ملی خوانده می‌شود؛ می‌تواند خالی بماند",
    )
    rules = serializers.SerializerMethodField()

    @extend_schema_field(FieldRulesOut)
    def get_rules(self, field: FormField) -> dict[str, Any]:
        return field_rules(field)


class StepOut(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField()


class DocumentOut(serializers.Serializer):
    title = serializers.CharField()
    description = serializers.CharField()
    is_required = serializers.BooleanField()


class RegulationOut(serializers.Serializer):
    title = serializers.CharField()
    reference = serializers.CharField()


class FaqOut(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()


class ServiceOut(ServiceSummaryOut):
    description = serializers.CharField()
    audience = serializers.CharField()
    nature = serializers.CharField()
    level = serializers.CharField()
    life_event = serializers.CharField()
    trigger = serializers.CharField()
    in_person_visits = serializers.IntegerField()
    channels = serializers.ListField(child=serializers.CharField())
    average_duration_days = serializers.IntegerField()
    maturity = serializers.CharField()
    fee_description = serializers.CharField()
    pay_at_application = serializers.BooleanField()
    complaint_procedure = serializers.CharField()
    responsible_name = serializers.CharField()
    responsible_title = serializers.CharField()
    responsible_phone = serializers.CharField()
    steps = StepOut(many=True, source="steps.all")
    documents = DocumentOut(many=True, source="documents.all")
    regulations = RegulationOut(many=True, source="regulations.all")
    faqs = FaqOut(many=True, source="faqs.all")
    form = FormFieldOut(many=True, source="form_fields.all")


class PageOut(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()


class ServicePageOut(PageOut):
    results = ServiceSummaryOut(many=True)


class ExportRowOut(serializers.Serializer):
    """One service card in the national registry's fields (docs/integrations.md)."""

    national_id = serializers.CharField()
    title = serializers.CharField()
    agency = serializers.CharField()
    agency_name = serializers.CharField()
    category = serializers.CharField()
    audience = serializers.CharField()
    nature = serializers.CharField()
    level = serializers.CharField()
    life_event = serializers.CharField()
    trigger = serializers.CharField()
    in_person_visits = serializers.IntegerField()
    channels = serializers.ListField(child=serializers.CharField())
    maturity = serializers.CharField()
    duration_working_days = serializers.IntegerField()
    average_duration_days = serializers.IntegerField(allow_null=True)
    annual_volume = serializers.IntegerField(allow_null=True)
    fee_amount = serializers.IntegerField()
    accepts_online = serializers.BooleanField()
    url = serializers.URLField()
    updated_at = serializers.DateTimeField()
    measured_average_days = serializers.FloatField(allow_null=True)
    measured_annual_volume = serializers.IntegerField(allow_null=True)
    measured_in_person_visits = serializers.FloatField(allow_null=True)


class CatalogExportOut(serializers.Serializer):
    schema_version = serializers.CharField()
    export_version = serializers.CharField(help_text="همان ETag؛ با تغییر هر شناسنامه عوض می‌شود")
    generated_at = serializers.DateTimeField()
    agency = serializers.CharField(allow_null=True)
    count = serializers.IntegerField()
    codes = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField()),
        help_text="برچسب فارسی هر کد",
    )
    services = ExportRowOut(many=True)


# --- public tracking ------------------------------------------------------------------------------


class TrackIn(FormInput):
    code = serializers.CharField(max_length=40, help_text="کد رهگیری")
    national_code = serializers.CharField(max_length=12, help_text="کد ملی متقاضی")

    form_class = TrackForm


class NextStepOut(serializers.Serializer):
    now = serializers.CharField()
    todo = serializers.CharField()
    link_label = serializers.CharField()
    link = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    fee = serializers.IntegerField()


class TimelineEventOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    message = serializers.CharField()
    status_after = serializers.CharField()
    created_at = serializers.DateTimeField()


class RequestHeadOut(serializers.Serializer):
    """What every view of a request starts with."""

    tracking_code = serializers.CharField()
    service = serializers.CharField(source="service.title")
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    due_on = serializers.DateField()


class StatusLabelOut(serializers.Serializer):
    status_label = serializers.CharField(source="get_status_display")


class ApplicantStepOut(serializers.Serializer):
    """The staff's view of a request: whose it is and the current step's deadline."""

    applicant_name = serializers.CharField()
    applicant_national_code = serializers.CharField()
    step_due_on = serializers.DateField(allow_null=True)
    held = serializers.BooleanField()


class TrackOut(RequestHeadOut, StatusLabelOut):
    agency = serializers.CharField(source="agency.name")
    current_step = serializers.CharField(
        source="current_step.citizen_label", default="", allow_null=True
    )
    next_step = NextStepOut()
    steps_ahead = serializers.ListField(child=serializers.CharField())
    timeline = TimelineEventOut(many=True)


# --- sign-in --------------------------------------------------------------------------------------


class CodeRequestIn(FormInput):
    national_code = serializers.CharField(max_length=12)
    mobile = serializers.CharField(max_length=16, help_text="مثلاً 09121234567")
    form_class = CitizenLoginForm


class CodeSentOut(serializers.Serializer):
    mobile = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="ثانیه")


class CitizenTokenIn(FormInput):
    mobile = serializers.CharField(max_length=16)
    code = serializers.CharField(max_length=12)
    form_class = CitizenTokenForm


class StaffTokenIn(FormInput):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, style={"input_type": "password"})
    code = serializers.CharField(
        max_length=20, required=False, help_text="کد برنامه احراز هویت یا یک کد بازیابی"
    )
    form_class = StaffTokenForm


class PersonOut(serializers.Serializer):
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    national_code = serializers.CharField(allow_null=True)
    mobile = serializers.CharField()


class TokenOut(serializers.Serializer):
    token = serializers.CharField(help_text="فقط همین یک بار نشان داده می‌شود")
    kind = serializers.CharField()
    expires_at = serializers.DateTimeField()
    person = PersonOut()


class ProfileIn(FormInput):
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    form_class = ProfileForm


# --- a citizen's requests -------------------------------------------------------------------------


class RequestSummaryOut(RequestHeadOut, StatusLabelOut):
    service_slug = serializers.CharField(source="service.slug")


class RequestPageOut(PageOut):
    results = RequestSummaryOut(many=True)


class AnswerOut(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.CharField(help_text="the answer as shown; a file question: the file's name")
    attachment = serializers.UUIDField(
        allow_null=True, help_text="a file question: the attachment's id (files/{id}/); else null"
    )


class AttachmentOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField()


class AnswersFilesOut(serializers.Serializer):
    answers = AnswerOut(many=True)
    attachments = AttachmentOut(many=True)


class RequestOut(TrackOut, AnswersFilesOut):
    can_reply = serializers.BooleanField(help_text="دستگاه مدرک یا توضیح خواسته است")


class ApplicationIn(serializers.Serializer):
    """Documented only: a service's own form (GET its card) checks the answers."""

    service = serializers.SlugField(help_text="نشانی کوتاه خدمت")


class DocumentsIn(FormInput):
    """Documents sent with a multipart call (PDF, JPG or PNG), checked as on the web."""

    documents = serializers.ListField(child=serializers.FileField(), required=False)


class ReplyIn(DocumentsIn):
    message = serializers.CharField(max_length=2000, required=False)
    form_class = ReplyForm


# --- staff ----------------------------------------------------------------------------------------


class InboxRowOut(RequestHeadOut, ApplicantStepOut):
    overdue = serializers.BooleanField(source="is_overdue")


class InboxPageOut(PageOut):
    results = InboxRowOut(many=True)


class ActionOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    needs_message = serializers.BooleanField()
    needs_result = serializers.BooleanField()
    rejects = serializers.BooleanField()
    asks_citizen = serializers.BooleanField()
    completes = serializers.BooleanField()
    needs_confirmation = serializers.BooleanField(help_text="rejects یا completes")


class StaffEventOut(TimelineEventOut):
    is_public = serializers.BooleanField()
    actor = serializers.CharField(allow_null=True)


class StaffRequestOut(RequestHeadOut, StatusLabelOut, ApplicantStepOut, AnswersFilesOut):
    channel = serializers.CharField()
    current_step = serializers.CharField(source="current_step.staff_label", default="")
    department = serializers.CharField(source="department.name", default="")
    assigned_to = serializers.IntegerField(source="assigned_to_id", allow_null=True)
    timeline = StaffEventOut(many=True)
    actions = ActionOut(many=True)


class StaffActionIn(DocumentsIn):
    action = serializers.CharField()
    message = serializers.CharField(max_length=2000, required=False)
    confirmed = serializers.BooleanField(
        required=False, help_text="لازم برای اقدامی که درخواست را رد می‌کند یا پایان می‌دهد"
    )
    form_class = StaffActionForm


class AssignIn(FormInput):
    assignee = serializers.IntegerField(allow_null=True, required=False, help_text="شناسه کارمند")
    form_class = AssignForm


# --- payments -------------------------------------------------------------------------------------


class ChargeOptionOut(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    amount = serializers.IntegerField()


class ChargeOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    purpose = serializers.CharField()
    reason = serializers.CharField()
    amount = serializers.IntegerField(help_text="ریال")
    state = serializers.CharField()
    needs_choice = serializers.BooleanField()
    options = ChargeOptionOut(many=True)
    option_label = serializers.CharField()
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)


class ColleagueOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="the assignee of staff/requests/{code}/assign/")
    name = serializers.CharField()
    role = serializers.CharField()


class ChooseIn(serializers.Serializer):
    option = serializers.IntegerField(
        min_value=0, help_text="the index of one of the charge's options (0 is the first)"
    )


class RedirectOut(serializers.Serializer):
    url = serializers.URLField()
    method = serializers.ChoiceField(choices=["GET", "POST"])
    form_fields = serializers.DictField(
        child=serializers.CharField(), help_text="برای method=POST: فیلدهای فرمی که فرستاده می‌شود"
    )


class PaymentOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    charge = serializers.UUIDField(source="charge.public_id")
    amount = serializers.IntegerField()
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    reference = serializers.CharField()
    created_at = serializers.DateTimeField()
    settled_at = serializers.DateTimeField(allow_null=True)


class PaymentStartOut(serializers.Serializer):
    payment = PaymentOut()
    redirect = RedirectOut(help_text="صفحه بانک: در مرورگر باز کنید (GET یا فرم POST)")


# --- surveys --------------------------------------------------------------------------------------


class QuestionOut(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    hint = serializers.CharField()
    kind = serializers.CharField(help_text="scale (1..5) | text")
    labels = serializers.ListField(child=serializers.CharField())
    allow_not_applicable = serializers.BooleanField()
    required = serializers.BooleanField()  # type: ignore[assignment]


MAX_ANSWER_LENGTH = 2000


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0, "maximum": 5},
            {"type": "string", "maxLength": MAX_ANSWER_LENGTH},
        ]
    }
)
class AnswerField(serializers.Field):
    """One survey answer as ``answers_of`` gives it and ``response_save`` takes it: a scale
    question's score, an integer 1–5 (0: «did not happen to me»), or a text question's text.
    A score may be sent as its digits too ("5"), as the web form sends it."""

    def to_internal_value(self, data: Any) -> int | str:
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError(_("پاسخ باید عدد ۱ تا ۵ یا متن باشد."))
        if isinstance(data, str) and len(data) > MAX_ANSWER_LENGTH:
            raise serializers.ValidationError(_("پاسخ حداکثر ۲۰۰۰ نویسه است."))
        return data

    def to_representation(self, value: int | str) -> int | str:
        return value


class SurveyOut(serializers.Serializer):
    open = serializers.BooleanField()
    questions = QuestionOut(many=True)
    answers = serializers.DictField(
        child=AnswerField(), help_text="پاسخ‌های ثبت‌شده: کلید پرسش → عدد ۰ تا ۵، یا متن"
    )


class SurveyIn(serializers.Serializer):
    answers = serializers.DictField(
        child=AnswerField(),
        help_text="کلید پرسش → ۱ تا ۵ (یا 0 = موردی نداشت)، یا متن",
    )


# --- agencies' systems (API keys) -----------------------------------------------------------------


class OnBehalfIn(serializers.Serializer):
    """Documented only: the applicant, the service and its form (as for a citizen)."""

    service = serializers.SlugField()
    national_code = serializers.CharField(max_length=12)
    mobile = serializers.CharField(max_length=16)


class AgencyRequestOut(TrackOut):
    channel = serializers.CharField()


class InquiryOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    from_agency = serializers.CharField(source="from_agency.name", default="")
    remote_agency = serializers.CharField()
    case_reference = serializers.CharField()
    question = serializers.CharField()
    state = serializers.CharField()
    sent_at = serializers.DateTimeField()
    due_on = serializers.DateField()


class InquiryPageOut(PageOut):
    results = InquiryOut(many=True)


# --- shared parts of the citizen's bookings, complaints and letters -------------------------------


class FileOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class ConfirmIn(FormInput):
    confirmed = serializers.BooleanField(
        required=False, help_text="لازم: true؛ این کار برگشت‌پذیر نیست"
    )
    form_class = ConfirmForm


class TextIn(FormInput):
    text = serializers.CharField(max_length=4000, help_text="شرح؛ نام و تلفن کسی را ننویسید")


class DocumentIn(TextIn):
    document = serializers.FileField(required=False, help_text="یک پیوست (اختیاری)")


# --- appointments ---------------------------------------------------------------------------------


class OfficeOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    map_url = serializers.CharField()


class SlotOut(serializers.Serializer):
    slot = serializers.CharField(source="key", help_text="همین را برای گرفتن نوبت بفرستید")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    remaining = serializers.IntegerField(help_text="جای خالی")


class SlotsOut(serializers.Serializer):
    service = serializers.CharField(source="service.slug")
    office = OfficeOut()
    offices = OfficeOut(many=True)
    requested_on = serializers.DateField(source="offer.requested_on")
    promised_by = serializers.DateField(
        source="offer.promised_by", help_text="نوبت تا این روز: ۳ روز کاری پس از درخواست"
    )
    keeps_promise = serializers.BooleanField(source="offer.keeps_promise")
    slots = SlotOut(many=True, source="offer.slots")


class SlotsQueryIn(serializers.Serializer):
    office = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    request = serializers.CharField(required=False, max_length=40, help_text="کد رهگیری درخواست")


class BookIn(FormInput):
    service = serializers.SlugField(help_text="نشانی کوتاه خدمت")
    office = serializers.IntegerField(required=False, help_text="شناسه دفتر؛ پیش‌فرض: نخستین")
    slot = serializers.CharField(help_text="slot یکی از نوبت‌های آزاد")
    request = serializers.CharField(
        required=False, help_text="کد رهگیری درخواستی که نوبت برای آن است"
    )
    form_class = AppointmentBookForm


class AppointmentOut(serializers.Serializer):
    booking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    service = serializers.CharField(source="service.title")
    service_slug = serializers.CharField(source="service.slug")
    office = OfficeOut()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    queue_number = serializers.IntegerField(allow_null=True)
    request = serializers.CharField(
        source="submission.tracking_code", default=None, allow_null=True
    )
    cancelled_at = serializers.DateTimeField(allow_null=True)


class AppointmentPageOut(PageOut):
    results = AppointmentOut(many=True)


class SlotProblemOut(ProblemSerializer):
    """A refused booking; when the slot was taken, the next free ones come with it."""

    alternatives = SlotOut(many=True, required=False)


# --- complaints -----------------------------------------------------------------------------------


class CaseOut(serializers.Serializer):
    """What a citizen's complaint and letter both start with: its code, the agency it went to
    and the day the agency's answer is due."""

    tracking_code = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    due_on = serializers.DateField()


class ComplaintSummaryOut(CaseOut):
    kind = serializers.CharField(help_text="complaint | objection")
    kind_label = serializers.CharField(source="get_kind_display")
    about = serializers.CharField(help_text="service | request | staff")
    service = serializers.CharField(source="service.title", default=None, allow_null=True)
    request = serializers.CharField(
        source="submission.tracking_code", default=None, allow_null=True
    )
    state = serializers.CharField()
    state_label = serializers.CharField(source="get_state_display")
    filed_at = serializers.DateTimeField()


class ComplaintPageOut(PageOut):
    results = ComplaintSummaryOut(many=True)


class ComplaintOut(ComplaintSummaryOut):
    text = serializers.CharField()
    answer = serializers.CharField()
    outcome = serializers.CharField(help_text="upheld | dismissed | خالی")
    answered_at = serializers.DateTimeField(allow_null=True)
    may_appeal = serializers.BooleanField()
    appeal_until = serializers.DateField(allow_null=True)
    appeal_text = serializers.CharField()
    appealed_at = serializers.DateTimeField(allow_null=True)
    appeal_outcome = serializers.CharField()
    appeal_decision = serializers.CharField()
    appeal_decided_at = serializers.DateTimeField(allow_null=True)
    attachments = FileOut(many=True, source="attachments.all")


class ServiceComplaintIn(DocumentIn):
    service = serializers.SlugField(help_text="نشانی کوتاه خدمت")
    form_class = ServiceComplaintApiForm


class RequestComplaintIn(DocumentIn):
    about = serializers.ChoiceField(choices=["request", "staff"])
    staff_member = serializers.IntegerField(
        required=False, help_text="برای about=staff: یکی از staff در GET همین نشانی"
    )
    form_class = RequestComplaintApiForm


class ObjectionIn(DocumentIn):
    form_class = ObjectionApiForm


class AppealIn(TextIn):
    form_class = AppealForm


class StaffChoiceOut(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]


class ComplaintOptionsOut(serializers.Serializer):
    staff = StaffChoiceOut(many=True, help_text="کارکنانی که روی این درخواست اقدام کرده‌اند")
    may_object = serializers.BooleanField(help_text="اعتراض به رد درخواست هنوز ممکن است")
    objection_until = serializers.DateField(allow_null=True)


# --- letters --------------------------------------------------------------------------------------


class LetterSummaryOut(CaseOut, StatusLabelOut):
    number = serializers.CharField(help_text="شماره ثبت دبیرخانه")
    agency_slug = serializers.CharField(source="agency.slug")
    subject = serializers.CharField()
    status = serializers.CharField()
    registered_at = serializers.DateTimeField()


class LetterPageOut(PageOut):
    results = LetterSummaryOut(many=True)


class LetterFileOut(FileOut):
    name = serializers.CharField(source="original_name")


class LetterReplyOut(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    number = serializers.CharField()
    body = serializers.CharField()
    issued_at = serializers.DateTimeField()
    verification_code = serializers.CharField()


class LetterNoteOut(serializers.Serializer):
    kind = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()


class LetterOut(LetterSummaryOut):
    body = serializers.CharField()
    about = serializers.CharField(source="about.tracking_code", default=None, allow_null=True)
    channel = serializers.CharField()
    attachments = LetterFileOut(many=True)
    replies = LetterReplyOut(many=True)
    notes = LetterNoteOut(many=True)


class LetterIn(DocumentsIn):
    agency = serializers.SlugField(help_text="نشانی کوتاه دستگاه (catalog/agencies)")
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=6000)
    about = serializers.CharField(required=False, help_text="کد رهگیری یکی از درخواست‌های شما")
    form_class = LetterApiForm
