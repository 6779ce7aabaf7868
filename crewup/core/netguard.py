"""Which hosts the server may be made to call on a user's behalf (web push endpoints).

A URL chosen by a user must not point the server at its own network: loopback, private
ranges, link-local (cloud metadata at 169.254.169.254), or names that resolve there. The
name check runs again at send time because DNS can change between subscribing and sending.
"""

from __future__ import annotations

import ipaddress
import socket

_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.strip("[]").split("%")[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    return ip


def is_public_address(text: str) -> bool:
    ip = _address(text)
    return ip is not None and ip.is_global and not ip.is_multicast


def may_be_public_host(host: str) -> bool:
    """Without a lookup: False for local names and for addresses that are not public."""
    name = host.strip().rstrip(".").lower()
    if not name or name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
        return False
    if _address(name) is not None:
        return is_public_address(name)
    return "." in name  # a bare name resolves through the local search domains


def resolves_to_public(host: str, port: int) -> bool:
    """Blocking (run it in a thread): every address the name has is public."""
    if not may_be_public_host(host):
        return False
    try:
        found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except OSError:
        return False
    return bool(found) and all(is_public_address(str(info[4][0])) for info in found)
