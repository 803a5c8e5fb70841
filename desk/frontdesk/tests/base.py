"""The desk's personas and steps: a clerk of the service's agency serving a citizen."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from desk.agencies.models import Role
from desk.lib.persian import to_ascii_digits
from desk.notifications.models import OutboundMessage
from desk.submissions.tests.base import upload
from desk.test import BaseTestCase, create_staff

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

HOME = reverse("frontdesk:home")
SEND = reverse("frontdesk:consent_send")
CONSENT = reverse("frontdesk:consent")
# A citizen who has never signed in (valid check digit).
NEW_CODE = "0013542419"


class DeskTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.clerk = create_staff(self.agency, "clerk", Role.CLERK)
        self.client.force_login(self.clerk)

    def look_up(self, national_code: str = "0084575948") -> Response:
        return self.client.post(HOME, {"national_code": national_code})

    def send_code(self, **data: Any) -> Response:
        return self.client.post(SEND, {"channel": "desk", **data})

    def sms_code(self) -> str:
        """The code in the last consent SMS, as the citizen reads it."""
        body = OutboundMessage.objects.filter(kind="desk_consent_code").latest("pk").body
        return to_ascii_digits(re.findall(r"[۰-۹0-9]{6}", body)[0])

    def consent(self, national_code: str = "0084575948", **data: Any) -> Response:
        """Look the citizen up, send the code and type what they read back."""
        self.look_up(national_code)
        self.send_code(**data)
        return self.client.post(CONSENT, {"code": self.sms_code()})

    def fill_form(self, slug: str = "building-permit") -> Response:
        data = {"idempotency_key": str(uuid.uuid4()), "address": "تهران، خیابان آزادی"}
        return self.client.post(reverse("frontdesk:apply", args=[slug]), {**data, "deed": upload()})

    def file(self, slug: str = "building-permit") -> Response:
        self.fill_form(slug)
        return self.client.post(reverse("frontdesk:apply_check", args=[slug]))
