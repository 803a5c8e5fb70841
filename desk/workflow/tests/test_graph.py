"""The workflow drawn beside its editor in the admin: steps and actions, right to left."""

from __future__ import annotations

import re

from django.test import override_settings
from django.urls import reverse

from desk.agencies.models import Role
from desk.test import BaseTestCase, create_staff, define_permit_workflow
from desk.workflow.models import Action


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class WorkflowGraphTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.version = define_permit_workflow(self.service)
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin.is_staff = True
        admin.save()
        self.client.force_login(admin)

    def _svg(self, url: str) -> str:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        found = re.search(r'<svg class="wf-graph".*?</svg>', response.content.decode(), re.S)
        assert found is not None, "no graph on the page"
        return found.group(0)

    def test_the_version_page_draws_every_step_and_action_beside_the_editor(self) -> None:
        url = reverse("admin:workflow_workflowversion_change", args=[self.version.pk])
        page = self.client.get(url).content.decode()
        self.assertIn('id="content-related" class="wf-aside"', page)
        svg = self._svg(url)
        for step in self.version.steps.all():
            self.assertIn(step.staff_label[:20], svg)
        actions = Action.objects.filter(source__version=self.version)
        self.assertEqual(svg.count('<g class="wf-edge'), actions.count())
        for action in actions:
            self.assertIn(action.label[:12], svg)
        self.assertIn('direction="rtl"', svg)
        self.assertNotIn("style=", svg)  # the Content-Security-Policy allows no style attribute

    def test_a_step_page_shows_the_graph_with_that_step_marked(self) -> None:
        step = self.version.steps.order_by("order").first()
        assert step is not None
        svg = self._svg(reverse("admin:workflow_step_change", args=[step.pk]))
        self.assertEqual(svg.count("wf-current"), 1)
        self.assertIn(step.staff_label[:20], svg.split("wf-current")[1][:400])
