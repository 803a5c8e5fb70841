"""The lookup's answer inside its layout rendered once (desk/core/shell.py): the same page as
a full render, and a full render for whoever the shared layout does not fit."""

from __future__ import annotations

from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import RequestFactory, override_settings
from django.utils import translation

from desk.submissions.tests.base import SubmissionTestCase


class TrackShellTests(SubmissionTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Asked for more: a link to act on (through sign-in); nothing to download (no proof).
        submission = self.create_submission()
        self.transition(submission, "start_review")
        self.transition(submission, "request_info", message="تصویر کارت ملی را بفرستید.")
        self.code = submission.tracking_code

    def test_it_answers_the_same_page_as_a_full_render(self) -> None:
        self.track(self.code)  # the first answer renders the layout (and keeps it)
        joined = self.track(self.code)
        self.assertIsNone(joined.context)  # no template rendered for this request
        with override_settings(DEBUG=True):  # a DEBUG server renders every page in full
            full = self.track(self.code)
        self.assertIsNotNone(full.context)
        self.assertEqual(joined.content.decode(), full.content.decode())
        self.assertEqual(joined["Content-Type"], full["Content-Type"])

    def test_it_keeps_one_layout_per_language(self) -> None:
        # One language is served today; a second must not get the first visitor's layout.
        from desk.core import shell

        self.track(self.code)
        with translation.override("en"):
            self.track(self.code)
        languages = {key[-1] for key in shell._SHELLS if key[0] == "submissions/track.html"}
        self.assertEqual(languages, {"fa", "en"})

    def test_it_renders_in_full_for_someone_signed_in(self) -> None:
        self.client.force_login(self.citizen)
        r = self.track(self.code)
        self.assertIsNotNone(r.context)
        self.assertContains(r, 'id="track-result"')
        self.assertContains(r, 'id="next-step"')
        self.assertNotContains(r, "(پس از ورود)")  # signed in already

    def test_it_tells_a_visitor_the_link_goes_through_sign_in(self) -> None:
        self.assertContains(self.track(self.code), "(پس از ورود)")

    def test_it_renders_in_full_to_show_a_waiting_message(self) -> None:
        storage = CookieStorage(RequestFactory().get("/"))
        encoded = storage._encode([storage_message("پیام آزمایشی")])  # type: ignore[attr-defined]
        self.client.cookies[CookieStorage.cookie_name] = encoded
        r = self.track(self.code)
        self.assertContains(r, "پیام آزمایشی")
        self.assertContains(r, 'id="track-result"')


def storage_message(text: str) -> object:
    from django.contrib.messages.storage.base import Message

    return Message(constants.INFO, text)
