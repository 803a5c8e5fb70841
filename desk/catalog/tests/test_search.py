from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from desk.test import BaseTestCase, create_service

LIST = reverse("catalog:service_list")


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
        return {s.slug for s in r.context["services"]}

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
        self.assertEqual({s.slug for s in self.client.get(LIST).context["services"]}, everything)

    def test_it_never_finds_an_unpublished_service(self) -> None:
        self.assertEqual(self._search("پیش‌نویس"), set())

    def test_it_says_when_nothing_is_found(self) -> None:
        r = self.client.get(LIST, {"q": "گواهینامه خلبانی"})
        self.assertContains(r, "خدمتی پیدا نشد")
