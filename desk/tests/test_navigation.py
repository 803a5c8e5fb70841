"""The menu by role, in plain links that work without JavaScript (a <details> on phones)."""

from __future__ import annotations

import re

from django.urls import reverse

from desk.agencies.models import Role
from desk.test import BaseTestCase, create_staff


def menu_of(html: str) -> list[str]:
    """The link texts of the desktop bar (the phone menu holds the same list)."""
    bar = html[html.index('class="site-bar') : html.index("</nav>", html.index('class="site-bar'))]
    return re.findall(r'class="site-nav-link[^"]*"[^>]*>([^<]+)<', bar)


class NavigationTests(BaseTestCase):
    def page(self) -> str:
        return self.client.get(reverse("catalog:home")).content.decode()

    def test_a_visitor_finds_services_tracking_and_both_sign_ins(self) -> None:
        self.assertEqual(menu_of(self.page()), ["خدمات", "پیگیری", "ورود شهروندان", "ورود کارکنان"])

    def test_a_citizen_finds_their_requests_and_appointments(self) -> None:
        self.client.force_login(self.citizen)
        self.assertEqual(
            menu_of(self.page()),
            ["خدمات", "درخواست‌های من", "نوبت‌های من", "پیگیری", "خروج"],
        )

    def test_an_expert_finds_the_inbox_appointment_desk_and_messages(self) -> None:
        self.client.force_login(self.expert)
        self.assertEqual(
            menu_of(self.page()),
            ["کارتابل", "نامه‌ها", "استعلام‌ها", "نوبت‌ها", "پیام‌ها", "ورود دومرحله‌ای", "خروج"],
        )

    def test_a_manager_also_finds_the_capacity_page(self) -> None:
        self.client.force_login(self.manager)
        self.assertIn("ظرفیت نوبت‌ها", menu_of(self.page()))

    def test_an_agency_admin_finds_the_admin(self) -> None:
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.client.force_login(admin)
        html = self.page()
        self.assertIn("مدیریت", menu_of(html))
        self.assertIn(f'href="{reverse("admin:index")}"', html)

    def test_the_phone_menu_opens_without_javascript(self) -> None:
        self.client.force_login(self.citizen)
        html = self.page()
        menu = html[html.index('<details class="site-menu') : html.index("</details>")]
        self.assertIn("<summary", menu)
        self.assertIn(reverse("submissions:my_requests"), menu)
        self.assertIn(f'action="{reverse("accounts:logout")}"', menu)
        self.assertNotIn("data-bs-toggle", html)
