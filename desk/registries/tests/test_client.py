"""The adapter stack: each outcome, retries with backoff, the breaker, the cache and the log."""

from __future__ import annotations

import json
from unittest import mock

from django.test import TestCase, override_settings

from desk.registries.breaker import CLOSED, HALF_OPEN, OPEN, Breaker
from desk.registries.client import registry_ask
from desk.registries.models import Adapter, AdapterCall, CallStatus
from desk.registries.tests.helpers import RecordedTransport, ScriptedTransport
from desk.registries.transport import HttpRequest, HttpResponse
from desk.test import isolate_cache

SHAHKAR_QUERY = {"national_code": "0084575948", "mobile": "09121234567"}
PURPOSE = "آزمون"


def _ask(adapter: str, query: dict[str, str], **kwargs: object):
    kwargs.setdefault("sleep", lambda seconds: None)
    return registry_ask(adapter, query, purpose=PURPOSE, **kwargs)  # type: ignore[arg-type]


class FakeOutcomeTests(TestCase):
    """The fake, behind the whole client stack, answers each documented trigger input."""

    def setUp(self) -> None:
        isolate_cache()

    def test_it_finds_a_person_in_the_civil_registry(self) -> None:
        answer = _ask(
            Adapter.CIVIL_REGISTRY, {"national_code": "0084575948", "birth_date": "1370/01/15"}
        )
        self.assertEqual(answer.status, CallStatus.OK)
        self.assertEqual(set(answer.data), {"first_name", "last_name", "father_name", "alive"})
        self.assertTrue(answer.data["alive"])
        self.assertTrue(answer.reference.startswith("FAKE-"))

    def test_it_answers_each_trigger_input(self) -> None:
        cases = [
            (Adapter.SHAHKAR, {"national_code": "0084575948", "mobile": "09121239999"}, "mismatch"),
            (Adapter.SHAHKAR, {"national_code": "0084575948", "mobile": "09121234567"}, "ok"),
            (Adapter.POSTAL_CODE, {"postal_code": "1234599996"}, "not_found"),
            (Adapter.POSTAL_CODE, {"postal_code": "1234599998"}, "unavailable"),
            (Adapter.POSTAL_CODE, {"postal_code": "1234599995"}, "unavailable"),
            (Adapter.COMPANY_REGISTRY, {"national_id": "10101239997"}, "error"),
            (Adapter.COMPANY_REGISTRY, {"national_id": "10101234567"}, "ok"),
            (
                Adapter.CIVIL_REGISTRY,
                {"national_code": "0084575948", "birth_date": "1299/12/29"},
                "mismatch",
            ),
        ]
        for adapter, query, expected in cases:
            with self.subTest(adapter=adapter, query=query):
                self.assertEqual(_ask(adapter, query).status, expected)

    def test_it_gives_the_same_answer_for_the_same_input(self) -> None:
        query = {"postal_code": "1439951111"}
        first = _ask(Adapter.POSTAL_CODE, query)
        isolate_cache()
        self.assertEqual(_ask(Adapter.POSTAL_CODE, query).data, first.data)
        self.assertIn("پلاک", first.data["address"])


class RecordedResponseTests(TestCase):
    """The real client against recorded GSB answers: what it sends and how it reads them."""

    def setUp(self) -> None:
        isolate_cache()

    @override_settings(
        REGISTRY_GSB_URL="https://gsb.example.ir/api/v1",
        REGISTRY_GSB_CLIENT_ID="desk-01",
        REGISTRY_GSB_TOKEN="secret-token",
    )
    def test_it_sends_the_documented_envelope(self) -> None:
        transport = RecordedTransport("civil_registry_ok")
        query = {"national_code": "0084575948", "birth_date": "1370/01/15"}
        answer = _ask(Adapter.CIVIL_REGISTRY, query, transport=transport)
        (request,) = transport.requests
        self.assertEqual(request.method, "POST")
        self.assertEqual(request.url, "https://gsb.example.ir/api/v1/sabt/person-info")
        self.assertEqual(request.headers["Authorization"], "Bearer secret-token")
        self.assertEqual(request.headers["X-Client-Id"], "desk-01")
        body = json.loads(request.body or b"")
        self.assertEqual(body["params"], transport.recording["request"]["params"])
        self.assertEqual(body["purpose"], PURPOSE)
        self.assertEqual(body["requestId"], request.headers["X-Request-Id"])
        self.assertEqual(answer.status, CallStatus.OK)
        self.assertEqual(
            answer.data,
            {"first_name": "علی", "last_name": "احمدی", "father_name": "حسن", "alive": True},
        )
        self.assertEqual(answer.reference, "SABT-1403-000123")

    def test_it_reads_each_recorded_answer(self) -> None:
        cases = [
            ("shahkar_mismatch", Adapter.SHAHKAR, SHAHKAR_QUERY, "mismatch", "SHK-77231"),
            ("postal_code_not_found", Adapter.POSTAL_CODE, {"postal_code": "1234567890"},
             "not_found", "POST-9f3"),
            ("company_registry_ok", Adapter.COMPANY_REGISTRY, {"national_id": "10101234567"},
             "ok", "ILENC-5521"),
        ]  # fmt: skip
        for name, adapter, query, status, reference in cases:
            with self.subTest(name):
                transport = RecordedTransport(name)
                answer = _ask(adapter, query, transport=transport)
                self.assertEqual((answer.status, answer.reference), (status, reference))
                self.assertEqual(
                    json.loads(transport.requests[0].body or b"")["params"],
                    transport.recording["request"]["params"],
                )
        company = _ask(Adapter.COMPANY_REGISTRY, {"national_id": "10101234567"})
        self.assertEqual(company.data, {"name": "شرکت ساختمانی البرز", "status": "active"})

    def test_it_takes_a_proxy_error_page_for_unavailable_and_asks_again(self) -> None:
        transport = RecordedTransport("gateway_error_page")
        answer = _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual(answer.status, CallStatus.UNAVAILABLE)
        self.assertEqual(len(transport.requests), 3)


class RetryTests(TestCase):
    def setUp(self) -> None:
        isolate_cache()

    def test_it_retries_twice_with_doubling_pauses_then_gives_up(self) -> None:
        transport, pauses = ScriptedTransport("timeout"), list[float]()
        answer = _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport, sleep=pauses.append)
        self.assertEqual(answer.status, CallStatus.UNAVAILABLE)
        self.assertEqual(transport.calls, 3)
        self.assertEqual(pauses, [0.2, 0.4])

    def test_it_answers_when_a_retry_succeeds(self) -> None:
        transport = ScriptedTransport("timeout", 503, "OK")
        answer = _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual((answer.status, transport.calls), (CallStatus.OK, 3))

    def test_it_does_not_retry_an_error_of_ours(self) -> None:
        transport = ScriptedTransport(400)
        transport.script = ["BAD_REQUEST"]
        answer = _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual((answer.status, transport.calls), (CallStatus.ERROR, 1))

    @override_settings(REGISTRY_RETRIES=0)
    def test_it_makes_one_attempt_when_retries_are_off(self) -> None:
        transport = ScriptedTransport("timeout")
        _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual(transport.calls, 1)


@override_settings(REGISTRY_BREAKER_FAILURES=3, REGISTRY_BREAKER_OPEN_SECONDS=60)
class BreakerTests(TestCase):
    def setUp(self) -> None:
        isolate_cache()
        self.clock = 1_000_000.0
        patcher = mock.patch("desk.registries.breaker.time.time", lambda: self.clock)
        patcher.start()
        self.addCleanup(patcher.stop)

    def _open_it(self) -> None:
        for _ in range(3):  # REGISTRY_BREAKER_FAILURES failed calls
            _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=ScriptedTransport("timeout"))
        self.assertEqual(Breaker(Adapter.SHAHKAR).state(), OPEN)

    def test_a_call_whose_retries_all_fail_counts_as_one_failure(self) -> None:
        transport = ScriptedTransport("timeout")
        for _ in range(2):
            _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual(transport.calls, 6, "two calls of three attempts each")
        self.assertEqual(Breaker(Adapter.SHAHKAR).state(), CLOSED, "2 failed calls < 3")
        _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual(Breaker(Adapter.SHAHKAR).state(), OPEN, "the third failed call opens it")

    def test_a_call_answered_on_a_retry_counts_as_no_failure(self) -> None:
        for _ in range(5):
            _ask(
                Adapter.SHAHKAR,
                SHAHKAR_QUERY,
                transport=ScriptedTransport("timeout", "timeout", "OK"),
            )
        self.assertEqual(Breaker(Adapter.SHAHKAR).state(), CLOSED)

    def test_a_call_stops_retrying_when_another_caller_opened_it(self) -> None:
        for _ in range(2):
            _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=ScriptedTransport("timeout"))

        class OpensMeanwhile(ScriptedTransport):
            def __call__(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
                Breaker(Adapter.SHAHKAR).failure()  # another server's third failed call
                return super().__call__(request, timeout=timeout)

        transport = OpensMeanwhile("timeout")
        answer = _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual((answer.data, transport.calls), ({"code": "circuit_open"}, 1))

    def test_it_opens_after_failures_and_then_asks_nobody(self) -> None:
        self._open_it()
        transport = ScriptedTransport("OK")
        answer = _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual((answer.status, answer.data), ("unavailable", {"code": "circuit_open"}))
        self.assertEqual(transport.calls, 0)
        self.assertEqual(Breaker(Adapter.CIVIL_REGISTRY).state(), CLOSED)  # one per system

    def test_it_lets_one_probe_through_when_half_open_and_closes_on_an_answer(self) -> None:
        self._open_it()
        self.clock += 61
        breaker = Breaker(Adapter.SHAHKAR)
        self.assertEqual(breaker.state(), HALF_OPEN)
        self.assertTrue(breaker.allow())
        self.assertFalse(Breaker(Adapter.SHAHKAR).allow(), "a second server must not probe too")
        breaker.success()
        self.assertEqual(breaker.state(), CLOSED)
        self.assertEqual(_ask(Adapter.SHAHKAR, SHAHKAR_QUERY).status, CallStatus.OK)

    def test_a_failed_probe_opens_it_for_another_period(self) -> None:
        self._open_it()
        self.clock += 61
        transport = ScriptedTransport("timeout")
        answer = _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual((answer.status, transport.calls), (CallStatus.UNAVAILABLE, 1))
        self.assertEqual(Breaker(Adapter.SHAHKAR).state(), OPEN)
        self.clock += 59
        self.assertEqual(Breaker(Adapter.SHAHKAR).state(), OPEN)

    def test_an_answer_resets_the_count_of_failures(self) -> None:
        _ask(
            Adapter.SHAHKAR, SHAHKAR_QUERY, transport=ScriptedTransport("timeout", "timeout", "OK")
        )
        _ask(Adapter.SHAHKAR, {**SHAHKAR_QUERY, "mobile": "09120000001"},
             transport=ScriptedTransport("timeout", "timeout", "OK"))  # fmt: skip
        self.assertEqual(Breaker(Adapter.SHAHKAR).state(), CLOSED)


class CacheAndLogTests(TestCase):
    def setUp(self) -> None:
        isolate_cache()

    def test_it_serves_a_repeated_question_from_the_cache_and_logs_both(self) -> None:
        transport = ScriptedTransport("OK")
        _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport, user_id=5)
        again = _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport, submission_id=9)
        self.assertTrue(again.cached)
        self.assertEqual(transport.calls, 1)
        logged = list(AdapterCall.objects.order_by("pk").values_list(
            "adapter", "purpose", "status", "cached", "user_id", "submission_id"))  # fmt: skip
        self.assertEqual(
            logged,
            [("shahkar", PURPOSE, "ok", False, 5, None), ("shahkar", PURPOSE, "ok", True, None, 9)],
        )

    def test_it_does_not_keep_a_failure(self) -> None:
        _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=ScriptedTransport("timeout"))
        transport = ScriptedTransport("OK")
        self.assertEqual(_ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport).status, "ok")
        self.assertEqual(transport.calls, 1)

    @override_settings(REGISTRY_NEGATIVE_CACHE_SECONDS=0)
    def test_a_mismatch_can_be_asked_again_when_negative_caching_is_off(self) -> None:
        transport = ScriptedTransport("MISMATCH")
        _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        _ask(Adapter.SHAHKAR, SHAHKAR_QUERY, transport=transport)
        self.assertEqual(transport.calls, 2)

    def test_it_keeps_no_national_code_in_cache_keys(self) -> None:
        from desk.registries.client import _cache_key

        self.assertNotIn("0084575948", _cache_key(Adapter.SHAHKAR, SHAHKAR_QUERY))
