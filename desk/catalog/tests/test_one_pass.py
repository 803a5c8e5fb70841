"""The search page's form and results written in one pass (catalog/templatetags/catalog.py)
are what catalog/_search.html and catalog/_results.html render, byte for byte."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from desk.agencies.models import Agency
from desk.catalog import selectors
from desk.catalog.models import Category
from desk.catalog.selectors import ServiceRow
from desk.catalog.templatetags.catalog import service_results
from desk.catalog.views import SEARCH_PAGE_SIZE
from desk.lib.persian import normalize, to_persian_digits
from desk.test import BaseTestCase, create_service

LIST = reverse("catalog:service_list")

# Names with what HTML escapes (quotes, <, >, &), a ZWNJ, Latin and Persian digits.
AWKWARD = [
    "پروانه «ویژه» \"دو\" 'تک'",
    "پروانه <b>ساخت</b> & تعمیر",
    "پروانه‌های کسب‌وکار &amp; اصناف",
    "پروانه 12 و ۳۴ <script>alert(1)</script>",
]


class OnePassSearchTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        awkward_agency = Agency.objects.create(
            name='شهرداری «منطقه» <۱> & "مرکز"', slug="odd-agency", is_active=True
        )
        category = Category.objects.create(name="مسکن & 'شهرسازی' <ب>", slug="odd-category")
        for i, title in enumerate(AWKWARD):
            create_service(
                awkward_agency if i % 2 else self.agency,
                category=category if i % 3 else None,
                slug=f"odd-{i}",
                title=title,
                summary=f"شرح <i>{i}</i> & «{title}»",
                duration_working_days=i * 7,
            )
        for i in range(41):  # three pages for «پروانه»
            create_service(self.other_agency, slug=f"permit-{i:02d}", title=f"پروانه عادی {i:02d}")

    def _templates(self, query: str, number: str) -> tuple[str, str]:
        """The form and the results as the templates render them for page ``number``."""
        query = normalize(query)  # as the view reads it
        page = Paginator(selectors.services_search(query=query), SEARCH_PAGE_SIZE).get_page(number)
        context = {"services": page, "page": page, "total": page.paginator.count, "query": query}
        return (
            render_to_string("catalog/_search.html", context),
            render_to_string("catalog/_results.html", context),
        )

    def test_the_page_and_the_fragment_are_the_templates_rendering(self) -> None:
        cases = [
            ("", "1"),
            ("", "2"),
            ("پروانه", "1"),
            ("پروانه", "3"),
            ("پروانه", "9"),  # past the last page: the last one
            ("<b>", "1"),
            ("&amp;", "1"),
            ('"دو"', "1"),
            ("کسب‌وکار", "1"),
            ("۱۲", "1"),
            ("نیست‌در‌فهرست", "1"),  # nothing found
        ]
        for query, number in cases:
            with self.subTest(query=query, page=number):
                form, results = self._templates(query, number)
                self.assertIn("list-group-item" if "نیست" not in query else "alert", results)
                fragment = self.client.get(
                    LIST, {"q": query, "page": number}, headers={"HX-Request": "true"}
                )
                self.assertEqual(fragment.content.decode(), results)
                page = self.client.get(LIST, {"q": query, "page": number})
                self.assertIn(form + results, page.content.decode())

    def test_the_rows_are_escaped_as_the_template_would(self) -> None:
        rows = [
            ServiceRow(f"odd-{i}", title, f"<{title}>", i, 'الف & "ب"', "<ج>")
            for i, title in enumerate(AWKWARD)
        ]
        # A value holding the character the rows are joined by: escaped one by one.
        rows.append(ServiceRow("nul", "عنوان\x00با نویسه صفر <", "شرح", 3, "دستگاه", "دسته"))
        for given in (rows, rows[:-1]):
            expected = "".join(
                '<a class="list-group-item list-group-item-action py-3" href="'
                f'{escape(reverse("catalog:service_detail", args=[row.slug]))}">\n'
                f'        <div class="fw-semibold">{escape(row.title)}</div>\n'
                f'        <div class="small text-muted">{escape(row.agency_name)}، '
                f"{escape(row.category_name)}، مهلت "
                f"{to_persian_digits(row.duration_working_days)} روز کاری</div>\n"
                f'        <div class="small">{escape(row.summary)}</div>\n'
                "      </a>\n"
                for row in given
            )
            self.assertEqual(service_results(given), expected)
