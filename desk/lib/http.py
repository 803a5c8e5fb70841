"""An HTTP request and response as plain values, for clients whose transport tests replace
(the SMS and payment gateways, the national systems' adapters)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    def json(self) -> Any:
        return json.loads((self.body or b"{}").decode("utf-8"))


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))
