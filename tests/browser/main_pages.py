"""Every main page of CrewUp, and who looks at it: the list the accessibility check, the
phone layout check and `make screens` (bench/screens.py) all walk.

A world is a few things made over the public API (a group with a member, an event, a
post, a safety alert, an invitation, a report); `main_pages` turns their ids into paths.
The browser tests build theirs with `build_world`; `make screens` finds its own in the
demo seed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from crewup.core.settings import Settings
from tests.browser import people
from tests.browser.people import Person
from tests.support.cli import admin_cli
from tests.support.databases import run_in_thread

VISITOR, MEMBER, OWNER, MODERATOR = "visitor", "member", "owner", "moderator"


@dataclass(frozen=True)
class World:
    people: dict[str, Person]  # by role: member, owner, moderator
    group_id: int  # the owner's group, with the member in it
    event_id: int
    post_id: int
    alert_id: int  # raised by the member, so the owner sees the safety banner
    search: str  # words that find the group


@dataclass(frozen=True)
class MainPage:
    name: str  # also the screenshot's file name
    path: str
    viewer: str  # VISITOR, MEMBER, OWNER or MODERATOR


def main_pages(world: World) -> list[MainPage]:
    g, e, p = world.group_id, world.event_id, world.post_id
    return [
        MainPage("home-visitor", "/", VISITOR),
        MainPage("login", "/login", VISITOR),
        MainPage("register", "/register", VISITOR),
        MainPage("home", "/", MEMBER),
        MainPage("groups", "/groups", MEMBER),
        MainPage("group-as-member", f"/groups/{g}", MEMBER),
        MainPage("group-as-admin", f"/groups/{g}", OWNER),
        MainPage("group-new", "/groups/new", MEMBER),
        MainPage("group-edit", f"/groups/{g}/edit", OWNER),
        MainPage("group-invite", f"/groups/{g}/invite", OWNER),
        MainPage("group-requests", f"/groups/{g}/requests", OWNER),
        MainPage("events", "/events", MEMBER),
        MainPage("event", f"/events/{e}", MEMBER),
        MainPage("event-new", f"/groups/{g}/events/new", OWNER),
        MainPage("event-edit", f"/events/{e}/edit", OWNER),
        MainPage("post", f"/posts/{p}", MEMBER),
        MainPage("post-new", f"/groups/{g}/posts/new", MEMBER),
        MainPage("profile", "/profile", MEMBER),
        MainPage("account", "/account", MEMBER),
        MainPage("notifications", "/notifications", OWNER),
        MainPage("notification-settings", "/settings/notifications", MEMBER),
        MainPage("invites", "/invites", MEMBER),
        MainPage("search", "/search?q=" + quote(world.search), MEMBER),
        MainPage("moderation", "/moderation", MODERATOR),
        MainPage("safety-alert", f"/safety/alerts/{world.alert_id}", MEMBER),
        MainPage("safety-banner", "/groups", OWNER),
        MainPage("not-found", "/no/such/page", MEMBER),
    ]


def build_world(base: str, settings: Settings) -> World:
    """A small world on a fresh installation; `settings` reach its database for the one
    step the API cannot take (making a moderator, as an operator would)."""
    owner = people.person(base, "Olga Owner")
    member = people.person(base, "Mia Member")
    moderator = people.person(base, "Moe Moderator")
    crew = people.group(base, owner, description="We climb indoors on weeknights.")
    people.join(base, member, crew["id"])
    gathering = people.event(base, owner, crew["id"], description="Shoes can be rented.")
    talk = people.post(base, owner, crew["id"], body="Say hello below.")
    people.comment(base, member, talk["id"], "Hello from Mia!")
    people.comment(base, owner, talk["id"], "Welcome, Mia.")
    alert = people.call(
        base,
        "POST",
        "/api/v1/safety/alerts",
        {"message": "Fell at the crag", "severity": "warning", "lat": 52.52, "lon": 13.405},
        member.token,
    )
    hikers = people.group(base, owner, name="Night Hikers", visibility="private")
    people.call(
        base,
        "POST",
        f"/api/v1/groups/{hikers['id']}/invites",
        {"user_id": user_id(base, member)},
        owner.token,
    )
    people.call(
        base,
        "POST",
        "/api/v1/reports",
        {"target_type": "post", "target_id": talk["id"], "reason": "spam"},
        member.token,
    )
    promoted = run_in_thread(
        admin_cli(
            settings, "users", "promote", str(user_id(base, moderator)), "--role", "moderator"
        )
    )
    assert promoted.exit_code == 0, promoted.output
    return World(
        {MEMBER: member, OWNER: owner, MODERATOR: moderator},
        crew["id"],
        gathering["id"],
        talk["id"],
        alert["id"],
        "Crag",
    )


def user_id(base: str, someone: Person) -> int:
    me: dict[str, Any] = people.call(base, "GET", "/api/v1/users/me", None, someone.token)
    return int(me["id"])
