"""«confirmed» before an irreversible act (cancel a booking, reject or complete a request)
is true or false, never any other text taken as yes: «no» and «maybe» cancelled bookings
and rejected requests."""

from __future__ import annotations

from django.test import SimpleTestCase

from desk.api.forms import ConfirmForm
from desk.api.serializers import _as_form_data
from desk.submissions.forms import StaffActionForm


class ConfirmedTests(SimpleTestCase):
    def confirmed(self, form_class: type, value: object) -> tuple[bool, object]:
        form = form_class(data={})
        form.data = _as_form_data({"confirmed": value}, set())
        valid = form.is_valid()
        return valid, form.cleaned_data.get("confirmed") if valid else form.errors

    def test_only_true_or_false_confirms_or_declines(self) -> None:
        accepted: tuple[tuple[object, bool], ...] = (
            (True, True),
            ("true", True),
            ("1", True),
            (False, False),
            ("no", False),
            ("false", False),
        )
        for value, expected in accepted:
            with self.subTest(value=value):
                self.assertEqual(self.confirmed(ConfirmForm, value), (True, expected))
        refused: tuple[object, ...] = ("maybe", "yes please", 2, "نه")
        for value in refused:
            with self.subTest(value=value):
                valid, errors = self.confirmed(ConfirmForm, value)
                self.assertFalse(valid)
                self.assertIn("true یا false", str(errors))

    def test_a_staff_action_is_not_confirmed_by_any_text(self) -> None:
        form = StaffActionForm(data={"action": "reject", "confirmed": "maybe"})
        form.is_valid()
        self.assertIn("confirmed", form.errors)
