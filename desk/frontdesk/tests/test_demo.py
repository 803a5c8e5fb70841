from __future__ import annotations

import re

from django.test import TestCase, override_settings

from desk.accounts.models import User
from desk.demo import data as demo
from desk.demo.tests.test_load_demo import load_demo
from desk.lib.persian import to_ascii_digits
from desk.notifications.models import OutboundMessage
from desk.test import DeskClient

HOME = "/frontdesk/"


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class DemoClerkTests(TestCase):
    client_class = DeskClient

    def test_the_demo_clerk_serves_the_demo_citizen_at_the_desk(self) -> None:
        output = load_demo()
        self.assertIn(HOME, output)
        self.client.force_login(User.objects.get(username="tehran6-clerk"))
        self.assertContains(self.client.get("/requests/staff/"), "میز خدمت حضوری")
        self.client.post(HOME, {"national_code": demo.CITIZEN["national_code"]})
        self.client.post("/frontdesk/consent/send/", {"channel": "desk"})
        body = OutboundMessage.objects.filter(kind="desk_consent_code").latest("pk").body
        code = to_ascii_digits(re.findall(r"[۰-۹0-9]{6}", body)[0])
        self.client.post("/frontdesk/consent/", {"code": code})
        page = self.client.get(HOME)
        self.assertContains(page, "رضایت تأیید شد")
        self.assertContains(page, "/frontdesk/new/")
