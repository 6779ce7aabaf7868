"""Waiting for a log line: domain events are logged after their commit, which may come
a moment after the answer that caused it."""

from __future__ import annotations

import asyncio
import logging
from typing import Any


async def logged(caplog: Any, message: str, within: float = 2.5) -> list[logging.LogRecord]:
    """The records whose message is `message`, once there is one (or none in time)."""
    for _ in range(int(within / 0.05)):
        found = [r for r in caplog.records if r.getMessage() == message]
        if found:
            return found
        await asyncio.sleep(0.05)
    return []
