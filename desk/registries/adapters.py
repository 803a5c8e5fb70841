"""The four national systems, as the government service bus (GSB) is assumed to expose them.

No public specification of the GSB exists; every assumption about its request and response
shape is in this module and written out in docs/registries.md, so that swapping it for the
real one touches this file only. The envelope:

    POST {REGISTRY_GSB_URL}/{path}
    Authorization: Bearer {REGISTRY_GSB_TOKEN}      X-Client-Id: {REGISTRY_GSB_CLIENT_ID}
    X-Request-Id: <uuid>                            Content-Type: application/json
    {"requestId": "<uuid>", "purpose": "<why, Persian>", "params": {...}}

    200/404 {"result": "OK" | "NOT_FOUND" | "MISMATCH", "trackingId": "...", "data": {...}}

429, 5xx, a timeout or an unreadable body: the system is unavailable (retried); another 4xx
is an error on our side (bad credentials, bad parameters: not retried).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desk.registries.models import Adapter, CallStatus
from desk.registries.transport import HttpRequest, HttpResponse, Unavailable

_RESULTS = {
    "OK": CallStatus.OK,
    "NOT_FOUND": CallStatus.NOT_FOUND,
    "MISMATCH": CallStatus.MISMATCH,
}


@dataclass(frozen=True)
class Reply:
    """What one system said, in our words."""

    status: str
    data: dict[str, Any]
    reference: str = ""


@dataclass(frozen=True)
class AdapterSpec:
    name: str  # Adapter
    path: str  # on the bus
    params: Callable[[dict[str, str]], dict[str, str]]  # our query → the bus's params
    data: Callable[[dict[str, Any]], dict[str, Any]]  # the bus's data → ours


def _civil_params(query: dict[str, str]) -> dict[str, str]:
    # birth_date: Jalali, "1370/01/15", as the civil registry writes it. Without it (sign-in,
    # where nobody types a birth date) the registry is assumed to answer the life status only.
    params = {"nationalCode": query["national_code"]}
    if query.get("birth_date"):
        params["birthDate"] = query["birth_date"]
    return params


def _civil_data(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "first_name": str(raw.get("firstName", "")),
        "last_name": str(raw.get("lastName", "")),
        "father_name": str(raw.get("fatherName", "")),
        "alive": bool(raw.get("isAlive", True)),
    }


def _postal_data(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "province": str(raw.get("province", "")),
        "city": str(raw.get("city", "")),
        "address": str(raw.get("address", "")),
    }


def _company_data(raw: dict[str, Any]) -> dict[str, Any]:
    return {"name": str(raw.get("name", "")), "status": str(raw.get("status", ""))}


SPECS: dict[str, AdapterSpec] = {
    Adapter.CIVIL_REGISTRY: AdapterSpec(
        Adapter.CIVIL_REGISTRY,
        "sabt/person-info",
        _civil_params,
        _civil_data,
    ),
    Adapter.SHAHKAR: AdapterSpec(
        Adapter.SHAHKAR,
        "shahkar/mobile-match",
        lambda q: {"nationalCode": q["national_code"], "mobile": q["mobile"]},  # 09…
        lambda raw: {},
    ),
    Adapter.POSTAL_CODE: AdapterSpec(
        Adapter.POSTAL_CODE,
        "post/address-by-postcode",
        lambda q: {"postalCode": q["postal_code"]},
        _postal_data,
    ),
    Adapter.COMPANY_REGISTRY: AdapterSpec(
        Adapter.COMPANY_REGISTRY,
        "ilenc/legal-entity",
        lambda q: {"nationalId": q["national_id"]},
        _company_data,
    ),
}


def gsb_request(
    spec: AdapterSpec,
    query: dict[str, str],
    *,
    purpose: str,
    base_url: str,
    client_id: str,
    token: str,
) -> HttpRequest:
    request_id = str(uuid.uuid4())
    body = {"requestId": request_id, "purpose": purpose, "params": spec.params(query)}
    headers = {
        "Authorization": f"Bearer {token}",
        "X-Client-Id": client_id,
        "X-Request-Id": request_id,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    url = f"{base_url.rstrip('/')}/{spec.path}"
    return HttpRequest("POST", url, headers, json.dumps(body, ensure_ascii=False).encode())


def gsb_reply(spec: AdapterSpec, response: HttpResponse) -> Reply:
    """Read the bus's answer; raises Unavailable when it is worth asking again."""
    if response.status == 429 or response.status >= 500:
        raise Unavailable(f"{spec.name}: HTTP {response.status}", code=f"http_{response.status}")
    try:
        body = response.json()
    except ValueError:
        raise Unavailable(f"{spec.name}: unreadable answer", code="unreadable") from None
    if not isinstance(body, dict):
        raise Unavailable(f"{spec.name}: unreadable answer", code="unreadable")
    reference = str(body.get("trackingId", ""))[:100]
    status = _RESULTS.get(str(body.get("result", "")))
    if response.status not in (200, 404) or status is None:
        return Reply(
            CallStatus.ERROR, {"code": str(body.get("result", response.status))}, reference
        )
    raw = body.get("data")
    data = spec.data(raw if isinstance(raw, dict) else {}) if status == CallStatus.OK else {}
    return Reply(status, data, reference)
