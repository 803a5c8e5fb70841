"""Sign-ins and admin changes reach the audit log."""

from __future__ import annotations

from django.urls import reverse

from desk.accounts.models import User
from desk.audit.models import AuditEntry
from desk.audit.selectors import audit_chain_verify
from desk.catalog.models import Category
from desk.test import BaseTestCase


class SignInAuditTest(BaseTestCase):
    def test_it_records_a_staff_sign_in_in_the_agency_chain(self) -> None:
        self.client.post(
            reverse("accounts:staff_login"),
            {"username": "expert", "password": "a-Strong-pass-1404"},
            REMOTE_ADDR="10.1.2.3",
        )

        entry = AuditEntry.objects.get(action="auth.signed_in")
        self.assertEqual(entry.agency_id, self.agency.pk)
        self.assertEqual((entry.actor_id, entry.actor_label), (self.expert.pk, "expert"))
        self.assertEqual(entry.details, {"address": "10.1.2.3"})

    def test_it_records_a_failed_admin_sign_in_without_the_password(self) -> None:
        # The admin's door is the staff sign-in (desk/accounts: /admin/login/ leads there).
        self.client.post(
            f"{reverse('accounts:staff_login')}?next={reverse('admin:index')}",
            {"username": "expert", "password": "wrong-password-99"},
        )

        entry = AuditEntry.objects.get(action="auth.sign_in_failed")
        self.assertEqual((entry.object_type, entry.object_id), ("auth.username", "expert"))
        self.assertIsNone(entry.agency_id)
        self.assertNotIn("wrong-password-99", str(entry.details))

    def test_it_records_signing_out(self) -> None:
        self.client.force_login(self.manager)

        self.client.post(reverse("accounts:logout"))

        entry = AuditEntry.objects.get(action="auth.signed_out")
        self.assertEqual((entry.actor_id, entry.agency_id), (self.manager.pk, self.agency.pk))


class AdminAuditTest(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        self.client.force_login(self.root)

    def test_it_records_an_addition_and_a_change(self) -> None:
        self.client.post(
            reverse("admin:catalog_category_add"),
            {"name": "مالیات", "slug": "tax", "order": "1", "description": ""},
        )
        category = Category.objects.get(slug="tax")
        self.client.post(
            reverse("admin:catalog_category_change", args=[category.pk]),
            {"name": "مالیات و عوارض", "slug": "tax", "order": "1", "description": ""},
        )

        entries = list(AuditEntry.objects.filter(action__startswith="admin.").order_by("pk"))
        self.assertEqual([e.action for e in entries], ["admin.added", "admin.changed"])
        self.assertEqual({e.object_id for e in entries}, {str(category.pk)})
        self.assertEqual(entries[0].object_type, "catalog.category")
        self.assertEqual(entries[1].actor_label, "root")
        self.assertIsNone(entries[1].agency_id)
        self.assertTrue(audit_chain_verify(entries[1].chain).ok)

    def test_it_records_each_object_a_bulk_delete_removes(self) -> None:
        doomed = [Category.objects.create(name=f"دسته {n}", slug=f"c{n}") for n in range(3)]

        self.client.post(
            reverse("admin:catalog_category_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [c.pk for c in doomed],
                "post": "yes",
            },
        )

        self.assertFalse(Category.objects.filter(pk__in=[c.pk for c in doomed]).exists())
        deleted = AuditEntry.objects.filter(action="admin.deleted")
        self.assertEqual(
            sorted(deleted.values_list("object_id", flat=True)), sorted(str(c.pk) for c in doomed)
        )

    def test_it_records_a_single_deletion_once(self) -> None:
        category = Category.objects.create(name="کشاورزی", slug="farming")

        self.client.post(
            reverse("admin:catalog_category_delete", args=[category.pk]), {"post": "yes"}
        )

        self.assertFalse(Category.objects.filter(slug="farming").exists())
        self.assertEqual(AuditEntry.objects.filter(action="admin.deleted").count(), 1)
