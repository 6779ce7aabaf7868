"""After commit, an alert and its resolution reach every recipient's open sockets on every
process, through the hub's pub/sub (wired in crewup.wiring): nobody is alerted by a
change that could still roll back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from crewup.core import clock
from crewup.realtime.hub import Hub
from crewup.safety.domain_events import AlertBroadcast


def alert_frame(event: AlertBroadcast) -> dict[str, Any]:
    """The `safety_alert` frame (docs/api.md, WebSocket section)."""
    return {
        "type": "safety_alert",
        "id": event.alert_id,
        "status": event.state,
        "severity": event.severity,
        "message": event.message,
        "lat": event.lat,
        "lon": event.lon,
        "author": {"id": event.author_id, "display_name": event.author_name},
        "created_at": clock.isoformat(event.created_at),
        "resolution_note": event.note,
        "url": f"/safety/alerts/{event.alert_id}",
    }


def on_broadcast(hub: Hub) -> Callable[[AlertBroadcast], Awaitable[None]]:
    async def publish(event: AlertBroadcast) -> None:
        await hub.to_users(event.user_ids, alert_frame(event))

    return publish
