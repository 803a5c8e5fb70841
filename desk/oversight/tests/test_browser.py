"""An evaluator opens the dashboard, drills down from the country to a service, and exports
the agency's figures to Excel, which opens with openpyxl with the right figures."""

from __future__ import annotations

from pathlib import Path

from django.urls import reverse
from openpyxl import load_workbook

from desk.oversight.aggregation import aggregate_days
from desk.oversight.tests.world import FIRST, LAST, MONTH, YEAR, World, evaluators
from desk.surveys.services import forms_install
from desk.test import create_agency, create_citizen, create_service, create_staff
from desk.tests.browser import BrowserTestCase, expect


class OversightWalkTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.agency = create_agency()
        self.other_agency = create_agency("شرکت گاز نمونه", "sample-gas")
        self.service = create_service(self.agency)
        self.citizen = create_citizen()
        self.expert = create_staff(self.agency, "expert")
        forms_install()  # emptied by the previous live-server test's flush
        self.world = World(self).build()
        self.national, self.provincial, self.head = evaluators(self)
        aggregate_days(FIRST, LAST)

    def test_an_evaluator_drills_down_and_exports_excel(self) -> None:
        self.walk(self._walk, "oversight")

    def _walk(self) -> None:
        page = self.page
        self.sign_in_as(self.national)
        self.go(reverse("oversight:home") + f"?year={YEAR}&period=m{MONTH}")
        expect(page.get_by_role("heading", level=1)).to_contain_text("همه کشور")
        expect(page.locator("#last-run")).to_contain_text("ارقام از جمع‌بندی")
        page.wait_for_function("document.getElementById('chart-bars').width > 0")
        self.check("oversight-country")
        page.locator("#groups").get_by_role("link", name="تهران").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("استان تهران")
        page.locator("#groups").get_by_role("link", name=self.agency.name).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(self.agency.name)
        expect(page.locator("#summary")).to_contain_text("۵۰٪")  # on time
        self.check("oversight-agency")
        with page.expect_download() as download:
            page.locator("#export-xlsx").click()
        path = Path(self.files / "figures.xlsx")
        download.value.save_as(path)
        sheet = load_workbook(path)["شاخص‌ها"]
        header = [c.value for c in sheet[1]]
        rows = {
            r[0]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)
        }
        self.assertEqual(rows["جمع"]["شمار درخواست‌ها"], 7)
        self.assertEqual(rows["جمع"]["پاسخ به‌موقع"], 50)
        self.assertEqual(rows[self.world.s1.title]["میانه روز کاری تا پاسخ"], 4)
        page.locator("#groups").get_by_role("link", name=self.world.s1.title).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(self.world.s1.title)
        page.get_by_role("link", name="فهرست درخواست‌ها").first.click()
        page.get_by_label("دلیل بررسی موردی").fill("بررسی تأخیر در پاسخ")
        page.get_by_role("button", name="ثبت دلیل و دیدن درخواست‌ها").click()
        expect(page.locator("#requests")).to_contain_text("انجام‌شده")
        self.check("oversight-case-review")
