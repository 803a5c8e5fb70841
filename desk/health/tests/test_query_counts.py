"""Query counts of the benchmarked pages, pinned (docs/benchmarks.md).

Sessions are in the cache here, as in production (SESSION_BACKEND=cache with Redis), so the
counts are the pages' own queries. A count that grows means a new query on every request: look
for a missing select_related or prefetch before raising the number.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from desk.submissions.models import Submission
from desk.submissions.tests.base import SubmissionTestCase, upload

# Measured when pinned (cache sessions). The target for the lookup is 3 or fewer.
LIMITS = {
    # request + service + agency + step, with whether it has results or issued documents (one
    # query: compiled once, desk/core/compiled.py); its public timeline
    "tracking": 2,
    # A completed request's result file comes with the request (more than one: a query lists
    # them); issued documents only when the lookup's query says there are some.
    "tracking, completed": 2,
    # Steady state: the user, their staff record, the idempotency check; inside a savepoint,
    # the staged files claimed (one DELETE … RETURNING that checks them again), inserts of
    # the request (with its answers), its files (one INSERT), event and outbox row. The service
    # card, workflow start, calendar and template come from the cache. The audit entry adds 3:
    # lock the agency chain's head, insert the entry, move the head.
    "submission": 13,
    # user, staff with its agency (one query), positions; a page of the inbox (its count only
    # when the queue is longer than a page), the page's payment states (one query,
    # desk/payments), waiting, closed; the inquiries summary: inquiries to the agency (a
    # count), its own late ones
    "inbox": 9,
    # The card rendered once per version (6 queries then: the service with agency and category,
    # five parts of the card); from the cache, only whether the service books appointments.
    "service page": 1,
    "search": 1,  # a page of results with the count of all (a window), compiled once
}
CACHE_SESSIONS = "django.contrib.sessions.backends.cache"


@override_settings(SESSION_ENGINE=CACHE_SESSIONS, TRACKING_LOOKUPS_PER_IP_PER_HOUR=1000)
class QueryCountTests(SubmissionTestCase):
    def count(self, method: str, url: str, data: dict[str, Any] | None = None) -> int:
        with CaptureQueriesContext(connection) as queries:
            if method == "post":
                r = self.client.post(url, data or {})
            else:
                r = self.client.get(url, data or {})
        self.assertLess(r.status_code, 400, r.content[:500])
        return len(queries)

    def lookup_queries(self, submission: Submission) -> int:
        return self.count(
            "post",
            reverse("submissions:track"),
            {
                "code": submission.tracking_code,
                "national_code": self.citizen.national_code,
            },
        )

    def test_it_looks_up_a_request_by_tracking_code_in_few_queries(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review", actor=self.expert)
        self.lookup_queries(submission)  # the workflow's steps ahead are cached from then on
        few = self.lookup_queries(submission)
        self.transition(submission, "request_info", actor=self.expert, message="سند")
        self.assertEqual(self.lookup_queries(submission), few)  # more events, same count
        # The request (with service and agency), its public timeline.
        self.assertLessEqual(few, LIMITS["tracking"])

    def test_it_looks_up_a_completed_request_with_its_results_in_few_queries(self) -> None:
        submission = self.create_completed()  # with a result file
        self.assertLessEqual(self.lookup_queries(submission), LIMITS["tracking, completed"])

    def test_it_looks_up_a_rejected_request_as_an_open_one(self) -> None:
        submission = self.create_submission()
        self.transition(submission, "start_review", actor=self.expert)
        self.transition(submission, "reject", actor=self.expert, message="مدرک ناخوانا است.")
        self.lookup_queries(submission)
        self.assertLessEqual(self.lookup_queries(submission), LIMITS["tracking"])

    def test_it_files_a_request_in_a_fixed_number_of_queries(self) -> None:
        self.client.force_login(self.citizen)
        url = reverse("submissions:apply", args=[self.service.slug])

        check = reverse("submissions:apply_check", args=[self.service.slug])

        def apply() -> int:
            """Sending from «check your answers»: where the request is filed."""
            data = {"address": "تهران", "deed": upload(), "idempotency_key": str(uuid.uuid4())}
            self.client.post(url, data)
            return self.count("post", check)

        apply()  # the first request of a service also sets up its default workflow,
        apply()  # the second caches it (the first one's commit made the cache stale)
        steady = apply()
        self.assertEqual(apply(), steady)
        self.assertLessEqual(steady, LIMITS["submission"])

    def test_it_shows_the_staff_inbox_in_a_fixed_number_of_queries(self) -> None:
        for _ in range(3):
            self.create_submission()
        self.client.force_login(self.expert)
        self.count("get", reverse("submissions:inbox"))  # caches the search's service list
        three = self.count("get", reverse("submissions:inbox"))
        for _ in range(5):
            self.create_submission()
        self.assertEqual(self.count("get", reverse("submissions:inbox")), three)
        self.assertLessEqual(three, LIMITS["inbox"])

    def test_it_shows_a_service_page_in_a_fixed_number_of_queries(self) -> None:
        url = reverse("catalog:service_detail", args=[self.service.slug])
        self.count("get", url)  # renders the card into the cache
        self.assertLessEqual(self.count("get", url), LIMITS["service page"])

    def test_it_searches_the_catalog_in_a_fixed_number_of_queries(self) -> None:
        self.assertLessEqual(
            self.count("get", reverse("catalog:service_list"), {"q": "پروانه"}),
            LIMITS["search"],
        )
