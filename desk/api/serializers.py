"""Each endpoint's input and output schema. Inputs are checked by the web's own Django forms
(``FormInput``): the same rules and the same Persian messages; outputs only name fields."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from desk.api.formschema import field_rules
from desk.catalog.models import FormField
from desk.submissions.forms import TrackForm

# --- the web's forms as input validators ---------------------------------------------------------


class FormInput(serializers.Serializer):
    """An input whose fields are declared for the schema and validated by ``form_class``."""

    form_class: ClassVar[type[forms.Form]]

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        files = getattr(data, "_files", None)
        form = self.form_class(data=_as_form_data(data), files=files, **self.form_kwargs())
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
                    for name, messages in form.errors.items()
                }
            )
        return dict(form.cleaned_data)


def _as_form_data(data: Any) -> Any:
    """JSON bodies as form data: numbers and booleans as the strings a form reads."""
    if hasattr(data, "getlist"):
        return data
    if not isinstance(data, dict):
        raise serializers.ValidationError({"non_field_errors": ["بدنه باید یک شیء JSON باشد."]})
    return {k: ("" if v is None else v if isinstance(v, list) else str(v)) for k, v in data.items()}


# --- catalog -----------------------------------------------------------------------------------


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


# --- public tracking ---------------------------------------------------------------------------


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


class TrackOut(serializers.Serializer):
    tracking_code = serializers.CharField()
    service = serializers.CharField(source="service.title")
    agency = serializers.CharField(source="agency.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    submitted_at = serializers.DateTimeField()
    due_on = serializers.DateField()
    current_step = serializers.CharField(
        source="current_step.citizen_label", default="", allow_null=True
    )
    next_step = NextStepOut()
    steps_ahead = serializers.ListField(child=serializers.CharField())
    timeline = TimelineEventOut(many=True)
