"""The service card's declared figures beside the measured ones, in the admin."""

from __future__ import annotations

from django.urls import reverse

from desk.accounts.models import User
from desk.catalog.models import Service
from desk.oversight.aggregation import aggregate_days
from desk.oversight.tests.world import FIRST, LAST, World
from desk.test import BaseTestCase


class MeasuredInTheAdminTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.world = World(self).build()
        aggregate_days(FIRST, LAST)
        self.root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        self.client.force_login(self.root)

    def test_the_change_page_shows_measured_beside_declared(self) -> None:
        url = reverse("admin:catalog_service_change", args=[self.world.s1.pk])
        page = self.client.get(url)
        self.assertContains(page, "اندازه‌گیری‌شده از درخواست‌ها")
        self.assertContains(page, "میانگین مدت انجام: ۴ روز کاری (اعلام‌شده: ۰)")
        self.assertContains(page, "تعداد درخواست در سال: ۶")

    def test_an_action_fills_the_card_from_the_measures(self) -> None:
        got = self.client.post(
            reverse("admin:catalog_service_changelist"),
            {
                "action": "fill_from_measured",
                "_selected_action": [self.world.s1.pk, self.world.s2.pk],
            },
        )
        self.assertEqual(got.status_code, 302)
        s1 = Service.objects.get(pk=self.world.s1.pk)
        self.assertEqual(
            (s1.average_duration_days, s1.annual_volume, s1.in_person_visits), (4, 6, 0)
        )
        s2 = Service.objects.get(pk=self.world.s2.pk)
        self.assertEqual((s2.average_duration_days, s2.annual_volume), (0, 1))
