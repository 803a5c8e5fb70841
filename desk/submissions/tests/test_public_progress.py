"""The tracking lookup writes its timeline, «what happens next» box and result in one pass: the
same markup as the includes that «my request» still renders (includes/timeline.html,
submissions/_next_step.html, submissions/_result.html)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

from desk.submissions import proofs, selectors
from desk.submissions.models import Submission
from desk.submissions.templatetags.submissions import (
    next_step_box,
    public_timeline,
    result_section,
    track_summary,
)
from desk.submissions.tests.base import SubmissionTestCase, checked_upload
from desk.submissions.views import _progress_context

# The lookup's summary as the page wrote it with filters before it was written in one pass.
_SUMMARY = Template(
    """{% load submissions %}<section class="border rounded p-3 mb-3" id="track-result">
  <div class="d-flex flex-wrap justify-content-between gap-2">
    <div><div class="small text-muted">کد رهگیری</div>{{ submission.tracking_code|tracking_code }}</div>
    <div>{{ submission.status|request_status }}{% if submission.status == "in_review" and submission.current_step %}<div class="small text-muted mt-1" id="current-step">{{ submission.current_step.citizen_label }}</div>{% endif %}</div>
  </div>
  <dl class="row mt-3 mb-0">
    <dt class="col-sm-5">خدمت</dt><dd class="col-sm-7">{{ submission.service.title }} — {{ submission.agency.name }}</dd>
    <dt class="col-sm-5">زمان ثبت</dt><dd class="col-sm-7">{{ submission.submitted_at|jdatetime }}</dd>
    {% if submission.status != "unpaid" and submission.status != "expired" %}<dt class="col-sm-5">موعد پاسخ نهایی</dt><dd class="col-sm-7">{{ submission.due_on|jdate_long }}</dd>{% endif %}
  </dl>
</section>"""  # noqa: E501
)


class OnePassProgressTests(SubmissionTestCase):
    def assert_same_as_includes(self, filed: Submission) -> None:
        # As the lookup reads it: its query, its timeline.
        submission = selectors.submission_track(
            code=filed.tracking_code, national_code=self.citizen.national_code or ""
        )
        assert submission is not None
        context: dict[str, Any] = {
            **_progress_context(submission, shown=True),  # what the lookup's view gives
            "signs_in": True,
            "user": AnonymousUser(),
            "results": selectors.result_files(submission),
            "skip_documents": True,
            "download_proof": proofs.proof_for(submission.pk),
        }
        shown = context["shown"]
        self.assertHTMLEqual(track_summary(submission, shown), _SUMMARY.render(Context(context)))
        self.assertHTMLEqual(
            public_timeline(shown), render_to_string("includes/timeline.html", context)
        )
        self.assertHTMLEqual(
            next_step_box(context, shown),
            render_to_string("submissions/_next_step.html", context),
        )
        self.assertHTMLEqual(
            result_section(context), render_to_string("submissions/_result.html", context)
        )

    def test_a_request_in_the_queue(self) -> None:
        self.assert_same_as_includes(self.create_submission())

    def test_a_request_at_a_step_with_its_deadline_and_steps_ahead(self) -> None:
        submission = self.create_submission()
        self.assert_same_as_includes(self.transition(submission, "start_review"))

    def test_the_last_step_ahead_reads_as_the_end_still_to_come(self) -> None:
        submission = self.transition(self.create_submission(), "start_review")
        r = self.client.post(
            reverse("submissions:track"),
            {"code": submission.tracking_code, "national_code": self.citizen.national_code},
        )
        page = r.content.decode()
        ahead = page[page.index('aria-current="step"') :]
        self.assertIn("در پایان: ", ahead)
        self.assertIn("گام پایانی، پس از مرحله‌های بالا؛ نتیجه به شما پیامک می‌شود", ahead)

    def test_a_request_that_asks_the_citizen_with_a_message_on_two_lines(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review")
        message = "تصویر کارت ملی را بفرستید.\n<b>پشت و رو</b>"
        self.assert_same_as_includes(self.transition(submission, "request_info", message=message))

    def test_a_completed_request(self) -> None:
        self.assert_same_as_includes(self.create_completed())

    def test_a_rejected_request(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review")
        self.assert_same_as_includes(self.transition(submission, "reject", message="مدارک ناقص"))

    def test_a_completed_request_with_two_result_files_and_a_note(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review")
        files = [checked_upload("permit.pdf"), checked_upload("map.pdf")]
        done = self.transition(submission, "complete", files=files, message="اصل را\nبیاورید")
        self.assertEqual(len(selectors.result_files(done)), 2)
        self.assert_same_as_includes(done)

    def test_the_lookup_reads_the_events_meant_for_the_citizen_oldest_first(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review")
        self.transition(submission, "request_info", message="کارت ملی")
        rows = selectors.public_events(submission)
        events = submission.events.filter(is_public=True)
        self.assertEqual(
            [tuple(row) for row in rows],
            [(e.kind, e.label, e.message, e.created_at, True, e.status_after) for e in events],
        )
        self.assertEqual(selectors.timeline_for(submission), rows)
