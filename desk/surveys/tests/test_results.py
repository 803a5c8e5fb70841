"""Results by axis, period, service, agency and province with the response rate; who may see
them; the red flag of «felt the need for connections»."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from desk.agencies.models import Role
from desk.catalog.models import Service
from desk.lib import tracking
from desk.notifications.models import OutboundMessage
from desk.submissions.models import Status, Submission
from desk.surveys import selectors
from desk.surveys.models import FormKind, Invitation, RedFlag, SurveyForm
from desk.surveys.rollup import survey_rollup
from desk.surveys.selectors import Period
from desk.surveys.services import red_flags_check, response_save
from desk.test import BaseTestCase, create_service, create_staff

YEAR = 1404


_tokens = itertools.count(1)


def invite(service: Service, month: int, *, form: str = FormKind.ESERVICE) -> Invitation:
    """An ended request of `service` in Jalali month `month` of YEAR, and its invitation."""
    submission = Submission.objects.create(
        tracking_code=tracking.generate(),
        service=service,
        agency=service.agency,
        applicant_id=_citizen_id(),
        applicant_national_code="0084575948",
        applicant_mobile="+989121234567",
        due_on=datetime.date(2025, 4, 7),
        status=Status.COMPLETED,
    )
    version = SurveyForm.objects.get(kind=form).versions.get(number=1)
    return Invitation.objects.create(
        submission=submission,
        token=f"t{next(_tokens):011d}",
        form_version=version,
        agency=service.agency,
        service=service,
        province=service.agency.province,
        outcome="completed",
        mobile="+989121234567",
        year=YEAR,
        month=month,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )


def _citizen_id() -> int:
    from desk.accounts.models import User

    return User.objects.filter(national_code="0084575948").values_list("pk", flat=True).get()


def answer(invitation: Invitation, **answers: Any) -> None:
    response_save(token=invitation.token, answers=answers)


def eservice(overall: int, ease: int, info: int, speed: int, comment: str = "") -> dict[str, Any]:
    return {
        "overall": overall,
        "ease_of_use": ease,
        "information": info,
        "speed": speed,
        "comment": comment,
    }


class ResultsWorld(BaseTestCase):
    """Agency A: 3 invited and 2 answered in month 1, 1 and 1 in month 4; agency B (in
    another province): 2 and 1 in month 1."""

    def setUp(self) -> None:
        super().setUp()
        self.other_agency.province = "اصفهان"
        self.other_agency.save()
        # Agency A, month 1: three invited, two answered.
        first = [invite(self.service, 1) for _ in range(3)]
        answer(first[0], **eservice(4, 4, 5, 3, "کارمند باحوصله بود"))
        answer(first[1], **eservice(2, 2, 3, 1))
        # Agency A, month 4 (summer): one invited and answered.
        answer(invite(self.service, 4), **eservice(5, 5, 5, 5))
        # Agency B, month 1: two invited, one answered, with a free text of its own.
        self.b_service = create_service(self.other_agency, slug="gas-b", title="انشعاب گاز ب")
        b = [invite(self.b_service, 1) for _ in range(2)]
        answer(b[0], **eservice(1, 1, 1, 1, "متن شهروند ب"))


class ResultsTests(ResultsWorld):
    def test_axes_are_the_means_of_the_responses_with_the_response_rate(self) -> None:
        [row] = selectors.satisfaction([self.agency.pk], Period("month", YEAR, 1))
        self.assertEqual((row.label, row.invited, row.responses), (self.service.title, 3, 2))
        self.assertAlmostEqual(row.response_rate or 0, 2 / 3)
        self.assertEqual(row.axes["overall"], 3.0)
        self.assertEqual(row.axes["transparency"], 4.0)
        self.assertEqual(row.axes["time"], 2.0)
        self.assertEqual(row.axes["systematic"], 3.0)
        self.assertIsNone(row.axes["mastery"])
        self.assertIsNone(row.red_flag_share)  # the short form has no such item

    def test_an_answer_from_the_app_counts_as_one_from_the_page(self) -> None:
        from desk.surveys.models import Channel

        third = Invitation.objects.filter(service=self.service, month=1, response=None).get()
        response_save(token=third.token, answers=eservice(5, 5, 5, 5), channel=Channel.API)
        [row] = selectors.satisfaction([self.agency.pk], Period("month", YEAR, 1))
        self.assertEqual((row.invited, row.responses), (3, 3))
        self.assertAlmostEqual(row.axes["overall"] or 0, (4 + 2 + 5) / 3)

    def test_periods_are_jalali_months_quarters_and_years(self) -> None:
        spring = selectors.satisfaction([self.agency.pk], Period("quarter", YEAR, 1))
        self.assertEqual([(r.invited, r.responses) for r in spring], [(3, 2)])
        year = selectors.satisfaction([self.agency.pk], Period("year", YEAR), group_by="month")
        self.assertEqual([(r.key, r.invited, r.responses) for r in year], [(1, 3, 2), (4, 1, 1)])
        self.assertEqual(year[0].label, "فروردین ۱۴۰۴")
        [total] = selectors.satisfaction([self.agency.pk], Period("year", YEAR), group_by="none")
        self.assertAlmostEqual(total.axes["overall"] or 0, (4 + 2 + 5) / 3)

    def test_oversight_groups_by_agency_and_province_across_agencies(self) -> None:
        by_agency = selectors.satisfaction(None, Period("month", YEAR, 1), group_by="agency")
        self.assertEqual(
            {r.label: (r.invited, r.responses, r.axes["overall"]) for r in by_agency},
            {self.agency.name: (3, 2, 3.0), self.other_agency.name: (2, 1, 1.0)},
        )
        by_province = selectors.satisfaction(None, Period("month", YEAR, 1), group_by="province")
        self.assertEqual({r.label: r.invited for r in by_province}, {"تهران": 3, "اصفهان": 2})

    def test_the_connections_share_counts_answers_1_and_2(self) -> None:
        takrim = [invite(self.service, 2, form=FormKind.TAKRIM) for _ in range(4)]
        items = SurveyForm.objects.get(kind=FormKind.TAKRIM).versions.get().questions
        base = {q.key: 4 for q in items.filter(kind="scale")}
        for invitation, need in zip(takrim, (1, 2, 4, 5), strict=True):
            answer(invitation, **{**base, "connections": need})
        [row] = selectors.satisfaction([self.agency.pk], Period("month", YEAR, 2))
        self.assertEqual(row.red_flag_share, 0.5)
        self.assertEqual(row.axes["mastery"], 4.0)

    @override_settings(SURVEY_RED_FLAG_PERCENT=40, SURVEY_RED_FLAG_MIN_ANSWERS=4)
    def test_a_share_above_the_threshold_is_reported_to_the_managers_once(self) -> None:
        self.manager.mobile = "+989120000001"
        self.manager.save()
        takrim = [invite(self.service, 3, form=FormKind.TAKRIM) for _ in range(4)]
        items = SurveyForm.objects.get(kind=FormKind.TAKRIM).versions.get().questions
        base = {q.key: 4 for q in items.filter(kind="scale")}
        for invitation, need in zip(takrim, (1, 2, 4, 5), strict=True):
            answer(invitation, **{**base, "connections": need})
        [flag] = red_flags_check(year=YEAR, month=3)
        self.assertEqual((flag.agency, flag.answered, flag.flagged), (self.agency, 4, 2))
        [sms] = OutboundMessage.objects.filter(kind="survey_red_flag")
        self.assertEqual(sms.to, "+989120000001")
        self.assertIn("۵۰٪", sms.body)
        self.assertIn("خرداد ۱۴۰۴", sms.body)
        self.assertEqual(red_flags_check(year=YEAR, month=3), [])  # once
        self.assertEqual(list(selectors.red_flags([self.agency.pk])), [flag])
        self.assertEqual(list(selectors.red_flags([self.other_agency.pk])), [])

    @override_settings(SURVEY_RED_FLAG_PERCENT=50, SURVEY_RED_FLAG_MIN_ANSWERS=4)
    def test_a_share_at_the_threshold_or_with_too_few_answers_is_not_reported(self) -> None:
        takrim = [invite(self.service, 3, form=FormKind.TAKRIM) for _ in range(4)]
        items = SurveyForm.objects.get(kind=FormKind.TAKRIM).versions.get().questions
        base = {q.key: 4 for q in items.filter(kind="scale")}
        for invitation, need in zip(takrim, (1, 2, 4, 5), strict=True):
            answer(invitation, **{**base, "connections": need})
        self.assertEqual(red_flags_check(year=YEAR, month=3), [])  # 50 % is not above 50 %
        with self.settings(SURVEY_RED_FLAG_PERCENT=10, SURVEY_RED_FLAG_MIN_ANSWERS=5):
            self.assertEqual(red_flags_check(year=YEAR, month=3), [])
        self.assertFalse(RedFlag.objects.exists())


class ResultsPageAccessTests(ResultsWorld):
    """The staff page: managers and agency admins of the agency; free text for managers."""

    url = reverse("surveys:results") + f"?year={YEAR}&period=m1&group_by=service"

    def setUp(self) -> None:
        super().setUp()
        survey_rollup()  # the page reads the nightly rollup

    def get(self, user: Any, url: str | None = None) -> Any:
        self.client.force_login(user)
        return self.client.get(url or self.url)

    def test_a_manager_sees_their_agencys_figures_and_free_text(self) -> None:
        r = self.get(self.manager)
        self.assertContains(r, self.service.title)
        self.assertContains(r, "۶۷٪")  # 2 of 3 answered
        self.assertContains(r, "۳٫۰")
        self.assertContains(r, "کارمند باحوصله بود")
        self.assertNotContains(r, "انشعاب گاز ب")
        self.assertNotContains(r, "متن شهروند ب")

    def test_a_manager_of_agency_b_cannot_see_agency_as_results(self) -> None:
        manager_b = create_staff(self.other_agency, "manager-b", Role.MANAGER)
        r = self.get(manager_b)
        self.assertContains(r, "انشعاب گاز ب")
        self.assertContains(r, "متن شهروند ب")
        self.assertNotContains(r, self.service.title)
        self.assertNotContains(r, "کارمند باحوصله بود")
        # Naming A's service in the address shows nothing of it either.
        r = self.get(manager_b, self.url + f"&service={self.service.pk}")
        self.assertNotContains(r, "کارمند باحوصله بود")
        self.assertNotContains(r, "۶۷٪")

    def test_an_agency_admin_sees_the_figures_but_not_the_free_text(self) -> None:
        admin = create_staff(self.agency, "admin-a", Role.ADMIN)
        r = self.get(admin)
        self.assertContains(r, self.service.title)
        self.assertNotContains(r, "کارمند باحوصله بود")
        self.assertNotContains(r, "نوشته‌های شهروندان")

    def test_experts_and_citizens_get_nothing(self) -> None:
        self.assertEqual(self.get(self.expert).status_code, 404)
        self.assertEqual(self.get(self.citizen).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_an_operator_sees_every_agency_but_no_free_text(self) -> None:
        from desk.accounts.models import User

        root = User.objects.create_superuser("root", password="a-Strong-pass-1404")
        r = self.get(root, self.url.replace("group_by=service", "group_by=agency"))
        self.assertContains(r, self.agency.name)
        self.assertContains(r, self.other_agency.name)
        self.assertNotContains(r, "کارمند باحوصله بود")
        self.assertNotContains(r, "متن شهروند ب")
