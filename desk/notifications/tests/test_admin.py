"""Operators read the outbox, templates, receipts and inbound SMS in the Django admin."""

from __future__ import annotations

from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.notifications.models import MessageStatus, MessageTemplate, OutboundMessage
from desk.test import BaseTestCase, create_staff


class AdminTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.operator = User.objects.create_superuser("operator", password="x-Strong-pass-1404")
        self.message = OutboundMessage.objects.create(
            to="+989121234567",
            body="پیام",
            kind="status_in_review",
            status=MessageStatus.TEMPORARY_FAILURE,
            next_attempt_at=None,
            attempts=7,
        )

    def test_operators_read_every_notifications_page(self) -> None:
        self.client.force_login(self.operator)
        template = MessageTemplate.objects.get(event="sign_in_code", agency__isnull=True)
        for url in (
            reverse("admin:notifications_outboundmessage_changelist"),
            reverse("admin:notifications_outboundmessage_change", args=[self.message.pk]),
            reverse("admin:notifications_messagetemplate_changelist"),
            reverse("admin:notifications_messagetemplate_change", args=[template.pk]),
            reverse("admin:notifications_deliveryreceipt_changelist"),
            reverse("admin:notifications_inboundmessage_changelist"),
        ):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_operators_can_resend_a_given_up_message(self) -> None:
        self.client.force_login(self.operator)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("admin:notifications_outboundmessage_changelist"),
                {"action": "retry", "_selected_action": [self.message.pk]},
            )
        self.message.refresh_from_db()
        self.assertEqual(self.message.status, MessageStatus.SENT)

    def test_agency_admins_do_not_see_the_outbox_in_the_admin(self) -> None:
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin.is_staff = True
        admin.save()
        self.client.force_login(admin)
        url = reverse("admin:notifications_outboundmessage_changelist")
        with self.assertLogs("django.request", "WARNING"):  # Django logs every refusal
            self.assertEqual(self.client.get(url).status_code, 403)
