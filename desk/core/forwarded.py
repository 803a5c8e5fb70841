"""The citizen's address behind the reverse proxy: one setting, one middleware.

Rate limits (tracking lookups, sign-in codes per address, document checks), lockouts and the
audit log key on ``REMOTE_ADDR``. Behind nginx every request comes from nginx, so without this
every citizen would share one address (and one limit); over a unix socket gunicorn has no peer
address at all. nginx sends the real address in ``X-Forwarded-For`` / ``X-Real-IP``; this
middleware believes them only when the request came from a trusted proxy:

``TRUSTED_PROXIES`` (comma separated) lists the proxies: IP addresses, networks
(``10.0.0.0/24``), ``unix`` for a peer with no IP address (gunicorn on a unix socket: only
processes on this machine that may open the socket can connect), or ``*`` for any peer (a
private network where nothing but the proxy reaches the app server).

``X-Forwarded-For`` is read from the right: the first address that is not itself a trusted proxy
is the client (anything to its left was written by the client and is not believed).
``X-Real-IP`` is used when there is no ``X-Forwarded-For``. A header that holds no valid address
leaves the request without one, never with the text of the header.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

UNIX = "unix"
ANY = "*"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Proxies:
    """Who may tell us the client's address."""

    networks: tuple[Network, ...] = ()
    unix: bool = False
    any: bool = False

    @classmethod
    def parse(cls, entries: Iterable[str]) -> Proxies:
        networks: list[Network] = []
        unix = any_peer = False
        for entry in (e.strip() for e in entries):
            if not entry:
                continue
            if entry == UNIX:
                unix = True
            elif entry == ANY:
                any_peer = True
            else:
                try:
                    networks.append(ipaddress.ip_network(entry, strict=False))
                except ValueError:
                    raise ImproperlyConfigured(
                        f"TRUSTED_PROXIES: {entry!r} is not an IP address, a network, "
                        f"{UNIX!r} or {ANY!r}"
                    ) from None
        return cls(tuple(networks), unix, any_peer)

    def __bool__(self) -> bool:
        return bool(self.networks or self.unix or self.any)

    def trusts(self, address: str) -> bool:
        """``address`` is the immediate peer (REMOTE_ADDR) or an entry of X-Forwarded-For."""
        ip = _ip(address)
        if ip is None:
            # No IP address: a unix-socket peer (gunicorn gives "" or the socket's name).
            return self.any or self.unix
        return self.any or any(ip in network for network in self.networks)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(*, peer: str, forwarded_for: str, real_ip: str, proxies: Proxies) -> str | None:
    """The client's address, or None when there is no believable one."""
    if not proxies.trusts(peer):
        return str(_ip(peer)) if _ip(peer) is not None else None
    chain = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if not chain and real_ip.strip():
        chain = [real_ip.strip()]
    for hop in reversed(chain):
        ip = _ip(hop)
        if ip is None:
            return None  # garbage where an address belongs: believe nothing further left
        if not proxies.trusts(hop):
            return str(ip)
    # Every hop is a proxy (or there is no header): the leftmost known address.
    first = _ip(chain[0]) if chain else _ip(peer)
    return str(first) if first is not None else None


@functools.lru_cache(maxsize=8)
def _parsed(entries: tuple[str, ...]) -> Proxies:
    return Proxies.parse(entries)


def trusted_proxies() -> Proxies:
    """Read per request (parsed once per value), so a test may change the setting."""
    return _parsed(tuple(settings.TRUSTED_PROXIES))


class ClientAddressMiddleware:
    """First in MIDDLEWARE: puts the client's address in REMOTE_ADDR ("" when unknown), so
    everything after it (rate limits, the audit log, the health endpoint) reads the same."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        meta = request.META
        address = client_address(
            peer=meta.get("REMOTE_ADDR", "") or "",
            forwarded_for=meta.get("HTTP_X_FORWARDED_FOR", ""),
            real_ip=meta.get("HTTP_X_REAL_IP", ""),
            proxies=trusted_proxies(),
        )
        meta["REMOTE_ADDR"] = address or ""
        return self.get_response(request)


def refuse_unreal_addresses(
    *, https: bool, behind_proxy: bool, gunicorn_bind: str, proxies: Proxies
) -> None:
    """Settings call this: in production (HTTPS=1) a configuration in which every citizen
    would share the proxy's address (or have none) stops start-up."""
    if not https:
        return
    if behind_proxy and not proxies:
        raise ImproperlyConfigured(
            "BEHIND_PROXY=1 needs TRUSTED_PROXIES (the proxy's addresses, or 'unix' for a unix "
            "socket): otherwise every citizen shares the proxy's address and its rate limits"
        )
    if gunicorn_bind.startswith("unix:") and not (proxies.unix or proxies.any):
        raise ImproperlyConfigured(
            f"GUNICORN_BIND={gunicorn_bind} needs 'unix' in TRUSTED_PROXIES: a unix-socket peer "
            "has no address, so no citizen would have one"
        )
