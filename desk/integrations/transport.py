"""The webhooks' HTTP client: one POST, no redirects, short timeouts, and no address inside
our own network (SSRF).

An agency admin types the URL, so the desk must not become a way to reach what sits behind
it (the database, the metadata service, the admin on localhost). The host is resolved once,
every address it resolves to is judged, and the connection is made to that very address (TLS
still checks the certificate against the host name): a DNS answer that changes between the
check and the connection cannot point the request inside. Redirects are not followed (a 3xx
is a failed delivery), so a public address cannot bounce the request inside either.

``WEBHOOK_TRANSPORT = "fake"`` (the tests' runner) records requests in ``FakeTransport`` and
answers what a test scripted; nothing touches the network.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from collections import deque
from typing import ClassVar
from urllib.parse import urlsplit

from django.conf import settings

from desk.lib.http import HttpRequest, HttpResponse

_MAX_BODY = 4096  # a receiver's answer is read only this far: we keep its status, not its page


class DeliveryError(Exception):
    """The request did not get an HTTP answer: refused address, DNS, connection, timeout."""


def url_problem(url: str) -> str:
    """Why ``url`` may not receive webhooks here, or "" (the scheme; the address is judged when
    it is resolved, at every delivery)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) address"
    if parts.scheme != "https" and settings.WEBHOOK_REQUIRE_HTTPS:
        return "not an https address"
    if parts.username or parts.password:
        return "credentials in the address"
    return ""


def _internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int) -> str:
    """The address to connect to: the first of ``host``'s, all of which must be public
    unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise DeliveryError(f"dns: {exc}") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise DeliveryError("dns: no address")
    if not settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        for text in addresses:
            if _internal(ipaddress.ip_address(text.split("%")[0])):
                raise DeliveryError(f"refused: {host} resolves to an internal address {text}")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._ssl = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._ssl)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._ssl.wrap_socket(raw, server_hostname=self.host)


def http_transport(request: HttpRequest, *, timeout: float) -> HttpResponse:
    """The real network, one request, no redirects."""
    if problem := url_problem(request.url):
        raise DeliveryError(f"refused: {problem}")
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(host, port)
    kind = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = kind(host, port, address, timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request(request.method, path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        return HttpResponse(response.status, response.read(_MAX_BODY))
    except (OSError, http.client.HTTPException) as exc:
        name = "timeout" if isinstance(exc, TimeoutError) else "network"
        raise DeliveryError(f"{name}: {exc}") from exc
    finally:
        connection.close()


class FakeTransport:
    """The tests' network: records every request; answers each with the next scripted
    response (an HttpResponse, or an exception to raise), 200 when none is left."""

    sent: ClassVar[list[HttpRequest]] = []
    script: ClassVar[deque[HttpResponse | Exception]] = deque()

    @classmethod
    def clear(cls) -> None:
        cls.sent.clear()
        cls.script.clear()

    @classmethod
    def answer(cls, *responses: HttpResponse | Exception) -> None:
        cls.script.extend(responses)

    def __call__(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        self.sent.append(request)
        if problem := url_problem(request.url):
            raise DeliveryError(f"refused: {problem}")
        reply = self.script.popleft() if self.script else HttpResponse(200, b"ok")
        if isinstance(reply, Exception):
            raise reply
        return reply


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[HttpResponse, int]:
    """POST ``body`` through the configured transport; the answer and its latency in ms."""
    transport = FakeTransport() if settings.WEBHOOK_TRANSPORT == "fake" else http_transport
    started = time.monotonic()
    response = transport(
        HttpRequest("POST", url, headers=headers, body=body),
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
    )
    return response, int((time.monotonic() - started) * 1000)
