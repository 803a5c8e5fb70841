"""Generated outsider sweep over every URL pattern (the per-view outsider tests live beside
each app, e.g. desk/submissions/tests/test_isolation.py).

Every named route is classified in ROUTES; a route added later without a class fails the first
test (an unnamed old path is a redirect, or another address of a classified view). Staff
routes that name an object are tried by agency A's staff with agency B's ids, and citizen
routes by one citizen with another's: every answer is 404 (405 for a GET of a POST-only route,
whose POST is then 404) and nothing changes. Staff lists show none of B's rows; staff and
citizen routes send strangers to sign in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import RedirectView

from desk.appointments.models import Appointment
from desk.complaints.models import Complaint
from desk.evaluation.models import Answer, Assessment
from desk.inquiries.models import Inquiry
from desk.letters.models import Letter, LetterReply
from desk.notifications.models import OutboundMessage
from desk.payments.models import Charge, Payment
from desk.submissions.models import Submission, TimelineEvent
from desk.test import BaseTestCase, create_agency, create_staff
from desk.tests.world import Side, build_world

PUBLIC = "public"  # anyone
SIGN_IN = "sign-in"  # the sign-in and sign-out steps themselves
CITIZEN = "citizen"  # a signed-in citizen's own pages, no object in the URL
CITIZEN_OBJECT = "citizen object"  # names a citizen's request or booking: the holder's only
STAFF = "staff"  # staff pages scoped to the viewer's agency, no object in the URL
STAFF_OBJECT = "staff object"  # names an agency's object: that agency's staff only
FILE = "file"  # a download: the access policy's can_view_attachment / can_view_document
HOOK = "hook"  # providers' webhooks, authenticated by a token
ADMIN = "admin"  # the admin site: desk/tests/test_admin_sweep.py
BENCH = "bench"  # benchmark plumbing, no data
API = "api"  # /api/: classified and swept by desk/api/tests/test_tenancy_sweep.py

ROUTES: dict[str, str] = {
    "catalog:home": PUBLIC,
    "catalog:service_list": PUBLIC,
    "catalog:service_detail": PUBLIC,
    "catalog:agency_detail": PUBLIC,
    "catalog:category_detail": PUBLIC,
    # The national catalog export: published service cards only (desk/integrations/export.py).
    "integrations:catalog_export_json": PUBLIC,
    "integrations:catalog_export_csv": PUBLIC,
    "appointments:book": CITIZEN,
    "appointments:mine": CITIZEN,
    "appointments:detail": CITIZEN_OBJECT,
    "appointments:cancel": CITIZEN_OBJECT,
    "appointments:reschedule": CITIZEN_OBJECT,
    "appointments:desk": STAFF,
    "appointments:walk_in": STAFF,
    "appointments:capacity": STAFF,
    "appointments:check_in": STAFF_OBJECT,
    "appointments:no_show": STAFF_OBJECT,
    "appointments:done": STAFF_OBJECT,
    "submissions:apply": CITIZEN,
    "submissions:apply_check": CITIZEN,
    # A document staged as it is chosen: POST only, the signed-in citizen's own staging area.
    "submissions:apply_file": CITIZEN,
    "submissions:track": PUBLIC,
    "submissions:my_requests": CITIZEN,
    "submissions:my_request": CITIZEN_OBJECT,
    "submissions:receipt": CITIZEN_OBJECT,
    "short_link": CITIZEN_OBJECT,
    "submissions:download": FILE,
    "submissions:inbox": STAFF,
    "submissions:staff_request": STAFF_OBJECT,
    "submissions:staff_act": STAFF_OBJECT,
    "submissions:staff_assign": STAFF_OBJECT,
    "submissions:staff_refer": STAFF_OBJECT,
    "delivery:verify": PUBLIC,
    "delivery:verify_code": PUBLIC,
    "delivery:download": FILE,
    "accounts:citizen_login": SIGN_IN,
    "accounts:citizen_verify": SIGN_IN,
    "accounts:profile": CITIZEN,
    "accounts:staff_login": SIGN_IN,
    "accounts:staff_verify": SIGN_IN,  # the two-factor step and enrollment are sign-in steps
    "accounts:two_factor": SIGN_IN,
    "accounts:recovery_codes_regenerate": SIGN_IN,
    "accounts:logout": SIGN_IN,
    "health:healthz": PUBLIC,
    "health:bench_empty": BENCH,
    "notifications:failures": STAFF,
    "notifications:retry": STAFF_OBJECT,
    "notifications:templates": STAFF,
    # The event is the same for every agency; whose text is edited comes from the viewer.
    "notifications:template_edit": STAFF,
    "notifications:template_preview": STAFF,
    "notifications:template_reset": STAFF,
    "payments:request": CITIZEN_OBJECT,
    "payments:choose": CITIZEN_OBJECT,
    "payments:pay": CITIZEN_OBJECT,
    # The bank sends the browser back here: it changes nothing before a server-to-server
    # verification of that payment's own token (desk/payments/tests/test_payment_flow.py).
    "payments:return": HOOK,
    "payments:result": CITIZEN_OBJECT,
    "payments:receipt": CITIZEN_OBJECT,
    "payments:staff_charge": STAFF_OBJECT,
    "payments:staff_refund": STAFF_OBJECT,
    "payments:revenue": STAFF,
    "payments:revenue_xlsx": STAFF,
    # The demo's stand-in for a bank's page (PAYMENT_FAKE_ALLOWED only).
    "payments:fake_gateway": PUBLIC,
    "letters:write": CITIZEN,
    "letters:write_check": CITIZEN,
    "letters:detail": CITIZEN_OBJECT,
    "letters:sent": CITIZEN_OBJECT,
    "letters:attachment": FILE,
    "letters:reply_pdf": FILE,
    "letters:inbox": STAFF,
    "letters:register": STAFF,
    "letters:staff_letter": STAFF_OBJECT,
    "letters:staff_route": STAFF_OBJECT,
    "letters:staff_reply": STAFF_OBJECT,
    "letters:staff_convert": STAFF_OBJECT,
    "notifications:receipt_webhook": HOOK,
    # The survey link texted to the citizen: its random token is the key, no sign-in
    # (desk/surveys/tests/test_survey_web.py).
    "survey_short": PUBLIC,
    "surveys:start": PUBLIC,
    "surveys:question": PUBLIC,
    "surveys:check": PUBLIC,
    "surveys:done": PUBLIC,
    "surveys:results": STAFF,
    "inquiries:inbox": STAFF,
    # An inquiry's pages: the asked agency's staff only (the asker follows it on its request).
    "inquiries:respond": STAFF_OBJECT,
    "inquiries:decline": STAFF_OBJECT,
    "inquiries:send": STAFF_OBJECT,
    "inquiries:shared_file": FILE,
    "inquiries:answer_file": FILE,
    # Other installations, authenticated by an HMAC signature (desk/inquiries/tests/test_remote.py).
    "inquiries:api_inquiry": HOOK,
    "inquiries:api_answer": HOOK,
    "inquiries:api_answer_file": HOOK,
    "inquiries:api_status": HOOK,
    "notifications:inbound_webhook": HOOK,
    # The in-person desk: the clerk's screen serves one citizen; what it lists is scoped to the
    # clerk's agency; a service, receipt or document of another agency is 404.
    "frontdesk:home": STAFF,
    "frontdesk:consent_send": STAFF,
    "frontdesk:consent": STAFF,
    "frontdesk:finish": STAFF,
    "frontdesk:apply": STAFF_OBJECT,
    "frontdesk:apply_check": STAFF_OBJECT,
    # A scanned document staged as it is chosen: POST only, the clerk's own staging area.
    "frontdesk:apply_file": STAFF_OBJECT,
    "frontdesk:receipt": STAFF_OBJECT,
    "frontdesk:hand_over": STAFF_OBJECT,
    "complaints:start": PUBLIC,
    # An anonymous report and its follow-up (tracking code + follow-up key) need no account.
    "complaints:new_report": PUBLIC,
    "complaints:track_report": PUBLIC,
    "complaints:new_about_service": CITIZEN,
    "complaints:mine": CITIZEN,
    "complaints:new_about_request": CITIZEN_OBJECT,
    "complaints:new_objection": CITIZEN_OBJECT,
    "complaints:detail": CITIZEN_OBJECT,
    "complaints:receipt": CITIZEN_OBJECT,
    "complaints:appeal": CITIZEN_OBJECT,
    "complaints:attachment": FILE,
    "complaints:staff_attachment": FILE,
    # Handlers and the head of the agency; oversight evaluators see appeals and the overdue.
    "complaints:inbox": STAFF,
    "complaints:staff_detail": STAFF_OBJECT,
    "complaints:staff_answer": STAFF_OBJECT,
    "complaints:staff_decide": STAFF_OBJECT,
    # Evaluation (desk/evaluation): evaluators see cycles and the assessments of their scope;
    # an agency's admin and managers see their own agency's assessment only.
    "evaluation:home": STAFF,
    "evaluation:cycle_new": STAFF,
    "evaluation:cycle": STAFF_OBJECT,
    "evaluation:ranking": STAFF_OBJECT,
    "evaluation:report_xlsx": STAFF_OBJECT,
    "evaluation:report_pdf": STAFF_OBJECT,
    "evaluation:assessment": STAFF_OBJECT,
    "evaluation:answer": STAFF_OBJECT,
    "evaluation:submit": STAFF_OBJECT,
    "evaluation:sent": STAFF_OBJECT,
    "evaluation:review": STAFF_OBJECT,
    "evaluation:finalize": STAFF_OBJECT,
    "evaluation:object": STAFF_OBJECT,
    "evaluation:decide": STAFF_OBJECT,
    "evaluation:evidence": FILE,
    "evaluation:evidence_remove": STAFF_OBJECT,
    # Oversight: evaluators and agency heads only (access.oversight_scope); staff of an agency
    # get 404 for every level naming a province, an agency, a service or a case review.
    "oversight:home": STAFF,
    "oversight:country": STAFF,
    "oversight:league": STAFF,
    "oversight:province": STAFF_OBJECT,
    "oversight:agency": STAFF_OBJECT,
    "oversight:service": STAFF_OBJECT,
    "oversight:review_open": STAFF_OBJECT,
    "oversight:review_requests": STAFF_OBJECT,
}

# How to name agency B's object (or citizen B's) in each route that takes one.
ARGS: dict[str, Callable[[Side], list[Any]]] = {
    "appointments:detail": lambda b: [b.appointment.booking_code],
    "appointments:cancel": lambda b: [b.appointment.booking_code],
    "appointments:reschedule": lambda b: [b.appointment.booking_code],
    "appointments:check_in": lambda b: [b.appointment.booking_code],
    "appointments:no_show": lambda b: [b.appointment.booking_code],
    "appointments:done": lambda b: [b.appointment.booking_code],
    "submissions:my_request": lambda b: [b.submission.tracking_code],
    "submissions:apply_file": lambda b: [b.service.slug, "document"],
    "submissions:receipt": lambda b: [b.submission.tracking_code],
    "short_link": lambda b: [b.submission.tracking_code],
    "submissions:download": lambda b: [b.submission.attachments.first().public_id],  # type: ignore[union-attr]
    "submissions:staff_request": lambda b: [b.submission.tracking_code],
    "submissions:staff_act": lambda b: [b.submission.tracking_code],
    "submissions:staff_assign": lambda b: [b.submission.tracking_code],
    "submissions:staff_refer": lambda b: [b.submission.tracking_code],
    "delivery:download": lambda b: [b.document.public_id],
    "notifications:retry": lambda b: [b.message.pk],
    "payments:request": lambda b: [b.submission.tracking_code],
    "payments:choose": lambda b: [b.extra["charge"].public_id],
    "payments:pay": lambda b: [b.extra["charge"].public_id],
    "payments:result": lambda b: [b.extra["payment"].public_id],
    "payments:receipt": lambda b: [b.extra["payment"].public_id],
    "payments:staff_charge": lambda b: [b.submission.tracking_code],
    "payments:staff_refund": lambda b: [b.extra["payment"].public_id],
    "frontdesk:apply": lambda b: [b.service.slug],
    "frontdesk:apply_check": lambda b: [b.service.slug],
    "frontdesk:apply_file": lambda b: [b.service.slug, "document"],
    "frontdesk:receipt": lambda b: [b.submission.tracking_code],
    "frontdesk:hand_over": lambda b: [b.document.public_id],
    "letters:detail": lambda b: [b.extra["letter"].tracking_code],
    "letters:sent": lambda b: [b.extra["letter"].tracking_code],
    "letters:attachment": lambda b: [b.extra["letter"].attachments.get().public_id],
    "letters:reply_pdf": lambda b: [b.extra["reply"].public_id],
    "oversight:province": lambda b: [b.agency.province or "تهران"],
    "oversight:agency": lambda b: [b.agency.pk],
    "oversight:service": lambda b: [b.agency.pk, b.service.pk],
    "oversight:review_open": lambda b: [b.agency.pk],
    "oversight:review_requests": lambda b: [b.extra["case_review"].pk],
    "letters:staff_letter": lambda b: [b.extra["letter"].tracking_code],
    "letters:staff_route": lambda b: [b.extra["letter"].tracking_code],
    "letters:staff_reply": lambda b: [b.extra["letter"].tracking_code],
    "letters:staff_convert": lambda b: [b.extra["letter"].tracking_code],
    "complaints:new_about_request": lambda b: [b.submission.tracking_code],
    "complaints:new_objection": lambda b: [b.submission.tracking_code],
    "complaints:detail": lambda b: [b.extra["complaint"].tracking_code],
    "complaints:receipt": lambda b: [b.extra["complaint"].tracking_code],
    "complaints:appeal": lambda b: [b.extra["complaint"].tracking_code],
    "complaints:staff_detail": lambda b: [b.extra["complaint"].tracking_code],
    "complaints:staff_answer": lambda b: [b.extra["complaint"].tracking_code],
    "complaints:staff_decide": lambda b: [b.extra["complaint"].tracking_code],
    "complaints:attachment": lambda b: [
        b.extra["complaint"].tracking_code,
        b.extra["complaint"].attachments.get().public_id,
    ],
    "complaints:staff_attachment": lambda b: [
        b.extra["complaint"].tracking_code,
        b.extra["complaint"].attachments.get().public_id,
    ],
    "inquiries:respond": lambda b: [b.extra["inquiry"].public_id],
    "inquiries:decline": lambda b: [b.extra["inquiry"].public_id],
    "inquiries:send": lambda b: [b.submission.tracking_code],
    "inquiries:shared_file": lambda b: [
        b.extra["inquiry"].public_id,
        (b.extra["inquiry"].submission or b.submission).attachments.first().public_id,  # type: ignore[union-attr]
    ],
    "inquiries:answer_file": lambda b: [b.extra["answer_file"].public_id],
    "evaluation:cycle": lambda b: [b.extra["assessment"].cycle_id],
    "evaluation:ranking": lambda b: [b.extra["assessment"].cycle_id],
    "evaluation:report_xlsx": lambda b: [b.extra["assessment"].cycle_id],
    "evaluation:report_pdf": lambda b: [b.extra["assessment"].cycle_id],
    "evaluation:assessment": lambda b: [b.extra["assessment"].public_id],
    "evaluation:answer": lambda b: [
        b.extra["assessment"].public_id,
        b.extra["assessment"].answers.first().indicator_id,
    ],
    "evaluation:submit": lambda b: [b.extra["assessment"].public_id],
    "evaluation:sent": lambda b: [b.extra["assessment"].public_id],
    "evaluation:review": lambda b: [b.extra["assessment"].public_id],
    "evaluation:finalize": lambda b: [b.extra["assessment"].public_id],
    "evaluation:object": lambda b: [b.extra["assessment"].public_id],
    "evaluation:decide": lambda b: [b.extra["assessment"].public_id],
    "evaluation:evidence": lambda b: [b.extra["evidence"].public_id],
    "evaluation:evidence_remove": lambda b: [b.extra["evidence"].public_id],
}

# POST-only routes that answer every message they may not retry, another agency's included,
# with the same redirect and a flash message: no page, and no sign whether the id exists.
POST_REDIRECTS = {"notifications:retry"}

# What a POST to a staff route would send: every action a form there offers.
POSTS: dict[str, dict[str, Any]] = {
    "submissions:staff_act": {"action": "start_review", "message": "از دستگاه دیگر"},
    "submissions:staff_assign": {"assignee": ""},
    "submissions:staff_refer": {"department": "", "note": "ارجاع از دستگاه دیگر"},
    "payments:choose": {"option": "0"},
    "payments:staff_charge": {"amount": "1000", "reason": "از دستگاه دیگر"},
    "payments:staff_refund": {"amount": "1", "reason": "از دستگاه دیگر"},
    "inquiries:respond": {"answer": "پاسخ از دستگاه دیگر"},
    "inquiries:decline": {"reason": "از دستگاه دیگر"},
    "inquiries:send": {"question": "از دستگاه دیگر", "shared": ["address"]},
    "appointments:cancel": {},
    "appointments:reschedule": {},
    "frontdesk:apply": {"address": "از دستگاه دیگر"},
    "frontdesk:apply_check": {},
    "frontdesk:apply_file": {},
    "frontdesk:hand_over": {},
    "letters:staff_route": {"department": "", "note": "از دستگاه دیگر"},
    "letters:staff_reply": {"body": "پاسخ از دستگاه دیگر", "confirmed": "yes"},
    "letters:staff_convert": {"service": "", "confirmed": "yes"},
    "complaints:new_about_request": {"about": "request", "text": "از دیگری", "confirm": "1"},
    "complaints:new_objection": {"text": "از دیگری", "confirm": "1"},
    "complaints:appeal": {"text": "از دیگری", "confirm": "1"},
    "complaints:staff_answer": {"outcome": "upheld", "answer": "از دستگاه دیگر", "confirm": "1"},
    "complaints:staff_decide": {"outcome": "upheld", "decision": "از دستگاه دیگر", "confirm": "1"},
    "evaluation:answer": {"self_score": "0", "self_note": "از دستگاه دیگر"},
    "evaluation:object": {"text": "از دستگاه دیگر", "confirm": "1"},
    "evaluation:decide": {"decision": "از دستگاه دیگر", "confirm": "1"},
}


REDIRECT = "redirect"  # an unnamed old path answering 301 to a classified route


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: str
    callback: Any
    namespace: str


def routes() -> list[Route]:
    """Every route, the admin site's included."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[Route]:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
                yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = None
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield Route(name, prefix + str(entry.pattern), entry.callback, namespace)

    return list(walk(get_resolver().url_patterns, "", ""))


def classify(route: Route, named: dict[Any, str]) -> str | None:
    """A named route's class is in ROUTES; an unnamed one is a redirect to another route, or
    another address of a classified view (the providers' old webhook paths)."""
    if route.namespace == "admin":
        return ADMIN
    if route.namespace == "api":
        return API
    if route.name is not None:
        return ROUTES.get(route.name)
    if getattr(route.callback, "view_class", None) is RedirectView:
        return REDIRECT
    return named.get(route.callback)


def classes() -> list[tuple[Route, str | None]]:
    every = routes()
    named = {r.callback: ROUTES[r.name] for r in every if r.name in ROUTES}
    return [(route, classify(route, named)) for route in every]


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class UrlSweepTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.a, self.b, self.root = build_world(self.agency, self.other_agency, self.citizen)
        requests_log = logging.getLogger("django.request")
        self.addCleanup(requests_log.setLevel, requests_log.level)
        requests_log.setLevel(logging.ERROR)

    def state_of_b(self) -> tuple[Any, ...]:
        submission = Submission.objects.get(pk=self.b.submission.pk)
        appointment = Appointment.objects.get(pk=self.b.appointment.pk)
        message = OutboundMessage.objects.get(pk=self.b.message.pk)
        return (
            submission.status,
            submission.assigned_to_id,
            submission.department_id,
            TimelineEvent.objects.filter(submission=submission).count(),
            appointment.status,
            message.status,
            message.attempts,
            message.next_attempt_at,
            *self.b.document.__class__.objects.filter(pk=self.b.document.pk).values_list(
                "first_downloaded_at", "handed_over_at"
            ),
            Submission.objects.filter(agency=self.b.agency).count(),
            *Complaint.objects.filter(agency=self.b.agency).values_list(
                "pk", "state", "outcome", "appealed_at", "appeal_decided_at"
            ),
            *Charge.objects.filter(pk=self.b.extra["charge"].pk).values_list(
                "state", "amount", "option_label"
            ),
            *Payment.objects.filter(charge__agency=self.b.agency).values_list(
                "pk", "state", "refunded_amount"
            ),
            *Letter.objects.filter(agency=self.b.agency).values_list(
                "pk", "status", "department_id", "submission_id"
            ),
            LetterReply.objects.filter(agency=self.b.agency).count(),
            *Inquiry.objects.order_by("pk").values_list("pk", "state", "answer"),
            *Assessment.objects.filter(agency=self.b.agency).values_list(
                "pk", "state", "score", "objection_text"
            ),
            *Answer.objects.filter(assessment__agency=self.b.agency).values_list(
                "pk", "self_score", "self_note", "review_score"
            ),
        )

    def names(self, *kinds: str) -> list[str]:
        return sorted({r.name for r, kind in classes() if kind in kinds and r.name})

    def test_every_route_is_classified(self) -> None:
        unclassified = sorted(r.name or r.pattern for r, kind in classes() if kind is None)
        self.assertEqual(unclassified, [], "classify new routes in ROUTES (test_url_sweep.py)")
        stale = ROUTES.keys() - {r.name for r in routes()}
        self.assertEqual(stale, set(), "no longer routed")

    def test_every_route_that_names_an_object_says_how_to_name_another_agencys(self) -> None:
        for name in self.names(STAFF_OBJECT, CITIZEN_OBJECT, FILE):
            with self.subTest(route=name):
                self.assertIn(name, ARGS)

    def assert_refused(self, name: str) -> None:
        url = reverse(name, args=ARGS[name](self.b))
        got = self.client.get(url)
        self.assertIn(got.status_code, {404, 405}, url)
        posted = self.client.post(url, POSTS.get(name, {}))
        if name in POST_REDIRECTS and posted.status_code == 302:
            missing = reverse(name, args=[10**9])
            self.assertEqual(posted["Location"], self.client.post(missing)["Location"])
            return
        self.assertEqual(posted.status_code, 404, url)

    def test_agency_a_staff_get_404_for_agency_b_objects_and_change_nothing(self) -> None:
        before = self.state_of_b()
        for user in (self.a.manager, self.a.expert, self.a.admin, self.a.clerk):
            self.client.force_login(user)
            for name in self.names(STAFF_OBJECT, FILE):
                with self.subTest(route=name, user=user.username):
                    self.assert_refused(name)
        self.assertEqual(self.state_of_b(), before)

    def test_a_citizen_gets_404_for_another_citizens_requests_and_bookings(self) -> None:
        before = self.state_of_b()
        self.client.force_login(self.citizen)  # A's applicant; B's rows are another citizen's
        for name in self.names(CITIZEN_OBJECT, FILE):
            with self.subTest(route=name):
                if name == "short_link":  # a redirect to the request's page …
                    r = self.client.get(reverse(name, args=ARGS[name](self.b)), follow=True)
                    self.assertEqual(r.status_code, 404)  # … which is not theirs
                    continue
                self.assert_refused(name)
        self.assertEqual(self.state_of_b(), before)

    def test_agency_a_staff_lists_show_nothing_of_agency_b(self) -> None:
        self.client.force_login(self.a.manager)
        leaks = [
            self.b.extra["letter"].number,
            self.b.submission.tracking_code,
            self.b.appointment.booking_code,
            self.b.message.body,
            self.b.service.title,
            self.b.extra["complaint"].tracking_code,
            self.b.extra["complaint"].text,
            self.b.extra["assessment"].cycle.title,
            str(self.b.extra["assessment"].public_id),
        ]
        for name in self.names(STAFF):
            args = (
                ["status_submitted"]
                if "template" in name and name != "notifications:templates"
                else []
            )
            with self.subTest(route=name):
                r = self.client.get(reverse(name, args=args))
                self.assertIn(r.status_code, {200, 404, 405})
                for leak in leaks:
                    self.assertNotContains(r, leak, status_code=r.status_code)

    def test_strangers_are_sent_to_sign_in_from_staff_and_citizen_routes(self) -> None:
        for name in self.names(STAFF, STAFF_OBJECT, CITIZEN, CITIZEN_OBJECT):
            args = ARGS[name](self.b) if name in ARGS else []
            if "template_" in name:
                args = ["status_submitted"]
            if name in ("submissions:apply", "submissions:apply_check", "appointments:book"):
                args = [self.b.service.slug]
            with self.subTest(route=name):
                r = self.client.get(reverse(name, args=args))
                self.assertIn(r.status_code, {302, 404, 405})
                if r.status_code == 302 and name != "short_link":
                    self.assertIn("login", r["Location"])

    def test_citizens_get_nothing_from_staff_routes(self) -> None:
        self.client.force_login(self.citizen)
        for name in self.names(STAFF, STAFF_OBJECT):
            args = ARGS[name](self.a) if name in ARGS else []
            if "template_" in name:
                args = ["status_submitted"]
            with self.subTest(route=name):
                r = self.client.get(reverse(name, args=args))
                self.assertIn(r.status_code, {404, 405}, r.status_code)

    def test_an_agency_asked_by_an_inquiry_sees_the_shared_fields_and_nothing_else(self) -> None:
        """B, asked about A's request (its address shared, not its deed): the inquiry page
        shows the address; every other page and file of A's request is 404. C sees nothing."""
        inquiry = self.b.extra["inquiry"]
        page = reverse("inquiries:respond", args=[inquiry.public_id])
        self.client.force_login(self.b.expert)
        shown = self.client.get(page)
        self.assertContains(shown, "نشانی ملک الف")
        for private in (self.a.submission.applicant_national_code, "تصویر سند"):
            self.assertNotContains(shown, private)
        for name in self.names(STAFF_OBJECT, FILE):
            with self.subTest(route=name):
                url = reverse(name, args=ARGS[name](self.a))
                self.assertIn(self.client.get(url).status_code, {404, 405}, url)
        deed = self.a.submission.attachments.get()
        shared_deed = reverse("inquiries:shared_file", args=[inquiry.public_id, deed.public_id])
        self.assertEqual(self.client.get(shared_deed).status_code, 404)
        c = create_agency("دستگاه ج", "agency-c")
        outsider_c = create_staff(c, "expert-c")
        self.client.force_login(outsider_c)
        for url in (page, shared_deed, reverse("inquiries:decline", args=[inquiry.public_id])):
            with self.subTest(c=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertNotContains(self.client.get(reverse("inquiries:inbox")), page)
