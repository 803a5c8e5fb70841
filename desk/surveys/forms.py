from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.core.forms import name_field_errors
from desk.lib import jalali
from desk.lib.persian import to_persian_digits
from desk.surveys.models import Question, QuestionKind
from desk.surveys.selectors import GroupBy, Period
from desk.surveys.services import NOT_APPLICABLE

NOT_APPLICABLE_LABEL = _("موردی نداشت")


class QuestionForm(forms.Form):
    """One question of a survey: five answers (best first), maybe «موردی نداشت», or a text."""

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        if question.kind == QuestionKind.TEXT:
            self.fields["answer"] = forms.CharField(
                label=question.text,
                help_text=question.hint,
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
            )
            name_field_errors(self.fields["answer"])
            return
        choices = [(str(score), label) for score, label in reversed(question.choices)]
        if question.allow_not_applicable:
            choices.append((str(NOT_APPLICABLE), str(NOT_APPLICABLE_LABEL)))
        self.fields["answer"] = forms.TypedChoiceField(
            label=question.text,
            help_text=question.hint,
            choices=choices,
            coerce=int,
            required=question.required,
            widget=forms.RadioSelect,
            error_messages={"required": _("یکی از گزینه‌ها را انتخاب کنید.")},
        )

    def value(self) -> int | str | None:
        value = self.cleaned_data.get("answer")
        return None if value == "" and self.question.kind == QuestionKind.SCALE else value


def period_choices() -> list[tuple[str, str]]:
    return [
        ("y", str(_("کل سال"))),
        *[(f"q{n}", name) for n, name in enumerate(("بهار", "تابستان", "پاییز", "زمستان"), 1)],
        *[(f"m{n}", jalali.month_name(n)) for n in range(1, 13)],
    ]


GROUP_CHOICES = [
    ("service", _("خدمت")),
    ("month", _("ماه")),
    ("agency", _("دستگاه")),
    ("province", _("استان")),
]


class ResultsForm(forms.Form):
    """The results page's filters (a GET form: every view of the figures has an address)."""

    year = forms.TypedChoiceField(label=_("سال"), coerce=int)
    period = forms.ChoiceField(label=_("دوره"), choices=period_choices)
    group_by = forms.ChoiceField(label=_("به تفکیک"), choices=GROUP_CHOICES)
    service = forms.TypedChoiceField(label=_("خدمت"), coerce=int, required=False, empty_value=None)

    def __init__(
        self, *args: Any, services: list[tuple[int, str]], national: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        this_year = jalali.to_jalali(jalali.today_tehran()).year
        years = [(y, to_persian_digits(y)) for y in range(this_year, this_year - 5, -1)]
        self._choices("year", years)
        self._choices("service", [("", _("همه خدمت‌ها")), *services])
        if not national:  # one agency: grouping by agency or province tells nothing
            self._choices("group_by", GROUP_CHOICES[:2])
        else:  # every agency: thousands of services are no list to choose from
            del self.fields["service"]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def _choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def period_value(self) -> Period:
        return Period.from_code(self.cleaned_data["year"], self.cleaned_data["period"])

    def group_value(self) -> GroupBy:
        group: GroupBy = self.cleaned_data["group_by"]
        return group
