"""What people are notified of, how each is worded, and where each goes by default."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from crewup.core.marks import N_


class Kind(enum.StrEnum):
    join_request = "join_request"
    join_answer = "join_answer"
    invite = "invite"
    new_post = "new_post"
    reply = "reply"
    promoted = "promoted"
    event_cancelled = "event_cancelled"
    event_changed = "event_changed"
    event_reminder = "event_reminder"
    chat_message = "chat_message"
    report_outcome = "report_outcome"
    warning = "warning"
    safety_alert = "safety_alert"


@dataclass(frozen=True)
class Channels:
    in_app: bool
    email: bool
    push: bool


# Timely and personal things reach people everywhere; chatter stays in the app.
DEFAULTS: dict[Kind, Channels] = {
    Kind.join_request: Channels(True, True, False),
    Kind.join_answer: Channels(True, True, True),
    Kind.invite: Channels(True, True, True),
    Kind.new_post: Channels(True, False, False),
    Kind.reply: Channels(True, False, True),
    Kind.promoted: Channels(True, True, True),
    Kind.event_cancelled: Channels(True, True, True),
    Kind.event_changed: Channels(True, True, True),
    Kind.event_reminder: Channels(True, True, True),
    Kind.chat_message: Channels(True, False, True),
    Kind.report_outcome: Channels(True, False, False),
    Kind.warning: Channels(True, True, False),
    # People expect to hear of an emergency wherever they are.
    Kind.safety_alert: Channels(True, True, True),
}

# What each kind is called on the settings page; pages say it in their language.
LABELS: dict[Kind, str] = {
    Kind.join_request: N_("Someone asks to join a group I manage"),
    Kind.join_answer: N_("My request to join a group is answered"),
    Kind.invite: N_("I am invited to a group"),
    Kind.new_post: N_("A new post in one of my groups"),
    Kind.reply: N_("A comment on my post, or after mine"),
    Kind.promoted: N_("I move up from a waitlist and have a seat"),
    Kind.event_cancelled: N_("An event I RSVPed to is cancelled"),
    Kind.event_changed: N_("An event I RSVPed to changes its time or place"),
    Kind.event_reminder: N_("A reminder before an event I'm going to"),
    Kind.chat_message: N_("Chat messages I missed (at most one an hour per room)"),
    Kind.report_outcome: N_("A report I made has been handled"),
    Kind.warning: N_("A moderator warns me about something of mine"),
    Kind.safety_alert: N_("A safety alert reaches me, or one I received is resolved"),
}


def _s(data: dict[str, Any], key: str, fallback: str = "someone") -> str:
    value = data.get(key)
    return str(value) if value else fallback


def wording(kind: str, data: dict[str, Any]) -> str:
    """One plain sentence; names are data, escaped wherever they are shown."""
    group, event, actor = (
        _s(data, "group", "a group"),
        _s(data, "event", "an event"),
        _s(data, "actor"),
    )
    match kind:
        case Kind.join_request:
            return f"{actor} asks to join {group}"
        case Kind.join_answer:
            verb = "approved" if data.get("approved") else "declined"
            return f"Your request to join {group} was {verb}"
        case Kind.invite:
            return f"{actor} invited you to {group}"
        case Kind.new_post:
            return f"{actor} posted \u201c{_s(data, 'title', 'something')}\u201d in {group}"
        case Kind.reply:
            return f"{actor} commented on \u201c{_s(data, 'title', 'a post')}\u201d"
        case Kind.promoted:
            return f"A seat opened up: you're going to {event}"
        case Kind.event_cancelled:
            return f"{event} is cancelled: {_s(data, 'reason', 'no reason given')}"
        case Kind.event_changed:
            return f"{event} has a new time or place"
        case Kind.event_reminder:
            return f"{event} starts in {_s(data, 'lead_time', 'a while')}"
        case Kind.chat_message:
            return f"New messages in the chat of {_s(data, 'room', 'a room')}"
        case Kind.report_outcome:
            return f"Your report about a {_s(data, 'target', 'thing')} was {_s(data, 'outcome')}"
        case Kind.warning:
            about = f"your {_s(data, 'target', 'content')} \u201c{_s(data, 'excerpt', '')}\u201d"
            note = data.get("note")
            return f"A moderator warned you about {about}" + (f": {note}" if note else "")
        case Kind.safety_alert if data.get("resolved"):
            note = _s(data, "note", "")
            return f"The alert from {_s(data, 'author')} is resolved" + (
                f": {note}" if note else ""
            )
        case Kind.safety_alert:
            severity = _s(data, "severity", "safety").capitalize()
            return f"{severity} alert from {actor}: {_s(data, 'message', '')}"
    return "Something happened on CrewUp"
