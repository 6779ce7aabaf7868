"""What people are notified of, how each is worded, and where each goes by default."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from crewup.core.i18n import gettext, ngettext
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


# What a report or a warning was about, with its article ("a post", "un message").
_TARGETS: dict[str, str] = {
    "user": N_("an account"),
    "group": N_("a group"),
    "event": N_("an event"),
    "post": N_("a post"),
    "comment": N_("a comment"),
    "message": N_("a chat message"),
    "rating": N_("a rating"),
}
# The same, as "your ..." in a warning.
_YOURS: dict[str, str] = {
    "user": N_("your profile"),
    "group": N_("your group"),
    "event": N_("your event"),
    "post": N_("your post"),
    "comment": N_("your comment"),
    "message": N_("your chat message"),
    "rating": N_("your rating"),
}
# Reminder lead times as the reminders job stores them.
_LEAD_TIMES = {"1 hour": N_("1 hour"), "24 hours": N_("24 hours")}


def _s(data: dict[str, Any], key: str, fallback: str = "") -> str:
    """A value of the notification's data (a name: never translated), else the fallback
    in the reader's language."""
    value = data.get(key)
    return str(value) if value else gettext(fallback) if fallback else ""


def _with_note(text: str, note: str) -> str:
    return gettext("%(text)s: %(note)s") % {"text": text, "note": note} if note else text


def wording(kind: str, data: dict[str, Any]) -> str:
    """One plain sentence in the running language (crewup.core.i18n): the notifications
    page's reader, the API caller's `Accept-Language`, a mail's recipient. Names are
    data, escaped wherever they are shown; nothing is stored in any language."""
    words = {
        "group": _s(data, "group", N_("a group")),
        "event": _s(data, "event", N_("an event")),
        "actor": _s(data, "actor", N_("someone")),
    }
    match kind:
        case Kind.join_request:
            return gettext("%(actor)s asks to join %(group)s") % words
        case Kind.join_answer if data.get("approved"):
            return gettext("Your request to join %(group)s was approved") % words
        case Kind.join_answer if "group" in data:  # made before 0.13.0
            return gettext("Your request to join %(group)s was declined") % words
        case Kind.join_answer:
            return gettext("Your request to join a private group was declined")
        case Kind.invite:
            return gettext("%(actor)s invited you to %(group)s") % words
        case Kind.new_post:
            title = _s(data, "title", N_("something"))
            return gettext("%(actor)s posted \u201c%(title)s\u201d in %(group)s") % {
                **words,
                "title": title,
            }
        case Kind.reply:
            title = _s(data, "title", N_("a post"))
            return gettext("%(actor)s commented on \u201c%(title)s\u201d") % {
                **words,
                "title": title,
            }
        case Kind.promoted:
            return gettext("A seat opened up: you're going to %(event)s") % words
        case Kind.event_cancelled:
            reason = _s(data, "reason", N_("no reason given"))
            return gettext("%(event)s is cancelled: %(reason)s") % {**words, "reason": reason}
        case Kind.event_changed:
            return gettext("%(event)s has a new time or place") % words
        case Kind.event_reminder:
            # Reminders since 0.13.1 carry the time left.
            minutes, hours = data.get("minutes"), data.get("hours")
            if type(minutes) is int and minutes > 0:
                return ngettext(
                    "%(event)s starts in %(num)s minute",
                    "%(event)s starts in %(num)s minutes",
                    minutes,
                ) % {**words, "num": minutes}
            if type(hours) is int and hours > 0:
                return ngettext(
                    "%(event)s starts in %(num)s hour", "%(event)s starts in %(num)s hours", hours
                ) % {**words, "num": hours}
            lead = str(data.get("lead_time") or "")
            lead = gettext(_LEAD_TIMES[lead]) if lead in _LEAD_TIMES else lead
            return gettext("%(event)s starts in %(lead_time)s") % {
                **words,
                "lead_time": lead or gettext("a while"),
            }
        case Kind.chat_message:
            room = _s(data, "room", N_("a room"))
            return gettext("New messages in the chat of %(room)s") % {"room": room}
        case Kind.report_outcome:
            target = _TARGETS.get(str(data.get("target")), N_("something"))
            return gettext("Your report about %(target)s was %(outcome)s") % {
                "target": gettext(target),
                "outcome": gettext(_s(data, "outcome", N_("handled"))),
            }
        case Kind.warning:
            yours = _YOURS.get(str(data.get("target")), N_("your content"))
            text = gettext("A moderator warned you about %(yours)s \u201c%(excerpt)s\u201d") % {
                "yours": gettext(yours),
                "excerpt": _s(data, "excerpt"),
            }
            return _with_note(text, _s(data, "note"))
        case Kind.safety_alert if data.get("resolved"):
            text = gettext("The alert from %(author)s is resolved") % {
                "author": _s(data, "author", N_("someone"))
            }
            return _with_note(text, _s(data, "note"))
        case Kind.safety_alert:
            severity = str(data.get("severity") or "")
            template = _ALERTS.get(severity, _ALERTS[""])
            return gettext(template) % {**words, "message": _s(data, "message")}
    return gettext("Something happened on CrewUp")


# One sentence per severity: "Emergency alert from ...", "Alerte urgente de ...".
_ALERTS = {
    "info": N_("Info alert from %(actor)s: %(message)s"),
    "warning": N_("Warning alert from %(actor)s: %(message)s"),
    "emergency": N_("Emergency alert from %(actor)s: %(message)s"),
    "": N_("Safety alert from %(actor)s: %(message)s"),
}
