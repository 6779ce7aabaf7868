"""Outgoing frames, encoded once however many sockets they go to.

A room message reaches 1,000 sockets: serialising it, encoding it to UTF-8 and framing
it once, then handing the same bytes to every transport, is what keeps the fan-out
cheap. aiohttp's writer frames per socket (it has no way to reuse a framed message), so
the few bytes of RFC 6455 framing for an unmasked server-to-client text frame are built
here; the slow path (a socket whose transport is backed up) still goes through aiohttp.
"""

from __future__ import annotations

import json
import struct
from typing import Any

_FIN_TEXT = 0x81  # FIN bit + opcode 1 (text); no RSV bits: never compressed
_SHORT = struct.Struct("!BB")
_MEDIUM = struct.Struct("!BBH")
_LONG = struct.Struct("!BBQ")


def dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


def _header(length: int) -> bytes:
    """RFC 6455 section 5.2: servers never mask; 7, 16 or 64-bit payload length."""
    if length < 126:
        return _SHORT.pack(_FIN_TEXT, length)
    if length < 1 << 16:
        return _MEDIUM.pack(_FIN_TEXT, 126, length)
    return _LONG.pack(_FIN_TEXT, 127, length)


class Frame:
    """One text frame: its payload (for aiohttp's writer) and its bytes on the wire."""

    __slots__ = ("payload", "wire")

    def __init__(self, text: str) -> None:
        self.payload = text.encode()
        self.wire = _header(len(self.payload)) + self.payload

    @classmethod
    def of(cls, frame: dict[str, Any]) -> Frame:
        return cls(dumps(frame))
