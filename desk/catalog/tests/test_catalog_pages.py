from __future__ import annotations

import re

from django.test import override_settings
from django.urls import reverse

from desk.catalog.models import Category, Faq, Regulation, RequiredDocument, Service, ServiceStep
from desk.catalog.tests.test_search import listed_slugs
from desk.test import BaseTestCase, create_agency, create_service

HOME = reverse("catalog:home")
LIST = reverse("catalog:service_list")


def _text(html: str) -> str:
    """The visible text of a piece of HTML, tags dropped and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _section(html: str, element_id: str) -> str:
    match = re.search(rf'<(section|dl)[^>]*id="{element_id}".*?</\1>', html, re.S)
    assert match is not None, f"no #{element_id} on the page"
    return _text(match.group(0))


def _in_category(service: Service, category: Category) -> Service:
    service.category = category
    service.save()
    return service


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class CatalogPagesTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.energy = Category.objects.create(name="انرژی", slug="energy", order=2)
        self.gas = _in_category(
            create_service(self.other_agency, slug="gas-connection", title="انشعاب گاز"),
            self.energy,
        )
        self.draft = create_service(
            self.agency, slug="demolition", title="مجوز تخریب ساختمان", is_published=False
        )
        self.closed_agency = create_agency("اداره منحل", "dissolved-office")
        self.closed_agency.is_active = False
        self.closed_agency.save()
        hidden = Category.objects.create(name="دسته پنهان", slug="hidden")
        self.orphan = _in_category(
            create_service(self.closed_agency, slug="orphan", title="خدمت دستگاه غیرفعال"),
            hidden,
        )
        self.orphan_in_housing = create_service(
            self.closed_agency, slug="orphan-housing", title="خدمت مسکن دستگاه غیرفعال"
        )

    def _assert_not_found(self, url: str) -> None:
        with self.assertLogs("django.request", "WARNING"):
            r = self.client.get(url)
        self.assertEqual(r.status_code, 404)

    def _titles(self, response: object) -> set[str]:
        return {s.title for s in response.context["services"]}  # type: ignore[attr-defined]

    # --- home ----------------------------------------------------------------------------------

    def test_it_lists_agencies_and_categories_on_the_home_page(self) -> None:
        r = self.client.get(HOME)
        self.assertContains(r, self.agency.name)
        self.assertContains(r, self.other_agency.name)
        self.assertContains(r, reverse("catalog:agency_detail", args=[self.agency.slug]))
        self.assertContains(r, "مسکن")
        self.assertContains(r, "انرژی")
        self.assertContains(r, reverse("catalog:category_detail", args=["energy"]))
        # The unpublished service is not counted: one service, in Persian digits.
        self.assertContains(r, "۱ خدمت")
        self.assertNotContains(r, "2 خدمت")

    def test_it_hides_inactive_agencies_and_empty_categories_on_the_home_page(self) -> None:
        r = self.client.get(HOME)
        self.assertNotContains(r, "اداره منحل")
        self.assertNotContains(r, "دسته پنهان")

    def test_it_gives_the_home_search_box_a_place_for_live_results(self) -> None:
        r = self.client.get(HOME)
        self.assertContains(r, 'hx-target="#results"')
        self.assertContains(r, 'id="results"')

    # --- agency and category pages ---------------------------------------------------------------

    def test_it_lists_only_published_services_on_the_agency_page(self) -> None:
        r = self.client.get(reverse("catalog:agency_detail", args=[self.agency.slug]))
        self.assertContains(r, "صدور پروانه ساختمانی")
        self.assertNotContains(r, "مجوز تخریب ساختمان")
        self.assertNotContains(r, "انشعاب گاز")

    def test_an_agency_without_online_services_says_so_and_where_to_go(self) -> None:
        # Not a failed search's «nothing found»: the citizen searched for nothing.
        body = create_agency("سازمان بازرسی نمونه", "sample-inspection")
        r = self.client.get(reverse("catalog:agency_detail", args=[body.slug]))
        self.assertContains(r, "این دستگاه خدمتی برای درخواست برخط در این سامانه ندارد.")
        self.assertContains(r, reverse("catalog:service_list"))
        self.assertNotContains(r, "خدمتی پیدا نشد")

    def test_it_hides_the_page_of_an_inactive_agency(self) -> None:
        self._assert_not_found(reverse("catalog:agency_detail", args=["dissolved-office"]))

    def test_it_lists_only_published_services_of_active_agencies_on_the_category_page(
        self,
    ) -> None:
        r = self.client.get(reverse("catalog:category_detail", args=["housing"]))
        self.assertEqual(self._titles(r), {"صدور پروانه ساختمانی"})
        self.assertContains(r, "صدور پروانه ساختمانی")
        self.assertNotContains(r, "مجوز تخریب ساختمان")
        self.assertNotContains(r, "خدمت مسکن دستگاه غیرفعال")

    def test_it_answers_404_for_an_unknown_category(self) -> None:
        self._assert_not_found(reverse("catalog:category_detail", args=["nope"]))

    # --- the service card ------------------------------------------------------------------------

    def _full_card(self) -> Service:
        service = create_service(
            self.agency,
            slug="business-licence",
            title="صدور پروانه کسب",
            summary="پروانه کسب برای واحدهای صنفی",
            description="این خدمت برای شروع کسب‌وکار است.",
            national_id="SRV-1404-0017",
            audience="G2B",
            nature="enterprise",
            level="provincial",
            life_event="راه‌اندازی کسب‌وکار",
            trigger="درخواست متقاضی",
            in_person_visits=2,
            channels=["web", "sms"],
            average_duration_days=12,
            annual_volume=45000,
            maturity="3",
            duration_working_days=3,
            fee_amount=1250000,
            fee_description="عوارض صدور 500000 ریال",
            complaint_procedure="شکایت از طریق سامانه سامد",
            responsible_name="خانم کریمی",
            responsible_title="رئیس اداره صنوف",
            responsible_phone="021-88776655",
        )
        ServiceStep.objects.create(service=service, order=1, title="ثبت درخواست برخط")
        ServiceStep.objects.create(
            service=service, order=2, title="بازدید کارشناس", description="در محل واحد صنفی"
        )
        RequiredDocument.objects.create(service=service, title="تصویر کارت ملی")
        RequiredDocument.objects.create(
            service=service, title="اجاره‌نامه", is_required=False, description="در صورت اجاره"
        )
        Regulation.objects.create(
            service=service, title="قانون نظام صنفی", reference="ماده ۱۲ قانون نظام صنفی"
        )
        Faq.objects.create(service=service, question="مدت اعتبار پروانه؟", answer="پنج سال")
        return service

    def test_it_shows_every_field_of_the_service_card(self) -> None:
        service = self._full_card()
        r = self.client.get(reverse("catalog:service_detail", args=[service.slug]))
        self.assertEqual(r.status_code, 200)
        for text in (
            "صدور پروانه کسب",
            "پروانه کسب برای واحدهای صنفی",
            "این خدمت برای شروع کسب‌وکار است.",
            self.agency.name,
            # steps, documents, regulations, FAQ
            "ثبت درخواست برخط",
            "بازدید کارشناس",
            "در محل واحد صنفی",
            "تصویر کارت ملی",
            "اجاره‌نامه",
            "اختیاری",
            "در صورت اجاره",
            "قانون نظام صنفی",
            "ماده ۱۲ قانون نظام صنفی",
            "مدت اعتبار پروانه؟",
            "پنج سال",
            # duration, fee, complaint procedure, responsible person
            "۳ روز کاری",
            "۱٬۲۵۰٬۰۰۰ ریال",
            "عوارض صدور ۵۰۰۰۰۰ ریال",
            "شکایت از طریق سامانه سامد",
            "خانم کریمی",
            "رئیس اداره صنوف",
            "۰۲۱-۸۸۷۷۶۶۵۵",
            # national catalog fields
            "SRV-۱۴۰۴-۰۰۱۷",
            "دولت به کسب‌وکار",
            "تصدی‌گری",
            "استانی",
            "راه‌اندازی کسب‌وکار",
            "درخواست متقاضی",
            "وب‌گاه، پیامک",
            "۱۲ روز کاری",
            "۴۵٬۰۰۰",
            "تعامل دوسویه",
            "۲ بار",
        ):
            with self.subTest(text=text):
                self.assertContains(r, text)

    def test_it_writes_the_numbers_of_the_card_in_persian_digits(self) -> None:
        service = self._full_card()
        r = self.client.get(reverse("catalog:service_detail", args=[service.slug]))
        html = r.content.decode()
        catalog_fields = _section(html, "catalog-fields")
        self.assertIn("میانگین زمان انجام ۱۲ روز کاری", catalog_fields)
        self.assertIn("تعداد درخواست در سال ۴۵٬۰۰۰", catalog_fields)
        self.assertIn("تعداد مراجعه حضوری ۲", catalog_fields)
        fees = _section(html, "fees")
        responsible = _section(html, "responsible")
        page = _text(html)
        self.assertIn("مهلت انجام ۳ روز کاری", page)
        self.assertIn("هزینه ۱٬۲۵۰٬۰۰۰ ریال", page)
        for latin in ("3 روز", "12 روز", "1250000", "1,250,000", "45000", "45,000", "500000"):
            with self.subTest(latin=latin):
                self.assertNotIn(latin, page)
        self.assertNotRegex(catalog_fields, r"[0-9]")
        self.assertNotRegex(catalog_fields, r"G2[BCG]")  # the audience in words, no Latin code
        self.assertNotRegex(fees, r"[0-9]")
        self.assertNotRegex(responsible, r"[0-9]")

    def test_it_shows_a_free_service_as_free(self) -> None:
        r = self.client.get(reverse("catalog:service_detail", args=[self.service.slug]))
        self.assertContains(r, "رایگان")

    def test_it_answers_404_for_an_unpublished_service(self) -> None:
        self._assert_not_found(reverse("catalog:service_detail", args=[self.draft.slug]))

    def test_it_answers_404_for_a_service_of_an_inactive_agency(self) -> None:
        self._assert_not_found(reverse("catalog:service_detail", args=[self.orphan.slug]))

    # --- the list and its live search --------------------------------------------------------

    def test_it_lists_published_services(self) -> None:
        r = self.client.get(LIST)
        self.assertEqual(set(listed_slugs(r)), {"building-permit", "gas-connection"})
        self.assertContains(r, 'class="site-brand"')  # in the layout (core/shell.py)

    def test_it_answers_a_search_with_the_same_page_as_a_full_render(self) -> None:
        # The layout is rendered once and kept; the form and the results for each request.
        self.client.get(LIST, {"q": "پروانه"})
        joined = self.client.get(LIST, {"q": "گاز"})
        with override_settings(DEBUG=True):  # a DEBUG server renders every page in full
            full = self.client.get(LIST, {"q": "گاز"})
        self.assertTemplateUsed(full, "base.html")
        self.assertEqual(joined.content.decode(), full.content.decode())
        self.assertContains(joined, 'value="گاز"')
        self.assertEqual(joined["Vary"], full["Vary"])

    def test_it_answers_an_htmx_search_with_the_results_fragment_only(self) -> None:
        r = self.client.get(LIST, {"q": "گاز"}, headers={"HX-Request": "true"})
        self.assertEqual(r.status_code, 200)
        self.assertTemplateNotUsed(r, "base.html")
        html = r.content.decode().strip()
        self.assertTrue(html.startswith('<div id="results"'), html[:80])
        self.assertNotIn("<html", html)
        self.assertNotIn("<nav", html)
        self.assertNotIn('name="q"', html)
        self.assertIn("انشعاب گاز", html)
        self.assertNotIn("صدور پروانه ساختمانی", html)
        # Caches must not hand the fragment to a normal visit of the same URL.
        self.assertIn("HX-Request", r.headers.get("Vary", ""))

    def test_it_swaps_the_whole_results_block_so_it_is_not_nested(self) -> None:
        r = self.client.get(LIST)
        self.assertContains(r, 'hx-swap="outerHTML"')
        self.assertContains(r, 'id="results"', count=1)

    def test_it_answers_an_htmx_history_restore_with_the_whole_page(self) -> None:
        # htmx 2 rebuilds <body> from this answer when the back button misses its cache.
        headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
        r = self.client.get(LIST, {"q": "گاز"}, headers=headers)
        self.assertTemplateUsed(r, "base.html")
        self.assertContains(r, "انشعاب گاز")

    def test_it_lists_services_in_a_bounded_number_of_queries(self) -> None:
        # One page of services with the count of all of them, in one query.
        with self.assertNumQueries(1):
            self.client.get(LIST)
        for i in range(8):
            create_service(self.other_agency, slug=f"extra-{i}", title=f"خدمت {i}")
        with self.assertNumQueries(1):
            r = self.client.get(LIST)
        self.assertEqual(len(listed_slugs(r)), 10)

    def test_it_pages_the_results_with_their_count(self) -> None:
        for i in range(45):
            create_service(self.other_agency, slug=f"extra-{i}", title=f"خدمت اضافه {i:02d}")
        first = self.client.get(LIST, {"q": "خدمت اضافه"})
        self.assertContains(first, "۴۵ خدمت")
        self.assertContains(first, "صفحه ۱ از ۳")
        last = self.client.get(LIST, {"q": "خدمت اضافه", "page": "3"})
        self.assertEqual(len(listed_slugs(last)), 5)
        self.assertContains(last, "خدمت اضافه 44")
        self.assertContains(last, "صفحه ۳ از ۳")
        # Past the last page, or not a number: the last page and the first, as before.
        past = self.client.get(LIST, {"q": "خدمت اضافه", "page": "9"})
        self.assertContains(past, "صفحه ۳ از ۳")
        self.assertContains(self.client.get(LIST, {"q": "خدمت اضافه", "page": "x"}), "صفحه ۱ از ۳")

    def test_it_renders_home_agency_and_category_pages_in_bounded_queries(self) -> None:
        for i in range(5):
            create_service(self.agency, slug=f"more-{i}", title=f"خدمت دیگر {i}")
        with self.assertNumQueries(2):
            self.client.get(HOME)
        with self.assertNumQueries(2):
            self.client.get(reverse("catalog:agency_detail", args=[self.agency.slug]))
        with self.assertNumQueries(2):
            self.client.get(reverse("catalog:category_detail", args=["housing"]))
