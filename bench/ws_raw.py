"""A cheap WebSocket reader for the benches: one asyncio Protocol per socket, no task.

The aiohttp client costs a task, a WSMessage, a decoded str and a queue hop per frame;
at 50,000 frames/s (issue 11's figure (c)) the readers then need more of the 2 cores than
the servers they measure. Here a socket is a Protocol whose `data_received` walks the
server's frames in the bytes as they come (RFC 6455: servers never mask, so a frame is
a 2, 4 or 10-byte header and its payload), counts them, and looks for the bench's tag
(`"client_id":"t...`) with `bytes.find` inside the buffer, without decoding or parsing
JSON. Pings are answered with pongs; a close is counted and answered.

Client frames must be masked (RFC 6455 5.3); a zero masking key is a valid key that
leaves the payload as it is, so the few frames a reader sends cost no XOR.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
import time
from urllib.parse import urlsplit

TAG = b'"client_id":"t'
_OP_TEXT, _OP_CLOSE, _OP_PING = 0x1, 0x8, 0x9
_TAG_END = len(TAG) - 1  # the tag's value starts at its "t"
_ZERO_MASK = b"\x00\x00\x00\x00"


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A final, masked (with a zero key) client frame."""
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    return header + _ZERO_MASK + payload


class RawSocket(asyncio.Protocol):
    """One socket: the upgrade, then frames counted as they arrive.

    `seen` (shared by all sockets of a process) gets, for every tagged frame, the time
    the bytes holding it were handed to the protocol."""

    def __init__(self, path: str, host: str, seen: dict[bytes, list[float]]) -> None:
        self.path, self.host, self.seen = path, host, seen
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False
        self.frames = 0
        self.closed = False
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting_for: bytes | None = None  # a frame containing this resolves `matched`
        self.matched: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        transport.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("closed before the upgrade"))

    def send_text(self, text: str) -> None:
        assert self.transport is not None
        self.transport.write(client_frame(_OP_TEXT, text.encode()))

    async def send_and_wait(self, text: str, marker: bytes) -> None:
        """Send a frame and wait for a frame that contains `marker` (subscribed, pong)."""
        self.waiting_for = marker
        self.matched = asyncio.get_running_loop().create_future()
        self.send_text(text)
        await self.matched

    def data_received(self, data: bytes) -> None:
        if self.buffer:  # the rest of a frame that came in parts: rare
            data = bytes(self.buffer) + data
            self.buffer.clear()
        if not self.upgraded:
            data = self._upgrade(data)
        at = 0
        size = len(data)
        now = 0.0
        while size - at >= 2:
            opcode = data[at] & 0x0F
            length = data[at + 1] & 0x7F
            start = at + 2
            if length == 126:
                if size - at < 4:
                    break
                length = (data[at + 2] << 8) | data[at + 3]
                start = at + 4
            elif length == 127:
                if size - at < 10:
                    break
                length = int.from_bytes(data[at + 2 : at + 10], "big")
                start = at + 10
            end = start + length
            if end > size:
                break
            at = end
            self.frames += 1
            if opcode == _OP_TEXT:
                tagged = data.find(TAG, start, end)
                if tagged >= 0:
                    if not now:
                        now = time.perf_counter()
                    first = tagged + _TAG_END
                    tag = data[first : data.index(b'"', first, end)]
                    times = self.seen.get(tag)
                    if times is None:
                        self.seen[tag] = [now]
                    else:
                        times.append(now)
                if self.waiting_for is not None:
                    self._maybe_matched(data[start:end])
            else:
                self._control(opcode, data[start:end])
        if at < size:
            self.buffer += data[at:]

    def _upgrade(self, data: bytes) -> bytes:
        """Wait for the 101's headers; what follows them is frames."""
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return b""
        head, rest = bytes(self.buffer[:end]), bytes(self.buffer[end + 4 :])
        self.buffer.clear()
        if not head.startswith(b"HTTP/1.1 101"):
            self.opened.set_exception(ConnectionError(head.decode()))
            assert self.transport is not None
            self.transport.close()
            return b""
        self.upgraded = True
        self.opened.set_result(None)
        return rest

    def _maybe_matched(self, payload: bytes) -> None:
        if self.waiting_for is not None and self.waiting_for in payload:
            self.waiting_for = None
            if self.matched is not None and not self.matched.done():
                self.matched.set_result(None)

    def _control(self, opcode: int, payload: bytes) -> None:
        assert self.transport is not None
        if opcode == _OP_PING:
            self.transport.write(client_frame(0xA, payload))
        elif opcode == _OP_CLOSE:
            self.frames -= 1
            self.closed = True
            self.transport.write(client_frame(_OP_CLOSE, payload[:2]))
            self.transport.close()

    def close(self) -> None:
        if self.transport is not None and not self.closed:
            self.transport.write(client_frame(_OP_CLOSE, struct.pack("!H", 1000)))
            self.transport.close()


async def open_raw(url: str, seen: dict[bytes, list[float]], subscribe: str | None) -> RawSocket:
    """Connect to a ws:// URL; with `subscribe` (a subscribe frame), wait until the
    server answers it with the room's unread count, else until it answers a ping."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    loop = asyncio.get_running_loop()
    _, sock = await loop.create_connection(
        lambda: RawSocket(path, f"{host}:{port}", seen), host, port
    )
    await sock.opened
    if subscribe is not None:
        await sock.send_and_wait(subscribe, b'"unread"')
    else:
        await sock.send_and_wait('{"type":"ping"}', b'"pong"')
    sock.frames = 0  # as aiohttp's readers: frames up to the answer are not counted
    return sock
