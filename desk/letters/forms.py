from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.catalog.models import Service
from desk.core.forms import NationalCodeField, NormalizedCharField, NormalizedTextField, StyledForm
from desk.lib.persian import to_persian_digits
from desk.lib.tracking import format_code
from desk.submissions.forms import MultiDocumentField
from desk.submissions.models import Submission
from desk.workflow.models import Department


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RequestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # As every page shows a tracking code: Persian digits, grouped in fours.
        return f"{obj.service.title} — {to_persian_digits(format_code(obj.tracking_code))}"


class LetterForm(StyledForm):
    """What a letter says; the agency is chosen by a citizen, fixed for a clerk."""

    agency = AgencyChoiceField(
        label=_("نامه به کدام دستگاه است؟"),
        queryset=Agency.objects.none(),
        empty_label=_("یک دستگاه را انتخاب کنید"),
        error_messages={"required": _("دستگاهی را که نامه به آن است انتخاب کنید.")},
    )
    subject = NormalizedCharField(
        label=_("موضوع نامه"),
        max_length=200,
        prose=True,
        help_text=_("در یک جمله کوتاه؛ مثلاً «اصلاح نشانی در پروانه کسب»."),
        error_messages={"required": _("موضوع نامه را بنویسید.")},
    )
    body = NormalizedTextField(
        label=_("متن نامه"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("متن نامه را بنویسید.")},
    )
    about = RequestChoiceField(
        label=_("درباره یکی از درخواست‌های شما"),
        queryset=Submission.objects.none(),
        required=False,
        empty_label=_("درباره درخواست خاصی نیست"),
    )
    documents = MultiDocumentField(
        label=_("پیوست‌ها"),
        required=False,
        help_text=_("PDF، JPG یا PNG؛ چند پرونده را می‌توانید با هم انتخاب کنید."),
    )

    def __init__(
        self,
        *args: Any,
        agencies: QuerySet[Agency] | None = None,
        requests: QuerySet[Submission] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        if agencies is None:
            del self.fields["agency"]
        else:
            agency.queryset = agencies
        about = self.fields["about"]
        assert isinstance(about, forms.ModelChoiceField)
        if requests is None:
            del self.fields["about"]
        else:
            about.queryset = requests


class PaperLetterForm(LetterForm):
    """A paper letter handed in at the desk: the writer by national code, the scan attached."""

    national_code = NationalCodeField(
        label=_("کد ملی نویسنده نامه"),
        help_text=_("۱۰ رقم؛ نویسنده باید پیش‌تر در میز خدمت ثبت‌نام کرده باشد."),
    )
    field_order = ["national_code", "subject", "body", "documents"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, agencies=None, requests=None, **kwargs)
        self.fields["documents"].label = _("تصویر اسکن‌شده نامه")
        self.fields["documents"].required = True
        self.fields["documents"].error_messages["required"] = _(
            "تصویر اسکن‌شده نامه را بارگذاری کنید."
        )
        self.fields["documents"].help_text = _("PDF، JPG یا PNG.")

    def clean_documents(self) -> list[Any]:
        documents: list[Any] = self.cleaned_data["documents"]
        if not documents:
            raise forms.ValidationError(_("تصویر اسکن‌شده نامه را بارگذاری کنید."))
        return documents


class RouteForm(StyledForm):
    department = forms.ModelChoiceField(
        label=_("واحد"),
        queryset=Department.objects.none(),
        error_messages={"required": _("واحدی را که نامه به آن می‌رود انتخاب کنید.")},
    )
    note = NormalizedTextField(
        label=_("یادداشت برای واحد"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments


class ReplyForm(StyledForm):
    body = NormalizedTextField(
        label=_("متن پاسخ به نویسنده"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("این متن با شماره صادره و کد صحت‌سنجی در سند PDF پاسخ می‌آید."),
        error_messages={"required": _("متن پاسخ را بنویسید.")},
    )


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.title)


class ConvertForm(StyledForm):
    service = ServiceChoiceField(
        label=_("خدمتی که نامه درخواست آن است"),
        queryset=Service.objects.none(),
        error_messages={"required": _("خدمتی را که درخواست برای آن ثبت می‌شود انتخاب کنید.")},
    )

    def __init__(self, *args: Any, services: QuerySet[Service], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = services
