"""Which host names are the loopback interface: decides both where `serve` may bind without a
token and which Host headers a local-only app answers (against DNS rebinding)."""
from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def host_of(header: str) -> str:
    """The host part of a Host header ("[::1]:8765" → "::1", "localhost:80" → "localhost")."""
    h = (header or "").strip().lower()
    if h.startswith("["):
        return h[1:h.find("]")] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def local_host(header: str) -> bool:
    return is_loopback(host_of(header))
