"""Long-running loops (relay, consumers, scheduler) and cancellation."""

from __future__ import annotations

import asyncio


def being_cancelled() -> bool:
    """True while this task is being cancelled. A cancellation that lands inside a database
    driver can come back as an ordinary error (an interrupted transaction that refuses to
    go on): a loop that retries on errors asks this before retrying, and a handler failure
    seen during shutdown is not the message's fault."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0
