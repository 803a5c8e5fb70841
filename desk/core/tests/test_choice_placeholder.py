"""A list of rows not chosen yet says «انتخاب کنید», never Django's «---------»."""

from __future__ import annotations

from django import forms
from django.test import TestCase

from desk.agencies.models import Agency
from desk.core.forms import StyledForm


class PlaceholderTests(TestCase):
    def test_a_model_choice_says_choose_in_persian(self) -> None:
        class Pick(StyledForm):
            agency = forms.ModelChoiceField(queryset=Agency.objects.all())
            kept = forms.ModelChoiceField(queryset=Agency.objects.all(), empty_label="هیچ‌کدام")

        html = str(Pick())
        self.assertIn(">انتخاب کنید</option>", html)
        self.assertIn(">هیچ‌کدام</option>", html)  # a form's own words are kept
        self.assertNotIn("---------", html)
