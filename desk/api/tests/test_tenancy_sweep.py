"""Generated tenancy sweep over every API route (the API's part of desk/tests/test_url_sweep.py).

Every route under /api/ is classified in ROUTES; a new one fails the first test until it is.
Routes that name an object are called, with every method the view answers, by agency A's
staff token (or citizen A's token) with agency B's (citizen B's) ids: every answer is 404 and
nothing of B's changes. Tokens of one kind get nothing from the other kind's routes, and
callers without a token are asked for one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from desk.api.tests.base import ApiTestCase, agency_key, new_key, token_for
from desk.inquiries.models import Inquiry
from desk.tests import test_url_sweep
from desk.tests.world import Side, build_world

PUBLIC = "public"
SIGN_IN = "sign-in"
CITIZEN = "citizen"
CITIZEN_OBJECT = "citizen object"
STAFF = "staff"
STAFF_OBJECT = "staff object"
KEY = "agency key"  # an agency's system: its own agency's rows, no object in the URL
KEY_OBJECT = "agency key object"  # names an agency's object: that agency's keys only

ROUTES: dict[str, str] = {
    "api:schema": PUBLIC,
    "api:docs": PUBLIC,
    "api:services": PUBLIC,
    "api:service": PUBLIC,
    "api:agencies": PUBLIC,
    "api:categories": PUBLIC,
    "api:track": PUBLIC,  # code + national code, one answer for unknown and wrong
    "api:not_found": PUBLIC,  # any other /api/ address: a problem document
    "api:auth_code": SIGN_IN,
    "api:auth_token": SIGN_IN,
    "api:staff_token": SIGN_IN,
    "api:sign_out": SIGN_IN,  # revokes the token of the call itself
    "api:me": CITIZEN,
    "api:my_requests": CITIZEN,
    "api:my_request": CITIZEN_OBJECT,
    "api:my_reply": CITIZEN_OBJECT,
    "api:my_file": CITIZEN_OBJECT,
    "api:charges": CITIZEN_OBJECT,
    "api:choose": CITIZEN_OBJECT,
    "api:pay": CITIZEN_OBJECT,
    "api:payment": CITIZEN_OBJECT,
    "api:survey": CITIZEN_OBJECT,
    "api:request_complaint": CITIZEN_OBJECT,
    "api:objection": CITIZEN_OBJECT,
    "api:slots": CITIZEN,  # a published service: every citizen may see its free slots
    "api:my_appointments": CITIZEN,
    "api:my_appointment": CITIZEN_OBJECT,
    "api:cancel_appointment": CITIZEN_OBJECT,
    "api:my_complaints": CITIZEN,
    "api:my_complaint": CITIZEN_OBJECT,
    "api:appeal": CITIZEN_OBJECT,
    "api:my_letters": CITIZEN,
    "api:my_letter": CITIZEN_OBJECT,
    "api:letter_file": CITIZEN_OBJECT,
    "api:letter_reply": CITIZEN_OBJECT,
    "api:catalog_export": PUBLIC,
    "api:agency_services": KEY,
    "api:agency_file": KEY,
    "api:agency_inquiries": KEY,
    "api:agency_service": KEY_OBJECT,
    "api:agency_request": KEY_OBJECT,
    "api:inbox": STAFF,
    "api:colleagues": STAFF,
    "api:staff_request": STAFF_OBJECT,
    "api:staff_act": STAFF_OBJECT,
    "api:staff_assign": STAFF_OBJECT,
    "api:staff_file": STAFF_OBJECT,
}


def _file(b: Side) -> list[Any]:
    return [b.submission.tracking_code, b.submission.attachments.first().public_id]  # type: ignore[union-attr]


def _letter_file(b: Side) -> list[Any]:
    letter = b.extra["letter"]
    return [letter.tracking_code, letter.attachments.first().public_id]


ARGS: dict[str, Callable[[Side], list[Any]]] = {
    "api:my_request": lambda b: [b.submission.tracking_code],
    "api:my_reply": lambda b: [b.submission.tracking_code],
    "api:my_file": _file,
    "api:charges": lambda b: [b.submission.tracking_code],
    "api:choose": lambda b: [b.extra["charge"].public_id],
    "api:pay": lambda b: [b.extra["charge"].public_id],
    "api:payment": lambda b: [b.extra["payment"].public_id],
    "api:survey": lambda b: [b.submission.tracking_code],
    "api:request_complaint": lambda b: [b.submission.tracking_code],
    "api:objection": lambda b: [b.submission.tracking_code],
    "api:slots": lambda b: [b.service.slug],
    "api:my_appointment": lambda b: [b.appointment.booking_code],
    "api:cancel_appointment": lambda b: [b.appointment.booking_code],
    "api:my_complaint": lambda b: [b.extra["complaint"].tracking_code],
    "api:appeal": lambda b: [b.extra["complaint"].tracking_code],
    "api:my_letter": lambda b: [b.extra["letter"].tracking_code],
    "api:letter_file": _letter_file,
    "api:letter_reply": lambda b: [
        b.extra["reply"].letter.tracking_code,
        b.extra["reply"].public_id,
    ],
    "api:staff_request": lambda b: [b.submission.tracking_code],
    "api:staff_act": lambda b: [b.submission.tracking_code],
    "api:staff_assign": lambda b: [b.submission.tracking_code],
    "api:staff_file": _file,
    "api:agency_service": lambda b: [b.service.slug],
    "api:agency_request": lambda b: [b.submission.tracking_code],
}

# What a real client would send, so that a refusal is the object's, not the input's.
BODIES: dict[str, dict[str, Any]] = {
    "api:my_reply": {"message": "پاسخ"},
    "api:staff_act": {"action": "start_review"},
    "api:staff_assign": {"assignee": None},
    "api:survey": {"answers": {"overall": "5"}},
    "api:request_complaint": {"about": "request", "text": "شکایت از روند"},
    "api:objection": {"text": "اعتراض به رد"},
    "api:cancel_appointment": {"confirmed": True},
    "api:appeal": {"text": "پاسخ را نمی‌پذیرم"},
}


def api_routes() -> dict[str, Any]:
    """Every named route under /api/ → its view."""
    found: dict[str, Any] = {}
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "api":
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                found[f"api:{pattern.name}"] = pattern.callback
    return found


def methods_of(view: Any) -> list[str]:
    cls = getattr(view, "view_class", None) or getattr(view, "cls", None)
    if cls is None:
        return ["get"]
    return [m for m in ("get", "post", "delete") if hasattr(cls, m)]


class ApiTenancySweep(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.a, self.b, _root = build_world(self.agency, self.other_agency, self.citizen)
        log = logging.getLogger("django.request")
        self.addCleanup(log.setLevel, log.level)
        log.setLevel(logging.ERROR)

    def state_of_b(self) -> tuple[Any, ...]:
        return test_url_sweep.UrlSweepTests.state_of_b(self)  # type: ignore[arg-type]

    def names(self, kind: str) -> list[str]:
        return sorted(name for name, k in ROUTES.items() if k == kind)

    def test_every_api_route_is_classified(self) -> None:
        routed = set(api_routes())
        self.assertEqual(sorted(routed - ROUTES.keys()), [], "classify new API routes in ROUTES")
        self.assertEqual(sorted(ROUTES.keys() - routed), [], "no longer routed")
        for name in self.names(CITIZEN_OBJECT) + self.names(STAFF_OBJECT) + self.names(KEY_OBJECT):
            self.assertIn(name, ARGS)

    def sweep(self, names: list[str], token: str) -> None:
        before = self.state_of_b()
        views = api_routes()
        for name in names:
            url = reverse(name, args=ARGS[name](self.b))
            for method in methods_of(views[name]):
                with self.subTest(route=name, method=method):
                    got = self.call(
                        method,
                        url,
                        token,
                        BODIES.get(name, {}),
                        key=new_key() if method == "post" else None,
                    )
                    self.assertEqual(got.status_code, 404, f"{method} {url}: {got.content[:200]!r}")
                    self.assertEqual(got["Content-Type"], "application/problem+json")
        self.assertEqual(self.state_of_b(), before)

    def test_agency_a_staff_get_404_for_agency_b_objects_and_change_nothing(self) -> None:
        for person in (self.a.manager, self.a.expert, self.a.clerk, self.a.admin):
            with self.subTest(person=person.username):
                self.sweep(self.names(STAFF_OBJECT), token_for(person))

    def test_a_citizen_gets_404_for_another_citizens_objects_and_changes_nothing(self) -> None:
        self.sweep(self.names(CITIZEN_OBJECT), token_for(self.citizen))

    def test_agency_as_key_gets_404_for_agency_b_objects_and_changes_nothing(self) -> None:
        self.sweep(self.names(KEY_OBJECT), agency_key(self.a.agency))

    def test_agency_as_key_lists_nothing_of_agency_b(self) -> None:
        key = agency_key(self.a.agency)
        services = self.call("get", "/api/v1/agency/services/", key).json()["results"]
        self.assertNotIn(self.b.service.slug, {row["slug"] for row in services})
        asked = self.call("get", "/api/v1/agency/inquiries/", key).json()["results"]
        b_asked = {str(i.public_id) for i in Inquiry.objects.filter(to_agency=self.b.agency)}
        self.assertTrue(b_asked)
        self.assertFalse(b_asked & {row["id"] for row in asked})

    def test_a_citizens_lists_show_their_own_and_nothing_of_another_citizen(self) -> None:
        token = token_for(self.citizen)
        lists = {
            "/api/v1/me/appointments/": ("booking_code", lambda s: s.appointment.booking_code),
            "/api/v1/me/complaints/": (
                "tracking_code",
                lambda s: s.extra["complaint"].tracking_code,
            ),
            "/api/v1/me/letters/": ("tracking_code", lambda s: s.extra["letter"].tracking_code),
            "/api/v1/me/requests/": ("tracking_code", lambda s: s.submission.tracking_code),
        }
        for url, (field, code_of) in lists.items():
            with self.subTest(url=url):
                got = self.call("get", url, token)
                codes = {row[field] for row in got.json()["results"]}
                self.assertIn(code_of(self.a), codes)
                self.assertNotIn(code_of(self.b), codes)

    def test_agency_a_staff_inbox_shows_nothing_of_agency_b(self) -> None:
        got = self.call("get", "/api/v1/staff/inbox/", token_for(self.a.manager)).json()
        codes = {row["tracking_code"] for row in got["results"]}
        self.assertNotIn(self.b.submission.tracking_code, codes)

    def test_a_token_of_one_kind_gets_nothing_from_the_other_kinds_routes(self) -> None:
        views = api_routes()
        citizen, staff = token_for(self.citizen), token_for(self.a.manager)
        key = agency_key(self.a.agency)
        others = {
            CITIZEN: [staff, key],
            CITIZEN_OBJECT: [staff, key],
            STAFF: [citizen, key],
            STAFF_OBJECT: [citizen, key],
            KEY: [citizen, staff],
            KEY_OBJECT: [citizen, staff],
        }
        for name, kind in ROUTES.items():
            if kind not in others:
                continue
            side = self.b if kind in (CITIZEN, CITIZEN_OBJECT) else self.a
            url = reverse(name, args=ARGS[name](side) if name in ARGS else [])
            for method in methods_of(views[name]):
                with self.subTest(route=name, method=method):
                    for wrong in others[kind]:
                        self.assertEqual(self.call(method, url, wrong).status_code, 403)
                    stranger = getattr(self.client, method)(url)
                    self.assertEqual(stranger.status_code, 401)
                    self.assertIn("Bearer", stranger["WWW-Authenticate"])

    def test_a_revoked_or_expired_token_is_refused(self) -> None:
        from django.utils import timezone

        from desk.api.models import ApiToken

        token = token_for(self.citizen)
        ApiToken.objects.update(expires_at=timezone.now())
        got = self.client.get("/api/v1/me/requests/", HTTP_AUTHORIZATION=f"Bearer {token}")
        self.assertEqual(got.status_code, 401)
