"""A stateful property test of seats: random batches of concurrent operations from many
people, through the real HTTP API, with every seat invariant checked after each batch.

One group (public or private) with two events of small capacity; each batch fires 3 to
14 operations at once: RSVP going or interested (first or changed), withdraw, capacity
raised or lowered, the event edited or cancelled, a member leaving, removed or coming
back, the group made private or public, an account deleted. After every batch, for each
event, as the owner sees it:

- no more people listed `going` than the capacity;
- the counters equal the lists;
- no free seat while someone waits (for events still on);
- waitlist positions are 1..n, in arrival order (batch by batch);
- nobody listed twice; no deleted account and, in a private group, no outsider listed
  at an upcoming event;
- and no answer was a 5xx.

`make test` runs a short version on both engines; `bench/bench_seat_machine.py` a long one.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

PASSWORD = "correct horse battery"
KINDS = (
    # RSVPs are what people mostly do; the rest is rarer, as in life.
    ["going"] * 6
    + ["interested"] * 3
    + ["withdraw"] * 3
    + ["capacity"] * 2
    + ["leave", "join", "remove", "visibility", "delete", "edit"]
    + ["cancel"]
)
Op = tuple[str, int, int]  # (kind, person index or number, event index)


def _at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")


def ops(people: int) -> st.SearchStrategy[list[Op]]:
    one = st.tuples(st.sampled_from(KINDS), st.integers(0, max(people - 1, 0)), st.integers(0, 1))
    return st.lists(one, min_size=3, max_size=14)


class SeatMachine(RuleBasedStateMachine):
    base_url = ""  # set by seat_machine()
    # Concurrency makes a failure unrepeatable, so hypothesis cannot replay or shrink it:
    # each broken example records what it saw and the batches that led there instead.
    problems: list[str] = []

    def __init__(self) -> None:
        super().__init__()
        self.broken = False
        self.history: list[str] = []
        self.loop = asyncio.new_event_loop()
        self.http: aiohttp.ClientSession = self.loop.run_until_complete(self._session())
        self.batch = 0
        self.deleted: set[int] = set()
        self.people: list[dict[str, Any]] = []
        self.events: list[int] = []
        self.waitlisted_since: dict[tuple[int, int], int] = {}
        self.unvouched: set[tuple[int, int]] = set()
        self.failures: list[str] = []

    async def _session(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(self.base_url)

    def teardown(self) -> None:
        self.loop.run_until_complete(self.http.close())
        self.loop.close()

    # -- HTTP -------------------------------------------------------------------------

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def call(
        self, method: str, path: str, who: dict[str, Any] | None = None, body: Any = None
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {who['token']}"} if who else {}
        async with self.http.request(method, path, json=body, headers=headers) as resp:
            text = await resp.text()
            if resp.status >= 500:
                self.failures.append(f"{method} {path} -> {resp.status}: {text[:300]}")
            try:
                data = await resp.json(content_type=None) if text else None
            except ValueError:
                data = text
            return resp.status, data

    async def register(self, name: str) -> dict[str, Any]:
        email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.com"
        status, body = await self.call(
            "POST",
            "/api/v1/auth/register",
            body={"email": email, "password": PASSWORD, "display_name": name},
        )
        assert status == 201, (status, body)
        return {"id": body["user"]["id"], "token": body["access_token"], "name": name}

    # -- the world --------------------------------------------------------------------

    @initialize(
        people=st.integers(6, 12),
        capacities=st.tuples(st.integers(1, 4), st.integers(1, 4)),
        private=st.booleans(),
    )
    def world(self, people: int, capacities: tuple[int, int], private: bool) -> None:
        self.run(self._world(people, capacities, private))

    async def _world(self, people: int, capacities: tuple[int, int], private: bool) -> None:
        self.owner = await self.register("Owner")
        status, group = await self.call(
            "POST",
            "/api/v1/groups",
            self.owner,
            {
                "name": "Seat storm",
                "category": "sports",
                "visibility": "private" if private else "public",
            },
        )
        assert status == 201, group
        self.group = group["id"]
        self.people = list(await asyncio.gather(*(self.register(f"P{i}") for i in range(people))))
        for person in self.people:
            await self._rejoin(person)
        for capacity in capacities:
            status, event = await self.call(
                "POST",
                "/api/v1/events",
                self.owner,
                {
                    "group_id": self.group,
                    "title": "Small room",
                    "location_name": "Hall",
                    "lat": 52.5,
                    "lon": 13.4,
                    "starts_at": _at(24),
                    "ends_at": _at(27),
                    "capacity": capacity,
                },
            )
            assert status == 201, event
            self.events.append(event["id"])

    async def _rejoin(self, person: dict[str, Any]) -> None:
        """Invited, then joining: works for public and private groups alike."""
        await self.call(
            "POST", f"/api/v1/groups/{self.group}/invites", self.owner, {"user_id": person["id"]}
        )
        await self.call("POST", f"/api/v1/groups/{self.group}/join", person)

    # -- one batch of concurrent operations --------------------------------------------

    async def _do(self, op: Op) -> None:
        kind, n, e = op
        person = self.people[n % len(self.people)]
        event = self.events[e]
        group = f"/api/v1/groups/{self.group}"
        if kind in ("going", "interested"):
            await self.call("POST", f"/api/v1/events/{event}/rsvp", person, {"status": kind})
        elif kind == "withdraw":
            await self.call("DELETE", f"/api/v1/events/{event}/rsvp", person)
        elif kind == "capacity":
            await self.call("PATCH", f"/api/v1/events/{event}", self.owner, {"capacity": 1 + n})
        elif kind == "edit":
            body = {"title": f"Small room {n}", "description": f"edit {self.batch}"}
            await self.call("PATCH", f"/api/v1/events/{event}", self.owner, body)
        elif kind == "cancel":
            await self.call(
                "POST", f"/api/v1/events/{event}/cancel", self.owner, {"reason": "storm"}
            )
        elif kind == "leave":
            await self.call("POST", f"{group}/leave", person)
        elif kind == "remove":
            await self.call("DELETE", f"{group}/members/{person['id']}", self.owner)
        elif kind == "join":
            await self._rejoin(person)
        elif kind == "visibility":
            visibility = "private" if n % 2 else "public"
            await self.call("PATCH", group, self.owner, {"visibility": visibility})
        elif kind == "delete":
            status, _ = await self.call("DELETE", "/api/v1/users/me", person)
            if status == 204:
                self.deleted.add(person["id"])

    def _forget_places_reset_by(self, drawn: list[Op]) -> None:
        """Whoever withdrew, switched, left or was removed in this batch may have left the
        line and come back at its tail, or kept their place (a refused switch, a public
        group's leaver): either is right, so their arrival is no longer vouched for
        while they stay in line."""
        for kind, n, e in drawn:
            person = self.people[n % len(self.people)]["id"]
            if kind in ("withdraw", "interested", "going"):
                self.unvouched.add((self.events[e], person))
            elif kind in ("leave", "remove", "join", "delete"):
                self.unvouched |= {(event_id, person) for event_id in self.events}

    def _record(self, problem: str) -> None:
        self.broken = True
        story = "\n".join(self.history)
        self.problems.append(f"{problem}\n-- what happened, batch by batch --\n{story}")

    @rule(batch=st.data())
    def concurrent_batch(self, batch: st.DataObject) -> None:
        drawn = batch.draw(ops(len(self.people)), label="operations")
        if self.broken:
            return
        self.batch += 1
        self.history.append(f"batch {self.batch}: {drawn}")
        self._forget_places_reset_by(drawn)

        async def fire() -> None:
            await asyncio.gather(*(self._do(op) for op in drawn))

        self.run(fire())
        if self.failures:
            self._record("5xx answers:\n" + "\n".join(self.failures))

    # -- what must hold after every batch ----------------------------------------------

    async def _all(self, event: int, status: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        cursor = None
        while True:
            query = f"?status={status}&limit=500" + (f"&cursor={cursor}" if cursor else "")
            code, body = await self.call(
                "GET", f"/api/v1/events/{event}/participants{query}", self.owner
            )
            assert code == 200, body
            found += body[status]["items"]
            cursor = body[status]["next_cursor"]
            if not cursor:
                return found

    async def _members(self) -> set[int]:
        members: set[int] = set()
        cursor = None
        while True:
            query = "?limit=100" + (f"&cursor={cursor}" if cursor else "")
            code, body = await self.call(
                "GET", f"/api/v1/groups/{self.group}/members{query}", self.owner
            )
            assert code == 200, body
            members |= {m["user_id"] for m in body["items"]}
            cursor = body["next_cursor"]
            if not cursor:
                return members

    @invariant()
    def seats_are_exact(self) -> None:
        if not self.events or self.broken:
            return
        try:
            self.run(self._check())
        except AssertionError as exc:
            self._record(str(exc))

    async def _check(self) -> None:
        code, group = await self.call("GET", f"/api/v1/groups/{self.group}", self.owner)
        assert code == 200, group
        members = await self._members() if group["visibility"] == "private" else None
        for event_id in self.events:
            code, event = await self.call("GET", f"/api/v1/events/{event_id}", self.owner)
            assert code == 200, event
            going = await self._all(event_id, "going")
            waiting = await self._all(event_id, "waitlisted")
            interested = await self._all(event_id, "interested")
            where = f"event {event_id} after batch {self.batch}: {event}"
            capacity = event["capacity"]
            assert capacity is None or len(going) <= capacity, f"overbooked, {where}"
            assert event["going_count"] == len(going), f"going_count drifted, {where}"
            assert event["waitlist_count"] == len(waiting), f"waitlist_count drifted, {where}"
            assert event["interested_count"] == len(interested), f"interested drifted, {where}"
            if event["status"] == "scheduled" and (capacity is None or len(going) < capacity):
                assert not waiting, f"a free seat while {len(waiting)} wait, {where}"
            positions = [p["waitlist_position"] for p in waiting]
            assert positions == list(range(1, len(waiting) + 1)), f"gaps {positions}, {where}"
            everyone = [p["user_id"] for p in going + waiting + interested]
            assert len(everyone) == len(set(everyone)), f"someone listed twice, {where}"
            ghosts = self.deleted & set(everyone)
            assert not ghosts, f"deleted accounts {ghosts} still listed, {where}"
            if members is not None and event["status"] == "scheduled":
                outsiders = set(everyone) - members
                assert not outsiders, f"outsiders {outsiders} in a private group, {where}"
            self._check_arrival_order(event_id, waiting, where)

    def _check_arrival_order(
        self, event_id: int, waiting: list[dict[str, Any]], where: str
    ) -> None:
        """Whoever was seen waiting in an earlier batch stays ahead of later arrivals
        (among the people whose arrival the machine can vouch for)."""
        now_waiting = {p["user_id"] for p in waiting}
        for key in [k for k in self.waitlisted_since if k[0] == event_id]:
            if key[1] not in now_waiting:
                del self.waitlisted_since[key]
        self.unvouched = {k for k in self.unvouched if k[0] != event_id or k[1] in now_waiting}
        since = []
        for p in waiting:
            key = (event_id, p["user_id"])
            if key in self.unvouched:
                continue
            if key not in self.waitlisted_since:
                self.waitlisted_since[key] = self.batch
            since.append(self.waitlisted_since[key])
        assert since == sorted(since), f"waitlist out of arrival order {since}, {where}"


def seat_machine(base_url: str, problems: list[str]) -> type[SeatMachine]:
    return type("SeatMachineAt", (SeatMachine,), {"base_url": base_url, "problems": problems})


def run_seat_machine(base_url: str, *, examples: int, steps: int) -> int:
    """Run `examples` random worlds of up to `steps` batches; AssertionError with the first
    problem found and its history. Answers how many batches ran."""
    problems: list[str] = []
    machine = seat_machine(base_url, problems)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        ),
    )
    assert not problems, f"{len(problems)} broken worlds; the first:\n{problems[0]}"
    return examples * steps
