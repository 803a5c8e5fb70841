"""Addresses: is a URL one that people on the internet can reach?"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOCAL_NAMES = {"localhost", "localhost.localdomain", "testserver", ""}


def public_url_problem(url: str) -> str:
    """Why `url` cannot be a public https address, or "" when it can."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"{url!r} is not an https:// address"
    host = (parts.hostname or "").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return f"{url!r} names this machine"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return ""
    if address.is_loopback or address.is_unspecified or address.is_link_local:
        return f"{url!r} names this machine"
    return ""
