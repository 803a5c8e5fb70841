"""The dashboards through the HTTP client: who sees which level, exports, case reviews."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from desk.agencies import access
from desk.audit.models import AuditEntry
from desk.oversight import kpis
from desk.oversight.aggregation import aggregate_days
from desk.oversight.models import CaseReview, MonthlyFigures
from desk.oversight.tests.world import FIRST, LAST, MONTH, YEAR, World, evaluators
from desk.surveys.selectors import Period
from desk.test import BaseTestCase

TIR: dict[str, str] = {"year": str(YEAR), "period": f"m{MONTH}"}


class DashboardWorld(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.world = World(self).build()
        self.national, self.provincial, self.head = evaluators(self)
        aggregate_days(FIRST, LAST)


class WhoSeesWhatTests(DashboardWorld):
    def test_a_national_evaluator_starts_at_the_country_and_drills_down(self) -> None:
        self.client.force_login(self.national)
        self.assertRedirects(
            self.client.get(reverse("oversight:home")), reverse("oversight:country")
        )
        page = self.client.get(reverse("oversight:country"), TIR)
        self.assertContains(page, "فارس")
        self.assertContains(page, reverse("oversight:province", args=["تهران"]))
        page = self.client.get(reverse("oversight:province", args=["تهران"]), TIR)
        self.assertContains(page, self.agency.name)
        page = self.client.get(reverse("oversight:agency", args=[self.agency.pk]), TIR)
        self.assertContains(page, self.world.s2.title)
        url = reverse("oversight:service", args=[self.agency.pk, self.world.s1.pk])
        page = self.client.get(url, TIR)
        self.assertContains(page, self.world.s1.title)
        self.assertContains(page, "ماه‌های سال")

    def test_the_page_says_when_the_figures_were_built(self) -> None:
        self.client.force_login(self.national)
        page = self.client.get(reverse("oversight:country"), TIR)
        self.assertContains(page, "ارقام از جمع‌بندی")

    def test_a_provincial_evaluator_sees_only_their_province(self) -> None:
        self.client.force_login(self.provincial)
        self.assertRedirects(
            self.client.get(reverse("oversight:home")),
            reverse("oversight:province", args=["فارس"]),
            fetch_redirect_response=False,
        )
        page = self.client.get(reverse("oversight:province", args=["فارس"]), TIR)
        self.assertContains(page, self.other_agency.name)
        self.assertNotContains(page, self.agency.name)
        for url in (
            reverse("oversight:country"),
            reverse("oversight:province", args=["تهران"]),
            reverse("oversight:agency", args=[self.agency.pk]),
            reverse("oversight:service", args=[self.agency.pk, self.world.s1.pk]),
            reverse("oversight:review_open", args=[self.agency.pk]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        league = self.client.get(reverse("oversight:league"), TIR)
        self.assertContains(league, self.other_agency.name)
        self.assertNotContains(league, self.agency.name)

    def test_the_selectors_keep_a_provincial_evaluator_in_their_province(self) -> None:
        scope = access.oversight_scope(self.provincial)
        assert scope is not None
        tir = Period("month", YEAR, MONTH)
        self.assertEqual(
            [f.key for f in kpis.figures(scope, tir, group="agency")], [self.other_agency.pk]
        )
        # asked for another province's agency, the scope still filters it out
        self.assertEqual(kpis.figures(scope, tir, group="service", agency_id=self.agency.pk), [])
        self.assertEqual(kpis.total(scope, tir, province="تهران").kpi("volume"), 0)

    def test_an_agency_head_sees_only_their_agency(self) -> None:
        self.client.force_login(self.head)
        self.assertRedirects(
            self.client.get(reverse("oversight:home")),
            reverse("oversight:agency", args=[self.agency.pk]),
            fetch_redirect_response=False,
        )
        self.assertContains(
            self.client.get(reverse("oversight:agency", args=[self.agency.pk]), TIR), "۵۰٪"
        )
        for url in (
            reverse("oversight:country"),
            reverse("oversight:province", args=["تهران"]),
            reverse("oversight:agency", args=[self.other_agency.pk]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_staff_and_citizens_see_no_dashboard(self) -> None:
        for person in (self.manager, self.expert, self.citizen):
            self.client.force_login(person)
            with self.subTest(person=person.username):
                self.assertEqual(self.client.get(reverse("oversight:home")).status_code, 404)
                url = reverse("oversight:agency", args=[self.agency.pk])
                self.assertEqual(self.client.get(url).status_code, 404)


class ExportTests(DashboardWorld):
    def test_the_excel_export_has_the_figures_of_the_page(self) -> None:
        self.client.force_login(self.national)
        got = self.client.get(
            reverse("oversight:province", args=["تهران"]), {**TIR, "format": "xlsx"}
        )
        self.assertEqual(got.status_code, 200)
        book = load_workbook(io.BytesIO(got.content))
        sheet = book["شاخص‌ها"]
        self.assertTrue(sheet.sheet_view.rightToLeft)
        header = [c.value for c in sheet[1]]
        self.assertEqual(header[0], "دستگاه")
        row = {header[i]: c.value for i, c in enumerate(sheet[2])}
        self.assertEqual(row["دستگاه"], self.agency.name)
        self.assertEqual(row["شمار درخواست‌ها"], 7)
        self.assertEqual(row["پاسخ به‌موقع"], 50)
        self.assertEqual(row["میانه روز کاری تا پاسخ"], 2)

    def test_the_pdf_export(self) -> None:
        self.client.force_login(self.national)
        got = self.client.get(
            reverse("oversight:agency", args=[self.agency.pk]), {**TIR, "format": "pdf"}
        )
        self.assertEqual(got["Content-Type"], "application/pdf")
        self.assertTrue(got.content.startswith(b"%PDF"))

    def test_the_league_export(self) -> None:
        self.client.force_login(self.national)
        got = self.client.get(
            reverse("oversight:league"), {**TIR, "kpi": "on_time", "format": "xlsx"}
        )
        sheet = load_workbook(io.BytesIO(got.content)).active
        assert sheet is not None
        self.assertEqual([c.value for c in sheet[2]], [1, self.agency.name, 50])


class CachedFiguresTests(DashboardWorld):
    """The figures are cached per scope until the next aggregation run (kpis.py)."""

    def league_agencies(self, person: object) -> list[int]:
        self.client.force_login(person)  # type: ignore[arg-type]
        page = self.client.get(reverse("oversight:league"), {**TIR, "kpi": "on_time"})
        return sorted(figures.key for _, figures, _ in page.context["rows"])

    def test_a_provincial_evaluator_never_gets_the_national_figures_from_the_cache(self) -> None:
        self.assertEqual(
            self.league_agencies(self.national), sorted([self.agency.pk, self.other_agency.pk])
        )
        self.assertEqual(self.league_agencies(self.provincial), [self.other_agency.pk])
        self.assertEqual(self.league_agencies(self.head), [self.agency.pk])
        self.assertEqual(
            self.league_agencies(self.national), sorted([self.agency.pk, self.other_agency.pk])
        )

    def test_the_figures_change_with_the_next_aggregation_only(self) -> None:
        self.client.force_login(self.national)
        url = reverse("oversight:agency", args=[self.agency.pk])
        self.assertEqual(self.client.get(url, TIR).context["total"].kpi("volume"), 7)
        # Rows written without a run (a shell, say) stay unseen until a run bumps the cache.
        MonthlyFigures.objects.filter(agency=self.agency).update(filed=70)
        self.assertEqual(self.client.get(url, TIR).context["total"].kpi("volume"), 7)
        self.world.request("r11", self.world.s1, channel="web", due_on=LAST)
        call_command("oversight_aggregate", "--from", FIRST.isoformat(), "--to", LAST.isoformat())
        self.assertEqual(self.client.get(url, TIR).context["total"].kpi("volume"), 8)


class CaseReviewTests(DashboardWorld):
    def test_the_requests_behind_a_figure_need_a_logged_case_review(self) -> None:
        self.client.force_login(self.national)
        url = reverse("oversight:review_open", args=[self.agency.pk])
        query = f"?year={YEAR}&period=m{MONTH}&metric=late"
        form = self.client.get(url + query)
        self.assertContains(form, "دلیل بررسی موردی")
        refused = self.client.post(url + query, {"reason": "  "})
        self.assertContains(refused, "دلیل بررسی موردی را بنویسید.")
        self.assertFalse(CaseReview.objects.exists())
        opened = self.client.post(url + query, {"reason": "شکایت‌های مکرر از تأخیر"})
        review = CaseReview.objects.get()
        self.assertEqual((review.opened_by, review.agency), (self.national, self.agency))
        self.assertRedirects(
            opened,
            reverse("oversight:review_requests", args=[review.pk]) + query,
            fetch_redirect_response=False,
        )
        page = self.client.get(opened["Location"])
        late = [self.world.requests[n].tracking_code for n in ("r2", "r3")]
        self.assertEqual([r.tracking_code for r in page.context["rows"]], late)
        self.assertNotContains(page, self.world.requests["r1"].tracking_code)
        actions = list(
            AuditEntry.objects.filter(agency_id=self.agency.pk, action__startswith="oversight.")
            .order_by("sequence")
            .values_list("action", "details")
        )
        self.assertEqual(
            [a for a, _ in actions],
            ["oversight.case_review_opened", "oversight.case_review_viewed"],
        )
        self.assertEqual(actions[0][1]["reason"], "شکایت‌های مکرر از تأخیر")
        self.assertEqual(sorted(actions[1][1]["requests"]), sorted(late))

    def test_the_requests_filed_leave_out_the_unpaid_and_the_expired(self) -> None:
        self.client.force_login(self.national)
        url = reverse("oversight:review_open", args=[self.agency.pk])
        query = f"?year={YEAR}&period=m{MONTH}&metric=filed"
        opened = self.client.post(url + query, {"reason": "شمار درخواست‌ها"})
        page = self.client.get(opened["Location"])
        filed = {self.world.requests[f"r{n}"].tracking_code for n in range(1, 8)}
        self.assertEqual({r.tracking_code for r in page.context["rows"]}, filed)

    def test_nobody_else_uses_an_evaluators_case_review(self) -> None:
        from desk.oversight.services import case_review_open

        review = case_review_open(user=self.national, agency=self.agency, service=None, reason="x")
        url = reverse("oversight:review_requests", args=[review.pk])
        for person in (self.provincial, self.head, self.manager):
            self.client.force_login(person)
            with self.subTest(person=person.username):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_provincial_evaluator_opens_no_case_review_outside_their_province(self) -> None:
        from desk.core.errors import ApplicationError
        from desk.oversight.services import case_review_open

        with self.assertRaises(ApplicationError):
            case_review_open(user=self.provincial, agency=self.agency, service=None, reason="x")


class AddressesThatNameNothingTests(DashboardWorld):
    """An id in the address that names no row is a 404, however it is spelled."""

    BAD_IDS = ("x", "۱", "1.5", "-1", "0", "99999999999999999999", "9223372036854775808")

    def test_a_case_review_for_a_service_that_is_no_id_is_not_found(self) -> None:
        self.client.force_login(self.head)
        url = reverse("oversight:review_open", args=[self.agency.pk])
        for value in self.BAD_IDS:
            with self.subTest(service=value):
                self.assertEqual(self.client.get(url, {"service": value}).status_code, 404)
                posted = self.client.post(f"{url}?service={value}", {"reason": "بررسی"})
                self.assertEqual(posted.status_code, 404)
        self.assertFalse(CaseReview.objects.exists())

    def test_a_case_review_for_another_agencys_service_is_not_found(self) -> None:
        self.client.force_login(self.national)
        url = reverse("oversight:review_open", args=[self.agency.pk])
        theirs = self.world.s3.pk
        self.assertEqual(self.client.get(url, {"service": theirs}).status_code, 404)
        ours = self.client.get(url, {"service": self.world.s1.pk})
        self.assertContains(ours, "دلیل بررسی موردی")

    def test_ids_beyond_the_largest_integer_in_the_path_are_not_found(self) -> None:
        self.client.force_login(self.national)
        huge = 2**63
        for url in (
            reverse("oversight:agency", args=[huge]),
            reverse("oversight:service", args=[self.agency.pk, huge]),
            reverse("oversight:service", args=[huge, huge]),
            reverse("oversight:review_open", args=[huge]),
            reverse("oversight:review_requests", args=[huge]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url, TIR).status_code, 404)
