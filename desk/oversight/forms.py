from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from desk.lib import jalali
from desk.lib.persian import to_persian_digits
from desk.oversight.kpis import KPI_BY_NAME, LEAGUE_KPIS
from desk.surveys.forms import period_choices
from desk.surveys.selectors import Period


class PeriodForm(forms.Form):
    """The dashboards' period (a GET form: every view of the figures has an address)."""

    year = forms.TypedChoiceField(label=_("سال"), coerce=int)
    period = forms.ChoiceField(label=_("دوره"), choices=period_choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = jalali.to_jalali(jalali.today_tehran()).year
        year = self.fields["year"]
        assert isinstance(year, forms.ChoiceField)
        year.choices = [(y, to_persian_digits(y)) for y in range(this_year, this_year - 5, -1)]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def period_value(self) -> Period:
        return Period.from_code(self.cleaned_data["year"], self.cleaned_data["period"])


class LeagueForm(PeriodForm):
    kpi = forms.ChoiceField(
        label=_("رتبه‌بندی بر پایه"),
        choices=[(name, KPI_BY_NAME[name].label) for name in LEAGUE_KPIS],
    )


class CaseReviewForm(forms.Form):
    reason = forms.CharField(
        label=_("دلیل بررسی موردی"),
        help_text=_("مثلاً «شکایت‌های مکرر از تأخیر در پروانه ساختمانی». این دلیل ثبت می‌شود."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=1000,
        error_messages={"required": _("دلیل بررسی موردی را بنویسید.")},
    )
