"""Event rooms close behind people who lose access to them, on every process.

A group's room ends with `member.left` (the hub's `leave` envelope). Who may read an
event's room depends on more (the RSVP, the group's visibility and membership, being an
organiser), so after a change that may take it away every process holding the person's
sockets asks `check_reader` again, the rule `subscribe` applied. Until the answer is in,
that socket's live frames of the room are held back: nothing published after the change
reaches someone who lost access, and someone who kept it gets them in order. Checks may
overlap (two changes in a row); the frames wait for the last one (`Subscription.hold`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from crewup.chat.access import Room, RoomKind, check_reader
from crewup.core.db import Database
from crewup.core.errors import Forbidden, NotFound
from crewup.realtime.hub import Hub
from crewup.realtime.peer import Peer, Subscription
from crewup.realtime.rooms import room_fields, room_key

log = logging.getLogger("crewup.chat")

KIND = "chat.recheck"  # {"k": KIND, "user": 3, "room": "event:5" or None: every event room}
_EVENT_ROOMS = f"{RoomKind.event.value}:"


async def recheck(hub: Hub, user_id: int, event_id: int | None = None) -> None:
    """After commit: every process checks again whether the person may still read the
    event's room (with no event: each event room they listen to)."""
    room = room_key(RoomKind.event.value, event_id) if event_id is not None else None
    await hub.publish({"k": KIND, "user": user_id, "room": room})


def watch(db: Database, hub: Hub) -> None:
    """Act on `recheck` envelopes from any process, this one included; and check every
    room again before the replays after a pub/sub outage (hub._replay_everything)."""
    hub.on_kind(KIND, _on_recheck(db, hub))

    def before_replay(peer: Peer, key: str, subscription: Subscription) -> None:
        subscription.hold()
        hub.spawn(_check(db, hub, peer, key, subscription))

    hub.recheck_before_replay = before_replay


def _on_recheck(db: Database, hub: Hub) -> Callable[[dict[str, Any]], None]:
    def received(envelope: dict[str, Any]) -> None:
        wanted = envelope.get("room")
        for peer in list(hub.users.get(envelope["user"], ())):
            for key, subscription in list(peer.rooms.items()):
                if key == wanted or (wanted is None and key.startswith(_EVENT_ROOMS)):
                    subscription.hold()
                    hub.spawn(_check(db, hub, peer, key, subscription))

    return received


async def _check(db: Database, hub: Hub, peer: Peer, key: str, subscription: Subscription) -> None:
    kind, _, number = key.partition(":")
    code = None
    try:
        async with db.reading() as conn:
            await check_reader(conn, Room(RoomKind(kind), int(number)), peer.actor)
    except (NotFound, Forbidden):
        code, detail = "forbidden", "you can no longer read this room"
    except Exception:
        # Unsure is closed: the client may subscribe again, which checks afresh.
        log.exception("could not check access to a chat room again", extra={"room": key})
        code, detail = "unavailable", "the server could not check your access; subscribe again"
    if peer.rooms.get(key) is not subscription:
        return  # unsubscribed, or subscribed afresh (which checked access itself)
    if code is not None:
        hub.leave(peer, key)
        peer.send({"type": "error", "code": code, "detail": detail, **room_fields(key)})
        return
    for message_id, frame in subscription.release():
        peer.deliver(key, frame, message_id)
    # Pub/sub recovered during the check: what other processes persisted meanwhile.
    hub.replay_if_wanted(peer, key, subscription)
