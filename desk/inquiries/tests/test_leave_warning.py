"""What the staff's action form needs before a request is moved past unanswered inquiries:
which inquiries it would withdraw, and the warning to confirm."""

from __future__ import annotations

from django.urls import reverse

from desk.inquiries.models import Inquiry
from desk.inquiries.selectors import leave_warning, open_inquiries_of
from desk.lib.jalali import format_date
from desk.submissions import services as submissions
from desk.submissions.models import Submission
from desk.submissions.tests.base import upload
from desk.test import PDF_BYTES

from .base import InquiryTestCase, define_inquiry_workflow


class LeaveWarningTests(InquiryTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.rule(self.other_agency, self.third_agency)
        self.submission = self.at_inquiry()

    def decline(self, inquiry: Inquiry) -> None:
        answerer = self.c_expert if inquiry.to_agency == self.third_agency else self.outsider
        self.client.force_login(answerer)
        url = reverse("inquiries:decline", args=[inquiry.public_id])
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(url, {"reason": "در حوزه ما نیست."})

    def test_the_open_inquiries_are_the_ones_moving_on_would_withdraw(self) -> None:
        waiting = open_inquiries_of(self.submission)
        self.assertEqual({i.to_agency for i in waiting}, {self.other_agency, self.third_agency})
        self.decline(Inquiry.objects.get(to_agency=self.third_agency))
        self.assertEqual(
            [i.to_agency for i in open_inquiries_of(self.submission)], [self.other_agency]
        )
        with self.captureOnCommitCallbacks(execute=True):
            submissions.submission_transition(
                submission_id=self.submission.pk, actor=self.expert, action="go_on"
            )
        self.submission.refresh_from_db()
        self.assertEqual(open_inquiries_of(self.submission), [])

    def test_moving_on_without_the_answers_is_warned_of_with_whom_and_until_when(self) -> None:
        warning = leave_warning(self.submission, "go_on")
        inquiry = Inquiry.objects.get(to_agency=self.other_agency)
        self.assertIn(self.other_agency.name, warning)
        self.assertIn(self.third_agency.name, warning)
        self.assertIn(format_date(inquiry.due_on), warning)
        self.assertIn("پس گرفته می‌شوند", warning)
        self.assertIn("۲ استعلام", warning)
        self.assertNotRegex(warning, "[0-9]")  # Persian digits only
        self.assertIn("پس گرفته", leave_warning(self.submission, "reject"))
        self.assertEqual(leave_warning(self.submission, "no-such-action"), "")

    def test_nothing_is_warned_of_once_no_inquiry_waits(self) -> None:
        for inquiry in Inquiry.objects.all():
            self.decline(inquiry)
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.current_step.key, "inquiry")  # type: ignore[union-attr]
        self.assertEqual(leave_warning(self.submission, "go_on"), "")


class LeaveConfirmationPageTests(InquiryTestCase):
    """The staff's action form asks first (desk/submissions/warnings.py, registered by this
    app): nothing moves until the warning is confirmed."""

    def setUp(self) -> None:
        super().setUp()
        self.rule(self.other_agency)
        self.submission = self.at_inquiry()
        self.url = reverse("submissions:staff_act", args=[self.submission.tracking_code])
        self.client.force_login(self.expert)

    def test_moving_on_with_an_inquiry_open_is_confirmed_on_a_page_of_its_own(self) -> None:
        r = self.client.post(self.url, {"action": "go_on", "message": "ادامه می‌دهیم."})
        self.assertEqual(r.status_code, 200)
        self.assertTemplateUsed(r, "submissions/staff_confirm_leave.html")
        self.assertContains(r, self.other_agency.name)
        self.assertContains(r, "پس گرفته می‌شود")
        self.assertContains(r, 'name="confirmed_leave" value="1"')
        self.assertContains(r, "ادامه می‌دهیم.")  # the message typed is carried, not lost
        self.assertContains(r, "نه، منتظر پاسخ می‌مانم")
        self.submission.refresh_from_db()
        self.assertEqual(self.submission.current_step.key, "inquiry")  # type: ignore[union-attr]
        self.assertEqual(len(open_inquiries_of(self.submission)), 1)

    def test_once_confirmed_the_request_moves_on_and_the_inquiry_is_withdrawn(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                self.url, {"action": "go_on", "message": "", "confirmed_leave": "1"}
            )
        self.assertRedirects(
            r,
            reverse("submissions:staff_request", args=[self.submission.tracking_code]),
            fetch_redirect_response=False,
        )
        self.submission.refresh_from_db()
        self.assertNotEqual(self.submission.current_step.key, "inquiry")  # type: ignore[union-attr]
        self.assertEqual(open_inquiries_of(self.submission), [])

    def test_a_rejection_says_it_on_its_own_confirmation_page(self) -> None:
        r = self.client.post(self.url, {"action": "reject", "message": "مدارک ناقص است."})
        self.assertTemplateUsed(r, "submissions/staff_confirm.html")
        self.assertContains(r, "پس گرفته می‌شود")


class LeaveWithAResultTests(InquiryTestCase):
    """An action that ends the request with a result file, taken while an inquiry waits: the
    files cannot ride along the confirmation page, so the page asks for them again once and
    does not ask to confirm leaving a second time."""

    def setUp(self) -> None:
        super().setUp()
        issue_now = {
            "source": "inquiry",
            "target": "done",
            "key": "issue_now",
            "label": "صدور نتیجه بدون پاسخ",
            "needs_result": True,
        }
        define_inquiry_workflow(self.service, [issue_now])
        self.rule(self.other_agency)
        self.submission = self.at_inquiry()
        self.url = reverse("submissions:staff_act", args=[self.submission.tracking_code])
        self.client.force_login(self.expert)

    def test_the_files_are_chosen_again_once_and_the_request_ends(self) -> None:
        chosen = {"action": "issue_now", "message": "", "confirmed": "1"}
        asked = self.client.post(self.url, {**chosen, "documents": upload("r.pdf", PDF_BYTES)})
        self.assertTemplateUsed(asked, "submissions/staff_confirm_leave.html")
        self.assertContains(asked, 'name="confirmed" value="1"')
        # «بله»: the confirmation comes without the files.
        again = self.client.post(self.url, {**chosen, "confirmed_leave": "1"})
        self.assertEqual(again.status_code, 400)
        self.assertContains(again, 'name="confirmed_leave" value="1"', status_code=400)
        self.assertContains(again, "دوباره انتخاب کنید", status_code=400)
        # The files chosen again, from that page: no second confirmation, the request ends.
        with self.captureOnCommitCallbacks(execute=True):
            done = self.client.post(
                self.url,
                {**chosen, "confirmed_leave": "1", "documents": upload("r.pdf", PDF_BYTES)},
            )
        self.assertEqual(done.status_code, 302)
        self.assertEqual(Submission.objects.get(pk=self.submission.pk).status, "completed")
