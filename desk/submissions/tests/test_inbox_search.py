"""Searching the staff inbox: a request by its code or its applicant, one service, the overdue
ones or one's own; the search kept in the box and across pages, never outside the inbox."""

from __future__ import annotations

import datetime
from typing import Any
from unittest import mock

from django.urls import reverse

from desk.lib.jalali import today_tehran
from desk.lib.persian import to_persian_digits
from desk.lib.tracking import format_code
from desk.submissions import selectors, services
from desk.submissions.models import Submission
from desk.submissions.tests.base import OTHER_NATIONAL_CODE, SubmissionTestCase
from desk.test import create_service


def codes(response: Any) -> list[str]:
    return [row.tracking_code for row in response.context["inbox"]]


class InboxSearchTests(SubmissionTestCase):
    url = reverse("submissions:inbox")

    def setUp(self) -> None:
        super().setUp()
        self.other_citizen.first_name, self.other_citizen.last_name = "حسین", "کاظمی"
        self.other_citizen.save()
        self.first = self.create_submission()
        self.second = self.create_submission(self.other_citizen)
        self.client.force_login(self.manager)

    def test_a_tracking_code_typed_in_persian_digits_with_dashes_finds_that_request(self) -> None:
        typed = to_persian_digits(format_code(self.second.tracking_code))
        r = self.client.get(self.url, {"q": typed})
        self.assertEqual(codes(r), [self.second.tracking_code])
        self.assertContains(r, "یافته‌ها در کارتابل")
        self.assertContains(r, f'value="{typed}"')  # what was typed stays in the box

    def test_a_national_code_finds_every_waiting_request_of_that_applicant(self) -> None:
        third = self.create_submission(self.other_citizen)
        r = self.client.get(self.url, {"q": OTHER_NATIONAL_CODE})
        self.assertEqual(sorted(codes(r)), sorted([self.second.tracking_code, third.tracking_code]))

    def test_part_of_the_name_finds_the_applicant_whichever_yeh_is_typed(self) -> None:
        r = self.client.get(self.url, {"q": "كاظمي"})  # Arabic kaf and yeh
        self.assertEqual(codes(r), [self.second.tracking_code])

    def test_a_search_that_finds_nothing_says_so_and_offers_the_whole_inbox(self) -> None:
        r = self.client.get(self.url, {"q": "۱۲۳۴۵"})
        self.assertEqual(codes(r), [])
        self.assertContains(r, "درخواستی در انتظار با این جستجو پیدا نشد.")
        self.assertContains(r, '<a href="?">همه درخواست‌ها</a>', html=True)

    def test_a_code_pasted_in_full_width_digits_is_found(self) -> None:
        pasted = self.second.tracking_code.translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        )
        r = self.client.get(self.url, {"q": pasted})
        self.assertEqual(codes(r), [self.second.tracking_code])

    def test_too_long_a_text_is_refused_in_persian_and_the_other_choices_still_apply(self) -> None:
        Submission.objects.filter(pk=self.first.pk).update(
            due_on=today_tehran() - datetime.timedelta(days=1)
        )
        r = self.client.get(self.url, {"q": "x" * 150, "only": "overdue"})
        self.assertContains(r, "جستجو حداکثر ۱۰۰ نویسه است؛ کوتاه‌ترش کنید.")
        self.assertContains(r, "بخشی از جستجو پذیرفته نشد")
        self.assertEqual(codes(r), [self.first.tracking_code])
        self.assertContains(r, 'value="' + "x" * 150 + '"')  # what was typed stays
        page_html = r.content.decode()
        self.assertNotIn("q=xxx", page_html)

    def test_one_service_at_a_time(self) -> None:
        other = create_service(self.agency, slug="tree-cutting", title="قطع درخت")
        tree = self.create_submission(service=other)
        r = self.client.get(self.url, {"service": other.pk})
        self.assertEqual(codes(r), [tree.tracking_code])
        self.assertContains(r, f'<option value="{other.pk}" selected>قطع درخت</option>', html=True)

    def test_a_service_of_another_agency_or_no_number_is_refused_in_persian(self) -> None:
        gas = create_service(self.other_agency, slug="gas", title="انشعاب گاز")
        for value in (str(gas.pk), "x", "9" * 30):
            with self.subTest(value=value):
                r = self.client.get(self.url, {"service": value})
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, "جستجو انجام نشد؛ همه درخواست‌های در انتظار را می‌بینید.")
                self.assertContains(r, "این خدمت در فهرست نیست؛ از فهرست انتخاب کنید.")
                self.assertEqual(len(codes(r)), 2)
                self.assertNotContains(r, "انشعاب گاز")

    def test_only_the_overdue(self) -> None:
        Submission.objects.filter(pk=self.first.pk).update(
            due_on=today_tehran() - datetime.timedelta(days=1)
        )
        r = self.client.get(self.url, {"only": "overdue"})
        self.assertEqual(codes(r), [self.first.tracking_code])

    def test_only_those_assigned_to_me(self) -> None:
        services.submission_assign(
            submission_id=self.second.pk, actor=self.manager, assignee=self.expert
        )
        self.client.force_login(self.expert)
        r = self.client.get(self.url, {"only": "mine"})
        self.assertEqual(codes(r), [self.second.tracking_code])

    def test_a_search_never_reaches_outside_the_staff_members_inbox(self) -> None:
        gas = create_service(self.other_agency, slug="gas", title="انشعاب گاز")
        theirs = self.create_submission(service=gas)
        r = self.client.get(self.url, {"q": theirs.tracking_code})
        self.assertEqual(codes(r), [])
        self.client.force_login(self.outsider)
        r = self.client.get(self.url, {"q": str(self.citizen.national_code)})
        self.assertEqual(codes(r), [theirs.tracking_code])

    @mock.patch.object(selectors, "INBOX_PAGE_SIZE", 2)
    def test_the_next_page_keeps_the_search(self) -> None:
        made = [self.create_submission(self.other_citizen) for _ in range(3)]
        self.create_submission()  # the first citizen's: not in the search
        r = self.client.get(self.url, {"q": OTHER_NATIONAL_CODE})
        self.assertContains(r, "ردیف ۱ تا ۲ از ۴")
        cursor = r.context["inbox_page"].next_cursor
        self.assertContains(r, f'href="?q={OTHER_NATIONAL_CODE}&amp;after={cursor}&amp;from=3"')
        r = self.client.get(self.url, {"q": OTHER_NATIONAL_CODE, "after": cursor, "from": "3"})
        self.assertContains(r, "ردیف ۳ تا ۴ از ۴")
        found = set(codes(r))
        self.assertTrue(found <= {s.tracking_code for s in [self.second, *made]})
        self.assertEqual(len(found), 2)

    def test_paging_without_a_search_stays_the_plain_inbox(self) -> None:
        r = self.client.get(self.url, {"from": "1"})
        self.assertContains(r, "در انتظار اقدام")
        self.assertNotContains(r, "یافته‌ها در کارتابل")
        self.assertNotContains(r, "جستجو انجام نشد")
