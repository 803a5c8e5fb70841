"""The workflow admin names steps by their Persian labels, the key small beside them: the steps
and actions inlines, the choice of an action's target, the list of steps."""

from __future__ import annotations

import re

from django.test import override_settings
from django.urls import reverse

from desk.agencies.models import Role
from desk.test import BaseTestCase, create_staff, define_permit_workflow
from desk.workflow.models import Step
from desk.workflow.services import workflow_new_version


def _column_headers(html: str, prefix: str) -> list[str]:
    """The headers of the tabular inline ``prefix``, in page order."""
    group = html[html.index(f'id="{prefix}-group"') :]
    head = group[: group.index("</thead>")]
    return [
        re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    ]


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class StepNamesInTheAdminTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        admin_user = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin_user.is_staff = True
        admin_user.save(update_fields=["is_staff"])
        self.client.force_login(admin_user)
        published = define_permit_workflow(self.service)
        self.draft = workflow_new_version(workflow=published.workflow, actor=admin_user)
        self.intake = Step.objects.get(version=self.draft, key="intake")

    def test_the_steps_inline_puts_the_staff_label_before_the_key(self) -> None:
        url = reverse("admin:workflow_workflowversion_change", args=[self.draft.pk])
        headers = _column_headers(self.client.get(url).content.decode(), "steps")
        self.assertLess(headers.index("عنوان برای کارکنان"), headers.index("شناسه مرحله"))

    def test_the_actions_inline_puts_the_button_label_before_the_key(self) -> None:
        url = reverse("admin:workflow_step_change", args=[self.intake.pk])
        response = self.client.get(url)
        headers = _column_headers(response.content.decode(), "actions")
        self.assertLess(headers.index("عنوان دکمه"), headers.index("شناسه اقدام"))
        form = response.context["adminform"].form
        self.assertEqual(list(form.fields)[:2], ["staff_label", "citizen_label"])

    def test_an_actions_target_is_chosen_by_the_steps_label_with_its_key(self) -> None:
        url = reverse("admin:workflow_step_change", args=[self.intake.pk])
        response = self.client.get(url)
        self.assertContains(response, "بازدید و بررسی فنی (technical)")
        self.assertContains(response, "ردشده (rejected)")

    def test_the_list_of_steps_shows_each_label_with_its_key_small(self) -> None:
        response = self.client.get(reverse("admin:workflow_step_changelist"))
        self.assertContains(
            response, 'بررسی اولیه مدارک<br><small class="admin-key" dir="ltr">intake</small>'
        )
