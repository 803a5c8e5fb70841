from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.agencies.models import Agency
from desk.core.dates import JalaliDatePartsField
from desk.core.forms import (
    DocumentField,
    NormalizedCharField,
    NormalizedTextField,
    PersianIntegerField,
    StyledForm,
)
from desk.evaluation.models import DEFAULT_OBJECTION_DAYS, Answer, Template
from desk.evaluation.services import Review
from desk.lib.persian import to_persian_digits

DATE_HINT = _("روز، ماه و سال شمسی؛ مثلاً ۳۰ ۶ ۱۴۰۵")


class _TemplateChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} — نسخه {to_persian_digits(obj.version)}"


class CycleForm(StyledForm):
    title = NormalizedCharField(
        label=_("عنوان دوره"),
        max_length=200,
        help_text=_("مثلاً «ارزیابی نیمه نخست ۱۴۰۵»"),
        error_messages={"required": _("عنوان دوره را بنویسید.")},
    )
    template = _TemplateChoice(
        queryset=Template.objects.all(),
        label=_("چک‌لیست"),
        empty_label=None,
        error_messages={"required": _("چک‌لیست را انتخاب کنید.")},
    )
    province = forms.ChoiceField(label=_("دستگاه‌های کدام استان؟"), required=False)
    period_starts_on = JalaliDatePartsField(label="آغاز دوره ارزیابی", help_text=DATE_HINT)
    period_ends_on = JalaliDatePartsField(label="پایان دوره ارزیابی", help_text=DATE_HINT)
    self_due_on = JalaliDatePartsField(
        label="مهلت فرستادن خوداظهاری",
        help_text=_("دستگاه‌ها تا پایان این روز خوداظهاری را می‌فرستند؛ مثلاً ۱۵ ۷ ۱۴۰۵"),
    )
    objection_days = PersianIntegerField(
        label=_("مهلت اعتراض به نتیجه (روز)"),
        min_value=1,
        max_value=60,
        initial=DEFAULT_OBJECTION_DAYS,
        help_text=_("پس از اعلام نتیجه، دستگاه این چند روز فرصت اعتراض دارد."),
        error_messages={
            "required": _("مهلت اعتراض را به روز بنویسید."),
            "min_value": _("مهلت اعتراض دست‌کم ۱ روز است."),
            "max_value": _("مهلت اعتراض حداکثر ۶۰ روز است."),
        },
    )

    def clean_title(self) -> str:
        # Shown on every page, SMS and report: digits as people read them («۱۴۰۵»).
        return to_persian_digits(self.cleaned_data["title"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = (
            Agency.objects.exclude(province="")
            .order_by("province")
            .values_list("province", flat=True)
            .distinct()
        )
        self.fields["province"].choices = [("", _("همه استان‌ها (کل کشور)"))] + [  # type: ignore[attr-defined]
            (p, p) for p in provinces
        ]


def _score_field(answer: Answer, label: Any, required: bool) -> forms.TypedChoiceField:
    choices = [
        (n, f"{to_persian_digits(n)} — {text}" if text else to_persian_digits(n))
        for n, text in answer.indicator.level_choices()
    ]
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": _("امتیاز این شاخص را انتخاب کنید.")},
    )


class AnswerForm(StyledForm):
    """The agency admin's answer to one indicator."""

    self_note = NormalizedTextField(
        label=_("توضیح"),
        required=False,
        max_length=4000,
        help_text=_("آنچه انجام شده و کجا دیده می‌شود."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    document = DocumentField(
        label=_("بارگذاری مستند"),
        required=False,
        help_text=_("PDF یا تصویر JPEG/PNG"),
    )
    attach_kpi = forms.BooleanField(
        label=_("رقم سنجیده‌شده سامانه را به‌عنوان مستند پیوست کن"), required=False
    )

    def __init__(self, *args: Any, answer: Answer, kpi_available: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "self_score": _score_field(answer, _("امتیاز خوداظهاری"), required=True),
            **self.fields,
        }
        self.fields["self_score"].error_messages["required"] = _("امتیاز خوداظهاری را انتخاب کنید.")
        if not kpi_available:
            del self.fields["attach_kpi"]
        self.style_fields()


class ReviewForm(StyledForm):
    """The evaluator's score, comment and question for every indicator of an assessment."""

    def __init__(self, *args: Any, answers: list[Answer], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[tuple[Answer, str, str, str]] = []
        for answer in answers:
            pk = answer.indicator_id
            self.fields[f"score_{pk}"] = _score_field(answer, _("امتیاز ارزیاب"), required=False)
            self.fields[f"comment_{pk}"] = NormalizedTextField(
                label=_("نظر ارزیاب"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"question_{pk}"] = NormalizedTextField(
                label=_("مستند بیشتری لازم است؟ چه چیزی"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.initial.setdefault(f"score_{pk}", answer.review_score)
            self.initial.setdefault(f"comment_{pk}", answer.review_comment)
            self.initial.setdefault(f"question_{pk}", answer.question)
            self.rows.append((answer, f"score_{pk}", f"comment_{pk}", f"question_{pk}"))
        self.style_fields()

    def reviews(self) -> dict[int, Review]:
        data = self.cleaned_data
        return {
            answer.indicator_id: Review(
                score=data.get(s) if data.get(s) not in ("", None) else None,
                comment=data.get(c) or "",
                question=data.get(q) or "",
            )
            for answer, s, c, q in self.rows
        }

    def rows_bound(self) -> list[tuple[Answer, Any, Any, Any]]:
        return [(a, self[s], self[c], self[q]) for a, s, c, q in self.rows]


class ObjectionForm(StyledForm):
    text = NormalizedTextField(
        label=_("دلیل اعتراض"),
        max_length=4000,
        help_text=_("کدام شاخص‌ها و چرا؛ مستندی که ارزیاب ندیده است."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("دلیل اعتراض را بنویسید.")},
    )


class DecisionForm(StyledForm):
    decision = NormalizedTextField(
        label=_("رأی درباره اعتراض"),
        max_length=4000,
        help_text=_("امتیازها را پیش از رأی در همین صفحه اصلاح کنید؛ رأی نتیجه را قطعی می‌کند."),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("رأی را بنویسید.")},
    )
