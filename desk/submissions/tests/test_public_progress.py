"""The tracking lookup writes its timeline and «what happens next» box in one pass: the same
markup as the includes that «my request» still renders (includes/timeline.html,
submissions/_next_step.html)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from desk.submissions import progress, selectors
from desk.submissions.models import Submission
from desk.submissions.templatetags.submissions import next_step_box, public_timeline
from desk.submissions.tests.base import SubmissionTestCase


class OnePassProgressTests(SubmissionTestCase):
    def assert_same_as_includes(self, submission: Submission) -> None:
        submission = selectors.submission_track(
            code=submission.tracking_code, national_code=self.citizen.national_code
        )
        assert submission is not None
        events = selectors.timeline_for(submission)
        context = {
            "submission": submission,
            "events": events,
            "next_step": progress.next_step_for(submission),
            "ahead": progress.steps_ahead(submission),
            "signs_in": True,
            "user": AnonymousUser(),
        }
        shown = progress.public_progress(submission, events, context["next_step"], context["ahead"])
        self.assertHTMLEqual(
            public_timeline(shown), render_to_string("includes/timeline.html", context)
        )
        self.assertHTMLEqual(
            next_step_box(context, shown),
            render_to_string("submissions/_next_step.html", context),
        )

    def test_a_request_in_the_queue(self) -> None:
        self.assert_same_as_includes(self.create_submission())

    def test_a_request_at_a_step_with_its_deadline_and_steps_ahead(self) -> None:
        submission = self.create_submission()
        self.assert_same_as_includes(self.transition(submission, "start_review"))

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
