from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.forms import BaseForm
from django.test import override_settings
from django.urls import reverse

from desk.accounts.models import User
from desk.agencies.models import Role
from desk.catalog.models import Service
from desk.test import BaseTestCase, create_service, create_staff

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

CHANGELIST = reverse("admin:catalog_service_changelist")
ADD = reverse("admin:catalog_service_add")


def _change_url(service: Service) -> str:
    return reverse("admin:catalog_service_change", args=[service.pk])


def _form_data(form: BaseForm) -> dict[str, Any]:
    """What a browser would post back for `form`, unchanged."""
    data: dict[str, Any] = {}
    for bound in form:
        value = bound.field.prepare_value(bound.value())
        if value is None or value is False:
            continue
        if value is True:
            value = "on"
        data[bound.html_name] = value
    return data


def _admin_post_data(response: Response) -> dict[str, Any]:
    """The change (or add) form of an admin page, with its inlines, as it would be posted."""
    context: Any = response.context
    data = _form_data(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_data(form))
    return data


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class CatalogAdminScopeTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency_admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        self.agency_admin.is_staff = True
        self.agency_admin.save()
        self.gas = create_service(self.other_agency, slug="gas-connection", title="انشعاب گاز")

    def _as(self, user: User) -> None:
        self.client.force_login(user)

    # --- agency admin ----------------------------------------------------------------------------

    def test_it_lists_only_the_agency_admins_own_services(self) -> None:
        self._as(self.agency_admin)
        r = self.client.get(CHANGELIST)
        self.assertEqual(r.status_code, 200)
        listed = set(r.context["cl"].result_list)
        self.assertEqual(listed, {self.service})
        self.assertContains(r, "صدور پروانه ساختمانی")
        self.assertNotContains(r, "انشعاب گاز")

    def test_it_keeps_another_agencys_service_out_of_reach(self) -> None:
        self._as(self.agency_admin)
        for url in (
            _change_url(self.gas),
            reverse("admin:catalog_service_delete", args=[self.gas.pk]),
        ):
            with self.subTest(url=url):
                r = self.client.get(url)
                self.assertIn(r.status_code, {302, 403, 404})
                if r.status_code == 302:
                    self.assertEqual(r.url, reverse("admin:index"))  # type: ignore[attr-defined]

    def test_it_refuses_a_post_to_another_agencys_service(self) -> None:
        self._as(self.agency_admin)
        self.client.post(_change_url(self.gas), {"title": "ربوده‌شده"})
        self.gas.refresh_from_db()
        self.assertEqual(self.gas.title, "انشعاب گاز")
        self.assertEqual(self.gas.agency, self.other_agency)

    def test_it_lets_the_agency_admin_edit_their_own_service(self) -> None:
        self._as(self.agency_admin)
        r = self.client.get(_change_url(self.service))
        self.assertEqual(r.status_code, 200)
        self.assertNotIn("agency", r.context["adminform"].form.fields)
        data = _admin_post_data(r)
        data["title"] = "صدور پروانه ساختمانی (ویرایش‌شده)"
        data["duration_working_days"] = "7"
        r = self.client.post(_change_url(self.service), data)
        self.assertRedirects(r, CHANGELIST)
        self.service.refresh_from_db()
        self.assertEqual(self.service.title, "صدور پروانه ساختمانی (ویرایش‌شده)")
        self.assertEqual(self.service.duration_working_days, 7)
        self.assertEqual(self.service.agency, self.agency)
        self.assertEqual(self.service.form_fields.count(), 2)

    def test_it_forces_a_new_service_into_the_agency_admins_agency(self) -> None:
        self._as(self.agency_admin)
        r = self.client.get(ADD)
        self.assertEqual(r.status_code, 200)
        data = _admin_post_data(r)
        data.update(
            {
                "agency": str(self.other_agency.pk),  # not on the form; must be ignored
                "category": str(self.service.category_id),
                "slug": "tree-felling",
                "title": "مجوز قطع درخت",
                "summary": "قطع درخت در ملک شخصی",
                "national_id": "SRV-tree",
                "audience": "G2C",
                "nature": "sovereign",
                "level": "city",
                "channels": ["web"],  # the checkboxes (desk/catalog/admin.py ChannelsField)
                "duration_working_days": "5",
                "complaint_procedure": "سامانه ۱۳۷",
                "responsible_name": "آقای محمدی",
            }
        )
        r = self.client.post(ADD, data)
        self.assertRedirects(r, CHANGELIST)
        service = Service.objects.get(slug="tree-felling")
        self.assertEqual(service.agency, self.agency)
        self.assertIn("مجوز قطع درخت", service.search_text)

    def test_it_shows_the_agency_admin_the_catalog_on_the_admin_index(self) -> None:
        self._as(self.agency_admin)
        r = self.client.get(reverse("admin:index"))
        self.assertContains(r, CHANGELIST)

    # --- others ----------------------------------------------------------------------------------

    def test_it_keeps_an_expert_out_of_the_catalog_admin(self) -> None:
        self.expert.is_staff = True  # even with admin-site access
        self.expert.save()
        self._as(self.expert)
        with self.assertLogs("django.request", "WARNING"):
            r = self.client.get(CHANGELIST)
        self.assertEqual(r.status_code, 403)
        with self.assertLogs("django.request", "WARNING"):
            r = self.client.get(_change_url(self.service))
        self.assertEqual(r.status_code, 403)
        r = self.client.get(reverse("admin:index"))
        self.assertNotContains(r, CHANGELIST)

    def test_it_sends_an_expert_without_admin_site_access_to_the_admin_login(self) -> None:
        self._as(self.expert)
        r = self.client.get(CHANGELIST)
        self.assertEqual(r.status_code, 302)
        self.assertIn(reverse("admin:login"), r.url)  # type: ignore[attr-defined]

    def test_it_keeps_a_deactivated_agency_admin_out(self) -> None:
        staff = self.agency_admin.staff
        staff.is_active = False
        staff.save()
        self._as(self.agency_admin)
        r = self.client.get(CHANGELIST)  # signed out at once (desk.accounts.middleware)
        self.assertEqual(r.status_code, 302)
        self.assertIsNone(self.client.session.get("_auth_user_id"))

    def test_it_shows_a_superuser_every_service(self) -> None:
        root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        self._as(root)
        r = self.client.get(CHANGELIST)
        self.assertEqual(set(r.context["cl"].result_list), {self.service, self.gas})
        r = self.client.get(_change_url(self.gas))
        self.assertEqual(r.status_code, 200)
        self.assertIn("agency", r.context["adminform"].form.fields)
