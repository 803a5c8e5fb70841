from __future__ import annotations

import random
import re
from copy import copy
from typing import TYPE_CHECKING

from django.test import override_settings
from django.urls import resolve, reverse

from desk.agencies.models import Role
from desk.catalog.models import Service
from desk.catalog.selectors import _terms
from desk.catalog.tests.test_admin_scope import _admin_post_data
from desk.lib.persian import normalize, search_key, to_ascii_digits, to_persian_digits
from desk.test import BaseTestCase, create_agency, create_service, create_staff

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

LIST = reverse("catalog:service_list")
_RESULT_LINK = re.compile(r'class="list-group-item list-group-item-action py-3" href="([^"]*)"')


def listed_slugs(response: _MonkeyPatchedWSGIResponse) -> list[str]:
    """The services a search page lists, in its order (the slugs of its result links; the
    page is written in one pass, without a template context)."""
    return _listed(response.content.decode())


def _listed(page: str) -> list[str]:
    return [resolve(href).kwargs["slug"] for href in _RESULT_LINK.findall(page)]


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class SearchTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # self.service is «صدور پروانه ساختمانی», written with Persian letters.
        # This one is stored with Arabic yeh and kaf, as the seeds sometimes are.
        self.arabic = create_service(
            self.agency,
            slug="business-renewal",
            title="تمديد پروانه كسب",
            summary="براي واحدهاي صنفي",
        )
        self.zwnj = create_service(
            self.agency, slug="preschool", title="ثبت‌نام پیش‌دبستانی", summary="مدارس"
        )
        self.spaced = create_service(
            self.other_agency, slug="gas-meter", title="تعویض کنتور گاز", summary="کنتور خانگی"
        )
        self.digits = create_service(
            self.agency, slug="article-100", title="رسیدگی کمیسیون ماده 100", summary="تخلفات"
        )
        self.persian_digits = create_service(
            self.agency, slug="plan-5", title="طرح تفصیلی ۵ ساله", summary="شهرسازی"
        )
        self.hidden = create_service(
            self.agency, slug="draft-permit", title="پروانه پیش‌نویس", is_published=False
        )

    def _search(self, query: str) -> set[str]:
        r = self.client.get(LIST, {"q": query})
        self.assertEqual(r.status_code, 200)
        return set(listed_slugs(r))

    def test_it_finds_persian_letters_from_a_query_typed_with_arabic_yeh_and_kaf(self) -> None:
        # «ساختماني» with Arabic yeh finds «ساختمانی».
        self.assertEqual(self._search("ساختماني"), {"building-permit"})
        # «كنتور» with Arabic kaf finds «کنتور».
        self.assertEqual(self._search("كنتور"), {"gas-meter"})

    def test_it_finds_arabic_letters_from_a_query_typed_with_persian_yeh_and_kaf(self) -> None:
        self.assertEqual(self._search("تمدید پروانه کسب"), {"business-renewal"})
        self.assertEqual(self._search("واحدهای"), {"business-renewal"})

    def test_it_shows_the_title_as_written(self) -> None:
        r = self.client.get(LIST, {"q": "تمدید"})
        self.assertContains(r, "تمديد پروانه كسب")

    def test_it_treats_zwnj_like_a_space(self) -> None:
        self.assertEqual(self._search("پیش دبستانی"), {"preschool"})
        self.assertEqual(self._search("ثبت نام"), {"preschool"})
        self.assertEqual(self._search("کنتور\u200cگاز"), {"gas-meter"})

    def test_it_matches_persian_arabic_and_latin_digits(self) -> None:
        self.assertEqual(self._search("ماده ۱۰۰"), {"article-100"})
        self.assertEqual(self._search("ماده ١٠٠"), {"article-100"})
        self.assertEqual(self._search("5 ساله"), {"plan-5"})

    def test_it_requires_every_word(self) -> None:
        self.assertEqual(self._search("پروانه"), {"building-permit", "business-renewal"})
        self.assertEqual(self._search("پروانه ساختمانی"), {"building-permit"})
        self.assertEqual(self._search("ساختمانی پروانه"), {"building-permit"})
        self.assertEqual(self._search("پروانه گاز"), set())

    def test_it_searches_the_agency_name(self) -> None:
        self.assertEqual(self._search("شرکت گاز"), {"gas-meter"})

    def test_it_lists_every_published_service_for_an_empty_query(self) -> None:
        everything = {
            "building-permit",
            "business-renewal",
            "preschool",
            "gas-meter",
            "article-100",
            "plan-5",
        }
        self.assertEqual(self._search(""), everything)
        self.assertEqual(self._search("   "), everything)
        self.assertEqual(self._search("\u200c"), everything)
        self.assertEqual(set(listed_slugs(self.client.get(LIST))), everything)

    def test_it_never_finds_an_unpublished_service(self) -> None:
        self.assertEqual(self._search("پیش‌نویس"), set())

    def test_it_says_when_nothing_is_found(self) -> None:
        for headers in ({}, {"HX-Request": "true"}):
            with self.subTest(headers=headers):
                r = self.client.get(LIST, {"q": "گواهینامه خلبانی"}, headers=headers)
                self.assertContains(r, "خدمتی برای «گواهینامه خلبانی» پیدا نشد")
                # No count line before it: «0 found» (or a blank count) is not said.
                self.assertNotContains(r, "پیدا شد")

    def test_it_counts_what_it_finds_in_persian_digits(self) -> None:
        r = self.client.get(LIST, {"q": "پروانه"})
        found = len(self._search("پروانه"))
        self.assertGreater(found, 0)
        self.assertContains(r, f"{to_persian_digits(found)} خدمت برای «پروانه» پیدا شد.")
        self.assertNotContains(r, "پیدا نشد")

    # --- the word index (catalog/migrations/0006_search_index.py) --------------------------------

    def test_it_finds_a_word_only_where_its_letters_follow_each_other(self) -> None:
        # The index is asked for some of a word's trigrams (catalog/selectors.py): «انش»
        # and «عاب» of «انشعاب» are both in «انشای عابر», which does not contain it.
        create_service(self.agency, slug="essay", title="انشای عابر پیاده", summary="مدرسه")
        create_service(self.agency, slug="branch", title="انشعاب آب", summary="کنتور")
        self.assertEqual(self._search("انشعاب"), {"branch"})
        self.assertEqual(self._search("انشعاب آب"), {"branch"})
        self.assertEqual(self._search("شعاب"), {"branch"})  # four letters: two trigrams
        self.assertEqual(self._search("انشای"), {"essay"})
        self.assertEqual(
            _terms(["انشعاب", "آب", "پیاده"], "sqlite"),
            ('"انش" AND "عاب" AND "پیا" AND "اده"', ("انشعاب", "آب", "پیاده")),
        )

    def test_it_finds_a_word_inside_a_longer_one(self) -> None:
        # A substring, as before the index: «دبستان» in «پیش‌دبستانی», «کسب» in «كسب».
        self.assertEqual(self._search("دبستان"), {"preschool"})
        self.assertEqual(self._search("ساختما"), {"building-permit"})
        self.assertEqual(self._search("وانه كس"), {"business-renewal"})

    def test_it_finds_words_shorter_than_three_letters(self) -> None:
        # The index knows words of 3 letters or more; shorter ones are tested on the key.
        self.assertEqual(self._search("5"), {"plan-5"})
        self.assertEqual(self._search("۱۰"), {"article-100"})
        self.assertEqual(self._search("گا"), {"gas-meter"})  # «گاز», the service and its agency
        self.assertEqual(self._search("5 طرح"), {"plan-5"})
        self.assertEqual(self._search("طرح 7"), set())
        self.assertEqual(self._search("کن تو"), {"gas-meter"})

    def test_it_takes_quotes_and_operators_as_text(self) -> None:
        # The query is words to find, never a query language.
        self.assertEqual(self._search('"کنتور"'), set())
        self.assertEqual(self._search("کنتور*"), set())
        self.assertEqual(self._search("کنتور OR پروانه"), set())
        self.assertEqual(self._search("کنتور AND"), set())
        self.assertEqual(self._search("NEAR(کنتور"), set())
        self.assertEqual(self._search("50%"), set())
        self.assertEqual(self._search("کنتور_"), set())

    def test_it_finds_nothing_for_a_word_with_a_nul_character(self) -> None:
        # No search key holds one (PostgreSQL refuses one sent as text): nothing found, on
        # the first page and on a page number the ORM's paginator answers.
        for query, page in (("کنتور\x00", "1"), ("\x00", "1"), ("کنتور\x00", "9"), ("a\x00", "x")):
            with self.subTest(query=query, page=page):
                r = self.client.get(LIST, {"q": query, "page": page})
                self.assertContains(r, "پیدا نشد")
                self.assertEqual(listed_slugs(r), [])

    def test_it_finds_an_edited_service_by_its_new_words_only(self) -> None:
        self.spaced.title = "تعویض فلومتر آب"
        self.spaced.summary = "کنتور هوشمند"
        self.spaced.save()
        self.assertEqual(self._search("فلومتر"), {"gas-meter"})
        self.assertEqual(self._search("کنتور هوشمند"), {"gas-meter"})
        self.assertEqual(self._search("کنتور خانگی"), set())
        self.spaced.delete()
        self.assertEqual(self._search("فلومتر"), set())

    def test_it_finds_a_service_by_its_agencys_new_name(self) -> None:
        admin = create_staff(self.other_agency, "gas-admin", Role.ADMIN)
        admin.is_staff = admin.is_superuser = True
        admin.save()
        self.client.force_login(admin)
        url = reverse("admin:agencies_agency_change", args=[self.other_agency.pk])
        data = _admin_post_data(self.client.get(url))
        data["name"] = "شرکت ملی پخش فراورده"
        self.assertRedirects(
            self.client.post(url, data), reverse("admin:agencies_agency_changelist")
        )
        self.assertEqual(self._search("فراورده"), {"gas-meter"})
        # «نمونه» was in the old name only (the other agency's name keeps its own).
        self.assertEqual(self._search("کنتور نمونه"), set())
        self.assertEqual(self._search("کنتور شرکت"), {"gas-meter"})

    def test_it_finds_a_published_service_and_forgets_it_unpublished(self) -> None:
        self.hidden.is_published = True
        self.hidden.save()
        self.assertEqual(self._search("پیش‌نویس"), {"draft-permit"})
        Service.objects.filter(pk=self.hidden.pk).update(is_published=False)
        self.assertEqual(self._search("پیش‌نویس"), set())


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class SearchAdminEditTests(BaseTestCase):
    def test_it_finds_a_service_edited_in_admin_by_its_new_words_not_its_old_ones(self) -> None:
        admin = create_staff(self.agency, "agency-admin", Role.ADMIN)
        admin.is_staff = True
        admin.save()
        self.client.force_login(admin)
        url = reverse("admin:catalog_service_change", args=[self.service.pk])
        data = _admin_post_data(self.client.get(url))
        data["title"] = "مجوز تخریب بنای فرسوده"
        data["summary"] = "نوسازی بافت"
        self.assertRedirects(
            self.client.post(url, data), reverse("admin:catalog_service_changelist")
        )
        self.client.logout()
        found = self.client.get(LIST, {"q": "تخریب فرسوده"})
        self.assertEqual(listed_slugs(found), ["building-permit"])
        for old in ("ساختمانی", "پروانه ساخت", "مسکونی"):
            with self.subTest(old=old):
                self.assertEqual(listed_slugs(self.client.get(LIST, {"q": old})), [])


class SearchPagesTests(BaseTestCase):
    """Many services written at once (``bulk_create``, as desk/benchdata writes them), paged."""

    def setUp(self) -> None:
        super().setUp()
        category = self.service.category
        services = []
        for i in range(125):
            service = Service(
                agency=self.agency if i % 2 else self.other_agency,
                category=category,
                slug=f"meter-{i:03d}",
                title=f"نصب کنتور هوشمند {to_persian_digits(f'{i:03d}')}",
                summary="کنتور آب" if i % 5 else "کنتور برق",
                national_id=f"M{i:03d}",
                audience="G2C",
                nature="enterprise",
                level="city",
                duration_working_days=5,
                complaint_procedure="سامانه ۱۲۲",
                responsible_name="مهندس کریمی",
                is_published=i != 7,
            )
            service.search_text = service.build_search_text()
            services.append(service)
        Service.objects.bulk_create(services)

    def _page(self, query: str, page: str) -> list[str]:
        r = self.client.get(LIST, {"q": query, "page": page})
        self.assertEqual(r.status_code, 200)
        return listed_slugs(r)

    def test_it_pages_the_matches_in_title_order_with_their_count(self) -> None:
        # 124 published, by title: meter-000 … meter-124 without meter-007.
        expected = [f"meter-{i:03d}" for i in range(125) if i != 7]
        with self.assertNumQueries(1):  # the page and its count, in one query
            first = self.client.get(LIST, {"q": "كنتور هوشمند"})
        self.assertContains(first, "۱۲۴ خدمت")
        self.assertContains(first, "صفحه ۱ از ۷")
        pages = [self._page("كنتور هوشمند", str(n)) for n in range(1, 8)]
        self.assertEqual([len(p) for p in pages], [20] * 6 + [4])
        self.assertEqual([slug for page in pages for slug in page], expected)
        # Past the last page: the last one.
        self.assertEqual(self._page("كنتور هوشمند", "8"), expected[120:])

    def test_it_pages_a_short_word_with_an_indexed_one(self) -> None:
        # «برق» in one service of five; «۰» (a short word) in most of their numbers.
        expected = [f"meter-{i:03d}" for i in range(0, 125, 5) if "0" in f"{i:03d}"]
        first = self.client.get(LIST, {"q": "برق 0"})
        self.assertContains(first, "۲۴ خدمت")
        self.assertEqual(self._page("برق ۰", "1") + self._page("برق ٠", "2"), expected)
        self.assertEqual(self._page("برق 2", "1"), [s for s in expected if "2" in s])

    def test_it_keeps_services_of_the_same_title_in_one_order_across_pages(self) -> None:
        # 130 services titled alike: pages 1–5 (one statement each) and 6–7 (the ORM's
        # paginator) order them by id, so that none is shown twice or never.
        created = [create_service(self.agency, slug="same-000", title="گواهی همسان")]
        for i in range(1, 130):
            created.append(copy(created[0]))
            created[-1].pk = None
            created[-1].slug, created[-1].national_id = f"same-{i:03d}", f"S{i:03d}"
        Service.objects.bulk_create(created[1:])
        pages = [self._page("همسان", str(n)) for n in range(1, 8)]
        self.assertEqual([len(p) for p in pages], [20] * 6 + [10])
        self.assertEqual(
            [slug for page in pages for slug in page], [f"same-{i:03d}" for i in range(130)]
        )


# Words the generated catalog's titles and summaries are made of (Persian, a Latin word, digits,
# and characters that are operators to LIKE, FTS5 or a shell: they must be found as text).
_VOCABULARY = (
    "انشعاب",
    "گاز",
    "آب",
    "برق",
    "کنتور",
    "هوشمند",
    "پروانه",
    "ساختمانی",
    "تمدید",
    "كسب",  # Arabic kaf, as seeds sometimes write it
    "پیش‌دبستانی",  # ZWNJ
    "ماده ۱۰۰",
    "50%",
    "a_b",
    "c:\\temp",
    '"نقل"',
    "OR",
    "NEAR(آب",
    "*",
    "Permit",
)


class SearchAsTheSubstringFilterTests(BaseTestCase):
    """The search's page statement (``selectors._PAGE``: FTS5 and ``instr`` on SQLite, ``LIKE``
    served by the trigram index on PostgreSQL) finds what the plain filter finds: the published
    services of active agencies whose search key holds every word of the query's key, by
    title then id, paged by twenty, with their count. Many queries over a generated catalog."""

    def setUp(self) -> None:
        super().setUp()
        rng = random.Random(19)
        closed = create_agency("اداره بسته", "closed-office")
        closed.is_active = False
        closed.save()
        agencies = [self.agency, self.other_agency, closed]
        category = self.service.category
        services = []
        for i in range(90):
            words = rng.sample(_VOCABULARY, rng.randint(1, 4))
            # Titles repeat (the order's tie is the id) and some differ only by a word.
            title = " ".join(words[:2]) if i % 7 else "خدمت همسان"
            service = Service(
                agency=agencies[i % 3 if i % 11 else 2],
                category=category,
                slug=f"generated-{i:03d}",
                title=title,
                summary=" ".join(rng.sample(_VOCABULARY, 2)) + f" {i}",
                national_id=f"G{i:03d}",
                audience="G2C",
                nature="enterprise",
                level="city",
                duration_working_days=i % 9 + 1,
                complaint_procedure="سامانه ۱۲۲",
                responsible_name="مهندس کریمی",
                is_published=i % 13 != 5,
            )
            service.search_text = service.build_search_text()
            services.append(service)
        Service.objects.bulk_create(services)
        self.queries = self._queries(rng)

    def _queries(self, rng: random.Random) -> list[str]:
        """The vocabulary's words, fragments of 1–5 letters of the catalog's keys, words in
        other letter and digit forms, pairs and triples of them, and words found nowhere."""
        keys = [s.search_text for s in Service.objects.all()]
        fragments = []
        for _ in range(100):
            key = rng.choice(keys)
            size = rng.randint(1, 5)
            start = rng.randrange(max(1, len(key) - size))
            fragments.append(key[start : start + size])
        queries = [*_VOCABULARY, *fragments, "ماده 100", "ماده ١٠٠", "كنتور", "پیش دبستانی"]
        queries += [" ".join(rng.sample(queries, rng.randint(2, 3))) for _ in range(40)]
        return [*queries, "%", "_", "\\", "'", "همسان", "", "  ", "هیچ‌جا نیست"]

    def _expected(self, query: str) -> list[str]:
        words = search_key(query).split()
        found = [
            s
            for s in Service.objects.filter(is_published=True, agency__is_active=True)
            if all(w in s.search_text for w in words)
        ]
        return [s.slug for s in sorted(found, key=lambda s: (s.title, s.pk))]

    def _found(self, query: str) -> tuple[list[str], int | None]:
        """Every page's services in order (pages 1–5 by the page statement, the sixth and on
        by the ORM's paginator) and the count the first page states (None: it states none,
        as for an empty query)."""
        first = self.client.get(LIST, {"q": query}).content.decode()
        stated = re.search(r'<p class="text-muted">([۰-۹]*) خدمت', first)
        pages = re.search(r"صفحه ۱ از ([۰-۹]+)</span>", first)
        slugs = _listed(first)
        for number in range(2, int(to_ascii_digits(pages.group(1))) + 1 if pages else 2):
            page = self.client.get(LIST, {"q": query, "page": str(number)}).content.decode()
            slugs += _listed(page)
        if stated:
            return slugs, int(to_ascii_digits(stated.group(1)))
        # Nothing found is said by the notice alone, naming the words (no count of none).
        return slugs, 0 if "خدمتی برای «" in first else None

    def test_it_finds_what_the_substring_filter_finds_in_the_same_order(self) -> None:
        self.assertGreater(len(self.queries), 150)
        for query in self.queries:
            with self.subTest(query=query):
                expected = self._expected(query)
                slugs, count = self._found(query)
                self.assertEqual(slugs, expected)
                self.assertEqual(count, len(expected) if normalize(query) else None)
