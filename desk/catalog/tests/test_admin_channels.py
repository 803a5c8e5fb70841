"""A service card's access channels in the admin: checkboxes with Persian names, saved as the
same JSON list of codes as before (desk/catalog/admin.py, ``ChannelsField``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.test import override_settings
from django.urls import reverse

from desk.agencies.models import Role
from desk.catalog.models import Channel, Service
from desk.test import BaseTestCase, create_staff

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


def _posted(response: Response, **changes: Any) -> dict[str, Any]:
    """The page's change form and inlines as a browser posts them back, with ``changes``."""
    context: Any = response.context
    forms = [context["adminform"].form]
    data: dict[str, Any] = {}
    for inline in context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.initial_forms]
    for form in forms:
        for bound in form:
            value = bound.field.widget.format_value(bound.field.prepare_value(bound.value()))
            if value is True:
                data[bound.html_name] = "on"
            elif value not in (None, False, ""):
                data[bound.html_name] = value
    return {**data, **changes}


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ServiceChannelsAdminTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        admin_user = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin_user.is_staff = True
        admin_user.save(update_fields=["is_staff"])
        self.client.force_login(admin_user)
        self.url = reverse("admin:catalog_service_change", args=[self.service.pk])

    def _set_channels(self, channels: list[str]) -> None:
        Service.objects.filter(pk=self.service.pk).update(channels=channels)

    def _saved(self) -> list[str]:
        return Service.objects.get(pk=self.service.pk).channels

    def test_it_offers_every_channel_as_a_checkbox_with_its_persian_name(self) -> None:
        self._set_channels(["in_person", "web"])
        r = self.client.get(self.url)
        for code, label in Channel.choices:
            with self.subTest(channel=code):
                self.assertContains(r, f'type="checkbox" name="channels" value="{code}"')
                self.assertContains(r, label)
        checked = r.context["adminform"].form["channels"].value()
        self.assertEqual(set(checked), {"in_person", "web"})
        self.assertContains(r, 'value="web" id="id_channels_0" checked')

    def test_it_saves_the_checked_channels_as_a_list_of_codes_in_channel_order(self) -> None:
        page = self.client.get(self.url)
        r = self.client.post(self.url, _posted(page, channels=["in_person", "sms", "web"]))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self._saved(), ["web", "sms", "in_person"])

    def test_none_checked_saves_an_empty_list(self) -> None:
        self._set_channels(["web"])
        page = self.client.get(self.url)
        data = _posted(page)
        data.pop("channels")
        r = self.client.post(self.url, data)
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self._saved(), [])

    def test_a_code_no_channel_names_is_refused_next_to_the_field(self) -> None:
        self._set_channels(["web"])
        page = self.client.get(self.url)
        r = self.client.post(self.url, _posted(page, channels=["web", "fax"]))
        self.assertEqual(r.status_code, 200)
        self.assertIn("channels", r.context["adminform"].form.errors)
        self.assertEqual(self._saved(), ["web"])

    def test_a_stored_code_outside_the_list_stays_checked_and_is_kept(self) -> None:
        self._set_channels(["web", "kiosk"])
        page = self.client.get(self.url)
        self.assertContains(page, 'value="kiosk"')
        self.assertEqual(set(page.context["adminform"].form["channels"].value()), {"web", "kiosk"})
        r = self.client.post(self.url, _posted(page))
        self.assertEqual(r.status_code, 302)
        self.assertEqual(self._saved(), ["web", "kiosk"])
