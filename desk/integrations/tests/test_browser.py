"""The integrations admin in a real browser: an agency admin makes an API key (shown once),
registers a webhook endpoint, rotates its secret and reads the delivery log. Every page is
checked with axe-core (WCAG 2.1 A/AA) at 360 and 1366 px, with no Content-Security-Policy
violation (desk/tests/browser.py)."""

from __future__ import annotations

import uuid

from django.urls import reverse

from desk.agencies.models import Role
from desk.integrations.models import (
    DeliveryStatus,
    EventType,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from desk.test import create_agency, create_staff, isolate_cache
from desk.tests.browser import BrowserTestCase, expect


class IntegrationsAdminBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        isolate_cache()
        self.agency = create_agency()
        self.admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.admin.is_staff = True
        self.admin.save(update_fields=["is_staff"])
        self.endpoint = WebhookEndpoint.objects.create(
            agency=self.agency,
            url="https://hooks.example.ir/desk",
            description="سامانه بایگانی",
            events=[EventType.REQUEST_SUBMITTED],
            secret="whsec_browser_test",
        )
        self.delivery = WebhookDelivery.objects.create(
            endpoint=self.endpoint,
            event_id=uuid.uuid4(),
            event_type=EventType.REQUEST_SUBMITTED,
            body='{"id":"x"}',
            status=DeliveryStatus.FAILED,
            attempts=1,
            response_code=500,
            error="HTTP 500",
        )
        WebhookAttempt.objects.create(delivery=self.delivery, response_code=500, error="HTTP 500")

    def test_an_agency_admin_walks_the_keys_webhooks_and_deliveries(self) -> None:
        self.walk(self._walk, "integrations-admin")

    def _walk(self) -> None:
        page = self.page
        self.sign_in_as(self.admin)

        # An API key: the form, then the page that shows it once.
        self.go(reverse("admin:integrations_apikey_add"))
        self.check("admin-apikey-add")
        page.locator("#id_name").fill("سامانه بایگانی")
        page.get_by_label("خواندن فهرست و شناسنامه خدمات").check()
        page.locator("input[name=_save]").click()
        expect(page.get_by_text("mzk_", exact=False).first).to_be_visible()
        self.check("admin-apikey-shown-once")
        self.go(reverse("admin:integrations_apikey_changelist"))
        self.check("admin-apikey-list")

        # Webhook endpoints: the list, one endpoint with its secret, the rotation's message.
        self.go(reverse("admin:integrations_webhookendpoint_changelist"))
        self.check("admin-webhook-list")
        self.go(reverse("admin:integrations_webhookendpoint_add"))
        self.check("admin-webhook-add")
        self.go(reverse("admin:integrations_webhookendpoint_change", args=[self.endpoint.pk]))
        self.check("admin-webhook-change")
        self.go(reverse("admin:integrations_webhookendpoint_changelist"))
        page.locator(f"input[name=_selected_action][value='{self.endpoint.pk}']").check()
        page.locator("select[name=action]").select_option("rotate_secret")
        page.locator("button[name=index]").click()
        expect(page.get_by_text("با هر دو رمز")).to_be_visible()
        self.check("admin-webhook-rotated")

        # The delivery log and one delivery with its attempts.
        self.go(reverse("admin:integrations_webhookdelivery_changelist"))
        self.check("admin-delivery-list")
        self.go(reverse("admin:integrations_webhookdelivery_change", args=[self.delivery.pk]))
        self.check("admin-delivery-change")
