"""The hub of one process: which sockets listen to which rooms and belong to whom, and
everything that reaches them, from this process or (through pub/sub) any other.

Everything is published as an envelope and acted on when it comes back from the pub/sub,
so a frame for a room, "close this person's sockets" or "this person left that room"
work the same whether the socket is here or on another process. Acting on an envelope
never awaits: text is serialised once and put on each socket's bounded queue.

Envelopes (JSON):
  {"k": "room", "room": "group:7", "frame": {...}, "id": 1235?}   to everyone in a room
  {"k": "user", "user": 3, "frame": {...}}                        to every socket of a person
  {"k": "users", "users": [3, 9], "frame": {...}}                 the same for many people
  {"k": "drop", "user": 3, "code": 4403, "reason": "..."}         close a person's sockets
  {"k": "leave", "user": 3, "room": "group:7"}                    end one subscription
  {"k": "presence", "origin": "...", "room": "group:7", "online": [3, 9]}
  {"k": "hello", "origin": "..."}                                 a new process: presence again
  {"k": "resync", "origin": "...", "since": 1230}                 a process's link is back:
                                                                  replay from before its outage
  anything else: handlers registered with `on_kind` (e.g. cache invalidation)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from crewup.realtime.frames import Frame, dumps
from crewup.realtime.metrics import RealtimeMetrics
from crewup.realtime.peer import NO_REPLAY, Peer, Subscription
from crewup.realtime.pubsub import PubSub
from crewup.realtime.rooms import room_fields

log = logging.getLogger("crewup.realtime")

# Messages of a room after an id, oldest first, as (id, frame text); chat provides it.
Fetcher = Callable[[str, int], Awaitable[list[tuple[int, str]]]]
REPLAY_BATCH = 200
SEEN_IDS = 256  # recent message ids remembered for an outage's floor
# Longer than a publish may take to fail (redis_pubsub.PUBLISH_TIMEOUT) and be noticed.
FLOOR_LAG_SECONDS = 2.0
PRESENCE_DELAY = 0.25  # seconds: presence changes within it go out as one frame
# People per "users" envelope: a few kilobytes of ids, and every process reads each once.
USERS_PER_ENVELOPE = 1000


class Hub:
    def __init__(self, pubsub: PubSub, metrics: RealtimeMetrics) -> None:
        self.pubsub = pubsub
        self.metrics = metrics
        self.origin = uuid.uuid4().hex
        self.peers: set[Peer] = set()
        self.rooms: dict[str, set[Peer]] = defaultdict(set)
        self.users: dict[int, set[Peer]] = defaultdict(set)
        self.fetcher: Fetcher | None = None
        self._presence: dict[str, dict[str, frozenset[int]]] = defaultdict(dict)
        self._kinds: dict[str, Callable[[dict[str, Any]], None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._announcing: set[str] = set()
        self._showing: set[str] = set()
        self.closing = False  # shutting down: new sockets are turned away with 1001
        # Message ids seen, newest last, with when (monotonic): the floor of an outage is
        # the newest one seen a moment before it was noticed (see `_lost`).
        self._seen_ids: deque[tuple[float, int]] = deque(maxlen=SEEN_IDS)
        self._outage_floor: int | None = None
        # Set by chat: check that a socket may still read a room before a replay after
        # an outage (envelopes that would have removed it may have been lost meanwhile).
        self.recheck_before_replay: Callable[[Peer, str, Subscription], None] | None = None

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        await self.pubsub.start(self._received, self._recovered, self._lost)
        await self.publish({"k": "hello", "origin": self.origin})

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.pubsub.stop()

    def close_all(self, code: int, reason: str) -> None:
        for peer in list(self.peers):
            peer.close(code, reason)

    async def wait_closed(self) -> None:
        await asyncio.gather(*(peer.closed() for peer in list(self.peers)))

    def on_kind(self, kind: str, handler: Callable[[dict[str, Any]], None]) -> None:
        self._kinds[kind] = handler

    # -- sockets of this process -------------------------------------------------------

    def add(self, peer: Peer) -> None:
        self.peers.add(peer)
        self.users[peer.actor.id].add(peer)
        self.metrics.open_sockets.set(len(self.peers))

    def remove(self, peer: Peer) -> None:
        for room in list(peer.rooms):
            self.leave(peer, room)
        self.peers.discard(peer)
        mine = self.users.get(peer.actor.id)
        if mine is not None:
            mine.discard(peer)
            if not mine:
                del self.users[peer.actor.id]
        self.metrics.open_sockets.set(len(self.peers))

    async def subscribe(
        self, peer: Peer, room: str, since_id: int | None, newest_id: int = 0
    ) -> None:
        """Listen to a room (the caller has checked access); with `since_id`, first
        replay what came after it, in order. Without, the socket stands at the room's
        `newest_id`: a replay after an outage starts there, not at the room's beginning."""
        if room in peer.rooms:
            self.leave(peer, room)
        peer.rooms[room] = Subscription(last_id=newest_id if since_id is None else 0)
        self.rooms[room].add(peer)
        self._announce_presence(room)
        online = sorted({*self.online(room), peer.actor.id})
        peer.send({"type": "presence", **room_fields(room), "online": online})
        if since_id is not None:
            await self.replay(peer, room, since_id)

    def leave(self, peer: Peer, room: str) -> None:
        if peer.rooms.pop(room, None) is None:
            return
        members = self.rooms.get(room)
        if members is not None:
            members.discard(peer)
            if not members:
                del self.rooms[room]
        self._announce_presence(room)

    async def replay(self, peer: Peer, room: str, since_id: int) -> None:
        subscription = peer.rooms.get(room)
        if subscription is None or self.fetcher is None:
            return
        if subscription.replaying:
            # One replay per subscription, or frames go out twice; the running one reads
            # on, from this one's start if that is earlier (a resync after an outage).
            subscription.replay_again = True
            subscription.replay_since = min(subscription.replay_since, since_id)
            return
        subscription.replaying = True
        subscription.hold()
        last = since_id
        try:
            again = True
            while again:
                subscription.replay_again = False
                if subscription.replay_since < last:
                    last, subscription.replay_since = subscription.replay_since, NO_REPLAY
                while not peer.closing and peer.rooms.get(room) is subscription:
                    batch = await self.fetcher(room, last)
                    for message_id, text in batch:
                        await peer.send_waiting(Frame(text))
                        last = message_id
                    if len(batch) < REPLAY_BATCH:
                        break
                again = subscription.replay_again
        finally:
            subscription.replaying = False
            subscription.last_id = max(subscription.last_id, last)
            subscription.replayed_to = max(subscription.replayed_to, last)
            for held_id, frame in subscription.release():
                peer.deliver(room, frame, held_id)
            self.replay_if_wanted(peer, room, subscription)

    def replay_if_wanted(self, peer: Peer, room: str, subscription: Subscription) -> None:
        """A replay asked for while checks or another replay held the room (after an
        outage) starts once the last of them has ended, whichever ends last; a check
        that refused access has ended the subscription instead."""
        if (
            subscription.replay_wanted
            and not subscription.holds
            and peer.rooms.get(room) is subscription
        ):
            subscription.replay_wanted = False
            since = min(subscription.last_id, subscription.replay_since)
            subscription.replay_since = NO_REPLAY
            self.spawn(self.replay(peer, room, since))

    def online(self, room: str) -> list[int]:
        everyone: set[int] = set()
        for ids in self._presence.get(room, {}).values():
            everyone |= ids
        return sorted(everyone)

    # -- publishing ---------------------------------------------------------------------

    async def publish(self, envelope: dict[str, Any]) -> None:
        await self.pubsub.publish(dumps(envelope).encode())

    async def to_room(
        self, room: str, frame: dict[str, Any], message_id: int | None = None
    ) -> None:
        await self.publish({"k": "room", "room": room, "frame": frame, "id": message_id})

    async def to_user(self, user_id: int, frame: dict[str, Any]) -> None:
        await self.publish({"k": "user", "user": user_id, "frame": frame})

    async def to_users(self, user_ids: Sequence[int], frame: dict[str, Any]) -> None:
        """One frame for many people (a safety alert to thousands): one envelope per
        USERS_PER_ENVELOPE of them, not one publish per person."""
        for start in range(0, len(user_ids), USERS_PER_ENVELOPE):
            part = list(user_ids[start : start + USERS_PER_ENVELOPE])
            await self.publish({"k": "users", "users": part, "frame": frame})

    async def drop_user(self, user_id: int, code: int, reason: str) -> None:
        await self.publish({"k": "drop", "user": user_id, "code": code, "reason": reason})

    async def remove_from_room(self, user_id: int, room: str) -> None:
        await self.publish({"k": "leave", "user": user_id, "room": room})

    def _announce_presence(self, room: str) -> None:
        """Presence is coalesced: a room where 1,000 people connect at once announces
        itself a few times, not 1,000 times to 1,000 sockets."""
        if room in self._announcing:
            return
        self._announcing.add(room)
        asyncio.get_running_loop().call_later(PRESENCE_DELAY, self._announce_now, room)

    def _announce_now(self, room: str) -> None:
        self._announcing.discard(room)
        here = sorted({peer.actor.id for peer in self.rooms.get(room, ())})
        self.spawn(
            self.publish({"k": "presence", "origin": self.origin, "room": room, "online": here})
        )

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- receiving ----------------------------------------------------------------------

    def _received(self, raw: bytes) -> None:
        try:
            envelope = json.loads(raw)
            self._act(envelope)
        except Exception:
            log.exception("could not act on a pub/sub envelope")

    def _act(self, envelope: dict[str, Any]) -> None:
        kind = envelope.get("k")
        if kind == "room":
            room = envelope["room"]
            message_id = envelope.get("id")
            if type(message_id) is int and (
                not self._seen_ids or message_id > self._seen_ids[-1][1]
            ):
                self._seen_ids.append((time.monotonic(), message_id))
            peers = self.rooms.get(room)
            if peers:
                self._fan_out(room, list(peers), Frame.of(envelope["frame"]), envelope.get("id"))
        elif kind == "user":
            frame = Frame.of(envelope["frame"])
            for peer in list(self.users.get(envelope["user"], ())):
                peer.put(frame)
        elif kind == "users":
            frame = Frame.of(envelope["frame"])
            for user in envelope["users"]:
                for peer in list(self.users.get(user, ())):
                    peer.put(frame)
        elif kind == "drop":
            for peer in list(self.users.get(envelope["user"], ())):
                peer.close(envelope["code"], envelope.get("reason", ""))
        elif kind == "leave":
            room = envelope["room"]
            for peer in list(self.users.get(envelope["user"], ())):
                if room in peer.rooms:
                    self.leave(peer, room)
                    peer.send(
                        {
                            "type": "error",
                            "code": "forbidden",
                            "detail": "you can no longer read this room",
                            **room_fields(room),
                        }
                    )
        elif kind == "presence":
            self._presence_changed(envelope["room"], envelope["origin"], envelope["online"])
        elif kind == "resync":
            since = envelope.get("since")
            if envelope.get("origin") != self.origin and type(since) is int:
                self._replay_everything(since)
        elif kind == "hello":
            if envelope.get("origin") != self.origin:
                for room in list(self.rooms):
                    self._presence.get(room, {}).pop(self.origin, None)
                    self._announce_presence(room)
        elif isinstance(kind, str) and kind in self._kinds:
            self._kinds[kind](envelope)

    def _fan_out(self, room: str, peers: list[Peer], frame: Frame, message_id: int | None) -> None:
        """One frame to a room's sockets here: what the issue's latency figure is made of,
        so its duration is a metric."""
        started = time.perf_counter()
        for peer in peers:
            peer.deliver(room, frame, message_id)
        self.metrics.fan_out.observe(time.perf_counter() - started)

    def _presence_changed(self, room: str, origin: str, online: list[int]) -> None:
        rooms = self._presence[room]
        before = self.online(room)
        if online:
            rooms[origin] = frozenset(online)
        else:
            rooms.pop(origin, None)
            if not rooms:
                del self._presence[room]
        if self.online(room) != before and room not in self._showing:
            self._showing.add(room)
            asyncio.get_running_loop().call_later(PRESENCE_DELAY, self._show_presence, room)

    def _show_presence(self, room: str) -> None:
        self._showing.discard(room)
        if self.rooms.get(room):
            frame = Frame.of({"type": "presence", **room_fields(room), "online": self.online(room)})
            self._fan_out(room, list(self.rooms[room]), frame, None)

    def _lost(self) -> None:
        """The link to the other processes went: messages are delivered here only, and
        the ids a socket gets are no longer all there were (another process's 11 is
        missing where this one's own 12 arrived). Remember where that began: the newest
        id seen a publish timeout and more before the loss was noticed, since the
        message whose publish failed (and any in flight) was delivered here already but
        never crossed. Unknown (None) if no message went by before that."""
        if self._outage_floor is not None:
            return
        settled = time.monotonic() - FLOOR_LAG_SECONDS
        before = [message_id for when, message_id in self._seen_ids if when <= settled]
        if before:
            self._outage_floor = before[-1]
        elif self._seen_ids:
            self._outage_floor = self._seen_ids[0][1] - 1

    def _recovered(self) -> None:
        """The link to the other processes is back: announce presence again, replay to
        every subscriber from before the outage, and ask the other processes to do the
        same: what this one persisted meanwhile never reached them, and their sockets'
        newest ids may be past it (a trial lost messages so, both ways). A replay from
        before the outage sends again what a socket already had: clients drop messages
        whose id they hold, as for any replay."""
        since, self._outage_floor = self._outage_floor, None
        if since is not None:
            self.spawn(self.publish({"k": "resync", "origin": self.origin, "since": since}))
        for room in list(self.rooms):
            self._presence.get(room, {}).pop(self.origin, None)
            self._announce_presence(room)
        self._replay_everything(since)

    def _replay_everything(self, since: int | None) -> None:
        """Every subscription replays from `since` (None: from its own newest id), once
        access is checked again where chat asks for it: a removal or a ban announced
        during the outage never reached this process."""
        for room in list(self.rooms):
            for peer in list(self.rooms.get(room, ())):
                subscription = peer.rooms.get(room)
                if subscription is None:
                    continue
                start = subscription.last_id if since is None else min(subscription.last_id, since)
                if self.recheck_before_replay is not None or (
                    subscription.holds and not subscription.replaying
                ):
                    # The check (or the one under way) replays once access is kept.
                    subscription.replay_wanted = True
                    subscription.replay_since = min(subscription.replay_since, start)
                    if self.recheck_before_replay is not None:
                        self.recheck_before_replay(peer, room, subscription)
                else:
                    self.spawn(self.replay(peer, room, start))

    async def wait_idle(self) -> None:
        """Tests and shutdown: let spawned publishes finish."""
        with contextlib.suppress(Exception):
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
