"""The application form reads its service card from the cache (service_for_apply): an edit
in the admin, to the card, its form, or its agency, is seen by the very next applicant."""

from __future__ import annotations

import io
import pickle
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from desk.accounts.models import User
from desk.api.tests.base import new_key, token_for
from desk.calendars.selectors import calendar_for_agency
from desk.catalog.models import Service
from desk.catalog.selectors import service_for_apply
from desk.catalog.tests.test_admin_scope import _admin_post_data
from desk.lib.jalali import today_tehran
from desk.submissions.models import Submission
from desk.test import PDF_BYTES, BaseTestCase


def api_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class AdminEditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        self.apply_url = reverse("submissions:apply", args=[self.service.slug])

    def apply(self) -> Any:
        """The form, then «check your answers» and send when the form was accepted."""
        self.client.force_login(self.citizen)
        r = self.client.post(
            self.apply_url,
            {
                "address": "تهران",
                "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES),
                "idempotency_key": str(uuid.uuid4()),
            },
        )
        return self.client.post(r["Location"]) if r.status_code == 302 else r

    def edit_in_admin(self, url: str, **changes: Any) -> None:
        self.client.force_login(self.root)
        r = self.client.get(url)
        data = _admin_post_data(r)
        for name, value in changes.items():
            if value is False:
                data.pop(name, None)
            else:
                data[name] = value
        r = self.client.post(url, data)
        self.assertEqual(r.status_code, 302, r.content.decode()[:2000])

    def edit_service(self, **changes: Any) -> None:
        self.edit_in_admin(
            reverse("admin:catalog_service_change", args=[self.service.pk]), **changes
        )


class ApplyCacheTests(AdminEditTestCase):
    def test_an_application_leaves_the_card_the_process_shares_as_it_was(self) -> None:
        # service_for_apply hands every request of the process the same card: what a request
        # set on it would show in the next one's.
        card = service_for_apply(self.service.slug)
        assert card is not None
        before = pickle.dumps(card)
        self.client.force_login(self.citizen)
        self.client.post(
            reverse("submissions:apply_file", args=[self.service.slug, "deed"]),
            {"deed": SimpleUploadedFile("deed.pdf", PDF_BYTES)},
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(self.apply().status_code, 302)  # the form, «check», «send»
        self.client.logout()
        filed = self.client.post(  # and through the API
            "/api/v1/me/requests/",
            {
                "service": self.service.slug,
                "address": "تهران",
                "deed": SimpleUploadedFile("deed.pdf", PDF_BYTES, "application/pdf"),
            },
            headers={"Idempotency-Key": new_key(), **api_headers(token_for(self.citizen))},
        )
        self.assertEqual(filed.status_code, 201, filed.content[:500])
        self.assertIs(service_for_apply(self.service.slug), card)
        self.assertEqual(pickle.dumps(card), before)
        self.assertEqual(Submission.objects.count(), 2)

    def test_it_shows_the_next_applicant_a_form_field_relabelled_in_the_admin(self) -> None:
        self.client.force_login(self.citizen)
        self.assertContains(self.client.get(self.apply_url), "نشانی ملک")
        self.edit_service(**{"form_fields-0-label": "نشانی کامل ملک"})  # fields in order
        field = self.service.form_fields.get(name="address")
        self.assertEqual(field.label, "نشانی کامل ملک")
        self.client.force_login(self.citizen)
        self.assertContains(self.client.get(self.apply_url), "نشانی کامل ملک")

    def test_it_counts_the_next_deadline_from_the_duration_edited_in_the_admin(self) -> None:
        self.assertEqual(self.apply().status_code, 302)
        self.edit_service(duration_working_days="7")
        self.assertEqual(self.apply().status_code, 302)
        due = calendar_for_agency(self.agency).add_working_days(today_tehran(), 7)
        self.assertEqual(Submission.objects.latest("pk").due_on, due)

    def test_it_stops_taking_requests_the_admin_switched_off(self) -> None:
        self.assertEqual(self.apply().status_code, 302)
        self.edit_service(accepts_online=False)
        self.assertEqual(self.apply().status_code, 404)

    def test_it_stops_taking_requests_for_an_agency_closed_down_in_the_admin(self) -> None:
        self.assertEqual(self.apply().status_code, 302)
        self.edit_in_admin(
            reverse("admin:agencies_agency_change", args=[self.agency.pk]), is_active=False
        )
        self.assertEqual(self.apply().status_code, 404)

    def test_it_sees_an_edit_made_outside_the_admin_once_the_cache_is_forgotten(self) -> None:
        self.assertEqual(self.apply().status_code, 302)
        Service.objects.filter(pk=self.service.pk).update(accepts_online=False)  # as SQL would
        self.assertEqual(self.apply().status_code, 302)  # the cached card still takes requests
        call_command("forget_cached_config", stdout=io.StringIO())
        self.assertEqual(self.apply().status_code, 404)


class ServicePageCacheTests(AdminEditTestCase):
    """The service page is rendered once per version of its card (catalog/views.py): an edit in
    the admin is on the next visitor's page."""

    def page(self) -> Any:
        self.client.logout()
        return self.client.get(reverse("catalog:service_detail", args=[self.service.slug]))

    def test_it_shows_the_next_visitor_a_card_edited_in_the_admin(self) -> None:
        self.assertContains(self.page(), self.service.title)
        self.edit_service(title="پروانه ساختمانی (ویرایش‌شده)", summary="خلاصه تازه کارت خدمت")
        page = self.page()
        self.assertContains(page, "پروانه ساختمانی (ویرایش‌شده)")
        self.assertContains(page, "خلاصه تازه کارت خدمت")

    def test_it_answers_not_found_once_the_admin_unpublished_the_card(self) -> None:
        self.assertEqual(self.page().status_code, 200)
        self.edit_service(is_published=False)
        self.assertEqual(self.page().status_code, 404)
