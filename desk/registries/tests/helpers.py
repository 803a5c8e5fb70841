from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from desk.registries.transport import HttpRequest, HttpResponse, Unavailable

RECORDED = Path(__file__).parent / "recorded"


class RecordedTransport:
    """Replays one recorded GSB exchange and keeps the requests it was sent."""

    def __init__(self, name: str) -> None:
        self.recording = json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        self.requests.append(request)
        response = self.recording["response"]
        if "text" in response:
            return HttpResponse(response["status"], response["text"].encode())
        return HttpResponse(response["status"], json.dumps(response["body"]).encode())


class ScriptedTransport:
    """Answers from a script: "timeout", an HTTP status, or a result ("OK", "MISMATCH" …)."""

    def __init__(self, *script: Any) -> None:
        self.script = list(script)
        self.calls = 0

    def __call__(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        self.calls += 1
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if step == "timeout":
            raise Unavailable("scripted timeout", code="timeout")
        if isinstance(step, int):
            return HttpResponse(step, b"busy")
        body = {"result": step, "trackingId": f"T-{self.calls}", "data": {}}
        return HttpResponse(200, json.dumps(body).encode())
