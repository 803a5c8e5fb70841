"""The address a per-address limit counts.

An IPv4 address is one subscriber's (or one network's behind NAT); an IPv6 subscriber, a
phone on a mobile network or a home line, is given a whole /64 network and may use any of its
2^64 addresses: counted one address at a time, a per-address limit would never be reached by
someone who takes a fresh address for each try. So limits count an IPv6 address's /64.
"""

from __future__ import annotations

import ipaddress

IPV6_PREFIX = 64  # what one subscriber is given (RFC 6177); a /56 or /48 holds many of them
UNKNOWN = "unknown"


def limit_scope(address: str | None) -> str:
    """``address`` as a limit counts it: an IPv4 address as it is, an IPv6 address as its /64
    network (an IPv4 address written as IPv6, ``::ffff:a.b.c.d``, as the IPv4 address), an
    empty one as ``unknown``; text that is no address as it is."""
    if not address:
        return UNKNOWN
    if ":" not in address:
        return address
    try:
        ip = ipaddress.IPv6Address(address.split("%", 1)[0])
    except ValueError:
        return address
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network((ip, IPV6_PREFIX), strict=False))
