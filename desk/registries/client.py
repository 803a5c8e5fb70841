"""Asking a national system: one call through cache → breaker → retries → transport → log.

    answer = registry_ask(Adapter.SHAHKAR, {"national_code": …, "mobile": "09…"},
                          purpose="ورود به میز خدمت", user_id=…)

Every call returns an Answer (status ok / not_found / mismatch / unavailable / error, data, the
provider's reference, latency) and never raises for the provider's sake; every call, a cached
one too, is appended to the AdapterCall log. REGISTRY_BACKEND picks the transport: ``gsb`` the
network, ``fake`` the deterministic stand-in (desk/registries/fake.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache

from desk.core.outage import CACHE_ERRORS
from desk.registries.adapters import SPECS, Reply, gsb_reply, gsb_request
from desk.registries.breaker import HALF_OPEN, OPEN, Breaker
from desk.registries.fake import FakeTransport
from desk.registries.models import CallStatus
from desk.registries.services import adapter_call_record
from desk.registries.transport import Transport, Unavailable, UrllibTransport

logger = logging.getLogger(__name__)

# Answers worth keeping: the system said something about the person. Not a failure.
_DEFINITE = {CallStatus.OK, CallStatus.NOT_FOUND, CallStatus.MISMATCH}


@dataclass(frozen=True)
class Answer:
    status: str  # CallStatus
    data: dict[str, Any] = field(default_factory=dict)
    reference: str = ""
    latency_ms: int = 0
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.status == CallStatus.OK

    @property
    def unavailable(self) -> bool:
        """No answer about the person (down, timed out, or our own error): never blocks."""
        return self.status in (CallStatus.UNAVAILABLE, CallStatus.ERROR)


def transport_for_settings() -> Transport:
    return FakeTransport() if settings.REGISTRY_BACKEND == "fake" else UrllibTransport()


def registry_ask(
    adapter: str,
    query: dict[str, str],
    *,
    purpose: str,
    submission_id: int | None = None,
    user_id: int | None = None,
    transport: Transport | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Answer:
    started = time.perf_counter()
    answer = _cached(adapter, query)
    if answer is None:
        reply = _call(adapter, query, purpose, transport or transport_for_settings(), sleep)
        if reply.status in _DEFINITE:
            _remember(adapter, query, reply)
        answer = Answer(reply.status, reply.data, reply.reference)
    latency = int((time.perf_counter() - started) * 1000)
    answer = Answer(answer.status, answer.data, answer.reference, latency, answer.cached)
    adapter_call_record(
        adapter=adapter,
        purpose=purpose,
        status=answer.status,
        reference=answer.reference,
        latency_ms=latency,
        cached=answer.cached,
        submission_id=submission_id,
        user_id=user_id,
    )
    return answer


def _call(
    adapter: str,
    query: dict[str, str],
    purpose: str,
    transport: Transport,
    sleep: Callable[[float], None],
) -> Reply:
    """At most 1 + REGISTRY_RETRIES attempts, with doubling pauses. The breaker counts the
    call, not its attempts: one failure when every attempt went unanswered, one success when
    any attempt got an answer. A half-open probe is a single attempt; a breaker that another
    caller opened meanwhile ends the retries."""
    spec = SPECS[adapter]
    breaker = Breaker(adapter)
    admitted = breaker.admit()
    if admitted is None:
        return Reply(CallStatus.UNAVAILABLE, {"code": "circuit_open"})
    attempts = 1 if admitted == HALF_OPEN else 1 + settings.REGISTRY_RETRIES
    for attempt in range(attempts):
        if attempt:
            if breaker.state() == OPEN:
                return Reply(CallStatus.UNAVAILABLE, {"code": "circuit_open"})
            sleep(settings.REGISTRY_BACKOFF_MS / 1000 * 2 ** (attempt - 1))
        request = gsb_request(
            spec,
            query,
            purpose=purpose,
            base_url=settings.REGISTRY_GSB_URL,
            client_id=settings.REGISTRY_GSB_CLIENT_ID,
            token=settings.REGISTRY_GSB_TOKEN,
        )
        try:
            reply = gsb_reply(spec, transport(request, timeout=settings.REGISTRY_TIMEOUT_SECONDS))
        except Unavailable as exc:
            logger.debug("%s attempt %s: %s", adapter, attempt + 1, exc)
            continue
        breaker.success()
        return reply
    breaker.failure()
    return Reply(CallStatus.UNAVAILABLE, {"code": "retries_exhausted"})


def _cache_key(adapter: str, query: dict[str, str]) -> str:
    # Hashed with the secret key: the cache never holds a national code in a key.
    raw = json.dumps([adapter, sorted(query.items())], ensure_ascii=False)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{raw}".encode()).hexdigest()
    return f"registries:answer:{adapter}:{digest[:40]}"


def _cached(adapter: str, query: dict[str, str]) -> Answer | None:
    try:
        hit = cache.get(_cache_key(adapter, query))
    except CACHE_ERRORS:
        return None
    if not isinstance(hit, dict):
        return None
    return Answer(hit["status"], hit["data"], hit["reference"], cached=True)


def _remember(adapter: str, query: dict[str, str], reply: Reply) -> None:
    seconds = (
        settings.REGISTRY_CACHE_SECONDS
        if reply.status == CallStatus.OK
        else settings.REGISTRY_NEGATIVE_CACHE_SECONDS
    )
    if seconds <= 0:
        return
    value = {"status": str(reply.status), "data": reply.data, "reference": reply.reference}
    try:
        cache.set(_cache_key(adapter, query), value, timeout=seconds)
    except CACHE_ERRORS:
        logger.warning("registry answer not cached: the shared cache is down")
