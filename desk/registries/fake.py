"""A deterministic stand-in for the government service bus, answering by input.

It is a transport: the real client stack (request building, parsing, retries, breaker, cache,
log) runs in front of it unchanged. Its trigger inputs (docs/registries.md) are the last four
digits of the input that names the person, place or company (national code for the civil
registry, mobile for Shahkar, postal code, legal-entity national id):

    …9999  mismatch (civil registry: birth date does not match; Shahkar: not this person's)
    …9996  not found
    …9998  timeout (raised at once, nothing waits)
    …9995  HTTP 503 (unavailable)
    …9997  HTTP 400 (an error on our side)

and, for the civil registry, a birth year of 1299 or earlier is a mismatch and a national code
ending in 9994 is a person who has died (``isAlive: false``); asked without a birth date it
answers the life status alone. Anything else is found, with a name or an address
made from its digits, the same every time.
"""

from __future__ import annotations

import json
from typing import Any

from desk.lib.persian import is_ascii_number
from desk.registries.transport import HttpRequest, HttpResponse, Unavailable

FIRST_NAMES = ["علی", "زهرا", "محمد", "فاطمه", "حسین", "مریم", "رضا", "سارا"]
LAST_NAMES = ["احمدی", "محمدی", "حسینی", "رضایی", "کریمی", "موسوی", "جعفری", "کاظمی"]
FATHER_NAMES = ["حسن", "مهدی", "عباس", "احمد", "جواد"]
CITIES = [("تهران", "تهران"), ("اصفهان", "اصفهان"), ("فارس", "شیراز"), ("خراسان رضوی", "مشهد")]
STREETS = ["خیابان آزادی", "خیابان انقلاب", "بلوار کشاورز", "خیابان ولیعصر"]

MISMATCH, NOT_FOUND, TIMEOUT, UNAVAILABLE, ERROR, DECEASED = (
    "9999",
    "9996",
    "9998",
    "9995",
    "9997",
    "9994",
)
_KEYS = {
    "sabt/person-info": "nationalCode",
    "shahkar/mobile-match": "mobile",
    "post/address-by-postcode": "postalCode",
    "ilenc/legal-entity": "nationalId",
}


def _answer(status: int, result: str, key: str, data: dict[str, Any] | None = None) -> HttpResponse:
    body = {"result": result, "trackingId": f"FAKE-{key[-6:]}", "data": data or {}}
    return HttpResponse(status, json.dumps(body, ensure_ascii=False).encode())


class FakeTransport:
    def __call__(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        path = request.url.split("://", 1)[-1].split("/", 1)[-1]
        path = next((p for p in _KEYS if path.endswith(p)), path)
        params = request.json().get("params", {})
        key = str(params.get(_KEYS.get(path, ""), ""))
        tail = key[-4:]
        if tail == TIMEOUT:
            raise Unavailable("fake: timeout", code="timeout")
        if tail == UNAVAILABLE:
            return HttpResponse(503, b"<html>Service Unavailable</html>")
        if tail == ERROR:
            return _answer(400, "BAD_REQUEST", key)
        if tail == NOT_FOUND:
            return _answer(404, "NOT_FOUND", key)
        if tail == MISMATCH or _too_old(path, params):
            return _answer(200, "MISMATCH", key)
        data = _data(path, key)
        if path == "sabt/person-info" and "birthDate" not in params:
            data = {"isAlive": data["isAlive"]}  # the life status alone, for a sign-in
        return _answer(200, "OK", key, data)


def _too_old(path: str, params: dict[str, Any]) -> bool:
    birth = str(params.get("birthDate", ""))
    year = birth[:4]
    return path == "sabt/person-info" and is_ascii_number(year) and int(year) <= 1299


def _data(path: str, key: str) -> dict[str, Any]:
    n = int(key) if is_ascii_number(key) else sum(map(ord, key))
    if path == "sabt/person-info":
        return {
            "firstName": FIRST_NAMES[n % len(FIRST_NAMES)],
            "lastName": LAST_NAMES[n // 7 % len(LAST_NAMES)],
            "fatherName": FATHER_NAMES[n // 3 % len(FATHER_NAMES)],
            "isAlive": not key.endswith(DECEASED),
        }
    if path == "post/address-by-postcode":
        province, city = CITIES[n % len(CITIES)]
        street = STREETS[n // 5 % len(STREETS)]
        return {
            "province": province,
            "city": city,
            "address": f"{province}، {city}، {street}، پلاک {n % 200 + 1}",
        }
    if path == "ilenc/legal-entity":
        return {"name": f"شرکت نمونه {key[-4:]}", "status": "active"}
    return {}
