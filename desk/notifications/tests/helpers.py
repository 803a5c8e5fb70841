"""A clock the tests move, and a transport that replays recorded provider answers."""

from __future__ import annotations

import datetime
import json
import urllib.parse
from pathlib import Path
from typing import Any
from unittest.mock import patch

from django.utils import timezone

from desk.notifications.backends.base import HttpRequest, HttpResponse, TemporaryFailure

FIXTURES = Path(__file__).parent / "fixtures"
TO = "+989121234567"


class Clock:
    """`timezone.now()` under the test's control: `with clock:` then `clock.advance(...)`."""

    def __init__(self, start: datetime.datetime | None = None) -> None:
        self.now = start or timezone.now()

    def advance(self, **delta: float) -> datetime.datetime:
        self.now += datetime.timedelta(**delta)
        return self.now

    def __call__(self) -> datetime.datetime:
        return self.now

    def patch(self) -> Any:
        return patch("django.utils.timezone.now", self)


def recorded(provider: str, name: str) -> HttpResponse:
    """A provider's answer saved under fixtures/<provider>/<name>.json as
    {"status": <HTTP status>, "body": <JSON body>} or {"status": …, "text": <raw body>}."""
    data = json.loads((FIXTURES / provider / f"{name}.json").read_text(encoding="utf-8"))
    if "text" in data:
        return HttpResponse(data["status"], data["text"].encode())
    return HttpResponse(data["status"], json.dumps(data["body"], ensure_ascii=False).encode())


class Replay:
    """Answers each call with the next recorded response (or raises the next exception) and
    keeps the requests for the test to inspect. Never touches the network."""

    def __init__(self, *answers: HttpResponse | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        if not self.answers:
            raise AssertionError(f"unexpected call: {request.method} {request.url}")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def last(self) -> HttpRequest:
        return self.requests[-1]

    def form(self, index: int = -1) -> dict[str, str]:
        body = self.requests[index].body or b""
        return dict(urllib.parse.parse_qsl(body.decode()))

    def query(self, index: int = -1) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.requests[index].url).query))

    def json(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].body or b"null")


def timeout() -> TemporaryFailure:
    """What UrllibTransport raises when the provider does not answer in time."""
    return TemporaryFailure("timeout: timed out", code="timeout", maybe_sent=True)
