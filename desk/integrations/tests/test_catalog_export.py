"""The national catalog export: every published card with its national fields, JSON and CSV,
for the installation or one agency, versioned, with measured figures when oversight has them."""

from __future__ import annotations

import csv
import io
from typing import Any
from unittest.mock import patch

from django.test import override_settings
from django.urls import reverse

from desk.catalog.selectors import SERVICES_GENERATION
from desk.core.cache import generation_bump
from desk.integrations.export import COLUMNS, SCHEMA_VERSION
from desk.test import BaseTestCase, create_agency, create_service

JSON_URL = reverse("integrations:catalog_export_json")
CSV_URL = reverse("integrations:catalog_export_csv")


@override_settings(SITE_URL="https://desk.example.ir")
class CatalogExportTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # BaseTestCase's card: a sovereign, city-level G2C permit of the municipality.
        self.service.life_event = "ساخت و ساز"
        self.service.channels = ["web", "in_person"]
        self.service.annual_volume = 1200
        self.service.average_duration_days = 4
        self.service.save()
        self.gas = create_service(
            self.other_agency,
            slug="gas-connection",
            title="=انشعاب گاز",  # a formula in Excel unless quoted
            national_id="SRV-gas-1",
            audience="G2B",
            nature="enterprise",
            level="provincial",
            fee_amount=2_500_000,
        )
        create_service(self.agency, slug="draft", national_id="SRV-draft", is_published=False)
        closed = create_agency("دستگاه منحل", "closed-agency")
        closed.is_active = False
        closed.save()
        create_service(closed, slug="closed", national_id="SRV-closed")

    def get_json(self, **params: str) -> dict[str, Any]:
        r = self.client.get(JSON_URL, params)
        self.assertEqual(r.status_code, 200)
        return dict(r.json())

    def test_it_exports_every_published_card_with_its_national_fields(self) -> None:
        export = self.get_json()
        self.assertEqual(export["schema_version"], SCHEMA_VERSION)
        self.assertEqual(export["count"], 2)
        self.assertIsNone(export["agency"])
        by_id = {s["national_id"]: s for s in export["services"]}
        self.assertEqual(set(by_id), {"SRV-building-permit", "SRV-gas-1"})
        permit = by_id["SRV-building-permit"]
        self.assertEqual(list(permit), [key for key, _header in COLUMNS])
        self.assertEqual(
            {k: permit[k] for k in ("audience", "nature", "level", "life_event", "channels")},
            {
                "audience": "G2C",
                "nature": "sovereign",
                "level": "city",
                "life_event": "ساخت و ساز",
                "channels": ["web", "in_person"],
            },
        )
        self.assertEqual(permit["agency"], self.agency.slug)
        self.assertEqual((permit["annual_volume"], permit["average_duration_days"]), (1200, 4))
        self.assertEqual(permit["url"], "https://desk.example.ir/services/building-permit/")
        self.assertEqual(export["codes"]["nature"]["sovereign"], "حاکمیتی")
        self.assertIsNone(permit["measured_average_days"])  # nothing measured yet

    def test_it_exports_one_agency(self) -> None:
        export = self.get_json(agency=self.other_agency.slug)
        self.assertEqual(export["agency"], self.other_agency.slug)
        self.assertEqual([s["national_id"] for s in export["services"]], ["SRV-gas-1"])
        for slug in ("no-such-agency", "closed-agency"):
            with self.subTest(slug=slug):
                self.assertEqual(self.client.get(JSON_URL, {"agency": slug}).status_code, 404)

    def test_its_version_is_an_etag_that_changes_with_a_card(self) -> None:
        first = self.client.get(JSON_URL)
        version = first.json()["export_version"]
        self.assertEqual(first["ETag"], f'"{version}"')
        again = self.client.get(JSON_URL, headers={"If-None-Match": f'"{version}"'})
        self.assertEqual(again.status_code, 304)
        csv_again = self.client.get(CSV_URL, headers={"If-None-Match": f'W/"{version}"'})
        self.assertEqual(csv_again.status_code, 304)
        self.service.in_person_visits = 0
        self.service.save()
        generation_bump(SERVICES_GENERATION)  # what every save in the admin does
        changed = self.client.get(JSON_URL, headers={"If-None-Match": f'"{version}"'})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed.json()["export_version"], version)

    def test_the_csv_opens_in_excel_with_persian_headers_and_labels(self) -> None:
        r = self.client.get(CSV_URL)
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", r["Content-Disposition"])
        self.assertTrue(r.content.startswith(b"\xef\xbb\xbf"))  # the BOM Excel looks for
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], [header for _key, header in COLUMNS])
        self.assertEqual(rows[0][:2], ["شناسه خدمت", "عنوان خدمت"])
        table = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        permit = table["SRV-building-permit"]
        self.assertEqual(permit["ماهیت خدمت"], "حاکمیتی")
        self.assertEqual(permit["سطح ارائه"], "شهری")
        self.assertEqual(permit["شیوه‌های دسترسی"], "وب‌گاه، حضوری (میز خدمت)")
        self.assertEqual(permit["ثبت درخواست برخط"], "بله")
        gas = table["SRV-gas-1"]
        self.assertEqual(gas["عنوان خدمت"], "'=انشعاب گاز")
        self.assertEqual(gas["هزینه (ریال)"], "2500000")

    def test_measured_figures_from_oversight_are_exported_beside_the_declared_ones(self) -> None:
        measured = {self.service.pk: {"average_days": 3.4, "annual_volume": 980}}
        with patch("desk.integrations.export.service_measures", return_value=measured):
            export = self.get_json()
            r = self.client.get(CSV_URL, {"agency": self.agency.slug})
        permit = next(s for s in export["services"] if s["national_id"] == "SRV-building-permit")
        self.assertEqual(
            (permit["measured_average_days"], permit["measured_annual_volume"]), (3.4, 980)
        )
        self.assertIsNone(permit["measured_in_person_visits"])
        self.assertIn("3.4", r.content.decode("utf-8-sig"))

    def test_it_answers_get_only(self) -> None:
        self.assertEqual(self.client.post(JSON_URL).status_code, 405)
